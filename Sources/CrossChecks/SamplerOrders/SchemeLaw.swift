import DiffusionModels
import Foundation
import ParallelLoops
import ParticleSampling
import Scores

/// The exact law of a stochastic reverse scheme in 1-D, propagated on a grid instead of sampled: its distance to the
/// target then has no sampling error at all (W1 and W2 too), for every step count.
///
/// Each of Euler–Maruyama, the exponential integrator and the DDPM bridge moves a point x at t to a Gaussian
/// N(mu(x), sigma^2) at t' (sigma independent of x), so the scheme's density obeys
/// rho'(y) = int rho(x) N(y; mu(x), sigma^2) dx exactly. With
/// - Euler–Maruyama (reverse SDE, score form): mu = x + h (−f(t) x + g(t)^2 s(x, t)), sigma^2 = g(t)^2 h;
/// - exponential: mu = x / m(t', t) + W(t', t) s(x, t), sigma^2 = v(t', t) / m(t', t)^2;
/// - DDPM: mu = a x0hat(x, t) + b x, sigma^2 = btilde (`DDPMCoefficients`),
/// the integral is the trapezoid rule on `nodeCount` equally spaced nodes over a window the caller gives (the study:
/// [Q(1e-9) − 2, Q(1 − 1e-9) + 2] of the wider of the start and target laws), the kernel cut at 10 sigma. The rule's
/// error for a Gaussian kernel of width sigma on nodes of spacing dx is of order exp(−2 pi^2 sigma^2 / dx^2) (the
/// aliasing of a smooth integrand), below 1e-17 once sigma >= 1.4 dx (`resolutionFloor`; the result reports its
/// smallest sigma / dx, and the study keeps only results above the floor).
/// Mass leaving the window is lost and reported (`lostMass`).
///
/// Cost: K steps × nodes × (nodes within 10 sigma) kernel evaluations, and one score evaluation a node a step.
public struct SchemeLaw: Sendable {
    public var sampler: ReverseSampler
    public var process: LinearSDE
    public var score: any ScoreProvider
    public var timeGrid: TimeGrid
    public var nodeCount: Int
    /// Workers for the kernel sums (the result does not depend on it: fixed blocks of sources, summed in order).
    public var threads: Int

    /// The largest mass a result may have lost through the window's ends: it moves F by at most that much, so C^2
    /// by at most 2 (lost) W1 + (lost)^2 L (L the window's length), below 1e-3 of C^2 at every step count here.
    public static let lostMassLimit = 1e-6

    /// The smallest sigma / dx a result is trusted at (the trapezoid rule's aliasing exp(−2 pi^2 1.4^2) = 1e-17).
    public static let resolutionFloor = 1.4

    /// The samplers a scheme law exists for: the Gaussian-transition ones (the corrector's step depends on the
    /// block's draws; the deterministic samplers transport quantiles instead).
    public static func supports(_ sampler: ReverseSampler) -> Bool {
        sampler == .eulerMaruyama || sampler == .exponential || sampler == .ddpm
    }

    public init(
        sampler: ReverseSampler, process: LinearSDE, score: any ScoreProvider, timeGrid: TimeGrid,
        nodeCount: Int = 4000, threads: Int = 1
    ) {
        precondition(Self.supports(sampler), "SchemeLaw: euler-maruyama, exponential or ddpm")
        self.sampler = sampler
        self.process = process
        self.score = score
        self.timeGrid = timeGrid
        self.nodeCount = nodeCount
        self.threads = threads
    }

    /// The scheme's law at the grid's last time: its nodes, density, distribution function, and the mass that left
    /// the window.
    public struct Result: Sendable {
        public let nodes: [Double]
        public let density: [Double]
        public let cumulative: [Double]
        public let lostMass: Double
        /// The smallest sigma / dx over the steps (the rule's accuracy; see `SchemeLaw`).
        public let resolution: Double
    }

    /// rho'(y_j) = sum_i dx rho(x_i) N(y_j; mu_i, sigma^2) over targets within 10 sigma of mu_i. The Gaussian's values
    /// along the nodes come from the recurrence e_(j+1) = e_j r_j, r_(j+1) = r_j q with q = exp(−dx^2 / sigma^2)
    /// (two products a node; relative round-off about the run length × eps, 1e-12 at most here). Sources in fixed
    /// blocks of 256, each block into its own row of `scratch` (blocks × nodes, the caller's, reused every step), the
    /// rows summed in block order into `updated`: the same bits for any `threads`.
    static func convolve(
        _ density: [Double], means: [Double], spread: Double, window: Double, spacing: Double, threads: Int,
        into updated: inout [Double], scratch: inout [Double], lost: inout Double
    ) {
        let count = density.count
        let blocks = ParallelBlocks(count: count, blockSize: Self.sourceBlockSize, threads: threads)
        precondition(scratch.count >= blocks.blockCount * count, "SchemeLaw.convolve: scratch too small")
        let step = spacing / spread
        let ratioStep = Foundation.exp(-step * step)
        let normalization = spacing / (spread * (2 * Double.pi).squareRoot())
        let reach = Int((10 / step).rounded(.up))
        var escaped = [Double](repeating: 0, count: blocks.blockCount)
        scratch.withUnsafeMutableBufferPointer { scratchPointer in
            escaped.withUnsafeMutableBufferPointer { escapedPointer in
                let (sharedScratch, sharedEscaped) = (
                    SharedMutablePointer(base: scratchPointer.baseAddress!),
                    SharedMutablePointer(base: escapedPointer.baseAddress!)
                )
                blocks.forEach { block, range in
                    let base = block * count // this block's own row of the scratch
                    for target in 0..<count { sharedScratch[base + target] = 0 }
                    var outside = 0.0
                    for source in range where density[source] > 0 {
                        let mass = density[source] * normalization
                        let position = (means[source] - window) / spacing
                        let nearest = Int(position.rounded())
                        guard nearest + reach >= 0 && nearest - reach < count else {
                            outside += density[source] * spacing
                            continue
                        }
                        // Upward from the nearest node, then downward from the one below it.
                        let offset = Double(nearest) - position // in units of dx, |offset| <= 1/2
                        var value = Foundation.exp(-0.5 * offset * offset * step * step)
                        var ratio = Foundation.exp(-(offset * step * step + 0.5 * step * step))
                        var target = nearest
                        while target <= min(count - 1, nearest + reach) {
                            if target >= 0 { sharedScratch[base + target] += mass * value }
                            value *= ratio
                            ratio *= ratioStep
                            target += 1
                        }
                        value = Foundation.exp(-0.5 * (offset - 1) * (offset - 1) * step * step)
                        ratio = Foundation.exp((offset - 1) * step * step - 0.5 * step * step)
                        target = nearest - 1
                        while target >= max(0, nearest - reach) {
                            if target < count { sharedScratch[base + target] += mass * value }
                            value *= ratio
                            ratio *= ratioStep
                            target -= 1
                        }
                    }
                    sharedEscaped[block] = outside
                }
            }
        }
        for index in 0..<count { updated[index] = 0 }
        for block in 0..<blocks.blockCount {
            let base = block * count
            for index in 0..<count { updated[index] += scratch[base + index] }
        }
        lost += escaped.reduce(0, +)
    }

    /// Sources per block of `convolve` (fixed, so the sums' order does not depend on the thread count).
    static let sourceBlockSize = 256

    /// Propagates `start` (the exact law at the first time); `window` fixes the nodes' span.
    public func propagate(from start: GaussianMixture, window: ClosedRange<Double>) -> Result {
        let spacing = (window.upperBound - window.lowerBound) / Double(nodeCount - 1)
        let nodes = (0..<nodeCount).map { window.lowerBound + spacing * Double($0) }
        var density = nodes.map { start.density(at: [$0]) }
        let times = timeGrid.times
        let ddpm = sampler == .ddpm ? DDPMCoefficients(model: score.model, timeGrid: timeGrid) : nil
        var means = [Double](repeating: 0, count: nodeCount)
        // The kernel sums' buffers, allocated once for all steps.
        var updated = [Double](repeating: 0, count: nodeCount)
        let blockCount = (nodeCount + Self.sourceBlockSize - 1) / Self.sourceBlockSize
        var scratch = [Double](repeating: 0, count: blockCount * nodeCount)
        var resolution = Double.infinity
        var lost = 0.0
        for step in 0..<(times.count - 1) {
            let (now, next) = (times[step], times[step + 1])
            let width = now - next
            let spread: Double
            nodes.withUnsafeBufferPointer { points in
                means.withUnsafeMutableBufferPointer { output in
                    if sampler == .ddpm {
                        score.posteriorMean(at: points, time: now, into: output)
                    } else {
                        score.score(at: points, time: now, into: output)
                    }
                }
            }
            switch sampler {
            case .eulerMaruyama:
                let (rate, noise) = (process.driftRate(at: now), process.diffusionScale(at: now))
                for index in 0..<nodeCount {
                    means[index] = nodes[index] + width * (-rate * nodes[index] + noise * noise * means[index])
                }
                spread = noise * width.squareRoot()
            case .exponential:
                let scale = process.meanScale(from: next, to: now)
                let weight = process.frozenScoreWeight(from: next, to: now)
                for index in 0..<nodeCount { means[index] = nodes[index] / scale + weight * means[index] }
                spread = process.variance(from: next, to: now).squareRoot() / scale
            default:
                let (data, point) = (ddpm!.dataWeights[step], ddpm!.pointWeights[step])
                for index in 0..<nodeCount { means[index] = data * means[index] + point * nodes[index] }
                spread = ddpm!.noiseScales[step]
            }
            resolution = min(resolution, spread / spacing)
            Self.convolve(
                density, means: means, spread: spread, window: window.lowerBound, spacing: spacing,
                threads: threads, into: &updated, scratch: &scratch, lost: &lost)
            swap(&density, &updated)
        }
        // Trapezoid cumulative: F(x_j) = sum of the trapezoids up to x_j.
        var cumulative = [Double](repeating: 0, count: nodeCount)
        for index in 1..<nodeCount {
            cumulative[index] = cumulative[index - 1] + 0.5 * spacing * (density[index - 1] + density[index])
        }
        let total = cumulative[nodeCount - 1]
        return Result(
            nodes: nodes, density: density, cumulative: cumulative, lostMass: max(lost, 1 - total),
            resolution: resolution)
    }
}

/// The target law's side of `SchemeLaw.Result.distances`: F at the nodes and the quantiles Q((i + 1/2) / 4000),
/// computed once for every scheme law on the same nodes (a study's runs share them).
public struct SchemeLawTarget: Sendable {
    public static let levelCount = 4000
    public let cumulative: [Double]
    public let quantiles: [Double]

    public init(law: GaussianMixture, nodes: [Double]) {
        cumulative = nodes.map(law.cumulativeProbability)
        quantiles = (0..<Self.levelCount).map { law.quantile((Double($0) + 0.5) / Double(Self.levelCount)) }
    }
}

extension SchemeLaw.Result {
    /// C^2 = int (F_K − F)^2, W1 = int |F_K − F| against `law` (trapezoid on the nodes), and
    /// W2 = (int_0^1 (Q_K(u) − Q(u))^2 du)^(1/2) by the midpoint rule on 4000 levels, Q_K by linear interpolation
    /// of F_K (the nodes are fine enough that the interpolation's error is below the rule's).
    public func distances(to law: GaussianMixture) -> (
        squaredCramer: Double, wasserstein1: Double, wasserstein2: Double
    ) {
        distances(to: SchemeLawTarget(law: law, nodes: nodes))
    }

    /// The same against a target prepared on these nodes.
    public func distances(to target: SchemeLawTarget) -> (
        squaredCramer: Double, wasserstein1: Double, wasserstein2: Double
    ) {
        precondition(target.cumulative.count == nodes.count, "SchemeLaw distances: the target is on other nodes")
        let spacing = nodes[1] - nodes[0]
        var (squared, first) = (0.0, 0.0)
        for index in nodes.indices {
            let gap = cumulative[index] - target.cumulative[index]
            let weight = index == 0 || index == nodes.count - 1 ? spacing / 2 : spacing
            squared += weight * gap * gap
            first += weight * abs(gap)
        }
        let levels = SchemeLawTarget.levelCount
        var second = 0.0
        var cursor = 0
        for level in 0..<levels {
            let probability = (Double(level) + 0.5) / Double(levels)
            while cursor < nodes.count - 2 && cumulative[cursor + 1] < probability { cursor += 1 }
            let (low, high) = (cumulative[cursor], cumulative[cursor + 1])
            let fraction = high > low ? min(max((probability - low) / (high - low), 0), 1) : 0
            let quantile = nodes[cursor] + fraction * spacing
            let gap = quantile - target.quantiles[level]
            second += gap * gap / Double(levels)
        }
        return (squared, first, second.squareRoot())
    }
}

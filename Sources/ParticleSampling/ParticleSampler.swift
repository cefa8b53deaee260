import DiffusionModels
import Foundation
import ParallelLoops
import RandomStreams
import Safeguards

/// The time-stepping rule for particles.
///
/// | integrator | for | update over [t, t'] (h = abs(t' - t)) | order |
/// |---|---|---|---|
/// | `eulerMaruyama` | any dynamics | x += h u(x, t) + g(t) sqrt(h) z | weak 1 |
/// | `exact` | forward linear SDE | x = m(t, t') x + sqrt(v(t, t')) z | exact in law |
/// | `heun` | probability-flow ODE | trapezoidal predictor–corrector | 2 |
/// | `rungeKutta4` | probability-flow ODE | classical RK4, midpoint at (t + t')/2 | 4 |
/// | `ddpm` | reverse SDE, linear model | x = a x0hat + b x + sqrt(btilde) z (THEORY §5) | exact for Dirac data |
/// | `ddim` | reverse, linear model | x = m(t') x0hat + sqrt(v(t')/v(t)) (x - m(t) x0hat) | exact for Dirac data |
///
/// For `ddpm`, with x0hat = <X0>(x, t): a = m(t') v(t', t) / v(t), b = m(t', t) v(t') / v(t),
/// btilde = v(t') v(t', t) / v(t) (m(t) = m(0, t), v(t) = v(0, t)); for OU, a = sinh(t - t')/sinh t,
/// b = e^... = sinh(t')/sinh(t) e^0 and btilde = 2 sinh(t') sinh(t - t')/sinh t. A last step to t' = 0 returns x0hat.
public enum ParticleIntegrator: String, Sendable, CaseIterable {
    case eulerMaruyama = "euler-maruyama"
    case exact
    case heun
    case rungeKutta4 = "rk4"
    case ddpm
    case ddim
}

/// How the particles start.
public enum InitialLaw: Sendable {
    /// Given points (flat, d per point); the particle count is their number.
    case points([Double], dimension: Int)
    /// Independent draws from a Gaussian mixture.
    case mixture(GaussianMixture)
    /// Every particle at the same point.
    case dirac([Double])

    public var dimension: Int {
        switch self {
        case .points(_, let dimension): return dimension
        case .mixture(let mixture): return mixture.dimension
        case .dirac(let point): return point.count
        }
    }
}

public struct ParticleRunResult: Sendable {
    /// Final positions, flat (d per particle).
    public var positions: [Double]
    public var dimension: Int
    public var status: RunStatus
    public var elapsedSeconds: Double
    public var particleCount: Int { positions.count / dimension }
}

/// Why a sampler configuration is refused; `description` is one sentence.
public struct SamplerError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The one particle core: runs `count` particles from an initial law through `dynamics` on `timeGrid` with
/// `integrator`, in blocks that each own a random stream (seed, block index), so the same seed gives the same
/// bits with any thread count. Each block keeps its particles in cache for all steps; per block and step the
/// cost is one velocity (or score) evaluation for RK1-type updates, two for Heun, four for RK4.
public struct ParticleSampler: Sendable {
    public var dynamics: ParticleDynamics
    public var integrator: ParticleIntegrator
    public var timeGrid: TimeGrid
    public var seed: UInt64
    public var threads: Int
    public var blockSize: Int

    public init(
        dynamics: ParticleDynamics, integrator: ParticleIntegrator, timeGrid: TimeGrid,
        seed: UInt64 = 1, threads: Int = 1, blockSize: Int = 1024
    ) {
        self.dynamics = dynamics
        self.integrator = integrator
        self.timeGrid = timeGrid
        self.seed = seed
        self.threads = threads
        self.blockSize = blockSize
    }

    /// Checks that the integrator suits the dynamics and the time grid.
    public func validate() throws {
        let times = timeGrid.times
        let decreasing = zip(times, times.dropFirst()).allSatisfy { $0.1 < $0.0 }
        let increasing = zip(times, times.dropFirst()).allSatisfy { $0.1 > $0.0 }
        if dynamics.timeDirection > 0 && !increasing { throw SamplerError("forward sampling needs increasing times") }
        if dynamics.timeDirection < 0 && !decreasing { throw SamplerError("reverse sampling needs decreasing times") }
        if times.contains(where: { $0 < 0 || !$0.isFinite }) {
            throw SamplerError("times must be finite and non-negative")
        }
        switch integrator {
        case .eulerMaruyama:
            break
        case .exact:
            guard case .forward(let process) = dynamics, process is LinearSDE else {
                throw SamplerError("the exact integrator needs the forward process of a linear model")
            }
        case .heun, .rungeKutta4:
            guard dynamics.isDeterministic else {
                throw SamplerError(
                    "\(integrator.rawValue) integrates the probability-flow ODE: use it with the probability flow")
            }
            if times.last == 0 {
                throw SamplerError("\(integrator.rawValue) evaluates the score at the final time: end at t-min > 0")
            }
        case .ddpm, .ddim:
            guard dynamics.score != nil else {
                throw SamplerError("\(integrator.rawValue) is a reverse update: it needs a score")
            }
            if integrator == .ddpm && dynamics.isDeterministic {
                throw SamplerError("ddpm is stochastic: use ddim for the probability flow")
            }
        }
    }

    /// Runs `count` particles from `initial` (ignored count for `.points`: their number is used).
    public func run(initial: InitialLaw, count: Int) throws -> ParticleRunResult {
        try validate()
        let dimension = initial.dimension
        let particleCount: Int
        if case .points(let points, _) = initial {
            particleCount = points.count / dimension
        } else {
            particleCount = count
        }
        guard particleCount > 0 else { throw SamplerError("the particle count must be positive") }
        let clock = ContinuousClock.now
        let coefficients = StepCoefficients(sampler: self)
        // Every block writes all of its coordinates first (`initialize`), so the array starts uninitialized: no
        // serial zeroing pass, and each page is first touched by the thread that works on it.
        var positions = [Double](unsafeUninitializedCapacity: particleCount * dimension) { _, initialized in
            initialized = particleCount * dimension
        }
        let blocks = ParallelBlocks(count: particleCount, blockSize: blockSize, threads: threads)
        var firstFailure = [RunStatus](repeating: .completed, count: blocks.blockCount)
        positions.withUnsafeMutableBufferPointer { positionBuffer in
            firstFailure.withUnsafeMutableBufferPointer { failureBuffer in
                let sharedPositions = SharedMutablePointer(base: positionBuffer.baseAddress!)
                let sharedFailures = SharedMutablePointer(base: failureBuffer.baseAddress!)
                blocks.forEach { block, range in
                    var generator = Xoshiro256StarStar(seed: seed, stream: UInt64(block))
                    let blockPositions = UnsafeMutableBufferPointer(
                        start: sharedPositions.base + range.lowerBound * dimension, count: range.count * dimension)
                    Self.initialize(
                        blockPositions, from: initial, firstParticle: range.lowerBound, dimension: dimension,
                        using: &generator)
                    sharedFailures.base[block] = BlockIntegrator(
                        sampler: self, coefficients: coefficients, dimension: dimension, count: range.count
                    ).integrate(blockPositions, firstParticle: range.lowerBound, using: &generator)
                }
            }
        }
        let failures = firstFailure.compactMap { status -> (Double, Int, Int)? in
            if case .nonFinite(let time?, let step, let particle?) = status { return (time, step, particle) }
            return nil
        }
        let status: RunStatus
        if let earliest = failures.min(by: { ($0.1, $0.2) < ($1.1, $1.2) }) {
            status = .nonFinite(time: earliest.0, step: earliest.1, particle: earliest.2)
        } else {
            status = .completed
        }
        let elapsed = ContinuousClock.now - clock
        return ParticleRunResult(
            positions: positions, dimension: dimension, status: status,
            elapsedSeconds: elapsed / .seconds(1))
    }

    static func initialize(
        _ block: UnsafeMutableBufferPointer<Double>, from law: InitialLaw, firstParticle: Int,
        dimension: Int, using generator: inout Xoshiro256StarStar
    ) {
        switch law {
        case .points(let points, _):
            for index in 0..<block.count { block[index] = points[firstParticle * dimension + index] }
        case .dirac(let point):
            for index in 0..<block.count { block[index] = point[index % dimension] }
        case .mixture(let mixture):
            MixtureDraws(mixture: mixture).fill(block, using: &generator)
        }
    }
}

/// Mixture draws with the ziggurat: component by inverse CDF of the weights, then mu + L z (L the Cholesky
/// factor). Cost O(K + d^2) per draw.
public struct MixtureDraws: Sendable {
    public let mixture: GaussianMixture
    let cumulativeWeights: [Double]
    /// Component means, flat (K x d), and lower Cholesky factors, flat (K x d x d).
    let means: [Double]
    let factors: [Double]

    public init(mixture: GaussianMixture) {
        self.mixture = mixture
        var running = 0.0
        cumulativeWeights = mixture.components.map {
            running += $0.weight
            return running
        }
        let dimension = mixture.dimension
        means = mixture.components.flatMap(\.mean)
        factors = mixture.components.flatMap { component in
            var factor = [Double](repeating: 0, count: dimension * dimension)
            for row in 0..<dimension {
                for column in 0...row {
                    var sum = component.covariance[row * dimension + column]
                    for inner in 0..<column {
                        sum -= factor[row * dimension + inner] * factor[column * dimension + inner]
                    }
                    factor[row * dimension + column] =
                        row == column ? sum.squareRoot() : sum / factor[column * dimension + column]
                }
            }
            return factor
        }
    }

    /// Fills `block` with draws, flat (d per point).
    public func fill(_ block: UnsafeMutableBufferPointer<Double>, using generator: inout Xoshiro256StarStar) {
        let dimension = mixture.dimension
        let componentCount = cumulativeWeights.count
        let table = Ziggurat.table
        cumulativeWeights.withUnsafeBufferPointer { cumulative in
            means.withUnsafeBufferPointer { means in
                factors.withUnsafeBufferPointer { factors in
                    let total = cumulative[componentCount - 1]
                    let normals = UnsafeMutableBufferPointer<Double>.allocate(capacity: dimension)
                    defer { normals.deallocate() }
                    for start in stride(from: 0, to: block.count, by: dimension) {
                        let uniform = generator.nextUniform() * total
                        var component = 0
                        while component < componentCount - 1 && uniform >= cumulative[component] { component += 1 }
                        for axis in 0..<dimension { normals[axis] = table.normal(using: &generator) }
                        let factorBase = component * dimension * dimension
                        for row in 0..<dimension {
                            var value = means[component * dimension + row]
                            for column in 0...row {
                                value += factors[factorBase + row * dimension + column] * normals[column]
                            }
                            block[start + row] = value
                        }
                    }
                }
            }
        }
    }
}

/// The DDPM (bridge) update's coefficients on a decreasing time grid: x' = a x0hat + b x + c z with
/// a = m(t') v(t', t) / v(t), b = m(t', t) v(t') / v(t), c = sqrt(v(t') v(t', t) / v(t)) (m(t) = m(0, t),
/// v(t) = v(0, t)): the Gaussian posterior of X_(t') given X_t = x and X_0 = x0hat. For OU these are
/// sinh(t - t')/sinh t, sinh(t')/sinh t and sqrt(2 sinh(t') sinh(t - t')/sinh t) (THEORY §5).
public struct DDPMCoefficients: Sendable {
    public let dataWeights: [Double]
    public let pointWeights: [Double]
    public let noiseScales: [Double]

    public init(model: LinearSDE, timeGrid: TimeGrid) {
        let times = timeGrid.times
        var (data, point, noise) = ([Double](), [Double](), [Double]())
        for step in 0..<(times.count - 1) {
            let (now, next) = (times[step], times[step + 1])
            let varianceNow = model.variance(to: now)
            let varianceNext = model.variance(to: next)
            let bridgeVariance = model.variance(from: next, to: now)
            data.append(model.meanScale(to: next) * bridgeVariance / varianceNow)
            point.append(model.meanScale(from: next, to: now) * varianceNext / varianceNow)
            noise.append((varianceNext * bridgeVariance / varianceNow).squareRoot())
        }
        (dataWeights, pointWeights, noiseScales) = (data, point, noise)
    }
}

/// Per-step constants shared by all blocks (computed once per run).
struct StepCoefficients: Sendable {
    /// For `exact`: m(t, t') and sqrt(v(t, t')); for `ddpm`: a, b, sqrt(btilde); for `ddim`: m(t'), ratio, m(t).
    var first: [Double] = []
    var second: [Double] = []
    var third: [Double] = []
    /// g(t) at the start of each step (Euler–Maruyama).
    var noise: [Double] = []

    init(sampler: ParticleSampler) {
        let times = sampler.timeGrid.times
        let steps = times.count - 1
        switch sampler.integrator {
        case .exact:
            let model = sampler.dynamics.process as! LinearSDE
            first = (0..<steps).map { model.meanScale(from: times[$0], to: times[$0 + 1]) }
            second = (0..<steps).map { model.variance(from: times[$0], to: times[$0 + 1]).squareRoot() }
        case .ddpm:
            let bridge = DDPMCoefficients(model: sampler.dynamics.score!.model, timeGrid: sampler.timeGrid)
            (first, second, third) = (bridge.dataWeights, bridge.pointWeights, bridge.noiseScales)
        case .ddim:
            let model = sampler.dynamics.score!.model
            for step in 0..<steps {
                let (now, next) = (times[step], times[step + 1])
                first.append(model.meanScale(to: next))
                second.append((model.variance(to: next) / model.variance(to: now)).squareRoot())
                third.append(model.meanScale(to: now))
            }
        case .eulerMaruyama, .heun, .rungeKutta4:
            noise = (0..<steps).map { sampler.dynamics.noiseScale(at: times[$0]) }
        }
    }
}

/// The step loop for one block of particles.
struct BlockIntegrator {
    let sampler: ParticleSampler
    let coefficients: StepCoefficients
    let dimension: Int
    let count: Int

    func integrate(
        _ positions: UnsafeMutableBufferPointer<Double>, firstParticle: Int,
        using sharedGenerator: inout Xoshiro256StarStar
    ) -> RunStatus {
        let size = positions.count
        let times = sampler.timeGrid.times
        let dynamics = sampler.dynamics
        let integrator = sampler.integrator
        let normals = Ziggurat.table
        // A local copy that the loops can keep in registers (no closure captures it); written back on return.
        var generator = sharedGenerator
        // Work arrays for this block, allocated once and freed on return.
        let velocity = UnsafeMutableBufferPointer<Double>.allocate(capacity: size)
        let scratch = UnsafeMutableBufferPointer<Double>.allocate(capacity: size)
        let stage = UnsafeMutableBufferPointer<Double>.allocate(capacity: size)
        let accumulated = UnsafeMutableBufferPointer<Double>.allocate(capacity: size)
        defer {
            velocity.deallocate()
            scratch.deallocate()
            stage.deallocate()
            accumulated.deallocate()
        }
        let points = UnsafeBufferPointer(positions)
        let position = positions.baseAddress!
        for step in 0..<(times.count - 1) {
            let (now, next) = (times[step], times[step + 1])
            let width = abs(next - now)
            switch integrator {
            case .eulerMaruyama:
                let noise = coefficients.noise[step] * width.squareRoot()
                if case .forward(let process) = dynamics, let rate = process.linearDriftRate(at: now), noise != 0 {
                    let (total, advanced) = Self.linearEulerMaruyamaStep(
                        position, count: size, rate: rate, width: width, noise: noise, normals: normals,
                        generator: generator)
                    generator = advanced
                    // A finite sum means every coordinate is finite; a sum that overflowed is checked one by one.
                    if !total.isFinite, let bad = (0..<size).first(where: { !position[$0].isFinite }) {
                        sharedGenerator = generator
                        return .nonFinite(time: next, step: step + 1, particle: firstParticle + bad / dimension)
                    }
                    continue
                }
                dynamics.velocity(at: points, dimension: dimension, time: now, into: velocity, scratch: scratch)
                let drift = velocity.baseAddress!
                if noise == 0 {
                    for index in 0..<size { position[index] += width * drift[index] }
                } else {
                    for index in 0..<size {
                        position[index] += width * drift[index] + noise * normals.normal(using: &generator)
                    }
                }
            case .exact:
                let (scale, spread) = (coefficients.first[step], coefficients.second[step])
                for index in 0..<size {
                    position[index] = scale * position[index] + spread * normals.normal(using: &generator)
                }
            case .heun:
                dynamics.velocity(at: points, dimension: dimension, time: now, into: velocity, scratch: scratch)
                for index in 0..<size { stage[index] = position[index] + width * velocity[index] }
                dynamics.velocity(
                    at: UnsafeBufferPointer(stage), dimension: dimension, time: next, into: accumulated,
                    scratch: scratch)
                for index in 0..<size { position[index] += 0.5 * width * (velocity[index] + accumulated[index]) }
            case .rungeKutta4:
                let middle = 0.5 * (now + next)
                dynamics.velocity(at: points, dimension: dimension, time: now, into: velocity, scratch: scratch)
                for index in 0..<size {
                    accumulated[index] = velocity[index]
                    stage[index] = position[index] + 0.5 * width * velocity[index]
                }
                dynamics.velocity(
                    at: UnsafeBufferPointer(stage), dimension: dimension, time: middle, into: velocity, scratch: scratch
                )
                for index in 0..<size {
                    accumulated[index] += 2 * velocity[index]
                    stage[index] = position[index] + 0.5 * width * velocity[index]
                }
                dynamics.velocity(
                    at: UnsafeBufferPointer(stage), dimension: dimension, time: middle, into: velocity, scratch: scratch
                )
                for index in 0..<size {
                    accumulated[index] += 2 * velocity[index]
                    stage[index] = position[index] + width * velocity[index]
                }
                dynamics.velocity(
                    at: UnsafeBufferPointer(stage), dimension: dimension, time: next, into: velocity, scratch: scratch)
                for index in 0..<size {
                    position[index] += width / 6 * (accumulated[index] + velocity[index])
                }
            case .ddpm, .ddim:
                dynamics.score!.posteriorMean(at: points, time: now, into: scratch)
                if next == 0 {
                    for index in 0..<size { position[index] = scratch[index] }
                } else if integrator == .ddpm {
                    let (a, b, spread) = (coefficients.first[step], coefficients.second[step], coefficients.third[step])
                    for index in 0..<size {
                        position[index] =
                            a * scratch[index] + b * position[index] + spread * normals.normal(using: &generator)
                    }
                } else {
                    let (scaleNext, ratio, scaleNow) = (
                        coefficients.first[step], coefficients.second[step], coefficients.third[step]
                    )
                    for index in 0..<size {
                        position[index] =
                            scaleNext * scratch[index] + ratio * (position[index] - scaleNow * scratch[index])
                    }
                }
            }
            var allFinite = true
            for index in 0..<size where !position[index].isFinite {
                allFinite = false
                break
            }
            if !allFinite, let bad = (0..<size).first(where: { !position[$0].isFinite }) {
                sharedGenerator = generator
                return .nonFinite(time: next, step: step + 1, particle: firstParticle + bad / dimension)
            }
        }
        sharedGenerator = generator
        return .completed
    }

    /// One Euler–Maruyama step of a linear drift f(t) x with noise: x <- x + (h (f x) + sigma z) with
    /// sigma = g(t) sqrt(h), the same operations in the same order as the general path (the velocity f x into a
    /// buffer, then the update), so the same bits, in one pass without the buffer. Returns the sum of the new
    /// coordinates (infinite or NaN when one of them is) and the advanced generator; taking the generator by value
    /// lets the loop keep its state in registers. Cost: one normal and six floating-point operations a coordinate.
    @inline(never)
    static func linearEulerMaruyamaStep(
        _ position: UnsafeMutablePointer<Double>, count: Int, rate: Double, width: Double, noise: Double,
        normals: ZigguratTable, generator: Xoshiro256StarStar
    ) -> (sum: Double, generator: Xoshiro256StarStar) {
        var generator = generator
        var sum = 0.0
        for index in 0..<count {
            let point = position[index]
            let drift = rate * point
            let moved = point + (width * drift + noise * normals.normal(using: &generator))
            position[index] = moved
            sum += moved
        }
        return (sum, generator)
    }
}

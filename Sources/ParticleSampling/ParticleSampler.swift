import DiffusionModels
import Foundation
import ParallelLoops
import RandomStreams
import Safeguards
import Scores

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
/// | `posteriorBridge` | reverse SDE, finite data | x = A x_i + B x + C z, i drawn from lambda(x, t) | exact in law |
/// | `exponential` | reverse SDE, linear model | x = x / m(t', t) + W s(x, t) + sqrt(v(t', t)) / m(t', t) z | weak 1 |
///
/// For `ddpm`, with x0hat = <X0>(x, t): a = m(t') v(t', t) / v(t), b = m(t', t) v(t') / v(t),
/// btilde = v(t') v(t', t) / v(t) (m(t) = m(0, t), v(t) = v(0, t)); for OU, a = sinh(t - t')/sinh t,
/// b = e^... = sinh(t')/sinh(t) e^0 and btilde = 2 sinh(t') sinh(t - t')/sinh t. A last step to t' = 0 returns x0hat.
/// `exponential` solves the reverse SDE's linear part exactly with the score frozen at t (W = W(t', t), see
/// `LinearSDE.frozenScoreWeight`;
/// for OU x' = e^h x + 2 (e^h - 1) s + sqrt(e^(2h) - 1) z).
public enum ParticleIntegrator: String, Sendable, CaseIterable {
    case eulerMaruyama = "euler-maruyama"
    case exact
    case heun
    case rungeKutta4 = "rk4"
    case ddpm
    case ddim
    case posteriorBridge = "posterior-bridge"
    case exponential
}

/// score_sde's Langevin corrector (THEORY §14): after each predictor step to a time t' > 0, `steps` updates
/// x <- x + e s(x, t') + sqrt(2 e) z, z ~ N(0, I), with the step size e = 2 a (r |z| / |s|)^2 set by the target
/// signal-to-noise ratio r: |z| and |s| are the per-particle Euclidean norms of the noise and the score averaged over
/// the batch, a = m(t', t)^2 = exp(-int beta) over the predictor step for models with a drift (score_sde's
/// `alphas[timestep]` = 1 - beta_k, its first-order value) and a = 1 for VE.
///
/// Differences from score_sde's `pc_sampler`, stated: the batch is the sampler's block (`blockSize` particles, 1024
/// by default), so the numbers do not depend on the thread count; and the corrector runs after each predictor step,
/// at the step's end time (THEORY §14), where score_sde corrects at t_k before predicting from it (the same sequence
/// of updates but for the first correction at T, where the start law is already exact, and a last one at t_min).
/// Langevin steps with a fixed e leave a bias of order e in the law (the chain's invariant law is not rho_t'), so
/// the corrector does not raise a predictor's order. Cost per step: `steps` score evaluations and d normals a particle.
public struct LangevinCorrector: Sendable, Equatable {
    /// Corrector updates per predictor step (C).
    public var steps: Int
    /// The target signal-to-noise ratio r (score_sde's `snr`, 0.16 in its configurations).
    public var signalToNoise: Double

    public init(steps: Int = 1, signalToNoise: Double = 0.16) {
        self.steps = steps
        self.signalToNoise = signalToNoise
    }
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
    /// With `posteriorBridge`: where each step's posterior draws are recorded (nil: not recorded).
    public var posteriorRecord: PosteriorRecord?
    /// A Langevin corrector after each predictor step (nil: none): the predictor–corrector sampler.
    public var corrector: LangevinCorrector?

    public init(
        dynamics: ParticleDynamics, integrator: ParticleIntegrator, timeGrid: TimeGrid,
        seed: UInt64 = 1, threads: Int = 1, blockSize: Int = 1024, posteriorRecord: PosteriorRecord? = nil,
        corrector: LangevinCorrector? = nil
    ) {
        self.corrector = corrector
        self.dynamics = dynamics
        self.integrator = integrator
        self.timeGrid = timeGrid
        self.seed = seed
        self.threads = threads
        self.blockSize = blockSize
        self.posteriorRecord = posteriorRecord
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
        if let corrector {
            guard dynamics.score != nil else { throw SamplerError("the Langevin corrector needs a score") }
            guard corrector.steps >= 1, corrector.signalToNoise > 0, corrector.signalToNoise.isFinite else {
                throw SamplerError("the corrector needs at least one step and a positive, finite signal-to-noise ratio")
            }
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
        case .exponential:
            guard case .reverseSDE(let process, _, _) = dynamics, process is LinearSDE else {
                throw SamplerError("exponential solves the reverse SDE of a linear model: it needs the reverse SDE")
            }
        case .posteriorBridge:
            guard dynamics.score is FiniteDatasetScore, !dynamics.isDeterministic else {
                throw SamplerError(
                    "posterior-bridge samples the reverse SDE of a finite training set: it needs the empirical score")
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
        if let record = posteriorRecord {
            guard integrator == .posteriorBridge, record.steps == timeGrid.times.count - 1,
                record.particles == particleCount
            else { throw SamplerError("a posterior record needs posterior-bridge and one slot per step and particle") }
        }
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

/// What the posterior bridge saw at the start of each step k (time t_k of the grid) for each particle: the owner
/// (the training point of largest posterior weight), that weight and the training point drawn. The particle core's
/// blocks write their own particles' slots (disjoint, so no locking); read it after the run. Memory 24 bytes per
/// step and particle.
public final class PosteriorRecord: @unchecked Sendable {
    public let steps: Int
    public let particles: Int
    private let storage: UnsafeMutableBufferPointer<PosteriorDraw>

    public init(steps: Int, particles: Int) {
        precondition(steps >= 1 && particles >= 1)
        (self.steps, self.particles) = (steps, particles)
        storage = .allocate(capacity: steps * particles)
        storage.initialize(repeating: PosteriorDraw(drawn: -1, owner: -1, largestWeight: .nan))
    }

    deinit { storage.deallocate() }

    /// The draw of `particle` at the start of step `step`.
    public subscript(step step: Int, particle particle: Int) -> PosteriorDraw { storage[step * particles + particle] }

    func record(_ draws: UnsafeBufferPointer<PosteriorDraw>, step: Int, firstParticle: Int) {
        let base = step * particles + firstParticle
        for index in 0..<draws.count { storage[base + index] = draws[index] }
    }
}

/// The exact reverse transition of the diffusion of a finite training set, rho_0 = (1/N) sum_i N(x_i, b^2 I)
/// (b = 0: the Dirac points themselves), on a decreasing time grid: X_t' | X_t = x is the mixture over i, with the
/// posterior weights lambda_i(x, t) of `FiniteDatasetScore`, of N(A x_i + B x, C^2 I) with
/// V = v(t) + m(t)^2 b^2, S' = v(t') + m(t')^2 b^2, A = v(t', t) m(t') / V, B = m(t', t) S' / V, C^2 = S' v(t', t) / V
/// (m(t) = m(0, t), v(t) = v(0, t)).
///
/// Derivation: given component i, X_t' ~ N(m(t') x_i, S' I) and X_t = m(t', t) X_t' + sqrt(v(t', t)) Z, so
/// X_t' | X_t = x, i is Gaussian with precision 1/S' + m(t', t)^2 / v(t', t) = V / (S' v(t', t)) (because
/// v(t', t) + m(t', t)^2 S' = v(t) + m(t)^2 b^2, from m(t', t) m(t') = m(t) and v(t) = v(t', t) + m(t', t)^2 v(t'))
/// and mean C^2 (m(t') x_i / S' + m(t', t) x / v(t', t)) = A x_i + B x; and P(i | X_t = x) is proportional to
/// N(x; m(t) x_i, V I), i.e. lambda_i(x, t). So one step samples the reverse process's transition exactly, for any
/// step size: with X_T ~ rho_T the chain has the law of the reverse process at every grid time. With b = 0, A, B and
/// C^2 are the DDPM coefficients a, b and btilde (the posterior mean x0hat replaced by a drawn x_i), and the last
/// step to t' = 0 returns x_i itself. Cost per particle and step: one `posteriorDraws` (O(N d)) and d normals.
public struct PosteriorBridge: Sendable {
    public let trainingPointWeights: [Double]
    public let pointWeights: [Double]
    public let noiseScales: [Double]

    public init(model: LinearSDE, bandwidth: Double, timeGrid: TimeGrid) {
        let times = timeGrid.times
        let smoothing = bandwidth * bandwidth
        var (data, point, noise) = ([Double](), [Double](), [Double]())
        for step in 0..<(times.count - 1) {
            let (now, next) = (times[step], times[step + 1])
            let scaleNow = model.meanScale(to: now)
            let scaleNext = model.meanScale(to: next)
            let componentVariance = model.variance(to: now) + scaleNow * scaleNow * smoothing
            let componentVarianceNext = model.variance(to: next) + scaleNext * scaleNext * smoothing
            let bridgeVariance = model.variance(from: next, to: now)
            data.append(bridgeVariance * scaleNext / componentVariance)
            point.append(model.meanScale(from: next, to: now) * componentVarianceNext / componentVariance)
            noise.append((componentVarianceNext * bridgeVariance / componentVariance).squareRoot())
        }
        (trainingPointWeights, pointWeights, noiseScales) = (data, point, noise)
    }
}

/// Per-step constants shared by all blocks (computed once per run).
struct StepCoefficients: Sendable {
    /// For `exact`: m(t, t') and sqrt(v(t, t')); for `ddpm`: a, b, sqrt(btilde); for `ddim`: m(t'), ratio, m(t);
    /// for `posteriorBridge`: A, B, C; for `exponential`: 1 / m(t', t), W(t', t), sqrt(v(t', t)) / m(t', t).
    var first: [Double] = []
    var second: [Double] = []
    var third: [Double] = []
    /// g(t) at the start of each step (Euler–Maruyama).
    var noise: [Double] = []
    /// The corrector's a per step: m(t', t)^2 with a drift, 1 for VE (empty without a corrector).
    var correctorScale: [Double] = []

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
        case .exponential:
            let model = sampler.dynamics.process as! LinearSDE
            for step in 0..<steps {
                let (now, next) = (times[step], times[step + 1])
                let scale = model.meanScale(from: next, to: now)
                first.append(1 / scale)
                second.append(model.frozenScoreWeight(from: next, to: now))
                third.append(model.variance(from: next, to: now).squareRoot() / scale)
            }
        case .posteriorBridge:
            let score = sampler.dynamics.score as! FiniteDatasetScore
            let bridge = PosteriorBridge(model: score.model, bandwidth: score.bandwidth, timeGrid: sampler.timeGrid)
            (first, second, third) = (bridge.trainingPointWeights, bridge.pointWeights, bridge.noiseScales)
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
        if sampler.corrector != nil, let model = sampler.dynamics.score?.model {
            correctorScale = (0..<steps).map { step in
                if model.isDriftFree { return 1 }
                let scale = model.meanScale(from: times[step + 1], to: times[step])
                return scale * scale
            }
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
        // The posterior bridge's score, uniforms and draws (allocated for that integrator only).
        let bridgeScore = integrator == .posteriorBridge ? dynamics.score as? FiniteDatasetScore : nil
        let uniforms = UnsafeMutableBufferPointer<Double>.allocate(capacity: bridgeScore == nil ? 0 : count)
        let draws = UnsafeMutableBufferPointer<PosteriorDraw>.allocate(capacity: bridgeScore == nil ? 0 : count)
        defer {
            uniforms.deallocate()
            draws.deallocate()
        }
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
            case .posteriorBridge:
                let score = bridgeScore!
                for particle in 0..<count { uniforms[particle] = generator.nextUniform() }
                score.posteriorDraws(at: points, time: now, uniforms: UnsafeBufferPointer(uniforms), into: draws)
                sampler.posteriorRecord?.record(UnsafeBufferPointer(draws), step: step, firstParticle: firstParticle)
                let (a, b, spread) = (coefficients.first[step], coefficients.second[step], coefficients.third[step])
                score.data.withUnsafeBufferPointer { data in
                    for particle in 0..<count {
                        let base = particle * dimension
                        let training = draws[particle].drawn * dimension
                        for axis in 0..<dimension {
                            position[base + axis] =
                                a * data[training + axis] + b * position[base + axis]
                                + spread * normals.normal(using: &generator)
                        }
                    }
                }
            case .exponential:
                dynamics.score!.score(at: points, time: now, into: scratch)
                let (growth, weight, spread) = (
                    coefficients.first[step], coefficients.second[step], coefficients.third[step]
                )
                for index in 0..<size {
                    position[index] =
                        growth * position[index] + weight * scratch[index] + spread * normals.normal(using: &generator)
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
            if let corrector = sampler.corrector, next > 0 {
                Self.correct(
                    position, count: count, dimension: dimension, time: next, corrector: corrector,
                    scale: coefficients.correctorScale[step], score: dynamics.score!, scores: scratch, noise: stage,
                    normals: normals, generator: &generator)
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

    /// The Langevin corrector's `corrector.steps` updates at `time` for the block (see `LangevinCorrector`): per update
    /// the scores and d normals a particle, the block's mean norms, e = 2 a (r |z| / |s|)^2, then
    /// x += e s + sqrt(2 e) z. A block whose scores all vanish is left as it is (e would be infinite).
    static func correct(
        _ position: UnsafeMutablePointer<Double>, count: Int, dimension: Int, time: Double,
        corrector: LangevinCorrector, scale: Double, score: any ScoreProvider,
        scores: UnsafeMutableBufferPointer<Double>, noise: UnsafeMutableBufferPointer<Double>,
        normals: ZigguratTable, generator: inout Xoshiro256StarStar
    ) {
        let size = count * dimension
        let points = UnsafeBufferPointer(start: position, count: size)
        for _ in 0..<corrector.steps {
            score.score(at: points, time: time, into: scores)
            for index in 0..<size { noise[index] = normals.normal(using: &generator) }
            var (scoreNorms, noiseNorms) = (0.0, 0.0)
            for particle in 0..<count {
                var (scoreSquares, noiseSquares) = (0.0, 0.0)
                for axis in 0..<dimension {
                    let index = particle * dimension + axis
                    scoreSquares += scores[index] * scores[index]
                    noiseSquares += noise[index] * noise[index]
                }
                scoreNorms += scoreSquares.squareRoot()
                noiseNorms += noiseSquares.squareRoot()
            }
            guard scoreNorms > 0 else { return }
            let ratio = corrector.signalToNoise * noiseNorms / scoreNorms
            let stepSize = 2 * scale * ratio * ratio
            let spread = (2 * stepSize).squareRoot()
            for index in 0..<size { position[index] += stepSize * scores[index] + spread * noise[index] }
        }
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

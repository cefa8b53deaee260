import DataFiles
import Datasets
import DiffusionModels
import Foundation
import ParticleSampling
import RandomStreams
import Scores

/// Where the reverse runs start: N(0, I) (the usual choice) or rho_T itself (the exact forward law at the horizon,
/// for which the exact reverse process reproduces the data law: endpoint frequencies 1/N).
public enum StartLaw: String, Sendable, CaseIterable {
    case gaussian
    case rhoT = "rho-t"
}

/// A finite training set under the paper's OU process (THEORY §2, §7) and the runs every experiment shares.
///
/// rho_t = (1/N) sum_i N(e^-t x_i, (1 - e^-2t) I). Start points are drawn serially from their own stream
/// (`startStream`), and the sampler's blocks draw from streams 0, 1, ... of the same seed, so a result depends on
/// the seed only, never on the thread count.
public struct FiniteDataSetup: Sendable {
    public let training: PointSet
    public let model: LinearSDE
    public let horizon: Double
    public let startLaw: StartLaw
    public let seed: UInt64
    public let threads: Int
    /// The process the reverse runs and the exact score they receive are built with (identity: `model`; a
    /// negative control hands in a broken one). Predictions (`drawsFromForwardLaw`, `exactScore`) keep `model`.
    public let samplerProcess: @Sendable (LinearSDE) -> LinearSDE
    /// Wraps every score handed to a reverse run (identity by default).
    public let scoreTransform: @Sendable (any ScoreProvider) -> any ScoreProvider
    /// Transforms the end positions of every reverse run (flat) before they are measured (identity by default).
    public let endTransform: @Sendable ([Double]) -> [Double]

    /// The stream offset of start points (far from the sampler's block streams 0, 1, 2, ...).
    public static let startStream: UInt64 = 0x5354_4152_5400_0000

    public init(
        training: PointSet, horizon: Double = 1, startLaw: StartLaw = .gaussian, seed: UInt64 = 1, threads: Int = 1,
        samplerProcess: @escaping @Sendable (LinearSDE) -> LinearSDE = { $0 },
        scoreTransform: @escaping @Sendable (any ScoreProvider) -> any ScoreProvider = { $0 },
        endTransform: @escaping @Sendable ([Double]) -> [Double] = { $0 }
    ) {
        precondition(training.count >= 1 && horizon > 0, "FiniteDataSetup: a non-empty training set and T > 0")
        self.training = training
        model = .ornsteinUhlenbeck
        self.horizon = horizon
        self.startLaw = startLaw
        self.seed = seed
        self.threads = max(1, threads)
        self.samplerProcess = samplerProcess
        self.scoreTransform = scoreTransform
        self.endTransform = endTransform
    }

    public var dimension: Int { training.dimension }

    /// The exact score of the training set (no smoothing).
    public var exactScore: FiniteDatasetScore {
        FiniteDatasetScore(data: training.points, dimension: training.dimension, model: model)
    }

    /// The exact score as the reverse runs receive it: built with `samplerProcess(model)` (wrapped by
    /// `scoreTransform` in `reverseRun`).
    public var samplerExactScore: FiniteDatasetScore {
        FiniteDatasetScore(data: training.points, dimension: training.dimension, model: samplerProcess(model))
    }

    /// `count` draws from rho_t (a uniformly chosen training point, scaled by m(t), plus sqrt(v(t)) z), flat,
    /// from stream `stream`. Cost O(count d).
    public func drawsFromForwardLaw(at time: Double, count: Int, stream: UInt64) -> [Double] {
        var generator = Xoshiro256StarStar(seed: seed, stream: stream)
        let (scale, spread) = (model.meanScale(to: time), model.variance(to: time).squareRoot())
        let dimension = self.dimension
        let trainingCount = training.count
        var points = [Double](repeating: 0, count: count * dimension)
        for index in 0..<count {
            let source = min(trainingCount - 1, Int(generator.nextUniform() * Double(trainingCount)))
            for axis in 0..<dimension {
                points[index * dimension + axis] =
                    scale * training.points[source * dimension + axis] + spread * Ziggurat.normal(using: &generator)
            }
        }
        return points
    }

    /// `count` start points from the start law, flat (stream `startStream + offset`).
    public func startPoints(count: Int, offset: UInt64 = 0) -> [Double] {
        switch startLaw {
        case .rhoT:
            return drawsFromForwardLaw(at: horizon, count: count, stream: Self.startStream &+ offset)
        case .gaussian:
            var generator = Xoshiro256StarStar(seed: seed, stream: Self.startStream &+ offset)
            return (0..<(count * dimension)).map { _ in Ziggurat.normal(using: &generator) }
        }
    }

    /// The reverse-time SDE in score form driven by `scoreTransform(score)` on `samplerProcess(model)`, run from
    /// `start` over `timeGrid` with `integrator` (`ddpm`: the bridge update, exact in law for Dirac data;
    /// `eulerMaruyama`: x += h (x + 2 s) + sqrt(2 h) z); the end positions pass through `endTransform`.
    /// Cost: steps x (particles x the score's per-point cost).
    public func reverseRun(
        score: any ScoreProvider, integrator: ParticleIntegrator, timeGrid: TimeGrid, start: [Double],
        seedOffset: UInt64 = 0
    ) throws -> ParticleRunResult {
        let sampler = ParticleSampler(
            dynamics: .reverseSDE(process: samplerProcess(model), score: scoreTransform(score), form: .score),
            integrator: integrator, timeGrid: timeGrid, seed: seed &+ seedOffset, threads: threads)
        var result = try sampler.run(initial: .points(start, dimension: dimension), count: start.count / dimension)
        result.positions = endTransform(result.positions)
        return result
    }
}

extension FiniteDataSetup {
    /// The last step h_last of a bridge grid that is not uniform when none is given: the bridge's last softmax is
    /// one-hot up to e^(−gap² / (4 h_last)) (THEORY §7), so with 1e-5 training points 0.03 apart or more are told
    /// apart to e^(−22); the geometric grid's steps are then about t ln(T / h_last) / K, small at every t.
    public static let resolvedFinalStepSize = 1e-5

    /// The reverse time grid of K steps from T to 0 with `schedule`'s spacing:
    /// - `uniform`: K uniform steps from T to 0 (`finalStepSize` nil), or K − 1 uniform steps from T to h_last and
    ///   one last step from h_last to 0;
    /// - any other: K − 1 steps of that spacing (OU's time; ddpm, edm and log-snr as spacings of OU's log-SNR) from T
    ///   to h_last and one from h_last to 0, h_last = `finalStepSize` or `resolvedFinalStepSize`.
    /// A final step size at or above T, or K = 1, gives the one-step grid [T, 0].
    public func bridgeTimeGrid(steps: Int, schedule: StepSchedule, finalStepSize: Double?) -> TimeGrid {
        precondition(steps >= 1, "FiniteDataSetup.bridgeTimeGrid: at least one step")
        if schedule == .uniform && finalStepSize == nil { return .uniform(from: horizon, to: 0, steps: steps) }
        let last = finalStepSize ?? Self.resolvedFinalStepSize
        guard steps >= 2, last < horizon else { return .uniform(from: horizon, to: 0, steps: 1) }
        return schedule.timeGrid(model: model, from: horizon, to: last, steps: steps - 1).appending(0)
    }
}

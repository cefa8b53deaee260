import DataFiles
import Datasets
import DiffusionModels
import Foundation
import ParticleSampling
import RandomStreams
import Safeguards
import Scores

/// A way to generate: a score driving the bridge update from T down to `stopTime` (0: the last step returns
/// <X0>; t_min > 0: early stopping, the samples are the particles at t_min, not denoised).
public struct GenerationMethod: Sendable {
    public let name: String
    public let score: any ScoreProvider
    public let stopTime: Double

    public init(name: String? = nil, score: any ScoreProvider, stopTime: Double = 0) {
        precondition(stopTime >= 0, "GenerationMethod: stop time >= 0")
        self.name = name ?? (stopTime > 0 ? "\(score.name), stop at \(stopTime)" : score.name)
        self.score = score
        self.stopTime = stopTime
    }

    /// The exact finite-data score.
    public static func exact(_ training: PointSet) -> GenerationMethod {
        GenerationMethod(name: "exact", score: FiniteDatasetScore(data: training.points, dimension: training.dimension))
    }

    /// The smoothed empirical score: the exact score of the kernel density (1/N) sum N(x_i, b^2 I).
    public static func smoothed(_ training: PointSet, bandwidth: Double) -> GenerationMethod {
        GenerationMethod(
            name: "smoothed b=\(bandwidth)",
            score: FiniteDatasetScore(data: training.points, dimension: training.dimension, bandwidth: bandwidth))
    }

    /// The exact score plus a constant vector (every axis gets `bias`).
    public static func biased(_ training: PointSet, bias: Double) -> GenerationMethod {
        GenerationMethod(
            name: "biased \(bias)",
            score: BiasedScore(base: exactScore(training), bias: Array(repeating: bias, count: training.dimension)))
    }

    /// The exact score times (1 + level z(x, t)), z a frozen standard-normal field.
    public static func noisy(_ training: PointSet, level: Double, seed: UInt64 = 1) -> GenerationMethod {
        GenerationMethod(
            name: "noisy \(level)", score: NoisyScore(base: exactScore(training), level: level, seed: seed))
    }

    /// The exact score, stopped at t_min.
    public static func earlyStop(_ training: PointSet, timeMinimum: Double) -> GenerationMethod {
        GenerationMethod(name: "early stop t=\(timeMinimum)", score: exactScore(training), stopTime: timeMinimum)
    }

    static func exactScore(_ training: PointSet) -> FiniteDatasetScore {
        FiniteDatasetScore(data: training.points, dimension: training.dimension)
    }
}

/// The score error of THEORY §6, the excess denoising loss: l(t) = E_(rho_t) |s(X, t) - s_exact(X, t)|^2 and its
/// integral over [t_low, T].
///
/// l(t) by Monte Carlo: `samples` draws of X ~ rho_t from their own stream per time, mean and standard error
/// (sample standard deviation / sqrt(samples)). The integral by the trapezoidal rule in t on `times` geometrically
/// spaced times (the error of smoothed scores grows like 1/t near 0), its standard error
/// (sum_k w_k^2 SE_k^2)^(1/2) (independent draws per time). Cost: times x samples x 2 score evaluations.
public struct ScoreError: Sendable {
    public let integral: Double
    public let standardError: Double
    public let times: [Double]
    public let losses: [Double]
    public let lossStandardErrors: [Double]

    public init(
        score: any ScoreProvider, setup: FiniteDataSetup, from lowTime: Double, times timeCount: Int = 16,
        samples: Int = 2000
    ) {
        precondition(
            lowTime > 0 && lowTime < setup.horizon && timeCount >= 2, "ScoreError: 0 < t_low < T, at least two times")
        let exact = setup.exactScore
        let grid = TimeGrid.geometric(from: lowTime, to: setup.horizon, steps: timeCount - 1).times
        var (losses, errors) = ([Double](), [Double]())
        for (index, time) in grid.enumerated() {
            let points = setup.drawsFromForwardLaw(
                at: time, count: samples, stream: 0x5343_4f52_4500_0000 &+ UInt64(index))
            var (approximate, reference) = (
                [Double](repeating: 0, count: points.count), [Double](repeating: 0, count: points.count)
            )
            points.withUnsafeBufferPointer { input in
                approximate.withUnsafeMutableBufferPointer { score.score(at: input, time: time, into: $0) }
                reference.withUnsafeMutableBufferPointer { exact.score(at: input, time: time, into: $0) }
            }
            let dimension = setup.dimension
            let squared = (0..<samples).map { sample in
                (0..<dimension).reduce(0.0) { sum, axis in
                    let difference = approximate[sample * dimension + axis] - reference[sample * dimension + axis]
                    return sum + difference * difference
                }
            }
            let summary = meanWithStandardError(squared)
            losses.append(summary.mean)
            errors.append(summary.standardError)
        }
        var (integral, variance) = (0.0, 0.0)
        for index in 0..<grid.count {
            let left = index > 0 ? grid[index] - grid[index - 1] : 0
            let right = index < grid.count - 1 ? grid[index + 1] - grid[index] : 0
            let weight = 0.5 * (left + right)
            integral += weight * losses[index]
            variance += weight * weight * errors[index] * errors[index]
        }
        self.integral = integral
        standardError = variance.squareRoot()
        times = grid
        self.losses = losses
        lossStandardErrors = errors
    }

}

/// Mean and standard error (sample standard deviation / sqrt(N)).
func meanWithStandardError(_ values: [Double]) -> (mean: Double, standardError: Double) {
    let count = Double(values.count)
    let mean = values.reduce(0, +) / count
    guard values.count > 1 else { return (mean, 0) }
    return (mean, (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (count - 1) / count).squareRoot())
}

/// What one generation method produced, measured (one row of table (1)).
public struct GenerationMetrics: Sendable {
    public let name: String
    public let scoreError: ScoreError
    public let novelty: NoveltySummary
    /// Mean distance to the noise-free Swiss-roll curve and its SE (Swiss-roll data only).
    public let manifoldDistance: (mean: Double, standardError: Double)?
    /// Sliced W2 to fresh data from the same law.
    public let slicedWasserstein: Double?
    /// Coverage along the roll (Swiss-roll data only).
    public let coverage: Double?
    public let status: RunStatus
}

/// Imperfect scores against the exact one: generated samples and their metrics, and table (1): score error
/// against memorized and novelty fractions, for any list of score providers (network checkpoints included).
///
/// Every method runs the bridge update on the same time grid (`timeGrid(_:)`) from the same start points.
/// Cost per method: steps x count x (the score's cost), plus the metrics (nearest neighbours, 64 projections for
/// sliced W2, curve distances) and the score error's Monte Carlo.
public struct ImperfectScoreStudy: Sendable {
    public let setup: FiniteDataSetup
    public let count: Int
    public let steps: Int
    public let threshold: Double
    /// Fresh draws from the data law (for sliced W2), when the law is known.
    public let freshData: PointSet?
    /// Whether the data are the Swiss roll (distance to the curve and coverage then apply).
    public let isSwissRoll: Bool
    /// The lower end t_low of the score error's time integral.
    public let errorTimeMinimum: Double
    /// The last positive time of a run to 0.
    public let finalTime: Double

    public init(
        setup: FiniteDataSetup, count: Int, steps: Int, threshold: Double, freshData: PointSet? = nil,
        isSwissRoll: Bool = false, errorTimeMinimum: Double = 1e-3, finalTime: Double = 1e-9
    ) {
        precondition(
            count >= 1 && steps >= 1 && threshold > 0, "ImperfectScoreStudy: count, steps >= 1 and threshold > 0")
        self.setup = setup
        self.count = count
        self.steps = steps
        self.threshold = threshold
        self.freshData = freshData
        self.isSwissRoll = isSwissRoll
        self.errorTimeMinimum = errorTimeMinimum
        self.finalTime = finalTime
    }

    /// The reverse time grid of `method`: `steps` geometric steps from T to its stop time, or, for a stop time of
    /// 0, `steps - 1` geometric steps from T to `finalTime` and a last step to 0. Geometric steps keep the last
    /// softmax (temperature 2 sinh t) sharp: the last step's <X0> blends neighbouring training points closer than a
    /// few (2 t_last)^(1/2) (with t_last = 1e-5 that blended 28 % of Swiss-roll samples from 200 training points;
    /// the default 1e-9 gives a width of 4.5e-5).
    public func timeGrid(_ method: GenerationMethod) -> TimeGrid {
        if method.stopTime > 0 { return .geometric(from: setup.horizon, to: method.stopTime, steps: steps) }
        guard steps >= 2 else { return .uniform(from: setup.horizon, to: 0, steps: 1) }
        return TimeGrid.geometric(from: setup.horizon, to: finalTime, steps: steps - 1).appending(0)
    }

    /// Samples from `method` (same start points for every method).
    public func samples(_ method: GenerationMethod) throws -> ParticleRunResult {
        let grid = timeGrid(method)
        return try setup.reverseRun(
            score: method.score, integrator: .ddpm, timeGrid: grid, start: setup.startPoints(count: count, offset: 2),
            seedOffset: 2)
    }

    /// The metrics of samples produced by `method`.
    public func metrics(_ method: GenerationMethod, samples result: ParticleRunResult) -> GenerationMetrics {
        let samples = PointSet(
            points: result.positions.map { $0.isFinite ? $0 : .greatestFiniteMagnitude }, dimension: setup.dimension)
        // Early stopping uses its score on [t_min, T] only: the error is integrated there.
        let scoreError = ScoreError(score: method.score, setup: setup, from: max(errorTimeMinimum, method.stopTime))
        return GenerationMetrics(
            name: method.name, scoreError: scoreError,
            novelty: NoveltySummary(
                samples: samples, training: setup.training, threshold: threshold, threads: setup.threads),
            manifoldDistance: isSwissRoll ? SwissRoll.meanDistanceToCurve(of: samples) : nil,
            slicedWasserstein: freshData.map {
                SlicedWasserstein(dimension: setup.dimension, seed: setup.seed).distance(samples, $0)
            },
            coverage: isSwissRoll ? SwissRoll.coverage(of: samples) : nil,
            status: result.status)
    }

    /// Table (1): one row per method.
    public func table(_ methods: [GenerationMethod]) throws -> [GenerationMetrics] {
        try methods.map { try metrics($0, samples: samples($0)) }
    }

    /// Table (1) for score providers run to t = 0 (e.g. network checkpoints).
    public func table(scores: [any ScoreProvider]) throws -> [GenerationMetrics] {
        try table(scores.map { GenerationMethod(score: $0) })
    }
}

import DataFiles
import Datasets
import Foundation
import ParticleSampling
import RandomStreams
import SampleStatistics

/// The predicted endpoint law of the exact reverse process: p_i = E_mu[lambda_i(Y, T)] (THEORY §7), computed
/// independently of the sampler.
///
/// In 1-D: midpoint quadrature of lambda_i(y, T) mu(y) over [a - 12 s, b + 12 s] (a, b the extreme means of mu,
/// s its largest standard deviation) with 20 001 nodes: the tails beyond 12 s weigh below 1e-32 and the midpoint
/// rule's error on these smooth integrands is far below 1e-8. In d >= 2: Monte Carlo over `samples` draws of Y
/// from its own stream, with standard errors (sample standard deviation / sqrt(samples)).
/// Cost: nodes (or samples) x N d.
public struct EndpointPrediction: Sendable {
    public let probabilities: [Double]
    /// Zero for quadrature.
    public let standardErrors: [Double]
    public let method: String

    public init(setup: FiniteDataSetup, samples: Int = 100_000) {
        let score = setup.exactScore
        let trainingCount = setup.training.count
        let horizon = setup.horizon
        let scale = setup.model.meanScale(to: horizon)
        let spread = setup.model.variance(to: horizon).squareRoot()
        if setup.dimension == 1 {
            let means = setup.startLaw == .gaussian ? [0.0] : setup.training.points.map { scale * $0 }
            let deviation = setup.startLaw == .gaussian ? 1.0 : spread
            let (low, high) = (means.min()! - 12 * deviation, means.max()! + 12 * deviation)
            let nodes = 20_001
            let width = (high - low) / Double(nodes)
            var totals = [Double](repeating: 0, count: trainingCount)
            let normalization = 1 / ((2 * Double.pi).squareRoot() * deviation * Double(means.count))
            for node in 0..<nodes {
                let y = low + width * (Double(node) + 0.5)
                let density =
                    means.reduce(0) { $0 + exp(-0.5 * ($1 - y) * ($1 - y) / (deviation * deviation)) } * normalization
                guard density > 0 else { continue }
                let weights = score.weights(at: [y], time: horizon)
                for index in 0..<trainingCount { totals[index] += width * density * weights[index] }
            }
            let mass = totals.reduce(0, +)
            probabilities = totals.map { $0 / mass }
            standardErrors = Array(repeating: 0, count: trainingCount)
            method = "quadrature"
        } else {
            let predictionSetup = FiniteDataSetup(
                training: setup.training, horizon: horizon, startLaw: setup.startLaw,
                seed: SplitMix64.mix(setup.seed ^ 0x5052_4544_4943_5400), threads: 1)
            let draws = predictionSetup.startPoints(count: samples)
            var sums = [Double](repeating: 0, count: trainingCount)
            var squares = sums
            let dimension = setup.dimension
            for index in 0..<samples {
                let weights = score.weights(
                    at: Array(draws[(index * dimension)..<((index + 1) * dimension)]), time: horizon)
                for point in 0..<trainingCount {
                    sums[point] += weights[point]
                    squares[point] += weights[point] * weights[point]
                }
            }
            let total = Double(samples)
            probabilities = sums.map { $0 / total }
            standardErrors = zip(sums, squares).map { sum, square in
                let mean = sum / total
                return (max(0, square / total - mean * mean) / (total - 1)).squareRoot()
            }
            method = "monte carlo"
        }
    }
}

/// How often each training point is reached, against the prediction, with Pearson's chi-square test.
public struct EndpointFrequencies: Sendable {
    /// Runs ending within epsilon of each training point (the nearest one).
    public let counts: [Int]
    /// Runs ending farther than epsilon from every training point.
    public let unassigned: Int
    public let prediction: EndpointPrediction
    public let chiSquare: ChiSquareTest
    public let runCount: Int

    public var frequencies: [Double] { counts.map { Double($0) / Double(runCount) } }

    /// Per training point, |f_i - p_i| / SE_i with SE_i^2 = p_i (1 - p_i) / M + SE(p_i)^2 (binomial plus the
    /// prediction's own Monte Carlo error); the largest of them.
    public var largestStandardizedDeviation: Double {
        zip(frequencies, zip(prediction.probabilities, prediction.standardErrors)).map { frequency, predicted in
            let (probability, error) = predicted
            let standardError = (probability * (1 - probability) / Double(runCount) + error * error).squareRoot()
            return standardError > 0
                ? abs(frequency - probability) / standardError : (frequency == probability ? 0 : .infinity)
        }.max() ?? 0
    }
}

/// Endpoint frequencies of the bridge update with the exact score against E_mu[lambda_i(Y, T)].
///
/// `count` runs of `steps` bridge steps from T to 0 spaced by `schedule` (`FiniteDataSetup.bridgeTimeGrid`); each
/// end is assigned to its nearest training point when within `threshold`. The chi-square test compares the assigned
/// counts with p_i times their total; with mu = rho_T the prediction is the uniform 1/N (checked by the prediction
/// itself). Cost: steps x count x N d,
/// plus the prediction's.
public struct EndpointFrequencyStudy: Sendable {
    public let setup: FiniteDataSetup
    public let count: Int
    public let steps: Int
    public let threshold: Double
    public let predictionSamples: Int
    /// Offset of the start points' stream and of the sampler's seed (1 by default; another offset gives an
    /// independent repetition).
    public let seedOffset: UInt64
    public let schedule: StepSchedule

    public init(
        setup: FiniteDataSetup, count: Int, steps: Int, threshold: Double, predictionSamples: Int = 100_000,
        seedOffset: UInt64 = 1, schedule: StepSchedule = .uniform
    ) {
        precondition(
            count >= 1 && steps >= 1 && threshold > 0, "EndpointFrequencyStudy: count, steps >= 1, threshold > 0")
        self.setup = setup
        self.count = count
        self.steps = steps
        self.threshold = threshold
        self.predictionSamples = predictionSamples
        self.seedOffset = seedOffset
        self.schedule = schedule
    }

    public func run() throws -> EndpointFrequencies {
        let result = try setup.reverseRun(
            score: setup.samplerExactScore, integrator: .ddpm,
            timeGrid: setup.bridgeTimeGrid(steps: steps, schedule: schedule, finalStepSize: nil),
            start: setup.startPoints(count: count, offset: seedOffset), seedOffset: seedOffset)
        return Self.frequencies(
            ends: PointSet(points: result.positions, dimension: setup.dimension), setup: setup,
            threshold: threshold, prediction: EndpointPrediction(setup: setup, samples: predictionSamples))
    }

    /// Counts the ends per training point and tests them against `prediction`.
    public static func frequencies(
        ends: PointSet, setup: FiniteDataSetup, threshold: Double, prediction: EndpointPrediction
    ) -> EndpointFrequencies {
        let search = NearestNeighbourSearch(reference: setup.training)
        var counts = [Int](repeating: 0, count: setup.training.count)
        var unassigned = 0
        ends.points.withUnsafeBufferPointer { points in
            for index in 0..<ends.count {
                let nearest = search.nearest(
                    to: UnsafeBufferPointer(rebasing: points[(index * ends.dimension)..<((index + 1) * ends.dimension)])
                )
                if nearest.distance <= threshold { counts[nearest.index] += 1 } else { unassigned += 1 }
            }
        }
        let assigned = Double(counts.reduce(0, +))
        let chiSquare = ChiSquareTest(
            observed: counts.map(Double.init), expected: prediction.probabilities.map { $0 * assigned })
        return EndpointFrequencies(
            counts: counts, unassigned: unassigned, prediction: prediction, chiSquare: chiSquare, runCount: ends.count)
    }

    /// Pearson's χ² homogeneity test of two count vectors over the same bins: expected counts from the pooled
    /// proportions, (2 − 1)(k − 1) degrees of freedom (the goodness-of-fit test with k estimated proportions on 2k
    /// cells). Nil when either vector counts nothing (no test is possible). Cost O(k).
    public static func homogeneityTest(_ first: [Int], _ second: [Int]) -> ChiSquareTest? {
        let (firstTotal, secondTotal) = (Double(first.reduce(0, +)), Double(second.reduce(0, +)))
        guard firstTotal > 0 && secondTotal > 0 && first.count == second.count else { return nil }
        let pooled = zip(first, second).map { Double($0 + $1) / (firstTotal + secondTotal) }
        return ChiSquareTest(
            observed: (first + second).map(Double.init),
            expected: pooled.map { $0 * firstTotal } + pooled.map { $0 * secondTotal },
            estimatedParameters: first.count)
    }
}

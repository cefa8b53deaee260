import DataFiles
import Datasets
import Foundation

/// How many of a model's samples are copies of its training data, by the nearest-neighbour ratio criterion.
///
/// A sample x is memorized when d₁(x) / d₂(x) < `ratio`, d₁ and d₂ its distances to the nearest and the
/// second-nearest training point (Yoon et al. 2023; Gu et al., "On memorization in diffusion models", 2023, with
/// ratio 1/3): close to one training point and not merely in a dense region. A sample at distance 0 counts as
/// memorized even when two training points coincide there (d₂ = 0 too: the ratio is taken as 0). The samples are
/// independent draws of the model, so the memorized count is Binomial(M, p): the fraction comes with the exact
/// Clopper–Pearson interval. Besides: the nearest-distance and ratio distributions (quantiles), the novelty (the
/// fraction with d₁ above `noveltyThreshold`, with its interval) and the coverage of the training set (the fraction
/// of training points that are the nearest one of at least one sample).
/// Cost: one `DenseNeighbourSearch`, 2 M N d flops, and O(M log M) for the quantiles.
public struct SampleMemorization: Sendable {
    public let samples: PointSet
    public let training: PointSet
    /// The criterion's threshold on d₁/d₂ (1/3 by default).
    public let ratio: Double
    public let noveltyThreshold: Double
    /// Confidence of the two-sided intervals.
    public let confidence: Double

    /// Per sample: its nearest training point, d₁, d₂ and d₁/d₂.
    public struct SampleRecord: Sendable, Equatable {
        public var nearestIndex: Int
        public var nearestDistance: Double
        public var secondDistance: Double
        public var distanceRatio: Double
        public var memorized: Bool
    }

    public struct Result: Sendable {
        public let records: [SampleRecord]
        public let memorizedCount: Int
        public let memorizedInterval: ClopperPearsonInterval
        public let novelCount: Int
        public let novelInterval: ClopperPearsonInterval
        /// Training points that are the nearest of at least one sample, over all training points.
        public let coverage: Double
        /// The quantiles `quantileLevels` of d₁ and of d₁/d₂ (type 7: linear between order statistics).
        public let nearestDistanceQuantiles: [Double]
        public let ratioQuantiles: [Double]

        public var memorizedFraction: Double { Double(memorizedCount) / Double(records.count) }
        public var noveltyFraction: Double { Double(novelCount) / Double(records.count) }
    }

    public static let quantileLevels = [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1]

    public init(
        samples: PointSet, training: PointSet, ratio: Double = 1.0 / 3, noveltyThreshold: Double,
        confidence: Double = 0.95
    ) {
        precondition(samples.count >= 1 && training.count >= 2, "SampleMemorization: samples and two training points")
        precondition(samples.dimension == training.dimension, "SampleMemorization: dimensions differ")
        precondition(ratio > 0 && ratio <= 1, "SampleMemorization: ratio in (0, 1]")
        self.samples = samples
        self.training = training
        self.ratio = ratio
        self.noveltyThreshold = noveltyThreshold
        self.confidence = confidence
    }

    public func run(threads: Int = 1) -> Result {
        let neighbours = DenseNeighbourSearch(reference: training).twoNearest(of: samples, threads: threads)
        let records = neighbours.map { pair -> SampleRecord in
            let distanceRatio = pair.nearestDistance == 0 ? 0 : pair.nearestDistance / pair.secondDistance
            return SampleRecord(
                nearestIndex: pair.nearestIndex, nearestDistance: pair.nearestDistance,
                secondDistance: pair.secondDistance, distanceRatio: distanceRatio, memorized: distanceRatio < ratio)
        }
        let memorized = records.count { $0.memorized }
        let novel = records.count { $0.nearestDistance > noveltyThreshold }
        var reached = [Bool](repeating: false, count: training.count)
        for record in records { reached[record.nearestIndex] = true }
        return Result(
            records: records, memorizedCount: memorized,
            memorizedInterval: ClopperPearsonInterval(
                successes: memorized, trials: records.count, confidence: confidence),
            novelCount: novel,
            novelInterval: ClopperPearsonInterval(successes: novel, trials: records.count, confidence: confidence),
            coverage: Double(reached.count { $0 }) / Double(training.count),
            nearestDistanceQuantiles: Self.quantiles(records.map(\.nearestDistance)),
            ratioQuantiles: Self.quantiles(records.map(\.distanceRatio)))
    }

    /// Type-7 quantiles (numpy's default): for level q, position h = (n − 1) q between the order statistics.
    static func quantiles(_ values: [Double]) -> [Double] {
        let sorted = values.sorted()
        return quantileLevels.map { level in
            let position = Double(sorted.count - 1) * level
            let low = Int(position.rounded(.down))
            let high = min(low + 1, sorted.count - 1)
            return sorted[low] + (position - Double(low)) * (sorted[high] - sorted[low])
        }
    }
}

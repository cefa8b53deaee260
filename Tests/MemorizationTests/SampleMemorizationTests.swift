import DataFiles
import Datasets
import Foundation
import RandomStreams
import Testing

@testable import Memorization

/// The memorized-sample criterion on planted sets, against counts and distances computed here directly.
@Suite struct SampleMemorizationTests {
    /// d = 64, 400 training points x_i ~ N(0, I); samples: 60 exact copies, 40 copies moved by N(0, 0.01² I) and
    /// 200 fresh N(0, I) draws. A moved copy has d₁ ≈ 0.01 √64 = 0.08 and d₂ ≈ √(2 · 64) ≈ 11.3: ratio about
    /// 0.007, memorized. A fresh draw's distances to the training points concentrate at √128 ± about 1, so its
    /// d₁/d₂ is near 0.9; below 1/3 it would need a training point within 3.8 of it, a chi-square(64) deviation
    /// of over 10 SDs: the memorized count is exactly 100. Every record's distances equal a direct computation,
    /// the interval is scipy's Clopper–Pearson for 100 of 300 (beta.ppf(0.025, 100, 201) = 0.280205…,
    /// beta.ppf(0.975, 101, 200) = 0.389792…) and the coverage counts the distinct copied points.
    @Test func plantedCopiesAreFoundAtThePlantedRate() {
        let dimension = 64
        var generator = Xoshiro256StarStar(seed: 4)
        func normals(_ count: Int, scale: Double = 1) -> [Double] {
            (0..<count).map { _ in scale * Ziggurat.normal(using: &generator) }
        }
        let training = PointSet(points: normals(400 * dimension), dimension: dimension)
        var samples: [Double] = []
        var copied = Set<Int>()
        for index in 0..<100 {
            let source = (index * 13) % 400
            copied.insert(source)
            let noise = index < 60 ? [Double](repeating: 0, count: dimension) : normals(dimension, scale: 0.01)
            samples += (0..<dimension).map { training.points[source * dimension + $0] + noise[$0] }
        }
        samples += normals(200 * dimension)
        let sampleSet = PointSet(points: samples, dimension: dimension)
        let result = SampleMemorization(samples: sampleSet, training: training, noveltyThreshold: 1).run(threads: 2)
        #expect(result.memorizedCount == 100)
        #expect(result.records.prefix(100).allSatisfy { $0.memorized })
        #expect(result.records.prefix(60).allSatisfy { $0.nearestDistance == 0 && $0.distanceRatio == 0 })
        #expect(
            abs(result.memorizedInterval.lower - 0.2802048455295053) < 1e-12
                && abs(result.memorizedInterval.upper - 0.38979241293949785) < 1e-12)
        #expect(result.novelCount == 200, "only the fresh draws are farther than 1 from the training set")
        for (index, record) in result.records.enumerated() {
            let distances = (0..<400).map { reference in
                (0..<dimension).reduce(0.0) { sum, axis in
                    let difference = samples[index * dimension + axis] - training.points[reference * dimension + axis]
                    return sum + difference * difference
                }.squareRoot()
            }
            let sorted = distances.sorted()
            #expect(record.nearestDistance == sorted[0] && record.secondDistance == sorted[1])
        }
        let freshReached = Set(result.records.suffix(200).map(\.nearestIndex)).subtracting(copied).count
        #expect(result.coverage == Double(copied.count + freshReached) / 400)
    }

    /// Type-7 quantiles: numpy.quantile([4, 1, 3, 2], [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1]) =
    /// [1, 1.15, 1.75, 2.5, 3.25, 3.85, 4].
    @Test func quantilesAreNumpysDefault() {
        let expected = [1, 1.15, 1.75, 2.5, 3.25, 3.85, 4]
        let computed = SampleMemorization.quantiles([4, 1, 3, 2])
        #expect(zip(computed, expected).allSatisfy { abs($0 - $1) <= 1e-15 })
    }
}

import DataFiles
import Foundation
import ParticleSampling
import RandomStreams
import Testing

@testable import Datasets

@Suite struct PointSetMetricsTests {
    static func bruteForceNearest(_ query: ArraySlice<Double>, _ reference: PointSet) -> Double {
        let dimension = reference.dimension
        return (0..<reference.count).map { index in
            zip(query, reference.points[(index * dimension)..<((index + 1) * dimension)]).reduce(0) {
                $0 + ($1.0 - $1.1) * ($1.0 - $1.1)
            }
        }.min()!.squareRoot()
    }

    /// Grid-bucket search against brute force, in 1-D, 2-D (clustered data and queries outside the box) and 4-D.
    @Test(arguments: [1, 2, 4])
    func nearestNeighbourSearchIsExact(dimension: Int) {
        var generator = Xoshiro256StarStar(seed: UInt64(dimension))
        let reference = PointSet(
            points: (0..<(700 * dimension)).map { _ in
                let value = generator.nextUniform()
                return value < 0.5 ? value * value : 3 * value - 1 // uneven density
            }, dimension: dimension)
        let queries = PointSet(
            points: (0..<(300 * dimension)).map { _ in 4 * generator.nextUniform() - 1.5 }, dimension: dimension)
        let search = NearestNeighbourSearch(reference: reference)
        let fast = search.nearestDistances(of: queries, threads: 2)
        for index in 0..<queries.count {
            let slow = Self.bruteForceNearest(
                queries.points[(index * dimension)..<((index + 1) * dimension)], reference)
            #expect(abs(fast[index] - slow) < 1e-14, "query \(index)")
        }
        #expect(search.nearestDistances(of: queries, threads: 1) == fast)
    }

    @Test func noveltySummaryCountsThresholds() {
        let training = PointSet(points: [0, 2, 2.5], dimension: 1)
        let samples = PointSet(points: [0.0005, 2.0, 1.0, 3.0], dimension: 1)
        let summary = NoveltySummary(samples: samples, training: training, threshold: 1e-3)
        #expect(summary.memorizedFraction == 0.5 && summary.noveltyFraction == 0.5)
        #expect(abs(summary.meanNearestDistance - (0.0005 + 0 + 1 + 0.5) / 4) < 1e-15)
        #expect(abs(summary.fractionStandardError - (0.25 / 4).squareRoot()) < 1e-15)
    }

    /// Exact 1-D W2: equal counts is the sorted-pair formula; repeating every point of a set leaves its law and the
    /// distance unchanged (unequal counts through the quantile functions); for standard-normal quantile grids
    /// a + s Phi^-1((i + 1/2)/n), W2^2 -> (a - b)^2 + (s - r)^2 (the Gaussian closed form) as n grows.
    @Test func oneDimensionalWassersteinIsExact() {
        let first = [0.0, 1, 4].sorted()
        let second = [0.5, 2, 2].sorted()
        let direct = ((0.25 + 1 + 4) / 3).squareRoot()
        #expect(
            abs(SlicedWasserstein.oneDimensionalDistance(sortedFirst: first, sortedSecond: second) - direct) < 1e-15)
        let doubled = second.flatMap { [$0, $0] }
        #expect(
            abs(SlicedWasserstein.oneDimensionalDistance(sortedFirst: first, sortedSecond: doubled) - direct) < 1e-14)
        // Two points against three: F^-1 = 0 on (0, 1/2], 1 on (1/2, 1]; G^-1 = 0, 0, 3 on thirds:
        // W2^2 = (1/2)(0) + (1/6)(1) + (1/3)(4) = 1.5.
        #expect(
            abs(
                SlicedWasserstein.oneDimensionalDistance(sortedFirst: [0, 1], sortedSecond: [0, 0, 3])
                    - 1.5.squareRoot()) < 1e-15)
        let gaussian = { (count: Int, mean: Double, spread: Double) in
            (0..<count).map { mean + spread * standardNormalQuantile((Double($0) + 0.5) / Double(count)) }
        }
        let distance = SlicedWasserstein.oneDimensionalDistance(
            sortedFirst: gaussian(4000, 0, 1), sortedSecond: gaussian(3000, 1, 2))
        #expect(abs(distance * distance - 2) < 2e-3, "W2^2 = \(distance * distance)")
    }

    /// Sliced W2 in 2-D: a translation by mu gives W2^2 = |mu|^2 and SW2^2 = mean (theta . mu)^2 = |mu|^2 / 2 exactly
    /// over equally spaced half-circle directions, so W2 = 2^(1/2) SW2; an isotropic scaling N(0, I) -> N(0, 4 I)
    /// gives SW2^2 = (2 - 1)^2 = 1 (= W2^2 / d), here from 20 000 independent draws each (sampling error a few 1e-2).
    @Test func slicedWassersteinMatchesGaussianClosedForms() {
        var generator = Xoshiro256StarStar(seed: 21)
        let base = PointSet(points: (0..<4000).map { _ in Ziggurat.normal(using: &generator) }, dimension: 2)
        let mu = (0.7, -0.4)
        let shifted = PointSet(
            points: base.points.enumerated().map { $0.element + ($0.offset % 2 == 0 ? mu.0 : mu.1) }, dimension: 2)
        let sliced = SlicedWasserstein(dimension: 2, directionCount: 32, seed: 4)
        let translation = sliced.distance(base, shifted)
        #expect(abs(2.squareRoot() * translation - (mu.0 * mu.0 + mu.1 * mu.1).squareRoot()) < 1e-12)
        let wide = PointSet(points: (0..<40_000).map { _ in 2 * Ziggurat.normal(using: &generator) }, dimension: 2)
        let narrow = PointSet(points: (0..<40_000).map { _ in Ziggurat.normal(using: &generator) }, dimension: 2)
        let scaling = sliced.distance(narrow, wide)
        #expect(abs(scaling - 1) < 0.04, "SW2 = \(scaling)")
        // In 3-D (random directions) the translation gives mean over the directions used of (theta . mu)^2.
        let sliced3 = SlicedWasserstein(dimension: 3, directionCount: 16, seed: 2)
        let cube = PointSet(points: (0..<1500).map { _ in Ziggurat.normal(using: &generator) }, dimension: 3)
        let shift = [0.3, 0.1, -0.5]
        let moved = PointSet(points: cube.points.enumerated().map { $0.element + shift[$0.offset % 3] }, dimension: 3)
        let expected =
            (0..<16).map { direction -> Double in
                let projection = (0..<3).reduce(0.0) { $0 + sliced3.directions[direction * 3 + $1] * shift[$1] }
                return projection * projection
            }.reduce(0, +) / 16
        #expect(abs(sliced3.distance(cube, moved) - expected.squareRoot()) < 1e-12)
    }
}

/// Phi^-1 by bisection on erfc (tests only; 1e-15 absolute).
func standardNormalQuantile(_ probability: Double) -> Double {
    var (low, high) = (-40.0, 40.0)
    for _ in 0..<200 {
        let middle = 0.5 * (low + high)
        if 0.5 * erfc(-middle / 2.squareRoot()) < probability { low = middle } else { high = middle }
    }
    return 0.5 * (low + high)
}

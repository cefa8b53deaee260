import DataFiles
import Foundation
import ParticleSampling
import RandomStreams
import Testing

@testable import Datasets

@Suite struct SwissRollTests {
    /// Brute force: |c(tau) - p| on 600 001 equally spaced parameters, then golden section on the best interval.
    /// The dense grid's own error is at most (spacing x speed)^2 / (2 distance)-ish; after its refinement both must
    /// agree to 1e-9 (the golden-section bracket is 1e-11 in tau, speed <= 1.42).
    static func bruteForceDistance(x: Double, y: Double) -> Double {
        let (low, high) = (SwissRoll.parameterRange.lowerBound, SwissRoll.parameterRange.upperBound)
        let count = 600_000
        var (bestIndex, bestValue) = (0, Double.infinity)
        for index in 0...count {
            let point = SwissRoll.curvePoint(parameter: low + (high - low) * Double(index) / Double(count))
            let value = (point.x - x) * (point.x - x) + (point.y - y) * (point.y - y)
            if value < bestValue { (bestIndex, bestValue) = (index, value) }
        }
        let spacing = (high - low) / Double(count)
        let refined = goldenSectionMinimum(
            of: { tau in
                let point = SwissRoll.curvePoint(parameter: tau)
                return (point.x - x) * (point.x - x) + (point.y - y) * (point.y - y)
            }, from: max(low, low + spacing * Double(bestIndex - 1)),
            to: min(high, low + spacing * Double(bestIndex + 1)))
        return min(bestValue, refined.value).squareRoot()
    }

    @Test func distanceToCurveMatchesDenseSearch() {
        var generator = Xoshiro256StarStar(seed: 11)
        // Points around and inside the roll, near both ends, and far away.
        var queries: [(Double, Double)] = [(0, 0), (0.47, -0.05), (-1.4, 0.1), (1.2, 0.9), (3, -3), (0.1, 0.45)]
        for _ in 0..<40 { queries.append((3 * generator.nextUniform() - 1.5, 3 * generator.nextUniform() - 1.5)) }
        for (x, y) in queries {
            let fast = SwissRoll.distanceToCurve(x: x, y: y)
            let slow = Self.bruteForceDistance(x: x, y: y)
            #expect(abs(fast - slow) < 1e-9, "(\(x), \(y)): \(fast) against \(slow)")
        }
    }

    @Test func samplesLieOnTheCurveAtTheirParameter() {
        let points = SwissRoll().sample(count: 500, seed: 3)
        #expect(points.count == 500 && points.dimension == 2)
        let distances = (0..<points.count).map {
            SwissRoll.distanceToCurve(x: points.points[2 * $0], y: points.points[2 * $0 + 1])
        }
        #expect(distances.max()! < 1e-7)
        // The nearest parameter of a curve point is its own parameter: tau = 10 |c(tau)|.
        for index in 0..<20 {
            let (x, y) = (points.points[2 * index], points.points[2 * index + 1])
            let nearest = SwissRoll.nearestCurvePoint(x: x, y: y)
            #expect(abs(nearest.parameter - 10 * (x * x + y * y).squareRoot()) < 1e-6)
        }
        #expect(SwissRoll().sample(count: 100, seed: 3) == SwissRoll().sample(count: 100, seed: 3))
        #expect(SwissRoll().sample(count: 100, seed: 3) != SwissRoll().sample(count: 100, seed: 4))
    }

    /// Jitter sigma in 2-D: for sigma much smaller than the curvature radius (>= 0.47) the distance to the curve is
    /// about |N(0, sigma^2)|, mean sigma (2/pi)^(1/2); 4000 points give an SE of about 0.6 % of the mean.
    @Test func jitteredDistanceHasTheHalfNormalMean() {
        let sigma = 0.01
        let points = SwissRoll(jitter: sigma).sample(count: 4000, seed: 5)
        let (mean, standardError) = SwissRoll.meanDistanceToCurve(of: points)
        let expected = sigma * (2 / Double.pi).squareRoot()
        #expect(
            abs(mean - expected) < 4 * standardError + 0.02 * expected,
            "mean \(mean), expected \(expected), SE \(standardError)")
    }

    @Test func coverageCountsReachedParameterBins() {
        let full = SwissRoll().sample(count: 3000, seed: 7)
        #expect(SwissRoll.coverage(of: full) == 1)
        // Only the inner half of the parameter range: coverage 1/2 of 30 bins.
        let innerHalf = PointSet(
            points: (0..<300).flatMap { index -> [Double] in
                let tau = 1.5 * Double.pi + 1.5 * Double.pi * (Double(index) + 0.5) / 300
                let point = SwissRoll.curvePoint(parameter: tau)
                return [point.x, point.y]
            }, dimension: 2)
        #expect(SwissRoll.coverage(of: innerHalf, bins: 30) == 0.5)
        // Points far from the curve cover nothing.
        #expect(SwissRoll.coverage(of: PointSet(points: [5, 5, -5, 5], dimension: 2)) == 0)
    }
}

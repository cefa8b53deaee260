import DataFiles
import Foundation
import RandomStreams

/// How far generated samples sit from the training set: with distances D_j = min_i |y_j - x_i|,
/// the memorized fraction P(D <= epsilon), the novelty fraction P(D > epsilon) = 1 - memorized, each with its
/// binomial standard error (p (1 - p) / N)^(1/2), and the mean nearest distance.
///
/// Cost: one `NearestNeighbourSearch` over the training set (O(M d) to build) and N queries (O(N d) expected for
/// spread data in d <= 3).
public struct NoveltySummary: Sendable, Equatable {
    public let threshold: Double
    public let sampleCount: Int
    public let memorizedFraction: Double
    public let meanNearestDistance: Double

    public var noveltyFraction: Double { 1 - memorizedFraction }
    /// Binomial standard error of either fraction.
    public var fractionStandardError: Double {
        (memorizedFraction * (1 - memorizedFraction) / Double(sampleCount)).squareRoot()
    }

    /// Summarizes precomputed nearest distances.
    public init(nearestDistances: [Double], threshold: Double) {
        precondition(
            threshold > 0 && !nearestDistances.isEmpty, "NoveltySummary: threshold > 0 and at least one sample")
        self.threshold = threshold
        sampleCount = nearestDistances.count
        memorizedFraction = Double(nearestDistances.filter { $0 <= threshold }.count) / Double(nearestDistances.count)
        meanNearestDistance = nearestDistances.reduce(0, +) / Double(nearestDistances.count)
    }

    /// Measures `samples` against `training`.
    public init(samples: PointSet, training: PointSet, threshold: Double, threads: Int = 1) {
        let distances = NearestNeighbourSearch(reference: training).nearestDistances(of: samples, threads: threads)
        self.init(nearestDistances: distances, threshold: threshold)
    }
}

/// Sliced Wasserstein-2 distance between two point sets in R^d:
/// SW2(P, Q) = ( (1/K) sum_k W2^2(theta_k . P, theta_k . Q) )^(1/2) over K fixed unit directions theta_k,
/// each 1-D W2 exact between the empirical laws of the projections.
///
/// Directions: in 1-D the single direction 1; in 2-D the K angles pi (k + u)/K (a seeded offset u, equally
/// spaced half-circle, so the average over directions is a quadrature of the uniform one); in d >= 3 normalized
/// Gaussian vectors from `Xoshiro256StarStar(seed:stream: 0)`. For a translation or an isotropic scaling between
/// two Gaussian laws the uniform-direction average gives W2^2 = d SW2^2 exactly (the tests' reference).
/// Cost: O(K (N + M) (d + log(N + M))) (projection and sort per direction).
public struct SlicedWasserstein: Sendable {
    public let dimension: Int
    /// Unit directions, flat (K x d).
    public let directions: [Double]

    public init(dimension: Int, directionCount: Int = 64, seed: UInt64 = 1) {
        precondition(
            dimension >= 1 && directionCount >= 1, "SlicedWasserstein: dimension and direction count must be positive")
        self.dimension = dimension
        var generator = Xoshiro256StarStar(seed: seed, stream: 0)
        switch dimension {
        case 1:
            directions = [1]
        case 2:
            let offset = generator.nextUniform()
            directions = (0..<directionCount).flatMap { index -> [Double] in
                let angle = Double.pi * (Double(index) + offset) / Double(directionCount)
                return [cos(angle), sin(angle)]
            }
        default:
            directions = (0..<directionCount).flatMap { _ -> [Double] in
                var vector = (0..<dimension).map { _ in Ziggurat.normal(using: &generator) }
                let length = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
                vector = vector.map { $0 / length }
                return vector
            }
        }
    }

    public var directionCount: Int { directions.count / dimension }

    /// SW2 between two point sets of this dimension (counts may differ).
    public func distance(_ first: PointSet, _ second: PointSet) -> Double {
        precondition(
            first.dimension == dimension && second.dimension == dimension, "SlicedWasserstein: dimensions differ")
        var total = 0.0
        for direction in 0..<directionCount {
            let theta = directions[(direction * dimension)..<((direction + 1) * dimension)]
            func project(_ set: PointSet) -> [Double] {
                (0..<set.count).map { index in
                    zip(theta, set.points[(index * dimension)..<((index + 1) * dimension)]).reduce(0) {
                        $0 + $1.0 * $1.1
                    }
                }.sorted()
            }
            let distance = Self.oneDimensionalDistance(sortedFirst: project(first), sortedSecond: project(second))
            total += distance * distance
        }
        return (total / Double(directionCount)).squareRoot()
    }

    /// Exact W2 between two 1-D empirical laws given sorted: W2^2 = int_0^1 (F^-1(u) - G^-1(u))^2 du with the
    /// empirical quantile functions (F^-1(u) = a_(ceil(u N)), a step function), integrated exactly over the merged
    /// breakpoints i/N and j/M. Equal counts reduce to (1/N) sum (a_i - b_i)^2. Cost O(N + M).
    public static func oneDimensionalDistance(sortedFirst first: [Double], sortedSecond second: [Double]) -> Double {
        precondition(!first.isEmpty && !second.isEmpty, "SlicedWasserstein: empty point set")
        let (countFirst, countSecond) = (first.count, second.count)
        var (i, j) = (0, 0)
        var position = 0.0
        var total = 0.0
        // Breakpoints as exact fractions compared by cross-multiplication: (i + 1)/N against (j + 1)/M.
        while i < countFirst && j < countSecond {
            let nextFirst = (i + 1) * countSecond
            let nextSecond = (j + 1) * countFirst
            let next = Double(min(nextFirst, nextSecond)) / Double(countFirst * countSecond)
            let difference = first[i] - second[j]
            total += (next - position) * difference * difference
            position = next
            if nextFirst <= nextSecond { i += 1 }
            if nextSecond <= nextFirst { j += 1 }
        }
        return total.squareRoot()
    }
}

import DiffusionModels
import Foundation
import RandomStreams

/// A score with a constant error added on purpose: s(x, t) + bias. The excess denoising loss is |bias|^2
/// (THEORY §6).
public struct BiasedScore: ScoreProvider {
    public let base: any ScoreProvider
    public let bias: [Double]
    public var dimension: Int { base.dimension }
    public var model: LinearSDE { base.model }
    public var name: String { "\(base.name)+bias" }

    public init(base: any ScoreProvider, bias: [Double]) {
        precondition(bias.count == base.dimension, "BiasedScore: one bias component per axis")
        self.base = base
        self.bias = bias
    }

    public func score(
        at points: UnsafeBufferPointer<Double>, time: Double, into scores: UnsafeMutableBufferPointer<Double>
    ) {
        base.score(at: points, time: time, into: scores)
        for index in 0..<points.count { scores[index] += bias[index % dimension] }
    }
}

/// A score averaged over a Gaussian neighbourhood: s~(x, t) = E[s(x + u, t)], u ~ N(0, bandwidth^2 I), by
/// tensor Gauss–Hermite quadrature with `nodesPerAxis` nodes (exact for polynomial scores up to degree
/// 2 nodes - 1). Cost: nodesPerAxis^d base evaluations per point.
public struct SmoothedScore: ScoreProvider {
    public let base: any ScoreProvider
    public let bandwidth: Double
    public let nodesPerAxis: Int
    public var dimension: Int { base.dimension }
    public var model: LinearSDE { base.model }
    public var name: String { "\(base.name) smoothed" }
    let nodes: [Double]
    let weights: [Double]

    public init(base: any ScoreProvider, bandwidth: Double, nodesPerAxis: Int = 5) {
        precondition(bandwidth >= 0 && (1...9).contains(nodesPerAxis), "SmoothedScore: bandwidth >= 0, 1 to 9 nodes")
        self.base = base
        self.bandwidth = bandwidth
        self.nodesPerAxis = nodesPerAxis
        (nodes, weights) = GaussHermite.probabilists(count: nodesPerAxis)
    }

    public func score(
        at points: UnsafeBufferPointer<Double>, time: Double, into scores: UnsafeMutableBufferPointer<Double>
    ) {
        let dimension = self.dimension
        let pointCount = points.count / dimension
        let combinations = Int(pow(Double(nodesPerAxis), Double(dimension)))
        var shifted = [Double](repeating: 0, count: points.count)
        var values = [Double](repeating: 0, count: points.count)
        for index in 0..<points.count { scores[index] = 0 }
        for combination in 0..<combinations {
            var weight = 1.0
            var remainder = combination
            var offsets = [Double](repeating: 0, count: dimension)
            for axis in 0..<dimension {
                let node = remainder % nodesPerAxis
                remainder /= nodesPerAxis
                weight *= weights[node]
                offsets[axis] = bandwidth * nodes[node]
            }
            for particle in 0..<pointCount {
                for axis in 0..<dimension {
                    shifted[particle * dimension + axis] = points[particle * dimension + axis] + offsets[axis]
                }
            }
            shifted.withUnsafeBufferPointer { input in
                values.withUnsafeMutableBufferPointer { output in base.score(at: input, time: time, into: output) }
            }
            for index in 0..<points.count { scores[index] += weight * values[index] }
        }
    }
}

/// A score with a frozen multiplicative random error: s(x, t) (1 + level z(x, t)), where z is a standard
/// normal obtained by hashing (seed, the bits of x and t). The error is a fixed random field, like a trained
/// network's: the same point and time always get the same value, whatever the thread or block.
public struct NoisyScore: ScoreProvider {
    public let base: any ScoreProvider
    public let level: Double
    public let seed: UInt64
    public var dimension: Int { base.dimension }
    public var model: LinearSDE { base.model }
    public var name: String { "\(base.name)+noise" }

    public init(base: any ScoreProvider, level: Double, seed: UInt64 = 1) {
        precondition(level >= 0, "NoisyScore: level must be non-negative")
        self.base = base
        self.level = level
        self.seed = seed
    }

    public func score(
        at points: UnsafeBufferPointer<Double>, time: Double, into scores: UnsafeMutableBufferPointer<Double>
    ) {
        base.score(at: points, time: time, into: scores)
        let dimension = self.dimension
        for start in stride(from: 0, to: points.count, by: dimension) {
            var hash = SplitMix64.mix(seed ^ time.bitPattern)
            for axis in 0..<dimension { hash = SplitMix64.mix(hash ^ points[start + axis].bitPattern) }
            var generator = Xoshiro256StarStar(seed: hash)
            for axis in 0..<dimension {
                scores[start + axis] *= 1 + level * Ziggurat.normal(using: &generator)
            }
        }
    }
}

/// Gauss–Hermite rules for the standard normal weight (probabilists'): sum_j w_j f(x_j) = E f(Z), exact for
/// polynomials of degree 2n - 1. Nodes: the roots of He_n, bracketed by a sign scan on [-(4n+2)^(1/2) - 1, ...]
/// and polished by bisection; weights n! / (n He_(n-1)(x_j))^2.
enum GaussHermite {
    static func probabilists(count: Int) -> (nodes: [Double], weights: [Double]) {
        if count == 1 { return ([0], [1]) }
        let bound = (4.0 * Double(count) + 2).squareRoot() + 1
        let scanSteps = 4000
        var nodes: [Double] = []
        var left = -bound
        var leftValue = hermiteAndDerivative(count, left).value
        for index in 1...scanSteps {
            let right = -bound + 2 * bound * Double(index) / Double(scanSteps)
            let rightValue = hermiteAndDerivative(count, right).value
            if leftValue == 0 {
                nodes.append(left)
            } else if leftValue * rightValue < 0 {
                var (low, high, lowValue) = (left, right, leftValue)
                for _ in 0..<200 {
                    let middle = 0.5 * (low + high)
                    let middleValue = hermiteAndDerivative(count, middle).value
                    if middleValue == 0 || high - low < 1e-16 {
                        low = middle
                        high = middle
                        break
                    }
                    if (middleValue < 0) == (lowValue < 0) {
                        low = middle
                        lowValue = middleValue
                    } else {
                        high = middle
                    }
                }
                nodes.append(0.5 * (low + high))
            }
            (left, leftValue) = (right, rightValue)
        }
        precondition(nodes.count == count, "GaussHermite: found \(nodes.count) roots of He_\(count)")
        var factorial = 1.0
        for index in 1...count { factorial *= Double(index) }
        let weights = nodes.map { node -> Double in
            let previous = hermiteAndDerivative(count - 1, node).value
            return factorial / (Double(count * count) * previous * previous)
        }
        return (nodes, weights)
    }

    /// He_n(x) and He_n'(x) = n He_(n-1)(x).
    static func hermiteAndDerivative(_ order: Int, _ value: Double) -> (value: Double, derivative: Double) {
        var (previous, current) = (0.0, 1.0)
        for index in 0..<order { (previous, current) = (current, value * current - Double(index) * previous) }
        return (current, Double(order) * previous)
    }
}

import DiffusionModels
import Foundation

/// The exact score of a finite dataset rho_0 = (1/N) sum_i delta(x_i) under a linear model (THEORY §7).
///
/// rho_t = (1/N) sum_i N(m x_i, v I), so <X0>(x, t) = sum_i lambda_i(x, t) x_i with softmax weights
/// lambda_i = softmax_i((m <x, x_i> - m^2 |x_i|^2 / 2) / v) (for OU: (<x, x_i> - e^-t |x_i|^2/2) / (2 sinh t)),
/// computed stably by log-sum-exp, and the score is Tweedie's (m <X0> - x) / v.
///
/// With a `bandwidth` b > 0 the data are smoothed first (a kernel density estimate, rho_0 = (1/N) sum N(x_i, b^2 I)):
/// the logits use v_b = v + m^2 b^2 and <X0> = (1 - m^2 b^2 / v_b) sum lambda_i x_i + (m b^2 / v_b) x, an imperfect
/// score on purpose (it generalizes: samples spread off the training points).
///
/// Cost: O(N d) per point, two passes over the data (the largest logit, then the weighted sums); memory O(N d)
/// for the data and O(block) work space: an N x M weight matrix is never formed. Blocks of points from the particle
/// core run on several threads.
public struct FiniteDatasetScore: ScoreProvider {
    /// Training points, flat (d per point).
    public let data: [Double]
    public let dimension: Int
    public let model: LinearSDE
    public let bandwidth: Double
    public var name: String { bandwidth > 0 ? "empirical smoothed" : "empirical" }
    /// |x_i|^2 / 2 per training point.
    let halfSquaredNorms: [Double]

    public var pointCount: Int { data.count / dimension }

    public init(data: [Double], dimension: Int, model: LinearSDE = .ornsteinUhlenbeck, bandwidth: Double = 0) {
        precondition(bandwidth >= 0, "FiniteDatasetScore: bandwidth must be non-negative")
        self.bandwidth = bandwidth
        precondition(dimension >= 1 && !data.isEmpty && data.count % dimension == 0, "FiniteDatasetScore: data must be N x d with N >= 1")
        self.data = data
        self.dimension = dimension
        self.model = model
        halfSquaredNorms = stride(from: 0, to: data.count, by: dimension).map { start in
            0.5 * (0..<dimension).reduce(0) { $0 + data[start + $1] * data[start + $1] }
        }
    }

    public func score(at points: UnsafeBufferPointer<Double>, time: Double, into scores: UnsafeMutableBufferPointer<Double>) {
        posteriorMean(at: points, time: time, into: scores)
        scoreFromPosteriorMean(points: points, means: scores, scale: model.meanScale(to: time), variance: model.variance(to: time))
    }

    public func posteriorMean(at points: UnsafeBufferPointer<Double>, time: Double, into means: UnsafeMutableBufferPointer<Double>) {
        let scale = model.meanScale(to: time)
        let smoothing = scale * scale * bandwidth * bandwidth
        let variance = model.variance(to: time) + smoothing
        let inner = scale / variance, quadratic = scale * scale / variance
        let dataWeight = 1 - smoothing / variance, pointWeight = scale * bandwidth * bandwidth / variance
        let dimension = self.dimension, count = pointCount
        data.withUnsafeBufferPointer { data in
            halfSquaredNorms.withUnsafeBufferPointer { norms in
                for start in stride(from: 0, to: points.count, by: dimension) {
                    // Pass 1: the largest logit.
                    var largest = -Double.infinity
                    for index in 0..<count {
                        var product = 0.0
                        for axis in 0..<dimension { product += points[start + axis] * data[index * dimension + axis] }
                        largest = max(largest, inner * product - quadratic * norms[index])
                    }
                    // Pass 2: sum_i e^(logit_i - largest) and sum_i e^(...) x_i.
                    var total = 0.0
                    for axis in 0..<dimension { means[start + axis] = 0 }
                    for index in 0..<count {
                        var product = 0.0
                        for axis in 0..<dimension { product += points[start + axis] * data[index * dimension + axis] }
                        let weight = exp(inner * product - quadratic * norms[index] - largest)
                        total += weight
                        for axis in 0..<dimension { means[start + axis] += weight * data[index * dimension + axis] }
                    }
                    for axis in 0..<dimension {
                        means[start + axis] = dataWeight * means[start + axis] / total + pointWeight * points[start + axis]
                    }
                }
            }
        }
    }

    /// The softmax weights lambda_i(x, t) for one point (for endpoint predictions and tests).
    public func weights(at point: [Double], time: Double) -> [Double] {
        let scale = model.meanScale(to: time)
        let variance = model.variance(to: time) + scale * scale * bandwidth * bandwidth
        let logits = (0..<pointCount).map { index in
            let product = (0..<dimension).reduce(0) { $0 + point[$1] * data[index * dimension + $1] }
            return (scale * product - scale * scale * halfSquaredNorms[index]) / variance
        }
        let largest = logits.max()!
        let exponentials = logits.map { exp($0 - largest) }
        let total = exponentials.reduce(0, +)
        return exponentials.map { $0 / total }
    }
}

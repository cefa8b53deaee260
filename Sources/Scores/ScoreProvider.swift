import DiffusionModels
import Foundation
import GridFields

/// A score field s(x, t) ~ grad log rho(x, t) for a forward linear model, evaluated on blocks of points.
///
/// Points are flat: point j of a block occupies entries j d ..< (j + 1) d. Providers are immutable values, safe to
/// call from several threads at once.
public protocol ScoreProvider: Sendable {
    var dimension: Int { get }
    /// The forward model the score belongs to (Tweedie's formula and the DDPM/DDIM updates need it).
    var model: LinearSDE { get }
    /// A name for tables.
    var name: String { get }

    /// s(x, t) at every point of the block (t is forward time).
    func score(at points: UnsafeBufferPointer<Double>, time: Double, into scores: UnsafeMutableBufferPointer<Double>)

    /// <X0>(x, t), the posterior mean. The default inverts Tweedie's formula: <X0> = (x + v(t) s(x, t)) / m(t).
    func posteriorMean(
        at points: UnsafeBufferPointer<Double>, time: Double, into means: UnsafeMutableBufferPointer<Double>)

    /// s_a(x_i, t) into `components[a][i]` at every cell centre x_i of `grid`, when the provider can write them
    /// directly (a score read off that very grid, where interpolation is the identity); false, writing nothing,
    /// otherwise (the default). The values equal `score(at:time:into:)` at the centres.
    func score(atCellCentresOf grid: Grid, time: Double, into components: [UnsafeMutableBufferPointer<Double>]) -> Bool
}

extension ScoreProvider {
    public func score(
        atCellCentresOf grid: Grid, time: Double, into components: [UnsafeMutableBufferPointer<Double>]
    ) -> Bool { false }

    public func posteriorMean(
        at points: UnsafeBufferPointer<Double>, time: Double, into means: UnsafeMutableBufferPointer<Double>
    ) {
        score(at: points, time: time, into: means)
        let scale = model.meanScale(to: time)
        let variance = model.variance(to: time)
        for index in 0..<points.count { means[index] = (points[index] + variance * means[index]) / scale }
    }

    /// Convenience for one point given as an array.
    public func score(at point: [Double], time: Double) -> [Double] {
        var result = [Double](repeating: 0, count: point.count)
        point.withUnsafeBufferPointer { input in
            result.withUnsafeMutableBufferPointer { output in score(at: input, time: time, into: output) }
        }
        return result
    }

    /// Convenience for one point given as an array.
    public func posteriorMean(at point: [Double], time: Double) -> [Double] {
        var result = [Double](repeating: 0, count: point.count)
        point.withUnsafeBufferPointer { input in
            result.withUnsafeMutableBufferPointer { output in posteriorMean(at: input, time: time, into: output) }
        }
        return result
    }
}

/// Tweedie's formula s = (m <X0> - x) / v, applied in place to a block holding <X0>.
@inline(__always)
func scoreFromPosteriorMean(
    points: UnsafeBufferPointer<Double>, means: UnsafeMutableBufferPointer<Double>, scale: Double, variance: Double
) {
    let inverseVariance = 1 / variance
    for index in 0..<points.count { means[index] = (scale * means[index] - points[index]) * inverseVariance }
}

/// The exact score of a Gaussian mixture evolved under a linear model (the oracle of DiffusionModels).
///
/// Per call, the evolved components N(m mu_k, S_k = m^2 Sigma_k + v I) are factored once (O(K d^3)); each point
/// then costs O(K d^2): responsibilities by log-sum-exp, score -sum_k r_k S_k^-1 (x - m mu_k), and
/// <X0> = sum_k r_k [mu_k + m Sigma_k S_k^-1 (x - m mu_k)].
public struct ExactMixtureScore: ScoreProvider {
    public let mixture: GaussianMixture
    public let model: LinearSDE
    public var dimension: Int { mixture.dimension }
    public var name: String { "exact" }

    public init(mixture: GaussianMixture, model: LinearSDE) {
        self.mixture = mixture
        self.model = model
    }

    public func score(
        at points: UnsafeBufferPointer<Double>, time: Double, into scores: UnsafeMutableBufferPointer<Double>
    ) {
        evaluate(points: points, time: time, into: scores, posteriorMean: false)
    }

    public func posteriorMean(
        at points: UnsafeBufferPointer<Double>, time: Double, into means: UnsafeMutableBufferPointer<Double>
    ) {
        evaluate(points: points, time: time, into: means, posteriorMean: true)
    }

    private func evaluate(
        points: UnsafeBufferPointer<Double>, time: Double, into output: UnsafeMutableBufferPointer<Double>,
        posteriorMean: Bool
    ) {
        let dimension = self.dimension
        let scale = model.meanScale(to: time)
        let variance = model.variance(to: time)
        let components = mixture.components
        let componentCount = components.count
        // Per component: evolved mean, precision S^-1, log(w) - log det(2 pi S)/2, and the gain m Sigma S^-1.
        var evolvedMeans = [Double](repeating: 0, count: componentCount * dimension)
        var precisions = [Double](repeating: 0, count: componentCount * dimension * dimension)
        var gains = [Double](repeating: 0, count: componentCount * dimension * dimension)
        var logNormalizers = [Double](repeating: 0, count: componentCount)
        for (index, component) in components.enumerated() {
            var covariance = component.covariance.map { $0 * scale * scale }
            for axis in 0..<dimension { covariance[axis * dimension + axis] += variance }
            // Evolved covariances m^2 Sigma + v I of valid components are positive definite.
            let inverse = DenseAlgebra.positiveDefiniteInverse(covariance, dimension: dimension)!
            for entry in 0..<(dimension * dimension) {
                precisions[index * dimension * dimension + entry] = inverse.inverse[entry]
            }
            for axis in 0..<dimension { evolvedMeans[index * dimension + axis] = scale * component.mean[axis] }
            logNormalizers[index] =
                log(component.weight) - 0.5 * (Double(dimension) * log(2 * Double.pi) + inverse.logDeterminant)
            for row in 0..<dimension {
                for column in 0..<dimension {
                    var sum = 0.0
                    for inner in 0..<dimension {
                        sum +=
                            component.covariance[row * dimension + inner] * inverse.inverse[inner * dimension + column]
                    }
                    gains[index * dimension * dimension + row * dimension + column] = scale * sum
                }
            }
        }
        var logWeights = [Double](repeating: 0, count: componentCount)
        var deviations = [Double](repeating: 0, count: componentCount * dimension)
        var precisionDeviations = [Double](repeating: 0, count: componentCount * dimension)
        for start in stride(from: 0, to: points.count, by: dimension) {
            var largest = -Double.infinity
            for index in 0..<componentCount {
                var quadratic = 0.0
                for row in 0..<dimension {
                    deviations[index * dimension + row] = points[start + row] - evolvedMeans[index * dimension + row]
                }
                for row in 0..<dimension {
                    var sum = 0.0
                    for column in 0..<dimension {
                        sum +=
                            precisions[index * dimension * dimension + row * dimension + column]
                            * deviations[index * dimension + column]
                    }
                    precisionDeviations[index * dimension + row] = sum
                    quadratic += sum * deviations[index * dimension + row]
                }
                logWeights[index] = logNormalizers[index] - 0.5 * quadratic
                largest = max(largest, logWeights[index])
            }
            var total = 0.0
            for index in 0..<componentCount {
                logWeights[index] = exp(logWeights[index] - largest)
                total += logWeights[index]
            }
            for axis in 0..<dimension { output[start + axis] = 0 }
            for index in 0..<componentCount {
                let responsibility = logWeights[index] / total
                for row in 0..<dimension {
                    if posteriorMean {
                        var correction = 0.0
                        for column in 0..<dimension {
                            correction +=
                                gains[index * dimension * dimension + row * dimension + column]
                                * deviations[index * dimension + column]
                        }
                        output[start + row] += responsibility * (components[index].mean[row] + correction)
                    } else {
                        output[start + row] -= responsibility * precisionDeviations[index * dimension + row]
                    }
                }
            }
        }
    }
}

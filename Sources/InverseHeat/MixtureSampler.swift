import DiffusionModels
import Foundation
import GridFields

/// A Gaussian mixture's density at every cell centre of a periodic grid, periodized, written into a buffer
/// (internal; the run loops call it once a step, so it allocates only per-axis work arrays).
///
/// On the periodic box [-L, L]^d the exact solution of the heat or OU equation started from a mixture is the
/// periodization of the mixture's evolution on R^d: sum over image offsets m in Z^d of rho(x + 2 L m) (the heat
/// kernel of the torus is the periodized Gaussian; for OU the stretched grid of `BackwardEquation` carries the
/// period along). Sampling it, rather than rho itself, makes the data at T exactly the periodic evolution of the
/// initial data, so a density that is not negligible at the box's edges adds no truncation error of its own. The
/// images are summed while they can matter: |m_a| <= 1 + ceil((|mu_a| + 10 sigma_a) / (2 L)) on axis a.
///
/// rho(x) = sum_c w_c (2 pi)^(-d/2) det(S_c)^(-1/2) exp(-(x - mu_c)^T S_c^-1 (x - mu_c) / 2). A component with a
/// diagonal covariance (every mixture given on the command line, and its heat or OU evolution) is a product of
/// periodized one-dimensional profiles: O(d n M) exponentials and one multiply-add a cell. A full covariance costs
/// (2M + 1)^d exponentials a cell. Agrees with `GaussianMixture.density(at:)` to a few units in the last place where
/// the images are negligible.
enum MixtureSampler {
    static func sample(_ mixture: GaussianMixture, on grid: Grid, into values: UnsafeMutableBufferPointer<Double>) {
        precondition(values.count == grid.count && mixture.dimension == grid.dimension, "MixtureSampler: sizes")
        values.update(repeating: 0)
        let dimension = grid.dimension
        let axes = (0..<dimension).map { grid.coordinates(axis: $0) }
        for component in mixture.components {
            let covariance = component.covariance
            let isDiagonal = (0..<dimension).allSatisfy { row in
                (0..<dimension).allSatisfy { column in row == column || covariance[row * dimension + column] == 0 }
            }
            if isDiagonal {
                addSeparable(component, axes: axes, shape: grid.shape, period: 2 * grid.halfWidth, into: values)
            } else {
                addGeneral(component, axes: axes, shape: grid.shape, period: 2 * grid.halfWidth, into: values)
            }
        }
    }

    /// w prod_a N(x_a; mu_a, S_aa), built as an outer product of per-axis profiles.
    private static func addSeparable(
        _ component: GaussianMixture.Component, axes: [[Double]], shape: [Int], period: Double,
        into values: UnsafeMutableBufferPointer<Double>
    ) {
        let dimension = shape.count
        var profiles: [[Double]] = []
        for axis in 0..<dimension {
            let variance = component.covariance[axis * dimension + axis]
            let normalization = 1 / (2 * Double.pi * variance).squareRoot()
            let mean = component.mean[axis]
            let images = imageCount(mean: mean, standardDeviation: variance.squareRoot(), period: period)
            profiles.append(
                axes[axis].map { coordinate in
                    var sum = 0.0
                    for image in -images...images {
                        let deviation = coordinate + Double(image) * period - mean
                        sum += Foundation.exp(-0.5 * deviation * deviation / variance)
                    }
                    return normalization * sum
                })
        }
        let weight = component.weight
        switch dimension {
        case 1:
            for index in 0..<shape[0] { values[index] += weight * profiles[0][index] }
        case 2:
            let columns = shape[1]
            profiles[1].withUnsafeBufferPointer { inner in
                for row in 0..<shape[0] {
                    let factor = weight * profiles[0][row]
                    let base = row * columns
                    for column in 0..<columns { values[base + column] += factor * inner[column] }
                }
            }
        default:
            let planeCount = shape[1] * shape[2]
            for first in 0..<shape[0] {
                for second in 0..<shape[1] {
                    let factor = weight * profiles[0][first] * profiles[1][second]
                    let base = first * planeCount + second * shape[2]
                    for third in 0..<shape[2] { values[base + third] += factor * profiles[2][third] }
                }
            }
        }
    }

    /// Any covariance: the precision matrix from its Cholesky factor (d <= 3), one exponential a cell.
    private static func addGeneral(
        _ component: GaussianMixture.Component, axes: [[Double]], shape: [Int], period: Double,
        into values: UnsafeMutableBufferPointer<Double>
    ) {
        let dimension = shape.count
        // Component covariances are positive definite (checked when the component was made).
        let (precision, logDeterminant) = DenseAlgebra.positiveDefiniteInverse(
            component.covariance, dimension: dimension)!
        let normalization =
            component.weight
            / (Foundation.pow(2 * Double.pi, Double(dimension)) * Foundation.exp(logDeterminant)).squareRoot()
        let periods = Array(repeating: period, count: dimension)
        let imageCounts = (0..<dimension).map { axis in
            imageCount(
                mean: component.mean[axis],
                standardDeviation: component.covariance[axis * dimension + axis].squareRoot(),
                period: periods[axis]
            )
        }
        // Every image offset vector m, |m_a| <= imageCounts[a].
        var offsets: [[Double]] = [[]]
        for axis in 0..<dimension {
            offsets = offsets.flatMap { prefix in
                (-imageCounts[axis]...imageCounts[axis]).map { prefix + [Double($0) * periods[axis]] }
            }
        }
        var cell = [Int](repeating: 0, count: dimension)
        var deviation = [Double](repeating: 0, count: dimension)
        for index in 0..<values.count {
            var sum = 0.0
            for offset in offsets {
                for axis in 0..<dimension {
                    deviation[axis] = axes[axis][cell[axis]] + offset[axis] - component.mean[axis]
                }
                var quadratic = 0.0
                for row in 0..<dimension {
                    for column in 0..<dimension {
                        quadratic += deviation[row] * precision[row * dimension + column] * deviation[column]
                    }
                }
                sum += Foundation.exp(-0.5 * quadratic)
            }
            values[index] += normalization * sum
            var axis = dimension - 1
            while axis >= 0 {
                cell[axis] += 1
                if cell[axis] < shape[axis] { break }
                cell[axis] = 0
                axis -= 1
            }
        }
    }

    /// How many images on each side can matter: 1 + ceil((|mu| + 10 sigma) / period).
    private static func imageCount(mean: Double, standardDeviation: Double, period: Double) -> Int {
        1 + Int(((abs(mean) + 10 * standardDeviation) / period).rounded(.up))
    }
}

/// Discrete L2 norms on a grid (internal): ||u||_2 = (h^d sum u_i^2)^(1/2), as `Field.normL2`.
enum GridNorm {
    static func l2(_ values: UnsafeBufferPointer<Double>, cellVolume: Double) -> Double {
        var sum = 0.0
        for value in values { sum += value * value }
        return (sum * cellVolume).squareRoot()
    }

    /// ||a - b||_2 / ||b||_2 (the cell volume cancels). NaN or infinite when `a` is not finite.
    static func relativeDistance(_ values: UnsafeBufferPointer<Double>, to reference: UnsafeBufferPointer<Double>)
        -> Double
    {
        var difference = 0.0
        var size = 0.0
        for index in 0..<values.count {
            let deviation = values[index] - reference[index]
            difference += deviation * deviation
            size += reference[index] * reference[index]
        }
        return (difference / size).squareRoot()
    }
}

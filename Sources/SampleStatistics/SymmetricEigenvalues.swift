/// Eigenvalues of a real symmetric matrix and the covariance of a sample, for the data spectra of the regime studies
/// (t_S = ½ ln Λ, the collapse time of a covariance spectrum): matrices of a few hundred rows at most.
public enum SymmetricEigenvalues {
    /// The eigenvalues of the symmetric n × n matrix `matrix` (row-major; only its symmetric part is used),
    /// ascending, by the cyclic Jacobi method: sweeps of plane rotations, each zeroing one off-diagonal pair
    /// (Golub and Van Loan §8.5), until the off-diagonal sum of squares is below 1e-30 times the squared
    /// Frobenius norm. Accurate to a few ulps of the norm; convergence is quadratic, about 6 to 10 sweeps;
    /// cost O(n^3) a sweep.
    public static func of(_ matrix: [Double], size: Int) -> [Double] {
        precondition(size >= 1 && matrix.count == size * size, "SymmetricEigenvalues: an n × n matrix")
        var a = matrix
        for row in 0..<size {
            for column in (row + 1)..<size {
                let mean = 0.5 * (a[row * size + column] + a[column * size + row])
                (a[row * size + column], a[column * size + row]) = (mean, mean)
            }
        }
        let norm = a.reduce(0) { $0 + $1 * $1 }
        for _ in 0..<100 {
            var offDiagonal = 0.0
            for row in 0..<size {
                for column in 0..<size where column != row {
                    offDiagonal += a[row * size + column] * a[row * size + column]
                }
            }
            if offDiagonal <= 1e-30 * norm { break }
            for p in 0..<(size - 1) {
                for q in (p + 1)..<size {
                    let apq = a[p * size + q]
                    if apq == 0 { continue }
                    // The rotation (c, s) with tan 2θ = 2 a_pq / (a_qq − a_pp), t = tan θ the smaller root.
                    let theta = (a[q * size + q] - a[p * size + p]) / (2 * apq)
                    let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot()
                    let s = t * c
                    for k in 0..<size {
                        let (akp, akq) = (a[k * size + p], a[k * size + q])
                        a[k * size + p] = c * akp - s * akq
                        a[k * size + q] = s * akp + c * akq
                    }
                    for k in 0..<size {
                        let (apk, aqk) = (a[p * size + k], a[q * size + k])
                        a[p * size + k] = c * apk - s * aqk
                        a[q * size + k] = s * apk + c * aqk
                    }
                }
            }
        }
        return (0..<size).map { a[$0 * size + $0] }.sorted()
    }

    /// The sample covariance (1 / (n − 1)) Σ (x_i − x̄)(x_i − x̄)ᵀ of n ≥ 2 points of dimension d (row-major n × d),
    /// a d × d row-major matrix. Cost O(n d^2).
    public static func covariance(points: [Double], dimension: Int) -> [Double] {
        let count = points.count / dimension
        precondition(count >= 2 && points.count == count * dimension, "SymmetricEigenvalues: at least two points")
        var mean = [Double](repeating: 0, count: dimension)
        for index in 0..<count {
            for axis in 0..<dimension { mean[axis] += points[index * dimension + axis] }
        }
        for axis in 0..<dimension { mean[axis] /= Double(count) }
        var covariance = [Double](repeating: 0, count: dimension * dimension)
        var centred = [Double](repeating: 0, count: dimension)
        for index in 0..<count {
            for axis in 0..<dimension { centred[axis] = points[index * dimension + axis] - mean[axis] }
            for row in 0..<dimension {
                for column in row..<dimension {
                    covariance[row * dimension + column] += centred[row] * centred[column]
                }
            }
        }
        for row in 0..<dimension {
            for column in row..<dimension {
                let value = covariance[row * dimension + column] / Double(count - 1)
                (covariance[row * dimension + column], covariance[column * dimension + row]) = (value, value)
            }
        }
        return covariance
    }
}

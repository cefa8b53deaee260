import Foundation

/// log rho, its gradient (the score), its Laplacian and Hessian quadratic forms at one point of a Gaussian mixture.
public struct LogDensityDerivatives: Sendable, Equatable {
    /// log rho(x).
    public var logDensity: Double
    /// s(x) = grad log rho(x).
    public var score: [Double]
    /// Lap log rho(x) = tr H(x).
    public var laplacian: Double
    /// e_j^T H(x) e_j, one per direction asked for, in their order.
    public var hessianQuadraticForms: [Double]
}

extension GaussianMixture {
    /// The second derivatives of log rho for rho = sum_k w_k N(mu_k, S_k): the divergence of the probability-flow
    /// velocity (THEORY §11) needs Lap log rho exactly, and Hutchinson's estimator needs e^T H e.
    ///
    /// Derivation. With N_k the component densities, r_k = w_k N_k / rho the responsibilities and
    /// a_k = grad log N_k = -S_k^-1 (x - mu_k) the component scores:
    /// - grad log rho = sum_k r_k a_k = s, since grad N_k = N_k a_k;
    /// - grad r_k = r_k (a_k - s) (quotient rule), and grad a_k^T = -S_k^-1, so
    ///   H = grad s^T = sum_k r_k (a_k - s) a_k^T - sum_k r_k S_k^-1 = sum_k r_k a_k a_k^T - s s^T - sum_k r_k S_k^-1;
    /// - taking the trace, Lap log rho = sum_k r_k [ |a_k|^2 - tr S_k^-1 ] - |s|^2;
    /// - along a direction e, e^T H e = sum_k r_k [ (a_k . e)^2 - e^T S_k^-1 e ] - (s . e)^2.
    /// Because sum_k r_k = 1, sum_k r_k |a_k|^2 - |s|^2 = sum_k r_k |a_k - s|^2 (a variance over components); the code
    /// evaluates that form, which is non-negative term by term and loses no digits to cancellation where one
    /// component dominates. e^T S_k^-1 e = |L_k^-1 e|^2 with the component's Cholesky factor L_k (one triangular
    /// solve); tr S_k^-1 = ||L_k^-1||_F^2 is computed once per mixture, in `init`.
    ///
    /// Cost: O(K d^3) set-up (the traces; the Cholesky factors come with the mixture), then O(K d^2) per point for the
    /// score and Laplacian and O(K d^2) more per direction. The responsibilities are evaluated by log-sum-exp over
    /// components, as `GaussianMixture.logDensity` does; a point where every component underflows gets equal
    /// responsibilities and log rho = -infinity, as there.
    public struct LogDensityCurvature: Sendable {
        public let mixture: GaussianMixture
        /// tr S_k^-1, one per component.
        public let precisionTraces: [Double]

        public init(mixture: GaussianMixture) {
            self.mixture = mixture
            let dimension = mixture.dimension
            precisionTraces = mixture.components.map { component in
                var trace = 0.0
                for column in 0..<dimension {
                    var unit = [Double](repeating: 0, count: dimension)
                    unit[column] = 1
                    let solved = DenseAlgebra.solveLower(component.choleskyFactor, unit, dimension: dimension)
                    trace += solved.reduce(0) { $0 + $1 * $1 }
                }
                return trace
            }
        }

        /// log rho, the score, Lap log rho and e^T H e for each of `directions` at `point`.
        public func derivatives(at point: [Double], directions: [[Double]] = []) -> LogDensityDerivatives {
            let dimension = mixture.dimension
            precondition(
                point.count == dimension,
                "LogDensityCurvature: point has \(point.count) coordinates, mixture is \(dimension)-D")
            precondition(
                directions.allSatisfy { $0.count == dimension }, "LogDensityCurvature: directions must be d-vectors")
            let components = mixture.components
            // b_k = S_k^-1 (x - mu_k) = -a_k.
            let (logDensity, responsibilities, gains) = mixture.evaluate(at: point)
            var score = [Double](repeating: 0, count: dimension)
            for index in components.indices {
                for axis in 0..<dimension { score[axis] -= responsibilities[index] * gains[index][axis] }
            }
            // sum_k r_k [ |a_k - s|^2 - tr S_k^-1 ], a_k - s = -(b_k + s).
            var laplacian = 0.0
            for index in components.indices {
                var spread = 0.0
                for axis in 0..<dimension {
                    let centred = gains[index][axis] + score[axis]
                    spread += centred * centred
                }
                laplacian += responsibilities[index] * (spread - precisionTraces[index])
            }
            let forms = directions.map { direction -> Double in
                var form = 0.0
                for (index, component) in components.enumerated() {
                    var projection = 0.0 // (a_k - s) . e, up to its sign
                    for axis in 0..<dimension { projection += (gains[index][axis] + score[axis]) * direction[axis] }
                    let whitened = DenseAlgebra.solveLower(component.choleskyFactor, direction, dimension: dimension)
                    let precisionForm = whitened.reduce(0) { $0 + $1 * $1 } // e^T S_k^-1 e
                    form += responsibilities[index] * (projection * projection - precisionForm)
                }
                return form
            }
            return LogDensityDerivatives(
                logDensity: logDensity, score: score, laplacian: laplacian, hessianQuadraticForms: forms)
        }
    }

    /// The curvature evaluator of this mixture (the precision traces computed once; keep it to evaluate many points).
    public var logDensityCurvature: LogDensityCurvature { LogDensityCurvature(mixture: self) }

    /// Lap log rho(x) = sum_k r_k [ |a_k|^2 - tr S_k^-1 ] - |s|^2 (see `LogDensityCurvature`). Cost O(K d^3): for
    /// many points keep one `logDensityCurvature`.
    public func laplacianOfLogDensity(at point: [Double]) -> Double {
        logDensityCurvature.derivatives(at: point).laplacian
    }

    /// e^T H(x) e = sum_k r_k [ (a_k . e)^2 - e^T S_k^-1 e ] - (s . e)^2, H the Hessian of log rho (see
    /// `LogDensityCurvature`). Cost O(K d^3): for many points keep one `logDensityCurvature`.
    public func hessianQuadraticForm(at point: [Double], direction: [Double]) -> Double {
        logDensityCurvature.derivatives(at: point, directions: [direction]).hessianQuadraticForms[0]
    }
}

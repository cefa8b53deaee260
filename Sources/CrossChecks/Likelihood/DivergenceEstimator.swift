import Foundation
import RandomStreams

/// The law of Hutchinson's probes e (both have E[e e^T] = I, so E[e^T A e] = tr A).
///
/// For a symmetric d x d matrix A the single-probe variances are (Hutchinson 1990; Avron and Toledo 2011):
/// - Gaussian e ~ N(0, I): Var(e^T A e) = 2 ||A||_F^2 (Isserlis:
///   E[e_i e_j e_k e_l] = d_ij d_kl + d_ik d_jl + d_il d_jk);
/// - Rademacher e_i = +-1: Var(e^T A e) = 2 (||A||_F^2 - sum_i A_ii^2), since e_i^2 = 1 removes the diagonal's
///   fluctuation; never above the Gaussian one, and zero for a diagonal A (in 1-D the estimate is exact).
public enum ProbeDistribution: String, CaseIterable, Sendable {
    case rademacher
    case gaussian

    /// One probe in R^d: d random bits (Rademacher) or d ziggurat normals (Gaussian).
    public func draw(dimension: Int, using generator: inout Xoshiro256StarStar) -> [Double] {
        switch self {
        case .rademacher:
            var probe = [Double](repeating: 0, count: dimension)
            var bits: UInt64 = 0
            for axis in 0..<dimension {
                if axis % 64 == 0 { bits = generator.next() }
                probe[axis] = bits & 1 == 0 ? 1 : -1
                bits >>= 1
            }
            return probe
        case .gaussian:
            return (0..<dimension).map { _ in Ziggurat.normal(using: &generator) }
        }
    }

    /// Var(e^T A e) for one probe and a symmetric A (row-major d x d), by the closed forms above. Cost O(d^2).
    public func quadraticFormVariance(of matrix: [Double], dimension: Int) -> Double {
        precondition(matrix.count == dimension * dimension, "quadraticFormVariance: A must be d x d")
        let squaredFrobenius = matrix.reduce(0) { $0 + $1 * $1 }
        switch self {
        case .gaussian: return 2 * squaredFrobenius
        case .rademacher:
            let squaredDiagonal = (0..<dimension).reduce(0) {
                $0 + matrix[$1 * dimension + $1] * matrix[$1 * dimension + $1]
            }
            return 2 * (squaredFrobenius - squaredDiagonal)
        }
    }
}

/// How div F is obtained along a trajectory: exactly (the mixture's Laplacian), or by Hutchinson's trace estimator
/// with K probes drawn once per trajectory and held fixed over the whole integration (as score_sde does), so the
/// augmented ODE stays a smooth deterministic ODE that an adaptive integrator can control.
///
/// With the probes fixed, the estimate of int div F dt is (1/K) sum_j e_j^T (int (dF/dx) dt) e_j along the path: the
/// path x(t) does not depend on the probes, so it is unbiased for the integral, with variance
/// Var(e^T B e) / K, B = int (dF/dx) dt (`ProbeDistribution.quadraticFormVariance`).
public enum DivergenceEstimator: Sendable, Equatable {
    case exact
    case hutchinson(probeCount: Int, distribution: ProbeDistribution)

    /// The probes of one trajectory (nil for the exact divergence).
    public func drawProbes(dimension: Int, using generator: inout Xoshiro256StarStar) -> [[Double]]? {
        switch self {
        case .exact: return nil
        case .hutchinson(let probeCount, let distribution):
            return (0..<probeCount).map { _ in distribution.draw(dimension: dimension, using: &generator) }
        }
    }

    /// "exact", "hutchinson-rademacher-10", ...
    public var name: String {
        switch self {
        case .exact: return "exact"
        case .hutchinson(let probeCount, let distribution): return "hutchinson-\(distribution.rawValue)-\(probeCount)"
        }
    }
}

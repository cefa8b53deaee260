import DiffusionModels
import Foundation

/// The probability-flow ODE of a linear SDE dX = f(t) X dt + g(t) dB whose data law rho_0 is a Gaussian mixture
/// (THEORY §11): dx/dt = F(x, t) = f(t) x - (1/2) g(t)^2 grad log rho_t(x), with the exact score of the evolved
/// mixture rho_t = sum_k w_k N(m mu_k, m^2 Sigma_k + v I) (`GaussianMixture.evolved(under:to:)`).
///
/// Its Jacobian is dF/dx = f(t) I - (1/2) g(t)^2 H_t(x), H_t the Hessian of log rho_t, so
/// - the divergence is div F = d f(t) - (1/2) g(t)^2 Lap log rho_t(x) (exact for the mixture oracle);
/// - along a probe e, e^T (dF/dx) e = f(t) |e|^2 - (1/2) g(t)^2 e^T H_t e, Hutchinson's estimate of div F when
///   E[e e^T] = I.
///
/// Cost of one evaluation: the evolved mixture (O(K d^3): Cholesky factors and precision traces), then O(K d^2) for
/// F and div F and O(K d^2) more per probe.
public struct ProbabilityFlowODE: Sendable {
    public let model: LinearSDE
    /// rho_0.
    public let dataLaw: GaussianMixture
    /// The SDE whose f(t) and g(t) the velocity uses: `model` itself, unless a caller hands another (a claim's
    /// planted defect; the score stays the one of rho_t under `model`).
    public let process: LinearSDE

    public init(model: LinearSDE, dataLaw: GaussianMixture, process: LinearSDE? = nil) {
        self.model = model
        self.dataLaw = dataLaw
        self.process = process ?? model
    }

    public var dimension: Int { dataLaw.dimension }

    /// rho_t = sum_k w_k N(m mu_k, m^2 Sigma_k + v I); nil where m(t) or v(t) is not finite, v(t) < 0, or m = v = 0
    /// (no positive-definite evolved covariance). It is `GaussianMixture.evolved(under:to:)` with the coefficients
    /// checked first: `transformed(scale: m, addedVariance: v)`, which `evolved` is made of.
    public func evolvedLaw(at time: Double) -> GaussianMixture? {
        let scale = model.meanScale(to: time)
        let spread = model.variance(to: time)
        guard (scale * scale).isFinite, spread.isFinite, spread >= 0, spread > 0 || scale != 0 else { return nil }
        return dataLaw.transformed(scale: scale, addedVariance: spread)
    }

    /// rho_t, ready for second derivatives (nil where `evolvedLaw(at:)` is).
    public func law(at time: Double) -> GaussianMixture.LogDensityCurvature? {
        evolvedLaw(at: time)?.logDensityCurvature
    }

    /// F(x, t) = f(t) x - (1/2) g(t)^2 grad log rho_t(x); nil where it is not finite.
    public func velocity(at point: [Double], time: Double) -> [Double]? {
        velocityAndDivergence(at: point, time: time, probes: nil)?.velocity
    }

    /// F(x, t) and the divergence: exact (d f - (1/2) g^2 Lap log rho_t) when `probes` is nil, otherwise the mean
    /// over the probes e_j of e_j^T (dF/dx) e_j = f |e_j|^2 - (1/2) g^2 e_j^T H_t e_j. Nil where rho_t does not
    /// exist (see `law(at:)`) or a value is not finite.
    public func velocityAndDivergence(at point: [Double], time: Double, probes: [[Double]]?) -> (
        velocity: [Double], divergence: Double
    )? {
        let rate = process.driftRate(at: time)
        let scale = process.diffusionScale(at: time)
        let halfSquaredDiffusion = 0.5 * scale * scale
        guard rate.isFinite, scale.isFinite, let law = law(at: time) else { return nil }
        let derivatives = law.derivatives(at: point, directions: probes ?? [])
        var velocity = [Double](repeating: 0, count: point.count)
        for axis in 0..<point.count {
            velocity[axis] = rate * point[axis] - halfSquaredDiffusion * derivatives.score[axis]
        }
        let divergence: Double
        if let probes, !probes.isEmpty {
            var total = 0.0
            for (probe, form) in zip(probes, derivatives.hessianQuadraticForms) {
                let squaredLength = probe.reduce(0) { $0 + $1 * $1 }
                total += rate * squaredLength - halfSquaredDiffusion * form
            }
            divergence = total / Double(probes.count)
        } else {
            divergence = Double(point.count) * rate - halfSquaredDiffusion * derivatives.laplacian
        }
        guard divergence.isFinite, velocity.allSatisfy(\.isFinite) else { return nil }
        return (velocity, divergence)
    }
}

import DiffusionModels
import Foundation

/// The law the probability-flow likelihood starts from at the horizon T: log p_0(x0) = log p_T(x_T) + int div F dt.
///
/// - `exact`: the evolved mixture rho_T itself, so the only error left is the integrator's (and the divergence
///   estimator's);
/// - `standardNormal`: gamma = N(0, I), what a diffusion model uses. It changes the estimate by exactly
///   log gamma(x_T) - log rho_T(x_T), the negative of the bias `PointLikelihood.priorBias` reports. For OU and VP,
///   rho_T = sum_k w_k N(m mu_k, m^2 Sigma_k + v I) with m -> 0, v -> 1, so the bias is
///   O(m |x_T| |mu| + |1 - v| |x_T|^2 + m^2 |Sigma - I|) and vanishes as T grows; for VE and EDM (m = 1, v large)
///   gamma is the wrong prior scale altogether.
public enum LikelihoodPrior: String, CaseIterable, Sendable {
    case exact
    case standardNormal = "standard-normal"

    /// log p_T(x), with `endLaw` = rho_T (nil when rho_T does not exist and the prior needs it).
    public func logDensity(at point: [Double], endLaw: GaussianMixture?) -> Double? {
        switch self {
        case .exact: return endLaw?.logDensity(at: point)
        case .standardNormal: return StandardNormalLaw.logDensity(at: point)
        }
    }
}

/// log gamma(x) = -(d log(2 pi) + |x|^2) / 2, written out (no mixture set-up).
enum StandardNormalLaw {
    static func logDensity(at point: [Double]) -> Double {
        let squared = point.reduce(0) { $0 + $1 * $1 }
        return -0.5 * (Double(point.count) * Foundation.log(2 * Double.pi) + squared)
    }
}

/// What is computed: log rho_(t0)(x) at each of `points` for the data law rho_0 (a Gaussian mixture with
/// positive-definite covariances) under the linear SDE `model`, through the probability-flow ODE from t0 to T with
/// `prior` at T.
///
/// t0 = 0 (the default) is the data law itself; a mixture with positive-definite covariances keeps the score
/// smooth there (the stiffness of F near t = 0 is about g(0)^2 / (2 sigma_min^2), sigma_min the smallest component
/// standard deviation). With t0 > 0 the quantity is log rho_(t0), and the exact reference is the evolved mixture's.
public struct LikelihoodProblem: Sendable {
    public var dataLaw: GaussianMixture
    public var model: LinearSDE
    /// The points x0, each a d-vector.
    public var points: [[Double]]
    /// t0 >= 0.
    public var startTime: Double
    /// T > t0.
    public var horizon: Double
    public var prior: LikelihoodPrior
    /// The SDE whose f and g the flow integrates (nil: `model`; see `ProbabilityFlowODE.process`).
    public var process: LinearSDE?

    public init(
        dataLaw: GaussianMixture, model: LinearSDE, points: [[Double]], startTime: Double = 0, horizon: Double = 1,
        prior: LikelihoodPrior = .exact, process: LinearSDE? = nil
    ) {
        self.process = process
        self.dataLaw = dataLaw
        self.model = model
        self.points = points
        self.startTime = startTime
        self.horizon = horizon
        self.prior = prior
    }

    public var dimension: Int { dataLaw.dimension }

    public var flow: ProbabilityFlowODE { ProbabilityFlowODE(model: model, dataLaw: dataLaw, process: process) }

    /// rho_(t0): the law whose log-density is estimated (rho_0 when t0 = 0; nil where the model's m or v is not
    /// finite, see `ProbabilityFlowODE.evolvedLaw(at:)`).
    public var startLaw: GaussianMixture? { startTime == 0 ? dataLaw : flow.evolvedLaw(at: startTime) }

    /// rho_T (nil as `startLaw`).
    public var endLaw: GaussianMixture? { flow.evolvedLaw(at: horizon) }

    /// A sentence saying what is wrong with the problem, nil when it can be solved.
    func problem() -> String? {
        if !(startTime >= 0 && startTime.isFinite) { return "The start time t0 must be finite and at least 0." }
        if !(horizon > startTime && horizon.isFinite) { return "The horizon T must be finite and after t0." }
        if let index = points.firstIndex(where: { $0.count != dimension }) {
            return "Point \(index) has \(points[index].count) coordinates; the data law is \(dimension)-D."
        }
        return nil
    }
}

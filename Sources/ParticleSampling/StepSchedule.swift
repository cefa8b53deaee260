import DiffusionModels
import Foundation

/// How a reverse sampler's K steps are spaced between the horizon T and the last time t_min (T > t_min > 0).
///
/// Every spacing but `uniform` and `geometric` is a spacing of the model's log signal-to-noise ratio
/// lambda(t) = log(m(t)^2 / v(t)), mapped back to the model's time (`LinearSDE.time(atLogSignalToNoise:)`), so a
/// schedule means the same noise levels under OU, VP or VE:
///
/// - `uniform`: t_k = T − (k / K) (T − t_min), the textbook grid;
/// - `geometric`: t_k = T (t_min / T)^(k / K), steps proportional to t for the 1/t drift near t = 0;
/// - `ddpm`: tau_k uniform between tau(T) and tau(t_min), tau the time of VP(0.1, 20) at the same lambda (the DDPM
///   chain's beta_n linear in n);
/// - `edm`: sigma_k = (sigma_max^(1/rho) + (k / K) (sigma_min^(1/rho) − sigma_max^(1/rho)))^rho with rho = 7 and
///   sigma = sqrt(v) / m = e^(−lambda / 2) (Karras et al. 2022);
/// - `logSNR`: lambda_k uniform between lambda(T) and lambda(t_min) (DPM-Solver's spacing).
///
/// For VP itself `ddpm` is uniform in t (VP's beta(t) linear in t is the chain's beta_n linear in n); for EDM's
/// own process (m = 1, v = t^2, sigma = t) `edm` gives Karras's sigma_i. The first and last times are T and t_min
/// exactly. Cost: K inversions of lambda (about 60 evaluations of m and v each).
public enum StepSchedule: String, CaseIterable, Sendable {
    case uniform
    case geometric
    case ddpm
    case edm
    case logSNR = "log-snr"

    /// The EDM schedule's exponent rho (Karras et al.'s choice).
    public static let edmExponent = 7.0

    /// The decreasing grid T = t_0 > t_1 > … > t_K = t_min for `model`.
    public func timeGrid(model: LinearSDE, from horizon: Double, to last: Double, steps: Int) -> TimeGrid {
        precondition(steps >= 1 && horizon > last && last > 0, "StepSchedule: T > t-min > 0 and at least one step")
        switch self {
        case .uniform: return .uniform(from: horizon, to: last, steps: steps)
        case .geometric: return .geometric(from: horizon, to: last, steps: steps)
        case .ddpm, .edm, .logSNR: break
        }
        let (upperLevel, lowerLevel) = (model.logSignalToNoise(at: horizon), model.logSignalToNoise(at: last))
        let levels: [Double]
        switch self {
        case .logSNR:
            levels = (0...steps).map { upperLevel + (lowerLevel - upperLevel) * Double($0) / Double(steps) }
        case .edm:
            let exponent = Self.edmExponent
            let (high, low) = (exp(-upperLevel / (2 * exponent)), exp(-lowerLevel / (2 * exponent)))
            levels = (0...steps).map { index in
                let root = high + (low - high) * Double(index) / Double(steps)
                return -2 * exponent * log(root)
            }
        default:
            let (start, end) = (
                Self.ddpmTime(atLogSignalToNoise: upperLevel), Self.ddpmTime(atLogSignalToNoise: lowerLevel)
            )
            levels = (0...steps).map {
                Self.ddpmLogSignalToNoise(at: start + (end - start) * Double($0) / Double(steps))
            }
        }
        var times = levels.map { model.time(atLogSignalToNoise: $0, lower: last, upper: horizon) }
        (times[0], times[steps]) = (horizon, last)
        return TimeGrid(times: times)
    }

    /// beta_min and beta_max of the DDPM chain's continuous limit: `LinearSDE.variancePreserving()`'s, VP(0.1, 20).
    static let ddpmBetas: (minimum: Double, maximum: Double) = {
        guard case .variancePreserving(let minimum, let maximum) = LinearSDE.variancePreserving().kind else {
            preconditionFailure("LinearSDE.variancePreserving() is a VP model")
        }
        return (minimum, maximum)
    }()

    /// VP's lambda(tau) = −log(e^B − 1), B = b0 tau + (b1 − b0) tau^2 / 2 (b0, b1 = `ddpmBetas`: 0.1 tau + 9.95 tau^2).
    static func ddpmLogSignalToNoise(at time: Double) -> Double {
        let (low, high) = ddpmBetas
        let integrated = low * time + 0.5 * (high - low) * time * time
        return -log(expm1(integrated))
    }

    /// The inverse: B = log(1 + e^(−lambda)) (a softplus, written to avoid overflow), then tau from the quadratic.
    static func ddpmTime(atLogSignalToNoise level: Double) -> Double {
        let (low, high) = ddpmBetas
        let curvature = 0.5 * (high - low)
        let integrated = level > 0 ? log1p(exp(-level)) : -level + log1p(exp(level))
        return (-low + (low * low + 4 * curvature * integrated).squareRoot()) / (2 * curvature)
    }
}

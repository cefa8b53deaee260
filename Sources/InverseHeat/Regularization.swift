import Foundation

/// How the data is turned into u(t): the naive inversion, or one of the four regularizations of THEORY §8.
public enum InversionMethod: String, CaseIterable, Sendable, Codable {
    case naive
    case cutoff
    case tikhonov
    case quasiReversibility = "quasi-reversibility"
    case quasiBoundaryValue = "quasi-boundary"

    /// The regularized methods, in table order.
    public static let regularized: [InversionMethod] = [.cutoff, .tikhonov, .quasiReversibility, .quasiBoundaryValue]

    public var isRegularized: Bool { self != .naive }
}

/// A regularized inversion with its parameter: a multiplier m(|k|^2) that takes the data's Fourier coefficient to
/// the reconstruction's at time t (THEORY §8, written for the heat solution behind the data; see
/// `BackwardEquation`).
///
/// With S = tau(T) the spectral time of the whole forward smoothing, S_t = sigma(t) that from 0 to t (heat: D T and
/// D t), lambda = |k|^2 of the data grid:
///
/// | method | parameter | m(lambda) | a priori rule |
/// |---|---|---|---|
/// | naive | — | e^(lambda (S - S_t)) | — |
/// | cutoff | K | e^(lambda (S - S_t)) if lambda <= K, else 0 | K = ln(E/delta) / S |
/// | Tikhonov | alpha | e^(-lambda S_t) e^(-lambda S) / (e^(-2 lambda S) + alpha) | alpha = (delta/E)^2 |
/// | quasi-reversibility | eps | e^((lambda - eps lambda^2)(S - S_t)) | eps = S / (2 ln(E/delta)) |
/// | quasi-boundary value | alpha | e^(-lambda S_t) / (e^(-lambda S) + alpha) | alpha = delta/E |
///
/// delta bounds the data error and E the initial norm (both in the heat picture). Tikhonov's f = (A*A + alpha)^-1
/// A* g, A = e^(-lambda S), then evolved forward to t. Its rule: with mu = e^(-lambda S) and theta = S_t/S the
/// noise gain is sup mu^(1 + theta)/(mu^2 + alpha) <= alpha^((theta - 1)/2) and the bias at most
/// E sup mu^theta alpha/(mu^2 + alpha) <= E alpha^(theta/2); they balance at alpha = (delta/E)^2, giving the Hölder
/// rate. THEORY's "alpha ~ delta/E" is this rule on the scale of sqrt(alpha), the one comparable with the
/// quasi-boundary alpha (alpha = delta/E itself would give only half the exponent).
/// Cutoff and quasi-boundary value: noise gain <= (E/delta)^(1 - theta), bias <= E (delta/E)^theta, theta =
/// S_t/S, so the error is at most 2 E^(1 - theta) delta^theta (THEORY §8's Hölder bound). Quasi-reversibility's
/// largest gain is e^((S - S_t)/(4 eps)) = (E/delta)^((1 - theta)/2).
///
/// Every multiplier is evaluated without overflow: numerators <= 1, denominators >= alpha > 0.
/// Cost: a few exponentials a coefficient.
public struct Regularization: Sendable, Equatable {
    public let method: InversionMethod
    /// K, alpha, eps or alpha (see the table); unused for naive.
    public let parameter: Double

    public init(method: InversionMethod, parameter: Double) {
        self.method = method
        self.parameter = parameter
    }

    /// The naive inversion (no parameter).
    public static let naive = Regularization(method: .naive, parameter: .nan)

    /// THEORY §8's a priori rule for `method` from the data error `noiseLevel` (delta > 0) and the bound E on
    /// ||u(0)||, both in the heat picture, and the total spectral time S. When E <= delta the data says nothing:
    /// the rules then keep only the mean (ln(E/delta) is floored at the smallest positive double).
    public static func aPriori(
        _ method: InversionMethod, noiseLevel: Double, bound: Double, totalSpectralTime: Double
    ) -> Regularization {
        let logarithm = max(Foundation.log(bound / noiseLevel), Double.leastNonzeroMagnitude)
        let parameter: Double
        switch method {
        case .naive: parameter = .nan
        case .cutoff: parameter = logarithm / totalSpectralTime
        case .tikhonov: parameter = (noiseLevel / bound) * (noiseLevel / bound)
        case .quasiReversibility: parameter = totalSpectralTime / (2 * logarithm)
        case .quasiBoundaryValue: parameter = noiseLevel / bound
        }
        return Regularization(method: method, parameter: parameter)
    }

    /// The same method with `factor` times the parameter (parameter sweeps).
    public func scaled(by factor: Double) -> Regularization {
        Regularization(method: method, parameter: parameter * factor)
    }

    /// "K", "alpha", "eps", or "" for naive.
    public var parameterName: String {
        switch method {
        case .naive: return ""
        case .cutoff: return "K"
        case .tikhonov, .quasiBoundaryValue: return "alpha"
        case .quasiReversibility: return "eps"
        }
    }

    /// m(lambda) for total spectral time S and target S_t (see the table).
    @inline(__always)
    public func multiplier(
        squaredWavenumber lambda: Double, totalSpectralTime total: Double, targetSpectralTime target: Double
    ) -> Double {
        switch method {
        case .naive:
            return Foundation.exp(lambda * (total - target))
        case .cutoff:
            return lambda <= parameter ? Foundation.exp(lambda * (total - target)) : 0
        case .tikhonov:
            return Foundation.exp(-lambda * (target + total)) / (Foundation.exp(-2 * lambda * total) + parameter)
        case .quasiReversibility:
            if lambda == 0 { return 1 }
            return Foundation.exp((lambda - parameter * lambda * lambda) * (total - target))
        case .quasiBoundaryValue:
            return Foundation.exp(-lambda * target) / (Foundation.exp(-lambda * total) + parameter)
        }
    }
}

import DiffusionModels
import Foundation

/// The diffusion that is run backward: the heat equation, or the paper's Ornstein–Uhlenbeck Fokker–Planck equation
/// (THEORY §2, §8).
///
/// Both are written in one form. On the data grid (the periodic box [-L, L]^d holding the data at time T, n cells an
/// axis) mode j has the wavenumber k = pi j / L. Going back from T by the reverse time s = T - t multiplies that mode
/// by exp(|k|^2 tau(s)) and every cell value by the scalar J(s), on the grid of time t, which is the data grid
/// stretched by the factor c(s):
///
/// | equation | PDE | tau(s), the spectral time | J(s) | c(s) |
/// |---|---|---|---|---|
/// | heat | u_t = D Lap u | D s | 1 | 1 |
/// | OU | d_t rho = div(x rho) + Lap rho | (1 - e^(-2s)) / 2 | e^(-d s) | e^s |
///
/// The OU row is the heat-equation link rho(x, t) = e^(d t) u(e^t x, r(t)), u_r = Lap u, r(t) = (e^(2t) - 1)/2: on
/// the grid x_i(t) = e^(T-t) x_i, the points e^t x_i(t) = e^T x_i are the same for every t, so the samples
/// e^(-d t) rho(x_i(t), t) are samples of one heat solution u(., r) on one fixed grid of half-width e^T L, whose
/// wavenumbers are e^(-T) k. Backward heat from r(T) to r(t) multiplies its mode by
/// exp(e^(-2T) |k|^2 (r(T) - r(t))) = exp(|k|^2 (1 - e^(-2s)) / 2). On the grid of time t the same mode has the
/// physical wavenumber q = e^(-s) k, and the factor is THEORY §8's exp(|q|^2 (e^(2s) - 1)/2).
///
/// This is why the backward OU step is exact, diagonal and stable to write (see `NaiveBackwardStepper`): the grid
/// stretches with the characteristics of the drift instead of the drift being stepped explicitly on a fixed grid.
public enum BackwardEquation: Sendable, Equatable, CustomStringConvertible {
    /// u_t = D Lap u with diffusivity D > 0.
    case heat(diffusivity: Double)
    /// d_t rho = div(x rho) + Lap rho, the law of dX = -X dt + sqrt(2) dB.
    case ornsteinUhlenbeck

    /// "heat" or "ou".
    public var name: String {
        switch self {
        case .heat: return "heat"
        case .ornsteinUhlenbeck: return "ou"
        }
    }

    public var description: String {
        switch self {
        case .heat(let diffusivity): return "heat (D = \(diffusivity))"
        case .ornsteinUhlenbeck: return "ou"
        }
    }

    /// tau(s): over the last `duration` units of forward time, data-grid mode k is damped by exp(-|k|^2 tau), and
    /// over the same reverse time the naive inversion amplifies it by exp(+|k|^2 tau). Heat: D s; OU:
    /// (1 - e^(-2s))/2, computed with expm1 so that small s keeps its digits. Increasing; OU saturates at 1/2.
    public func spectralTime(over duration: Double) -> Double {
        switch self {
        case .heat(let diffusivity): return diffusivity * duration
        case .ornsteinUhlenbeck: return -0.5 * Foundation.expm1(-2 * duration)
        }
    }

    /// sigma(t) = tau(T) - tau(T - t), the spectral time of the forward smoothing from 0 to t: data-grid mode k of
    /// the solution at t is exp(-|k|^2 sigma(t)) times that of the initial data (heat: D t; OU: e^(-2T)(e^(2t) - 1)/2).
    public func spectralTime(from start: Double, to end: Double, finalTime: Double) -> Double {
        spectralTime(over: finalTime - start) - spectralTime(over: finalTime - end)
    }

    /// c(s): the grid of forward time T - s is the data grid scaled by this factor (heat: 1; OU: e^s).
    public func gridScale(reverseTime: Double) -> Double {
        switch self {
        case .heat: return 1
        case .ornsteinUhlenbeck: return Foundation.exp(reverseTime)
        }
    }

    /// J(s): the scalar every cell value is multiplied by over reverse time s, besides the mode factors
    /// (heat: 1; OU: e^(-d s), the Jacobian of the stretched grid, which keeps the mass).
    public func valueScale(reverseTime: Double, dimension: Int) -> Double {
        switch self {
        case .heat: return 1
        case .ornsteinUhlenbeck: return Foundation.exp(-Double(dimension) * reverseTime)
        }
    }

    /// N(t): the L2 norm at time t on its grid is N(t) times the norm of the heat solution it stands for (heat: 1;
    /// OU: e^(d t / 2), since ||rho(t)||^2 = e^(d t) ||u(r(t))||^2 on the fixed grid of the heat link). The
    /// inequalities of THEORY §8 (log-convexity, the Hölder bound) hold for the heat norms.
    public func normScale(time: Double, dimension: Int) -> Double {
        switch self {
        case .heat: return 1
        case .ornsteinUhlenbeck: return Foundation.exp(0.5 * Double(dimension) * time)
        }
    }

    /// The exact law at time t of a mixture that is the initial data: heat adds 2 D t to every covariance
    /// (u(t) = u(0) * N(0, 2 D t I)); OU is `GaussianMixture.evolved(under: .ornsteinUhlenbeck, to: t)`.
    public func evolved(_ mixture: GaussianMixture, to time: Double) -> GaussianMixture {
        switch self {
        case .heat(let diffusivity): return mixture.transformed(scale: 1, addedVariance: 2 * diffusivity * time)
        case .ornsteinUhlenbeck: return mixture.evolved(under: .ornsteinUhlenbeck, to: time)
        }
    }

    /// The amplification of THEORY §8 in the equation's own variables: heat exp(D |k|^2 s) for wavenumber k; OU
    /// exp(|q|^2 (e^(2s) - 1)/2) for the wavenumber q of the grid of time T - s (so q = e^(-s) k). Equal to
    /// exp(|k|^2 tau(s)) for the data-grid wavenumber k; written separately so the tests compare the two forms.
    public func theoreticalAmplification(wavenumber: Double, reverseTime: Double) -> Double {
        switch self {
        case .heat(let diffusivity):
            return Foundation.exp(diffusivity * wavenumber * wavenumber * reverseTime)
        case .ornsteinUhlenbeck:
            return Foundation.exp(wavenumber * wavenumber * Foundation.expm1(2 * reverseTime) / 2)
        }
    }
}

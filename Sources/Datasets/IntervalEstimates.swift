import Foundation
import SampleStatistics

/// The Wilson score interval for a binomial proportion: with k successes in n trials, p̂ = k/n and the standard
/// normal quantile z of the wanted confidence,
/// (p̂ + z²/(2n) ± z (p̂(1 − p̂)/n + z²/(4n²))^½) / (1 + z²/n).
///
/// Unlike the Wald interval p̂ ± z (p̂(1 − p̂)/n)^½ it needs no floor on the standard error: at k = 0 it is
/// [0, z²/(n + z²)], at k = n it is [n/(n + z²), 1], and its coverage stays close to nominal for small counts.
/// Two-sided: a 1 − 2α interval for z = Φ⁻¹(1 − α); each end alone is a one-sided 1 − α limit. Cost O(1).
public struct WilsonInterval: Sendable, Equatable {
    public let lower: Double
    public let upper: Double

    /// z for a two-sided 99.8 % interval (each end a one-sided 99.9 % limit): Φ⁻¹(0.999) = 3.090232306167813
    /// (scipy.stats.norm.ppf(0.999)).
    public static let oneSided999 = 3.090232306167813

    /// The interval for `successes` out of `trials` at normal quantile `normalQuantile` (NaN ends for no trials).
    public init(successes: Int, trials: Int, normalQuantile: Double) {
        precondition(successes >= 0 && successes <= trials && normalQuantile > 0, "WilsonInterval: 0 ≤ k ≤ n and z > 0")
        guard trials > 0 else {
            (lower, upper) = (.nan, .nan)
            return
        }
        let count = Double(trials)
        let estimate = Double(successes) / count
        let square = normalQuantile * normalQuantile
        let centre = estimate + square / (2 * count)
        let halfWidth = normalQuantile * (estimate * (1 - estimate) / count + square / (4 * count * count)).squareRoot()
        let denominator = 1 + square / count
        lower = successes == 0 ? 0 : max(0, (centre - halfWidth) / denominator)
        upper = successes == trials ? 1 : min(1, (centre + halfWidth) / denominator)
    }

    /// The interval for a fraction measured over `trials` (the count is the fraction times the trials, rounded).
    public init(fraction: Double, trials: Int, normalQuantile: Double) {
        guard fraction.isFinite else {
            self.init(successes: 0, trials: 0, normalQuantile: normalQuantile)
            return
        }
        self.init(successes: Int((fraction * Double(trials)).rounded()), trials: trials, normalQuantile: normalQuantile)
    }
}

/// Student-t quantiles the claims use, written out with their source (scipy.stats.t.ppf), for the degrees of
/// freedom they need. For 2 degrees of freedom the distribution function has the closed form
/// F(t) = 1/2 + t / (2 (2 + t²)^½), which the tests use to confirm the literals.
public enum StudentQuantile {
    /// t_(0.975, 2) = 4.302652729749462 (scipy.stats.t.ppf(0.975, 2)): one-sided 97.5 % with three paired seeds.
    public static let oneSided975TwoDegrees = 4.302652729749462
    /// t_(0.99, 2) = 6.9645567342832715 (scipy.stats.t.ppf(0.99, 2)).
    public static let oneSided99TwoDegrees = 6.9645567342832715

    /// The Student-t distribution function with 2 degrees of freedom, F(t) = 1/2 + t / (2 (2 + t²)^½).
    public static func distributionTwoDegrees(_ value: Double) -> Double {
        0.5 + value / (2 * (2 + value * value).squareRoot())
    }
}

/// The Clopper–Pearson ("exact") interval for a binomial proportion: with k successes in n trials, the two-sided
/// 1 − α interval [p_L, p_U] with P(X >= k | p_L) = α/2 and P(X <= k | p_U) = α/2, X ~ Binomial(n, p); through the
/// beta distribution, p_L = B⁻¹(α/2; k, n − k + 1) and p_U = B⁻¹(1 − α/2; k + 1, n − k), with p_L = 0 at k = 0 and
/// p_U = 1 at k = n. Its coverage is at least 1 − α for every p (the price: it is wider than Wilson's).
///
/// Method: P(X >= k | p) = I_p(k, n − k + 1), the regularized incomplete beta function
/// (`SpecialFunctions.regularizedIncompleteBeta`), inverted by bisection on p to an interval of 1e-16 or 200 halvings.
/// Accuracy: the lgamma differences cost about 4 eps lgamma(n + 1) relative (5e-11 measured at n = 10^5, about 1e-14 at
/// n = 10); the tests compare with scipy.stats.beta.ppf.
public struct ClopperPearsonInterval: Sendable, Equatable {
    public let lower: Double
    public let upper: Double

    /// The two-sided interval at `confidence` = 1 − α (for example 0.95) for `successes` out of `trials` >= 1.
    public init(successes: Int, trials: Int, confidence: Double) {
        precondition(trials >= 1 && (0...trials).contains(successes), "ClopperPearsonInterval: 0 <= k <= n, n >= 1")
        precondition(confidence > 0 && confidence < 1, "ClopperPearsonInterval: confidence in (0, 1)")
        let tail = (1 - confidence) / 2
        let (k, n) = (Double(successes), Double(trials))
        lower = successes == 0 ? 0 : Self.betaQuantile(tail, k, n - k + 1)
        upper = successes == trials ? 1 : Self.betaQuantile(1 - tail, k + 1, n - k)
    }

    /// x with I_x(a, b) = probability, by bisection (I_x increases with x).
    static func betaQuantile(_ probability: Double, _ a: Double, _ b: Double) -> Double {
        var (low, high) = (0.0, 1.0)
        for _ in 0..<200 where high - low > 1e-16 * max(low, 1e-300) {
            let middle = 0.5 * (low + high)
            if SpecialFunctions.regularizedIncompleteBeta(middle, a, b) < probability {
                low = middle
            } else {
                high = middle
            }
        }
        return 0.5 * (low + high)
    }
}

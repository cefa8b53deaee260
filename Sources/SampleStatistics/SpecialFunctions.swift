import Foundation

/// The special functions behind the p-values of the goodness-of-fit tests.
public enum SpecialFunctions {
    /// The regularized incomplete beta function I_x(a, b) = (1/B(a, b)) ∫_0^x t^(a−1) (1 − t)^(b−1) dt for
    /// a, b > 0 (the binomial tail: P(X >= k) = I_p(k, n − k + 1) for X ~ Binomial(n, p)).
    ///
    /// Method: the continued fraction, on the side of the mean where it converges fast (O(√max(a, b)) terms),
    /// with the prefactor x^a (1 − x)^b / (a B(a, b)) from lgamma; I_x = 1 − I_(1−x)(b, a) on the other side.
    public static func regularizedIncompleteBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logPrefactor = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        if x < (a + 1) / (a + b + 2) { return exp(logPrefactor) * betaContinuedFraction(x, a, b) / a }
        return 1 - exp(logPrefactor) * betaContinuedFraction(1 - x, b, a) / b
    }

    /// The continued fraction of I_x(a, b) (Numerical Recipes' `betacf`, modified Lentz), converged to 4e-16
    /// (two ulp of 1).
    static func betaContinuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        let (sum, plus, minus) = (a + b, a + 1, a - 1)
        var c = 1.0
        var d = 1 - sum * x / plus
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var fraction = d
        for term in 1...100_000 {
            let m = Double(term)
            let twice = 2 * m
            var numerator = m * (b - m) * x / ((minus + twice) * (a + twice))
            d = 1 + numerator * d
            if abs(d) < tiny { d = tiny }
            c = 1 + numerator / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            fraction *= d * c
            numerator = -(a + m) * (sum + m) * x / ((a + twice) * (plus + twice))
            d = 1 + numerator * d
            if abs(d) < tiny { d = tiny }
            c = 1 + numerator / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let change = d * c
            fraction *= change
            if abs(change - 1) < 4e-16 { break }
        }
        return fraction
    }

    /// The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a) = (1/Γ(a)) ∫_x^∞ s^(a−1) e^(−s) ds,
    /// for a > 0, x ≥ 0. The chi-square survival function is Q(k/2, χ²/2).
    ///
    /// Method: the power series of P = 1 − Q for x < a + 1, the continued fraction of Q (modified Lentz) otherwise;
    /// both to relative accuracy 1e-15, at most a few hundred terms (O(√a) for large a). Q is returned directly on
    /// the continued-fraction side, so tiny upper tails keep their relative accuracy.
    public static func regularizedUpperGamma(_ a: Double, _ x: Double) -> Double {
        precondition(a > 0 && x >= 0, "regularizedUpperGamma: needs a > 0 and x ≥ 0")
        if x == 0 { return 1 }
        if x.isInfinite { return 0 }
        let logPrefactor = a * log(x) - x - lgamma(a)
        if x < a + 1 {
            // P(a, x) = e^(−x) x^a / Γ(a + 1) · Σ_n x^n / ((a + 1)…(a + n)).
            var term = 1 / a
            var sum = term
            var denominator = a
            for _ in 0..<10_000 {
                denominator += 1
                term *= x / denominator
                sum += term
                if abs(term) < abs(sum) * 1e-16 { break }
            }
            return max(0, 1 - sum * exp(logPrefactor))
        }
        // Q(a, x) = e^(−x) x^a / Γ(a) · 1/(x + 1 − a − 1·(1 − a)/(x + 3 − a − 2·(2 − a)/(x + 5 − a − …))).
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var fraction = d
        for step in 1..<10_000 {
            let an = -Double(step) * (Double(step) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let change = d * c
            fraction *= change
            if abs(change - 1) < 1e-16 { break }
        }
        return exp(logPrefactor) * fraction
    }

    /// The Kolmogorov distribution's survival function Q_KS(λ) = P(sup|B| > λ) = 2 Σ_(k≥1) (−1)^(k−1) e^(−2k²λ²),
    /// the limit law of √n D_n for the Kolmogorov–Smirnov statistic.
    ///
    /// For λ < 1.18 the alternating series converges slowly, so the Jacobi-transformed form
    /// 1 − (√(2π)/λ) Σ_(k≥1) e^(−(2k−1)²π²/(8λ²)) is used there. Accurate to about 1e-15 absolute; O(1) terms.
    public static func kolmogorovSurvival(_ lambda: Double) -> Double {
        if lambda <= 0 { return 1 }
        if lambda < 1.18 {
            let factor = -Double.pi * Double.pi / (8 * lambda * lambda)
            var sum = 0.0
            for k in 1...8 {
                let odd = Double(2 * k - 1)
                sum += exp(factor * odd * odd)
            }
            return min(1, max(0, 1 - (2 * Double.pi).squareRoot() / lambda * sum))
        }
        var sum = 0.0
        var sign = 1.0
        for k in 1...100 {
            let term = exp(-2 * Double(k * k) * lambda * lambda)
            sum += sign * term
            if term < 1e-18 { break }
            sign = -sign
        }
        return min(1, max(0, 2 * sum))
    }
}

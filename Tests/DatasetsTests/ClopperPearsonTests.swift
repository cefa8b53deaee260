import Foundation
import Testing

@testable import Datasets

/// The exact binomial interval against scipy (scipy.stats.beta.ppf(α/2, k, n − k + 1) and
/// beta.ppf(1 − α/2, k + 1, n − k), scipy 1.17.1, written out) and against its defining coverage property.
@Suite struct ClopperPearsonTests {
    /// (k, n, lower, upper) of the two-sided 95 % interval.
    static let scipyValues: [(Int, Int, Double, Double)] = [
        (0, 10, 0.0, 0.3084971078187607),
        (1, 10, 0.0025285785444617848, 0.4450161170281954),
        (5, 10, 0.18708602844739855, 0.8129139715526015),
        (10, 10, 0.6915028921812392, 1.0),
        (3, 1000, 0.0006190999316495713, 0.008742023238478303),
        (500, 1000, 0.46854917297179194, 0.531450827028208),
        (999, 1000, 0.9944410757201734, 0.9999746825125088),
        (12, 100000, 6.200723911735969e-05, 0.00020960645805016376),
        (0, 1, 0.0, 0.975),
        (1, 1, 0.025, 1.0),
        (37, 50, 0.5965523212719342, 0.8536994156034454),
    ]

    /// Each end within 1e-13 + 8 eps lgamma(n + 1) relative of scipy's (eps = 2^-53). Derivation: the log prefactor
    /// lgamma(a + b) − lgamma(a) − lgamma(b) + … is a difference of values up to lgamma(n + 1) (1.05e6 at n = 10^5),
    /// each rounded and within about an ulp, so it is off by at most about 4 eps lgamma(n + 1) absolute, and I_p by
    /// that relative; near p_L, I_p(k, n − k + 1) grows like p^k (k >= 1), so p moves by at most that relative
    /// error over k, and near p_U likewise; the factor 2 and the 1e-13 (the continued fraction's 4e-16 a term over
    /// its few terms, the bisection's 1e-16) are margin. A Wald or Wilson interval differs from these by 1e-3 or more.
    @Test func endsMatchScipy() {
        func tolerance(_ trials: Int) -> Double { 1e-13 + 8 * (Double.ulpOfOne / 2) * lgamma(Double(trials + 1)) }
        for (successes, trials, lower, upper) in Self.scipyValues {
            let interval = ClopperPearsonInterval(successes: successes, trials: trials, confidence: 0.95)
            let relative = tolerance(trials)
            #expect(abs(interval.lower - lower) <= relative * lower, "k \(successes), n \(trials): \(interval.lower)")
            #expect(abs(interval.upper - upper) <= relative * upper, "k \(successes), n \(trials): \(interval.upper)")
        }
        let wide = ClopperPearsonInterval(successes: 7, trials: 100, confidence: 0.999)
        #expect(abs(wide.lower - 0.013807898474435698) <= tolerance(100) * 0.013807898474435698)
        #expect(abs(wide.upper - 0.19283770662132313) <= tolerance(100) * 0.19283770662132313)
    }

    /// The property that defines the interval: for n = 30 and every p on a grid of 199 values, the probability
    /// (an exact binomial sum, written here from the binomial coefficients) that the interval of X ~ Bin(n, p)
    /// covers p is at least 95 % (less 1e-12 for the sum's rounding); and the ends are where the tail
    /// probabilities equal 2.5 % (the one-sided tail at p_L of X >= k, computed by the same direct sum, within 1e-10).
    @Test func coverageIsAtLeastTheConfidence() {
        let trials = 30
        let intervals = (0...trials).map { ClopperPearsonInterval(successes: $0, trials: trials, confidence: 0.95) }
        func probability(_ k: Int, _ p: Double) -> Double {
            let logCoefficient = lgamma(Double(trials + 1)) - lgamma(Double(k + 1)) - lgamma(Double(trials - k + 1))
            return exp(logCoefficient + Double(k) * log(p) + Double(trials - k) * log1p(-p))
        }
        var worst = 1.0
        for step in 1..<200 {
            let p = Double(step) / 200
            let coverage = (0...trials).reduce(0.0) { sum, k in
                intervals[k].lower <= p && p <= intervals[k].upper ? sum + probability(k, p) : sum
            }
            worst = min(worst, coverage)
        }
        #expect(worst >= 0.95 - 1e-12, "smallest coverage \(worst)")
        for k in 1...trials {
            let tail = (k...trials).reduce(0.0) { $0 + probability($1, intervals[k].lower) }
            #expect(abs(tail - 0.025) <= 1e-10, "k \(k): P(X >= k | p_L) = \(tail)")
        }
    }
}

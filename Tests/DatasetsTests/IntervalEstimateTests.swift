import Testing

@testable import Datasets

/// The Wilson interval and the Student-t literals against scipy (values computed with scipy 1.17.1 and written out).
struct IntervalEstimateTests {
    /// scipy.stats.binomtest(k, n).proportion_ci(0.998, method='wilson'): (k, n, low, high).
    static let wilsonReferences: [(Int, Int, Double, Double)] = [
        (0, 500, 0.0, 0.018741133171381347),
        (3, 500, 0.001205187700499443, 0.029311051872825327),
        (500, 500, 0.9812588668286186, 1.0),
        (497, 500, 0.9706889481271747, 0.9987948122995006),
        (1, 4000, 2.1811043825692477e-05, 0.002858696006463029),
        (2000, 4000, 0.47559867883065376, 0.5244013211693462),
        (17, 1000, 0.008191701066374032, 0.03494589066717524),
    ]

    @Test func wilsonIntervalMatchesScipy() {
        for (successes, trials, low, high) in Self.wilsonReferences {
            let interval = WilsonInterval(
                successes: successes, trials: trials, normalQuantile: WilsonInterval.oneSided999)
            // Round-off: a few ulps of the closed form's terms.
            #expect(
                abs(interval.lower - low) <= 1e-13,
                "k = \(successes), n = \(trials): lower \(interval.lower) against \(low)")
            #expect(
                abs(interval.upper - high) <= 1e-13,
                "k = \(successes), n = \(trials): upper \(interval.upper) against \(high)")
        }
    }

    @Test func wilsonIntervalOfANonFiniteFractionIsNaN() {
        let interval = WilsonInterval(fraction: .nan, trials: 100, normalQuantile: 3)
        #expect(interval.lower.isNaN && interval.upper.isNaN)
    }

    /// The literals are the quantiles: F_2(t) = 1/2 + t/(2 (2 + t²)^½) returns their levels.
    @Test func studentQuantilesInvertTheClosedFormDistribution() {
        #expect(abs(StudentQuantile.distributionTwoDegrees(StudentQuantile.oneSided975TwoDegrees) - 0.975) <= 1e-14)
        #expect(abs(StudentQuantile.distributionTwoDegrees(StudentQuantile.oneSided99TwoDegrees) - 0.99) <= 1e-14)
    }
}

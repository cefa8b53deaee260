import Foundation
import Testing

@testable import Reconstruction

/// The log-tail functions of the truncated-normal posteriors against values computed independently, once, with
/// mpmath at 40 digits (`mpmath.log(mpmath.erfc(mpmath.mpf(x)))` at each double x, printed to 21 digits).
@Suite struct NormalTailsTests {
    static let logComplementaryErrorFunctionValues: [(x: Double, value: Double)] = [
        (0.0, 0.0),
        (0.5, -0.735011129837084403026),
        (1.0, -1.84960550993324824858),
        (2.5, -7.80681527272726435888),
        (4.99, -27.0990607495263215549),
        (5.0, -27.2008895455374344224),
        (5.01, -27.3029147549288961639),
        (7.5, -58.8459674738723148092),
        (10.0, -102.879889024844888575),
        (15.0, -228.282625153806386136),
        (20.0, -403.569343334104234963),
        (25.9, -674.637351895319178967),
        (25.999, -679.779162357605800957),
        (26.0, -679.831199763194230262),
        (26.001, -679.88323916730989437),
        (26.1, -685.045032903309449389),
        (27.0, -732.868886507897410976),
        (30.0, -903.97411711064387808),
        (50.0, -2504.48458784845137187),
        (100.0, -10005.1775851226643326),
        (1000.0, -1000007.48012072190621),
    ]

    /// Every value, on both sides of the switch at x = 26 (library erfc below, continued fraction above), within
    /// 2e-15 + 3e-16 |value|. Derivation: below 26, erfc within 5 ulp relative (2^-52 each) moves its log by at most
    /// 1.2e-15 absolute, and the log's own rounding adds 2^-53 |value|; above, -x^2 carries a rounding of x^2
    /// and the sum one more (2 × 2^-53 |value| = 2.2e-16 |value|), the fraction's 12 steps a few ulp of log(x + K),
    /// below 1e-15 absolute. A truncated fraction (4 terms at x = 5 are off by 2e-7) or a missing constant
    /// (log √π = 0.57) is orders of magnitude outside.
    @Test func logComplementaryErrorFunctionMatchesHighPrecisionValues() {
        #expect(NormalTails.continuedFractionStart == 26)
        for (x, expected) in Self.logComplementaryErrorFunctionValues {
            let computed = NormalTails.logComplementaryErrorFunction(x)
            let tolerance = 2e-15 + 3e-16 * abs(expected)
            #expect(abs(computed - expected) <= tolerance, "x = \(x): \(computed) against \(expected)")
        }
    }

    /// log P(Z > z) = log erfc(z/√2) − log 2, at z = √2 x for the same points. √2 x here and z/√2 inside are
    /// rounded once each, so the argument of log erfc is x (1 ± 2^-52); as d/dx log erfc ≈ −2x in the tail, that
    /// moves the value by about 2x² 2^-52 ≈ 2^-51 |value| = 4.4e-16 |value|: 3e-15 + 8e-16 |value| in all.
    @Test func logUpperTailIsTheShiftedLogComplementaryErrorFunction() {
        for (x, expected) in Self.logComplementaryErrorFunctionValues where x <= 100 {
            let z = x * 2.0.squareRoot()
            let computed = NormalTails.logUpperTail(z)
            let tolerance = 3e-15 + 8e-16 * abs(expected)
            #expect(abs(computed - (expected - log(2.0))) <= tolerance, "z = \(z): \(computed)")
        }
    }
}

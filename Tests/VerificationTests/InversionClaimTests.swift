import Foundation
import Testing

@testable import Verification

/// The inversion claims' own algebra: the direct-sum DFT and the oracle's two forms of the OU factor. (Their passing,
/// their planted defects and their broken tolerances are the registry-wide `SuiteTests` and `NegativeControlTests`.)
struct InversionClaimTests {
    @Test func directFourierTransformsOneModeAndInvertsItself() {
        let count = 16
        let values = (0..<count).map { Foundation.cos(2 * Double.pi * 3 * Double($0) / Double(count)) + 0.25 }
        let spectrum = DirectFourier.halfSpectrum(values)
        #expect(abs(spectrum[0].real - 4) < 1e-13)
        #expect(abs(spectrum[3].real - 8) < 1e-13)
        for (frequency, coefficient) in spectrum.enumerated() where frequency != 0 && frequency != 3 {
            #expect(abs(coefficient.real) < 1e-13 && abs(coefficient.imaginary) < 1e-13)
        }
        let back = DirectFourier.values(fromHalfSpectrum: spectrum, count: count)
        #expect(zip(back, values).allSatisfy { abs($0 - $1) < 1e-14 })
    }

    /// exp(q² (e^(2s) − 1)/2) with q = e^(−s) k equals exp(k² (1 − e^(−2s))/2).
    @Test func ornsteinUhlenbeckFactorHasBothForms() {
        let oracle = InversionOracle(equation: .ornsteinUhlenbeck, halfWidth: 10, finalTime: 1)
        for (wavenumber, time) in [(1.0, 0.3), (10.0, 0.05), (40.0, 0.003)] {
            let direct = Foundation.exp(wavenumber * wavenumber * (1 - Foundation.exp(-2 * time)) / 2)
            #expect(abs(oracle.amplification(wavenumber: wavenumber, reverseTime: time) / direct - 1) < 1e-12)
            #expect(abs(oracle.spectralTime(time) - (1 - Foundation.exp(-2 * time)) / 2) < 1e-15)
        }
    }
}

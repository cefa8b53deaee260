import Foundation
import Testing

@testable import SampleStatistics

/// The special functions against reference values (scipy.special.gammaincc and scipy.special.kolmogorov).
@Suite struct SpecialFunctionTests {
    @Test(arguments: [
        (0.5, 0.1, 0.6547208460185768), (1, 1, 0.36787944117144245), (2.5, 4, 0.1562356275777222),
        (10, 3, 0.9988975118698845), (10, 20, 0.0049954123083075785), (50, 45, 0.7531979655998298),
        (0.5, 30, 9.485737571073857e-15),
    ])
    func regularizedUpperGammaMatchesReference(a: Double, x: Double, reference: Double) {
        #expect(abs(SpecialFunctions.regularizedUpperGamma(a, x) / reference - 1) < 1e-12)
    }

    @Test(arguments: [
        (0.3, 0.9999906941986655), (0.6, 0.8642827790506042), (1.0, 0.26999967167735456),
        (1.36, 0.049485876755377876), (2.0, 0.0006709252557796953), (3.0, 3.045995948942526e-08),
    ])
    func kolmogorovSurvivalMatchesReference(lambda: Double, reference: Double) {
        #expect(abs(SpecialFunctions.kolmogorovSurvival(lambda) - reference) < 1e-13)
    }
}

@Suite struct ChiSquareTestTests {
    /// One degree of freedom at X² = 3.84 is the 5 % point: O = (60.98..., 39.02...) against E = (50, 50).
    @Test func pValueAtTheFivePercentPoint() {
        // (O − 50)²/50 · 2 = 3.84  ⇒  O = 50 ± √96.
        let offset = 96.0.squareRoot()
        let test = ChiSquareTest(observed: [50 + offset, 50 - offset], expected: [50, 50])
        #expect(abs(test.statistic - 3.84) < 1e-12)
        #expect(test.degreesOfFreedom == 1)
        #expect(abs(test.pValue - 0.05004352124870519) < 1e-12)
    }

    /// Bins with small expected counts are pooled in order until each pooled bin expects at least 5.
    @Test func smallBinsArePooled() {
        let test = ChiSquareTest(observed: [3, 1, 1, 10, 2, 3], expected: [2, 2, 2, 10, 2, 2])
        // Pools: [3+1+1 | 2+2+2] = (5, 6), [10 | 10], remainder (2+3 | 2+2) joins the last: (15, 14).
        #expect(test.pooledBinCount == 2)
        #expect(abs(test.statistic - (1.0 / 6 + 1.0 / 14)) < 1e-12)
        #expect(test.degreesOfFreedom == 1)
    }

    /// A fair die rolled by a seeded generator passes; a loaded prediction is rejected (the test can fail).
    @Test func acceptsTheTrueLawAndRejectsAWrongOne() {
        var state: UInt64 = 12345
        var counts = [Double](repeating: 0, count: 6)
        for _ in 0..<60_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            counts[Int((state >> 33) % 6)] += 1
        }
        #expect(ChiSquareTest(observed: counts, expected: Array(repeating: 10_000, count: 6)).pValue > 0.001)
        let loaded = [10_600.0, 9_400, 10_000, 10_000, 10_000, 10_000]
        #expect(ChiSquareTest(observed: counts, expected: loaded).pValue < 1e-6)
    }
}

@Suite struct KolmogorovSmirnovTestTests {
    /// The mid-quantiles (i + ½)/n of U(0, 1) are at distance exactly ½n from its CDF.
    @Test func oneSampleStatisticIsExactOnQuantiles() {
        let count = 200
        let sample = (0..<count).map { (Double($0) + 0.5) / Double(count) }.reversed()
        let test = KolmogorovSmirnovTest(sample: Array(sample)) { min(max($0, 0), 1) }
        #expect(abs(test.statistic - 0.5 / Double(count)) < 1e-15)
        #expect(test.pValue > 0.999)
    }

    @Test func twoSampleStatistic() {
        #expect(KolmogorovSmirnovTest(sample: [1, 2, 3], otherSample: [4, 5]).statistic == 1)
        #expect(abs(KolmogorovSmirnovTest(sample: [1, 2, 3, 4], otherSample: [2.5, 3.5]).statistic - 0.5) < 1e-15)
        // Ties across the samples: identical samples are at distance 0.
        #expect(KolmogorovSmirnovTest(sample: [1, 1, 2, 3], otherSample: [3, 2, 1, 1]).statistic == 0)
    }

    /// Seeded uniforms: accepted against U(0, 1), rejected against U(0, 1) shifted by 0.05.
    @Test func acceptsTheTrueLawAndRejectsAShiftedOne() {
        var state: UInt64 = 987_654_321
        let sample = (0..<20_000).map { _ -> Double in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) * 0x1p-53
        }
        #expect(KolmogorovSmirnovTest(sample: sample) { min(max($0, 0), 1) }.pValue > 0.001)
        #expect(KolmogorovSmirnovTest(sample: sample) { min(max($0 - 0.05, 0), 1) }.pValue < 1e-10)
    }
}

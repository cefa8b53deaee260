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

/// The Jacobi eigenvalues against closed forms and against numpy on the digits covariance.
@Suite struct SymmetricEigenvalueTests {
    /// The tridiagonal (−1, 2, −1) matrix of size n has λ_k = 2 − 2 cos(kπ / (n + 1)), k = 1 … n: to 1e-12.
    @Test(arguments: [1, 2, 7, 40])
    func secondDifferenceMatrixHasItsClosedFormSpectrum(size: Int) {
        var matrix = [Double](repeating: 0, count: size * size)
        for row in 0..<size {
            matrix[row * size + row] = 2
            if row + 1 < size { (matrix[row * size + row + 1], matrix[(row + 1) * size + row]) = (-1, -1) }
        }
        let eigenvalues = SymmetricEigenvalues.of(matrix, size: size)
        let exact = (1...size).map { 2 - 2 * cos(Double($0) * Double.pi / Double(size + 1)) }.sorted()
        for (value, reference) in zip(eigenvalues, exact) { #expect(abs(value - reference) < 1e-12) }
    }

    /// A rotated diagonal matrix QDQᵀ (Q a product of Givens rotations) keeps D's eigenvalues; the covariance of
    /// the four points (±1, 0), (0, ±2) is diag(2/3, 8/3).
    @Test func rotationsKeepTheSpectrumAndCovarianceIsUnbiased() {
        let size = 5
        let diagonal: [Double] = [-3, 0.5, 1, 4, 10]
        var matrix = [Double](repeating: 0, count: size * size)
        for index in 0..<size { matrix[index * size + index] = diagonal[index] }
        for (p, q, angle) in [(0, 3, 0.7), (1, 4, -1.2), (2, 3, 0.3), (0, 1, 2.0)] {
            let (c, s) = (cos(angle), sin(angle))
            for k in 0..<size { // rows then columns: G A Gᵀ
                let (ap, aq) = (matrix[p * size + k], matrix[q * size + k])
                (matrix[p * size + k], matrix[q * size + k]) = (c * ap - s * aq, s * ap + c * aq)
            }
            for k in 0..<size {
                let (ap, aq) = (matrix[k * size + p], matrix[k * size + q])
                (matrix[k * size + p], matrix[k * size + q]) = (c * ap - s * aq, s * ap + c * aq)
            }
        }
        for (value, reference) in zip(SymmetricEigenvalues.of(matrix, size: size), diagonal) {
            #expect(abs(value - reference) < 1e-12)
        }
        let covariance = SymmetricEigenvalues.covariance(points: [1, 0, -1, 0, 0, 2, 0, -2], dimension: 2)
        #expect(covariance == [2.0 / 3, 0, 0, 8.0 / 3])
    }
}

import Testing

@testable import Memorization

/// Table (2)'s arithmetic: means, paired differences, their standard errors and the verdict's sign.
@Suite struct EmbeddingMetricTests {
    @Test func meanAndStandardErrorAgainstHandComputedValues() {
        let (mean, error) = EmbeddingMetric.meanAndError([1, 2, 6])
        #expect(mean == 3)
        // sd² = ((1-3)² + (2-3)² + (6-3)²) / 2 = 7, SE = √(7/3).
        #expect(abs(error - (7.0 / 3).squareRoot()) < 1e-15)
        #expect(EmbeddingMetric.meanAndError([4]).standardError.isNaN)
    }

    @Test func differencesArePairedBySeed() {
        // The seeds' levels differ a lot, the paired differences hardly: the paired SE is small.
        let metric = EmbeddingMetric(
            name: "loss", key: "loss", preference: .lower, sinusoidal: [1.1, 2.1, 3.3], scalar: [1.0, 2.0, 3.0])
        let difference = metric.difference
        #expect(abs(difference.mean - 0.5 / 3) < 1e-12)
        let differences = [0.1, 0.1, 0.3].map { $0 - 0.5 / 3 }
        let expectedError = (differences.map { $0 * $0 }.reduce(0, +) / 2 / 3).squareRoot()
        #expect(abs(difference.standardError - expectedError) < 1e-12)
        #expect(metric.sinusoidalSummary.standardError > 9 * difference.standardError)
        #expect(abs(metric.scalarAdvantage - difference.mean / difference.standardError) < 1e-12)
        #expect(metric.better == "scalar")
    }

    @Test func theVerdictFollowsThePreference() {
        let higher = EmbeddingMetric(
            name: "coverage", key: "coverage", preference: .higher, sinusoidal: [0.9, 0.95, 1], scalar: [0.8, 0.9, 0.9])
        #expect(higher.scalarAdvantage < 0 && higher.better == "sinusoidal")
        let tie = EmbeddingMetric(
            name: "coverage", key: "coverage", preference: .higher, sinusoidal: [1, 1, 1], scalar: [1, 1, 1])
        #expect(tie.scalarAdvantage == 0 && tie.better == "tie")
        let constant = EmbeddingMetric(
            name: "w2", key: "w2", preference: .lower, sinusoidal: [2, 3, 4], scalar: [1, 2, 3])
        #expect(constant.scalarAdvantage == .infinity && constant.better == "scalar")
        let reported = EmbeddingMetric(
            name: "novelty", key: "novelty", preference: .none, sinusoidal: [1, 2, 3], scalar: [0, 0, 0])
        #expect(reported.scalarAdvantage.isNaN && reported.better == "—")
    }
}

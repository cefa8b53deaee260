import Testing

@testable import Memorization

/// The χ² homogeneity test of two count vectors against scipy.stats.chi2_contingency(correction=False)
/// (scipy 1.17.1; statistic, p-value, 2 degrees of freedom written out).
struct EndpointHomogeneityTests {
    @Test(arguments: [
        ([1000, 1020, 980], [990, 1050, 960], 0.6912194319873685, 0.7077886718062179),
        ([500, 700, 300], [560, 640, 310], 6.213573995878267, 0.0447444887648147),
    ])
    func homogeneityMatchesScipy(first: [Int], second: [Int], statistic: Double, pValue: Double) throws {
        let test = try #require(EndpointFrequencyStudy.homogeneityTest(first, second))
        #expect(test.degreesOfFreedom == 2)
        // Round-off in the sums; the p-value through the incomplete gamma function (relative 1e-12 there).
        #expect(abs(test.statistic - statistic) <= 1e-12 * statistic)
        #expect(abs(test.pValue - pValue) <= 1e-10)
    }

    @Test func nothingCountedGivesNoTest() {
        #expect(EndpointFrequencyStudy.homogeneityTest([0, 0, 0], [3, 4, 5]) == nil)
    }
}

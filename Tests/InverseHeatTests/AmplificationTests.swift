import Foundation
import GridFields
import InverseHeat
import Testing

/// The naive inversion's per-mode amplification equals THEORY §8's factor: exp(D |k|^2 s) for the heat equation,
/// exp(|q|^2 (e^(2s) - 1)/2) for OU, to 1e-12 relative for every mode not yet swamped by noise.
///
/// "Not yet swamped" is `AmplificationCheck`'s round-off estimate: a mode counts when epsilon (sqrt(log2 N) times the
/// summed root-mean-square coefficient over the steps, over the mode's data coefficient, plus 3 + |k|^2 tau(s) a
/// step) is at most 1e-13, a tenth of the tolerance, so round-off cannot explain a 1e-12 difference. A mode with
/// amplification F has round-off about epsilon F relative to it, so the modes that count reach F of a few tens, and
/// each case asserts they include strongly amplified ones: the check is not run on modes that barely moved.
/// Measured (counted modes, largest counted factor, worst relative error): heat 1-D 19, 12.9, 3.2e-15; heat with
/// noise 121 of 129, 5.0, 1.1e-14; OU 22, 32.3, 4.1e-15; heat 2-D 217, 51.8, 5.6e-15.
@Suite struct AmplificationTests {
    static let tolerance = 1e-12

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var make: @Sendable () throws -> InverseHeatProblem
        var steps: Int
        /// At least this many counted modes, and one with amplification at least this large.
        var countedModes: Int
        var largestAmplification: Double
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // 64 cells on [-10, 10], band |j| <= 24 of 32, T = 0.08: the band edge is amplified by e^(56.8 T) = 94.
        Case(
            name: "heat, band-limited, 1-D",
            make: {
                try bandLimitedProblem(
                    .heat(diffusivity: 1), grid: Grid(dimension: 1, points: 64, halfWidth: 10), finalTime: 0.08,
                    bandwidth: 24, seed: 11)
            },
            steps: 8, countedModes: 15, largestAmplification: 10
        ),
        // The mixture plus white noise delta = 0.2: every mode holds noise at about 5% of the mean coefficient, and
        // over T = 2e-3 (D = 1/2) the top mode grows by e^1.6 = 5 without swamping the rest: the noise modes up to
        // k_max count.
        Case(
            name: "heat, mixture plus noise, 1-D",
            make: { try mixtureProblem(.heat(diffusivity: 0.5), points: 256, noise: 0.2, finalTime: 2e-3) },
            steps: 10, countedModes: 100, largestAmplification: 4
        ),
        // OU on the stretched grid, band |j| <= 24, T = 0.087: tau(T) = 0.08, the band edge again amplified by 94.
        Case(
            name: "ou, band-limited, 1-D",
            make: {
                try bandLimitedProblem(
                    .ornsteinUhlenbeck, grid: Grid(dimension: 1, points: 64, halfWidth: 10), finalTime: 0.087,
                    bandwidth: 24, seed: 12)
            },
            steps: 8, countedModes: 15, largestAmplification: 10
        ),
        // 32 x 32 cells, band |j_a| <= 10, T = 0.2: the band's corner, |k|^2 = 19.7, is amplified by e^3.9 = 52.
        Case(
            name: "heat, band-limited, 2-D",
            make: {
                try bandLimitedProblem(
                    .heat(diffusivity: 1), grid: Grid(dimension: 2, points: 32, halfWidth: 10), finalTime: 0.2,
                    bandwidth: 10, seed: 13)
            },
            steps: 6, countedModes: 150, largestAmplification: 20
        ),
    ]

    @Test(arguments: cases)
    func amplificationMatchesTheory(_ testCase: Case) throws {
        let problem = try testCase.make()
        // The threshold is out of the way: the amplification is measured at the end of the run.
        let result = try InversionRun(
            method: .naive, stepCount: testCase.steps, threshold: 1e30, keepAmplificationModes: true
        ).run(problem)
        #expect(result.status == .completed)
        let check = try #require(result.amplification)
        #expect(check.reverseTime == problem.finalTime)
        #expect(
            check.countedModeCount >= testCase.countedModes, "counted \(check.countedModeCount) of \(check.modeCount)")
        #expect(try #require(check.mostAmplifiedMode).predicted >= testCase.largestAmplification)
        let worst = try #require(check.maximumRelativeError)
        #expect(worst <= Self.tolerance, "worst mode \(String(describing: check.worstMode))")
        for mode in check.countedModes {
            // THEORY's form against the data-grid form exp(|k|^2 tau(s)) (the stepper's), independently computed.
            let dataGridForm = Foundation.exp(
                mode.dataWavenumber * mode.dataWavenumber * problem.equation.spectralTime(over: check.reverseTime))
            #expect(abs(mode.predicted - dataGridForm) <= 1e-13 * dataGridForm)
        }
    }

    /// With noise at every mode, the counted modes reach the top of the grid: the noise is amplified exactly.
    @Test func noiseModesUpToTheLargestWavenumberAreAmplifiedExactly() throws {
        let problem = try mixtureProblem(.heat(diffusivity: 0.5), points: 256, noise: 0.2, finalTime: 2e-3)
        let result = try InversionRun(method: .naive, stepCount: 10, threshold: 1e30, keepAmplificationModes: true).run(
            problem)
        let check = try #require(result.amplification)
        let largestWavenumber = result.prediction.largestWavenumber
        let topModes = check.countedModes.filter { $0.dataWavenumber >= 0.9 * largestWavenumber }
        #expect(topModes.count >= 10)
        #expect(topModes.allSatisfy { $0.relativeError <= Self.tolerance })
    }
}

import FPLabCommandLine
import FokkerPlanckLab
import Foundation
import Testing

@Suite struct EmpiricalCommandTests {
    /// n = 3000 points in d = 16 (α = 0.50, t_C = (1/2) ln(1 + 1/(e^1 − 1)) = 0.229, written out here from the
    /// closed form), 64 runs: the JSON's t_C is the closed form, every run crosses ½, the median weight time lies
    /// within [t_C / 3, 3 t_C] (a loose bracket: at n = 3000 the crossover is wide), the fingerprint is the same on
    /// one thread and two, and --output writes the full table, the ends as a 64 × 16 array and the figure.
    @Test func collapseRunReportsTheTheoryAndTheSameBitsOnAnyThreadCount() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let directory = scratch.path("out")
        let arguments = [
            "empirical", "--training-points", "3000", "--dimension", "16", "--trajectories", "64", "--steps", "40",
            "--format", "json",
        ]
        let single = try FPLabExecutable.run(arguments + ["--threads", "1"])
        let double = try FPLabExecutable.run(arguments + ["--threads", "2", "--output", directory])
        #expect(single.status == 0 && double.status == 0, "\(single.standardError) \(double.standardError)")
        let first = try parseJSONObject(single.standardOutput)
        let second = try parseJSONObject(double.standardOutput)
        let expected = 0.5 * log(1 + 1 / (exp(2 * log(3000.0) / 16) - 1))
        let collapse = try #require(first["collapse_time"] as? Double)
        #expect(abs(collapse - expected) <= 1e-12)
        let median = try #require(first["median_weight_time"] as? Double)
        #expect(median >= expected / 3 && median <= 3 * expected, "median \(median), t_C \(expected)")
        #expect(first["fingerprint"] as? String == second["fingerprint"] as? String)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        for name in ["manifest.json", "largest-weights.csv", "ends.npy", "collapse.svg"] {
            #expect(files.contains(name), "missing \(name) in \(files)")
        }
        let ends = try NumpyArray(npyData: Data(contentsOf: URL(fileURLWithPath: directory + "/ends.npy")))
        #expect(ends.shape == [64, 16])
    }
}

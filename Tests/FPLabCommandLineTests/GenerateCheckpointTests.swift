import FPLabCommandLine
import FokkerPlanckLab
import Foundation
import Testing

/// `fplab generate --checkpoint`: a trained network measured next to the exact finite-data score (table (1)).
@Suite struct GenerateCheckpointTests {
    /// A network trained for 60 updates has not learned the 300 training points: its samples are novel, while the
    /// exact score's memorize (novelty below 5 %, network above 50 %).
    @Test func checkpointAddsANetworkRow() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let checkpoint = scratch.path("net.fpnet")
        _ = try trainCommand(tinyTraining + ["--steps", "60", "--checkpoint", checkpoint]).experiment().run()
        let result = try FPLabExecutable.run([
            "generate", "--score", "exact", "--training-count", "300", "--particles", "300",
            "--steps", "60", "--checkpoint", checkpoint, "--format", "json",
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let rows = try #require(try parseJSONObject(result.standardOutput)["rows"] as? [[String: Any]])
        #expect(rows.count == 2)
        #expect(rows.last?["score"] as? String == "network net.fpnet (step 60)")
        #expect((rows[0]["novelty_fraction"] as? Double ?? 1) < 0.05)
        #expect((rows[1]["novelty_fraction"] as? Double ?? 0) > 0.5)
        #expect((rows[1]["score_error"] as? Double).map { $0 > 0 && $0.isFinite } == true)
    }

    /// A file that is not a checkpoint, a missing file, and a 1-D network against 2-D data: exit 64, option named.
    @Test func badCheckpointsAreRefused() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let garbage = scratch.path("garbage.fpnet")
        try Data("not a network".utf8).write(to: URL(fileURLWithPath: garbage))
        for path in [garbage, scratch.path("missing.fpnet")] {
            let message = try #require(parseFailure("generate", ["--checkpoint", path]))
            #expect(message.contains("--checkpoint"), "\(message)")
        }
        let line = scratch.path("line.fpnet")
        _ = try trainCommand(tinyTraining + ["--steps", "5", "--dataset", "two-intervals", "--checkpoint", line])
            .experiment().run()
        let result = try FPLabExecutable.run(["generate", "--checkpoint", line])
        #expect(result.status == 64)
        #expect(
            result.standardError.contains("--checkpoint") && result.standardError.contains("1-D"),
            "\(result.standardError)")
        // Trained on 300 roll points, measured against the default 200: refused, the option named.
        let roll = scratch.path("roll.fpnet")
        _ = try trainCommand(tinyTraining + ["--steps", "5", "--checkpoint", roll]).experiment().run()
        let other = try #require(parseFailure("generate", ["--checkpoint", roll]))
        #expect(
            other.contains("--checkpoint") && other.contains("other data") && other.contains("200 points"), "\(other)")
    }
}

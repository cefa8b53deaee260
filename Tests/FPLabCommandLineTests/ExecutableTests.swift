import FPLabCommandLine
import FokkerPlanckLab
import Foundation
import Testing

/// The built `fplab` executable: what a shell sees (standard output, standard error, exit status, files).
@Suite struct ExecutableTests {
    @Test func defaultForwardRunPrintsTheTableAndSucceeds() throws {
        let result = try FPLabExecutable.run(["forward"])
        #expect(result.status == 0)
        #expect(result.standardError.isEmpty, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.first?.hasPrefix("forward: model ou, solver spectral if-rk4") == true)
        #expect(lines.contains { $0.hasPrefix("status: completed") })
    }

    @Test func jsonOutputIsOneObject() throws {
        let result = try FPLabExecutable.run(["forward", "--format", "json"])
        #expect(result.status == 0)
        let json = try parseJSONObject(result.standardOutput)
        let snapshots = try #require(json["snapshots"] as? [[String: Any]])
        #expect(snapshots.count == 5)
        #expect(try #require(snapshots.last?["l1_error"] as? Double) < ForwardCommandTests.defaultRunL1Tolerance)
    }

    @Test func outputDirectoryFromTheCommandLine() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let directory = scratch.path("a", "b")
        let result = try FPLabExecutable.run([
            "forward", "--format", "csv", "--points", "32", "--snapshots", "1", "--output", directory,
        ])
        #expect(result.status == 0)
        #expect(result.standardOutput.hasPrefix("time,l1_error,"))
        #expect(
            scratch.contents() == [
                "a", "a/b", "a/b/density.csv", "a/b/density.npy", "a/b/density.svg", "a/b/errors.svg",
                "a/b/manifest.json", "a/b/snapshots.csv",
            ])
        let manifest = try parseJSONObject(String(contentsOfFile: directory + "/manifest.json", encoding: .utf8))
        #expect(manifest["status"] as? String == "completed")
        #expect(manifest["points"] as? Int == 32)
    }

    /// The output directory can only be found unusable after the run (a directory named density.csv in the way):
    /// exit status 1, one line naming --output, nothing printed, and none of the run's files left behind.
    @Test func anUnwritableOutputLeavesNoFiles() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        try FileManager.default.createDirectory(atPath: scratch.path("density.csv"), withIntermediateDirectories: false)
        let result = try FPLabExecutable.run(["forward", "--points", "32", "--output", scratch.url.path])
        #expect(result.status == 1)
        #expect(result.standardOutput.isEmpty)
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("Error: --output "), "\(result.standardError)")
        #expect(scratch.contents() == ["density.csv"])
    }

    /// IF-RK4 with steps far too long for the drift (h = 5 against k_max |b| = 1600) is unstable: the run loop
    /// stops it at the first step whose amplitude ratio leaves 1 (long before overflow), the measurements so far are
    /// printed, the reason goes to standard error on one line and the exit status is 2. The manifest is still
    /// written: it records how the run ended.
    @Test func aRunThatBlowsUpExitsWithStatusTwo() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let directory = scratch.path("blown")
        let result = try FPLabExecutable.run([
            "forward", "--steps", "200", "--time", "1000", "--points", "1024", "--snapshots", "2",
            "--format", "json", "--output", directory,
        ])
        #expect(result.status == 2)
        let json = try parseJSONObject(result.standardOutput)
        #expect(json["status"] as? String == "blew-up")
        #expect((json["status_detail"] as? String)?.hasPrefix("blew up at t = ") == true)
        #expect(try #require(json["final_time"] as? Double) < 1000)
        #expect((json["snapshots"] as? [[String: Any]])?.count == 1, "only t = 0 was reached")
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("Error: the run stopped early: blew up at t = "))
        let manifest = try parseJSONObject(String(contentsOfFile: directory + "/manifest.json", encoding: .utf8))
        #expect(manifest["status"] as? String == "blew-up")
    }

    @Test func versionAndHelp() throws {
        let version = try FPLabExecutable.run(["--version"])
        #expect(version.status == 0)
        #expect(version.standardOutput == fokkerPlanckLabVersion + "\n")
        let help = try FPLabExecutable.run(["forward", "--help"])
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("USAGE: fplab forward <options>"))
    }
}

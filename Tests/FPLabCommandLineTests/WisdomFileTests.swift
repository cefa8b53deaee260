import FPLabCommandLine
import FokkerPlanckLab
import Foundation
import Testing

/// The FFTW wisdom file of `fplab forward --planning measure`: where it lives, that a run saves it and a later run
/// reads it, and that a damaged file costs a note, never the run.
@Suite struct WisdomFileTests {
    /// The XDG base-directory rule, written out: $XDG_CACHE_HOME when absolute, else $HOME/.cache, else none.
    @Test func userCacheFollowsTheXDGRule() {
        #expect(
            WisdomFile.userCache(environment: ["XDG_CACHE_HOME": "/c", "HOME": "/h"])?.path == "/c/fplab/fftw-wisdom")
        #expect(
            WisdomFile.userCache(environment: ["XDG_CACHE_HOME": "c", "HOME": "/h"])?.path
                == "/h/.cache/fplab/fftw-wisdom")
        #expect(WisdomFile.userCache(environment: ["HOME": "/h"])?.path == "/h/.cache/fplab/fftw-wisdom")
        #expect(WisdomFile.userCache(environment: [:]) == nil)
    }

    /// A measure run creates the file (and its missing parent folder) with FFTW's wisdom in it; an estimate run with
    /// the same file neither reads nor writes it; `--wisdom none` keeps none.
    @Test func measureRunsSaveWisdomAndEstimateRunsLeaveItAlone() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fplab-wisdom-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("fftw-wisdom").path
        let small = ["--points", "64", "--steps", "10", "--snapshots", "1"]

        let estimate = try forwardOutcome(small)
        var experiment = estimate.experiment
        experiment.wisdom = WisdomFile(path: path)
        _ = try experiment.run()
        #expect(!FileManager.default.fileExists(atPath: path), "an estimate run wrote wisdom")

        let outcome = try forwardOutcome(small + ["--planning", "measure", "--wisdom", path])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("fftw_wisdom"))
        #expect(outcome.notes.isEmpty)
        let json = try parseJSONObject(outcome.report.rendered(as: .json))
        #expect(json["wisdom_file"] as? String == path)

        let command = try #require(
            try FPLab.parseAsRoot(["forward", "--planning", "measure", "--wisdom", "none"]) as? Forward)
        #expect(command.solverOptions.wisdomFile == nil)
    }

    /// A file FFTW rejects is reported in a note, the run completes, and the file is replaced by valid wisdom.
    @Test func damagedWisdomIsANoteAndIsReplaced() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fplab-wisdom-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "not wisdom".write(toFile: path, atomically: true, encoding: .utf8)
        let outcome = try forwardOutcome(["--points", "64", "--steps", "10", "--planning", "measure", "--wisdom", path])
        #expect(outcome.status.isCompleted)
        #expect(outcome.notes.contains { $0.contains("was not accepted") }, "\(outcome.notes)")
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("fftw_wisdom"))
    }
}

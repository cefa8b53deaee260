import Foundation
import Testing

/// SIGINT, SIGTERM and SIGHUP sent to the `fplab` executable at chosen moments: before its results are written,
/// in the middle of the write (the signal is sent as soon as a temporary file or staging folder appears), and at a
/// sweep of delays. Whatever the moment, the process ends as the signal says (status 128 + its number in a
/// shell), the `--output` folder holds either the earlier results byte for byte or the complete new ones, and no
/// temporary file or staging folder is left anywhere in the scratch folder.
@Suite struct InterruptionTests {
    /// A run of `fplab` in the background whose standard streams go to /dev/null.
    static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = try FPLabExecutable.locate()
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Polls `folder` (every 0.2 ms) until an entry whose name `isTemporary` accepts appears or the process ends;
    /// sends `signal` the moment one is seen. Returns whether the signal was sent during the write.
    static func signalDuringWrite(
        _ process: Process, folder: URL, signal: Int32,
        isTemporary: (String) -> Bool
    ) -> Bool {
        while process.isRunning {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            if names.contains(where: isTemporary) {
                kill(process.processIdentifier, signal)
                return true
            }
            usleep(200)
        }
        return false
    }

    /// Hidden entries anywhere below `folder` (every temporary and staging name of the tool starts with a dot).
    static func hiddenEntries(below folder: URL) -> [String] {
        let all = FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []
        return all.filter { $0.split(separator: "/").contains { $0.hasPrefix(".") } }
    }

    /// The files a manifest lists, each present and non-empty, the manifest itself valid JSON.
    static func completeResults(in directory: URL) throws -> [String: Any] {
        let manifest = try parseJSONObject(
            String(contentsOf: directory.appendingPathComponent("manifest.json"), encoding: .utf8))
        let files = try #require(manifest["files"] as? [String])
        for name in files {
            let size =
                (try? FileManager.default.attributesOfItem(
                    atPath: directory.appendingPathComponent(name).path)[.size] as? Int) ?? nil
            #expect((size ?? 0) > 0, "\(name) is missing or empty")
        }
        return manifest
    }

    /// The earlier results: a small 1-D forward run.
    static func writeEarlierResults(into directory: URL) throws {
        let earlier = try FPLabExecutable.run([
            "forward", "--points", "32", "--snapshots", "1",
            "--output", directory.path,
        ])
        try #require(earlier.status == 0, "\(earlier.standardError)")
    }

    static let writeHeavyForward = ["forward", "--dimension", "2", "--points", "192", "--snapshots", "1"]

    @Test(arguments: [SIGINT, SIGTERM, SIGHUP])
    func aSignalDuringTheWriteLetsItFinish(signal: Int32) throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let output = scratch.url.appendingPathComponent("results")
        try Self.writeEarlierResults(into: output)
        var caught = false
        // The write lasts tens of milliseconds; polling catches it almost always, but a loaded machine can preempt
        // the poller for a whole write: up to eight runs.
        for _ in 0..<8 where !caught {
            let process = try Self.start(Self.writeHeavyForward + ["--output", output.path])
            caught = Self.signalDuringWrite(process, folder: output, signal: signal) { $0.hasSuffix(".tmp") }
            process.waitUntilExit()
            if caught {
                #expect(
                    process.terminationReason == .uncaughtSignal && process.terminationStatus == signal,
                    "ended with \(process.terminationReason) \(process.terminationStatus)")
                let manifest = try Self.completeResults(in: output)
                #expect(manifest["dimension"] as? Int == 2, "the new results are in place")
            }
            #expect(Self.hiddenEntries(below: scratch.url).isEmpty, "\(Self.hiddenEntries(below: scratch.url))")
        }
        #expect(caught, "no temporary file was seen during eight runs: the write was not exercised")
    }

    @Test func aSignalBeforeTheWriteLeavesTheEarlierResults() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let output = scratch.url.appendingPathComponent("results")
        try Self.writeEarlierResults(into: output)
        let before = HostileInput.snapshot(of: scratch.url)
        let process = try Self.start([
            "forward", "--dimension", "2", "--points", "256", "--time", "50",
            "--output", output.path,
        ])
        usleep(300_000)
        #expect(process.isRunning, "the run ended before the signal; it should take seconds")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGINT)
        #expect(HostileInput.snapshot(of: scratch.url) == before)
    }

    /// `verify --output` swaps whole trees: a signal while the staging folder exists lets the swap finish.
    @Test func verifyOutputInterruptedWhileStaging() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let output = scratch.url.appendingPathComponent("data")
        let arguments = ["verify", "--quick", "--only", "forward-spectral-exact", "--output", output.path]
        let first = try FPLabExecutable.run(arguments)
        try #require(first.status == 0, "\(first.standardError)")
        var caught = false
        for _ in 0..<3 where !caught {
            let process = try Self.start(arguments)
            caught = Self.signalDuringWrite(process, folder: scratch.url, signal: SIGINT) {
                $0.hasPrefix(".data.new-") || $0.hasPrefix(".data.old-")
            }
            process.waitUntilExit()
            #expect(Self.hiddenEntries(below: scratch.url).isEmpty, "\(Self.hiddenEntries(below: scratch.url))")
            #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("REPORT.md").path))
        }
        #expect(caught, "the staging folder was never seen during three runs")
    }

    /// Whatever the moment, the invariant holds: the earlier results or the complete new ones, nothing hidden.
    @Test(arguments: [0, 1, 2, 5, 10, 20, 40, 80, 160, 320] as [UInt32])
    func aSignalAtAnyMoment(milliseconds: UInt32) throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let output = scratch.url.appendingPathComponent("results")
        try Self.writeEarlierResults(into: output)
        let before = HostileInput.snapshot(of: output)
        let process = try Self.start([
            "forward", "--dimension", "2", "--points", "96", "--snapshots", "2",
            "--output", output.path,
        ])
        usleep(milliseconds * 1000)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let after = HostileInput.snapshot(of: output)
        if after != before {
            let manifest = try Self.completeResults(in: output)
            #expect(manifest["dimension"] as? Int == 2)
        }
        #expect(Self.hiddenEntries(below: scratch.url).isEmpty, "\(Self.hiddenEntries(below: scratch.url))")
    }

    /// Temporaries of a process that no longer exists (killed outright) are removed by the next write; a hidden
    /// file of the user's, and a temporary of a live process (this one), are kept.
    @Test func staleTemporariesAreRemovedByTheNextWrite() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let output = scratch.url.appendingPathComponent("results")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        // pid_max is at most 2^22 on Linux, so process 4194305 cannot exist.
        let stale = [".density.csv.4194305-17.tmp", ".manifest.json.4194305-99.tmp"]
        let kept = [".notes", ".density.csv.\(getpid())-5.tmp", ".density.csv.abc-5.tmp"]
        for name in stale + kept {
            try Data("x".utf8).write(to: output.appendingPathComponent(name))
        }
        let run = try FPLabExecutable.run(["forward", "--points", "32", "--snapshots", "1", "--output", output.path])
        #expect(run.status == 0, "\(run.standardError)")
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: output.path))
        for name in stale { #expect(!names.contains(name), "\(name) was not removed") }
        for name in kept { #expect(names.contains(name), "\(name) was removed") }
    }
}

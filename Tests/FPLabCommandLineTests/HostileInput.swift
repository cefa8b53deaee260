import Foundation
import Testing

/// One malformed or extreme input to the `fplab` executable, and what a clear refusal of it looks like.
///
/// The bad-input suite is a list of these, one list per class of input (options, CSV, .npy, JSON configurations,
/// checkpoints, `verify --compare` trees, streams, sizes). `check()` runs the executable as a shell would and
/// requires, whatever the input:
/// - it ends within `timeLimit` (no hang) and is not killed by a signal (no trap);
/// - standard error is exactly one line, `Error: ` then a sentence that contains every string of `mentions`
///   (the option, key or file it concerns), with no "Fatal error" or backtrace;
/// - the exit status is `status` (64 for a bad option or input file, 1 for a failure found while running);
/// - standard output is empty (nothing printed as a result);
/// - the scratch folder holds exactly the files the case made, with their bytes unchanged (no file left behind,
///   nothing replaced).
/// `arguments` may contain `{dir}`, replaced by the case's scratch folder.
struct HostileInput: Sendable, CustomTestStringConvertible {
    enum InputClass: String, Sendable, CaseIterable {
        case option, size, csv, npy, json, configuration, checkpoint, compareTree, pointList, mixture, stream, signal
    }

    var inputClass: InputClass
    /// What the case is, in a few words ("nested 40 000 deep").
    var name: String
    var arguments: [String]
    /// Files made in the scratch folder before the run: relative path → bytes.
    var files: [String: Data] = [:]
    /// Anything else to prepare in the scratch folder (a FIFO, a symbolic link, an unreadable file).
    var prepare: (@Sendable (URL) throws -> Void)? = nil
    /// Shell redirections after the command (`>/dev/full`, `>&-`); the run then goes through `/bin/sh`.
    var redirection: String? = nil
    var status: Int32 = 64
    var mentions: [String]
    var timeLimit: Double = 30
    /// Whether standard error can be read at all (false when the case closes or fills it).
    var checksMessage = true
    /// Whether the error may follow progress lines (`verify` reports each claim on standard error as it runs);
    /// the last line is then the one checked.
    var followsProgress = false

    var testDescription: String { "\(inputClass.rawValue): \(name)" }

    init(
        _ inputClass: InputClass, _ name: String, _ arguments: [String], files: [String: Data] = [:],
        prepare: (@Sendable (URL) throws -> Void)? = nil, redirection: String? = nil, status: Int32 = 64,
        mentions: [String], timeLimit: Double = 30, checksMessage: Bool = true
    ) {
        self.inputClass = inputClass
        self.name = name
        self.arguments = arguments
        self.files = files
        self.prepare = prepare
        self.redirection = redirection
        self.status = status
        self.mentions = mentions
        self.timeLimit = timeLimit
        self.checksMessage = checksMessage
    }

    /// A file case: one file `name` with `contents`, then the arguments (which name it as `{dir}/name`).
    init(
        _ inputClass: InputClass, _ name: String, file: String, _ contents: String, _ arguments: [String],
        status: Int32 = 64, mentions: [String]
    ) {
        self.init(inputClass, name, arguments, files: [file: Data(contents.utf8)], status: status, mentions: mentions)
    }

    /// Runs the case and records every way the refusal falls short.
    func check() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let folder = scratch.url.appendingPathComponent("case")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        for (relativePath, data) in files {
            let url = folder.appendingPathComponent(relativePath)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(),
                withIntermediateDirectories: true)
            try data.write(to: url)
        }
        try prepare?(folder)
        let before = Self.snapshot(of: folder)
        let arguments = self.arguments.map { $0.replacingOccurrences(of: "{dir}", with: folder.path) }
        let result = try HostileRun.run(
            arguments, redirection: redirection, timeLimit: timeLimit,
            workingDirectory: folder)

        #expect(!result.timedOut, "\(testDescription): still running after \(timeLimit) s")
        #expect(
            !result.killedBySignal,
            "\(testDescription): killed by signal \(result.status); stderr: \(result.standardError.suffix(600))")
        #expect(
            result.status == status,
            """
            \(testDescription): exit status \(result.status), not \(status); \
            stderr: \(result.standardError.suffix(600))
            """)
        #expect(result.standardOutput.isEmpty, "\(testDescription): printed \(result.standardOutput.prefix(300))")
        if checksMessage {
            var lines = result.standardError.split(separator: "\n", omittingEmptySubsequences: false)
            if followsProgress, lines.count > 2 { lines.removeFirst(lines.count - 2) } // the progress lines
            let complete = lines.count == 2 && lines[1].isEmpty
            #expect(
                complete && lines[0].hasPrefix("Error: "),
                "\(testDescription): standard error is not one 'Error: ' line: \(result.standardError.prefix(600))")
            for mention in mentions {
                #expect(
                    result.standardError.contains(mention),
                    "\(testDescription): the message does not name \(mention): \(result.standardError.prefix(600))")
            }
            #expect(
                !result.standardError.contains("Fatal error"),
                "\(testDescription): \(result.standardError.prefix(600))")
        }
        let after = Self.snapshot(of: folder)
        #expect(after == before, "\(testDescription): files changed: \(Self.difference(before, after))")
    }

    /// Every entry below `folder` (hidden ones included) with its bytes ("<directory>", "<other>" for the rest).
    static func snapshot(of folder: URL) -> [String: Data] {
        var entries: [String: Data] = [:]
        let manager = FileManager.default
        guard let enumerator = manager.enumerator(atPath: folder.path) else { return entries }
        for case let relativePath as String in enumerator {
            let path = folder.appendingPathComponent(relativePath).path
            let attributes = try? manager.attributesOfItem(atPath: path)
            switch attributes?[.type] as? FileAttributeType {
            case .typeRegular?: entries[relativePath] = manager.contents(atPath: path) ?? Data("<unreadable>".utf8)
            case .typeDirectory?: entries[relativePath] = Data("<directory>".utf8)
            case .typeSymbolicLink?:
                let target = (try? manager.destinationOfSymbolicLink(atPath: path)) ?? "?"
                entries[relativePath] = Data("<link to \(target)>".utf8)
            default: entries[relativePath] = Data("<other>".utf8)
            }
        }
        return entries
    }

    static func difference(_ before: [String: Data], _ after: [String: Data]) -> String {
        let added = after.keys.filter { before[$0] == nil }.sorted()
        let removed = before.keys.filter { after[$0] == nil }.sorted()
        let changed = before.keys.filter { after[$0] != nil && after[$0] != before[$0] }.sorted()
        return "added \(added), removed \(removed), changed \(changed)"
    }
}

/// The `fplab` executable run with a time limit, optionally through `/bin/sh` for redirections.
enum HostileRun {
    struct Result {
        var status: Int32
        var killedBySignal: Bool
        var timedOut: Bool
        var standardOutput: String
        var standardError: String
    }

    static func run(
        _ arguments: [String], redirection: String? = nil, timeLimit: Double,
        workingDirectory: URL? = nil, environment: [String: String]? = nil
    ) throws -> Result {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let outputURL = scratch.url.appendingPathComponent("stdout")
        let errorURL = scratch.url.appendingPathComponent("stderr")
        try #require(FileManager.default.createFile(atPath: outputURL.path, contents: nil))
        try #require(FileManager.default.createFile(atPath: errorURL.path, contents: nil))
        let process = Process()
        let executable = try FPLabExecutable.locate()
        if let redirection {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "exec \"$0\" \"$@\" \(redirection)", executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        if let environment { process.environment = environment }
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeLimit)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                break
            }
            usleep(2_000)
        }
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            killedBySignal: !timedOut && process.terminationReason == .uncaughtSignal,
            timedOut: timedOut,
            standardOutput: (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "<not UTF-8>",
            standardError: (try? String(contentsOf: errorURL, encoding: .utf8)) ?? "<not UTF-8>"
        )
    }
}

/// Builders for the bytes of hostile files.
enum HostileBytes {
    /// A NumPy `.npy` file (version 1.0) with the given header dictionary text and payload, the header padded with
    /// spaces and a line break to a multiple of 64 bytes as NumPy writes it.
    static func npy(header: String, payload: Data = Data(), version: (UInt8, UInt8) = (1, 0)) -> Data {
        var text = header
        let prefixLength = 10
        while (prefixLength + text.utf8.count + 1) % 64 != 0 { text += " " }
        text += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [version.0, version.1])
        let length = UInt16(text.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(text.utf8))
        data.append(payload)
        return data
    }

    /// Little-endian doubles.
    static func doubles(_ values: [Double]) -> Data {
        var data = Data()
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }
}

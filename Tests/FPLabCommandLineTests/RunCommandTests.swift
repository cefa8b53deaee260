import FokkerPlanckLab
import Foundation
import Testing

@testable import FPLabCommandLine

/// `fplab run FILE`: configuration files turned into command lines, and their errors.
@Suite struct RunCommandTests {
    func arguments(_ json: String) throws -> [String] {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let path = scratch.path("config.json")
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return try RunConfiguration(path: path).arguments
    }

    func failure(_ json: String) -> String? {
        do {
            _ = try RunConfiguration(path: "CONFIG", text: json)
            return nil
        } catch {
            return FPLab.oneLineMessage(for: error)
        }
    }

    @Test func keysBecomeOptionsFlagsAndLists() throws {
        #expect(
            try arguments(#"{"command": "forward", "options": {"half_width": 8, "points": 128, "mixture": "1:0:1"}}"#)
                == ["forward", "--half-width=8", "--mixture=1:0:1", "--points=128"])
        #expect(
            try arguments(#"{"command": "verify", "options": {"quick": true, "list": false, "toleranceScale": 0.5}}"#)
                == ["verify", "--quick", "--tolerance-scale=0.5"])
        #expect(
            try arguments(
                #"{"command": "invert", "description": "d", "options": {"sweep": true, "noise": [0.01, 1e-6]}}"#)
                == ["invert", "--noise=0.01,1e-6", "--sweep"])
        #expect(RunConfiguration.kebabCase("tMin") == "t-min" && RunConfiguration.kebabCase("t_min") == "t-min")
    }

    /// Numbers reach the option as written: the largest seed keeps its digits, `0.10` is not rewritten.
    @Test func numbersPassAsWritten() throws {
        #expect(
            try arguments(#"{"command": "forward", "options": {"seed": 18446744073709551615, "time": 0.10}}"#)
                == ["forward", "--seed=18446744073709551615", "--time=0.10"])
        #expect(try arguments(#"{"command": "forward", "options": {"time": 1e999}}"#) == ["forward", "--time=1e999"])
    }

    /// A UTF-8 byte-order mark (as some editors write) is dropped when the file is decoded.
    @Test func byteOrderMarkIsDropped() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let path = scratch.path("config.json")
        let text = Data([0xEF, 0xBB, 0xBF]) + Data(#"{"command": "verify", "options": {"quick": true}}"#.utf8)
        try text.write(to: URL(fileURLWithPath: path))
        #expect(try RunConfiguration(path: path).arguments == ["verify", "--quick"])
    }

    @Test func oneOptionSpelledTwoWaysIsRefused() {
        #expect(
            failure(#"{"command": "forward", "options": {"half_width": 8, "half-width": 9}}"#)
                == "config CONFIG: keys 'half-width' and 'half_width' both stand for --half-width; give it once.")
        #expect(
            failure(#"{"command": "forward", "options": {"halfWidth": 8, "half_width": 9}}"#)?
                .contains("'halfWidth' and 'half_width'") == true)
    }

    @Test func controlCharactersAreRefusedNamingTheKey() {
        #expect(
            failure(#"{"command": "forward", "options": {"time": "1.5\u0000garbage"}}"#)
                == "config CONFIG: key 'time': the value holds the control character U+0000 at character 4; "
                + "option values are printable text.")
        #expect(
            failure(#"{"command": "forward", "options": {"poi\nnts": 1}}"#)?
                .contains(#"unknown key "poi\nnts" for fplab forward"#) == true)
    }

    /// `--print-command` prints a line a POSIX shell reads back into the same arguments.
    @Test func printedCommandReadsBackInTheShell() throws {
        let odd = "it's a \"test\" $HOME `date` ; \\ caf\u{E9} *"
        #expect(Run.shellQuoted("--points=512") == "--points=512")
        #expect(Run.shellQuoted("--mixture=0.3:-2:0.2;0.7:1.5:0.5") == "'--mixture=0.3:-2:0.2;0.7:1.5:0.5'")
        #expect(Run.shellQuoted("it's") == #"'it'\''s'"#)
        #expect(Run.shellQuoted("") == "''")
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let path = scratch.path("config.json")
        let config = JSONValue.object([
            "command": "forward",
            "options": ["output": .string(odd), "mixture": "0.5:0:1;0.5:2:1"],
        ])
        try config.rendered().write(toFile: path, atomically: true, encoding: .utf8)
        let printed = try FPLabExecutable.run(["run", "--print-command", path])
        #expect(printed.status == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", #"eval "set -- $0"; printf '%s\n' "$@""#, String(printed.standardOutput.dropLast())]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let expected = ["fplab", "forward", "--mixture=0.5:0:1;0.5:2:1", "--output=" + odd]
        #expect(output == expected.map { $0 + "\n" }.joined())
    }

    @Test func errorsNameTheKeyOrTheLine() {
        #expect(
            failure(#"{"command": "forward", "options": {"pionts": 3}}"#)?.contains(
                "unknown key 'pionts' for fplab forward") == true)
        #expect(
            failure(#"{"command": "verify", "options": {"quick": "yes"}}"#)?.contains("key 'quick' is a flag") == true)
        #expect(
            failure(#"{"command": "forward", "options": {"points": true}}"#)?.contains("key 'points' takes a value")
                == true)
        #expect(
            failure(#"{"command": "forward", "options": {"points": null}}"#)?.contains("key 'points' is null") == true)
        #expect(
            failure(#"{"command": "forward", "extra": 1}"#)?.contains("unknown key 'extra' at the top level") == true)
        #expect(failure(#"{"command": "warp"}"#)?.contains("no subcommand 'warp'") == true)
        #expect(failure(#"{"command": "run"}"#)?.contains("no subcommand 'run'") == true)
        #expect(
            failure("{\"command\": \"forward\",\n  \"options\": {\"points\": 64,}\n}")?.contains(
                "malformed JSON at line 2, column 28") == true)
        #expect(failure("[1, 2]")?.contains("one JSON object") == true)
    }

    /// An error found while the experiment is built, after parsing (here: a --data file that does not exist),
    /// names the key behind it too, and nothing runs.
    @Test func errorsBuildingTheExperimentNameTheKey() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let path = scratch.path("sample.json")
        let missing = scratch.path("missing.csv")
        try #"{"command": "sample", "options": {"direction": "reverse", "data": "\#(missing)"}}"#.write(
            toFile: path, atomically: true, encoding: .utf8)
        var command = try Run.parse([path])
        let error = #expect(throws: (any Error).self) { try command.run() }
        let message = error.map { FPLab.oneLineMessage(for: $0) } ?? ""
        #expect(message.contains("key 'data'"), "\(message)")
    }

    @Test func goodAndBadConfigsThroughTheExecutable() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let good = scratch.path("good.json")
        try #"{"command": "verify", "options": {"quick": true, "only": "ve-exact", "format": "json"}}"#.write(
            toFile: good, atomically: true, encoding: .utf8)
        let passed = try FPLabExecutable.run(["run", good])
        #expect(passed.status == 0)
        #expect(try parseJSONObject(passed.standardOutput)["passed"] as? Bool == true)
        let bad = scratch.path("bad.json")
        try #"{"command": "forward", "options": {"points": 1, "output": "out"}}"#.write(
            toFile: bad, atomically: true, encoding: .utf8)
        let refused = try FPLabExecutable.run(["run", bad])
        #expect(refused.status == 64 && refused.standardError.contains("key 'points': --points must be"))
        #expect(!FileManager.default.fileExists(atPath: "out"))
        let malformed = scratch.path("malformed.json")
        try "{\"command\": \"forward\" \"options\": {}}".write(toFile: malformed, atomically: true, encoding: .utf8)
        let broken = try FPLabExecutable.run(["run", malformed])
        #expect(broken.status == 64 && broken.standardError.contains("line 1, column 23"))
    }

    /// Every example configuration names a subcommand and keys it declares.
    @Test func exampleConfigsAreValid() throws {
        let folder = repositoryRoot.appendingPathComponent("notebooks-data/configs")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
        #expect(names.count >= 4)
        for name in names {
            let command = try RunConfiguration(path: folder.appendingPathComponent(name).path).arguments
            #expect(throws: Never.self, "\(name)") { try parseAndPrepare(command) }
        }
    }
}

/// The repository's root (this file is Tests/FPLabCommandLineTests/RunCommandTests.swift).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

import FPLabCommandLine
import Foundation
import Testing

/// Bad input to `fplab forward`: each is refused while parsing, before any work, with one sentence that names the
/// option; with `--output` given, nothing is created.
@Suite struct ForwardValidationTests {
    struct BadInput: CustomTestStringConvertible, Sendable {
        var arguments: [String]
        /// The option the message must name, and a fragment stating what is allowed.
        var option: String
        var allowed: String

        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let badInputs: [BadInput] = [
        BadInput(arguments: ["--points", "0"], option: "--points", allowed: "at least 2"),
        BadInput(arguments: ["--points", "-4"], option: "--points", allowed: "at least 2"),
        BadInput(arguments: ["--half-width", "0"], option: "--half-width", allowed: "greater than 0"),
        BadInput(arguments: ["--half-width", "-3"], option: "--half-width", allowed: "greater than 0"),
        BadInput(arguments: ["--time", "-1"], option: "--time", allowed: "from 0 to 1000"),
        BadInput(arguments: ["--steps", "0"], option: "--steps", allowed: "from 1 to 1000000000"),
        BadInput(arguments: ["--steps", "-2"], option: "--steps", allowed: "from 1 to 1000000000"),
        BadInput(
            arguments: ["--time", "1000", "--points", "10000000"], option: "--steps", allowed: "more than 1000000000"),
        BadInput(arguments: ["--mixture", "0.3:-2:0.2;0.6:1.5:0.5"], option: "--mixture: ", allowed: "must sum to 1"),
        BadInput(arguments: ["--mixture", "0.3:-2;0.7:1.5:0.5"], option: "--mixture: ", allowed: "weight:mean:std"),
        BadInput(arguments: ["--mixture", "1:zero:1"], option: "--mixture: ", allowed: "not a number"),
        BadInput(arguments: ["--mixture", "1:0:-1"], option: "--mixture: ", allowed: "positive"),
        BadInput(
            arguments: ["--mixture", "1:0:1e-200"], option: "--mixture: ", allowed: "std must lie in [1e-150, 1e150]"),
        BadInput(
            arguments: ["--mixture", "1:0:1", "--dimension", "2"], option: "--mixture: ", allowed: "dimension is 2"),
        BadInput(arguments: ["--time", "nan"], option: "--time", allowed: "finite"),
        BadInput(arguments: ["--time", "inf"], option: "--time", allowed: "finite"),
        BadInput(arguments: ["--half-width", "-inf"], option: "--half-width", allowed: "finite"),
        BadInput(arguments: ["--half-width", "nan"], option: "--half-width", allowed: "finite"),
        BadInput(arguments: ["--model", "vp", "--beta-max", "nan"], option: "--beta-max", allowed: "finite"),
        BadInput(arguments: ["--model", "ve", "--sigma-max", "inf"], option: "--sigma-max", allowed: "finite"),
        BadInput(arguments: ["--points", "100000", "--dimension", "2"], option: "--points", allowed: "at most"),
        BadInput(arguments: ["--dimension", "4"], option: "--dimension", allowed: "1, 2 or 3"),
        BadInput(
            arguments: ["--model", "heat"], option: "--model", allowed: "- ou - vp - ve - sub-vp - cosine - edm - table"
        ),
        BadInput(
            arguments: ["--solver", "finite-volume", "--method", "if-rk4"], option: "--method",
            allowed: "tr-bdf2 or backward-euler"
        ),
        BadInput(
            arguments: ["--method", "backward-euler"], option: "--method", allowed: "if-rk4 or strang or exact-linear"),
        BadInput(arguments: ["--snapshots", "0"], option: "--snapshots", allowed: "between 1 and 1000"),
        BadInput(arguments: ["--threads", "65"], option: "--threads", allowed: "between 1 and 64"),
        BadInput(arguments: ["--beta-min", "1"], option: "--beta-min", allowed: "only to --model vp"),
        BadInput(
            arguments: ["--model", "vp", "--beta-min", "5", "--beta-max", "1"], option: "--beta-max",
            allowed: "from --beta-min"
        ),
        BadInput(
            arguments: ["--model", "ve", "--time", "500"], option: "--time", allowed: "lower --time or --sigma-max"),
        BadInput(arguments: ["--wisdom", "/tmp/w"], option: "--wisdom", allowed: "only to --planning measure"),
        BadInput(
            arguments: ["--planning", "measure", "--wisdom", "/nonexistent-fplab-directory/w"], option: "--wisdom",
            allowed: "does not exist"),
        BadInput(arguments: ["--planning", "measure", "--wisdom", "/tmp"], option: "--wisdom", allowed: "a directory"),
        BadInput(arguments: ["--planning", "measure", "--wisdom", ""], option: "--wisdom", allowed: "a file path"),
    ]

    @Test(arguments: badInputs)
    func refusedWithTheOptionNamedAndNothingCreated(_ input: BadInput) throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let directory = scratch.path("results")
        let message = try #require(parseFailure("forward", input.arguments + ["--output", directory]))
        #expect(message.contains(input.option), "\(message)")
        #expect(message.contains(input.allowed), "\(message)")
        #expect(!message.contains("\n"))
        #expect(scratch.contents().isEmpty)
    }

    /// A path below a regular file can never become a directory: refused up front, naming --output.
    @Test func unusableOutputDirectoryIsRefusedBeforeRunning() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let file = scratch.path("file.txt")
        try "not a directory".write(toFile: file, atomically: false, encoding: .utf8)
        let message = try #require(parseFailure("forward", ["--output", file + "/results"]))
        #expect(message.hasPrefix("--output "), "\(message)")
        #expect(message.contains("not a directory"))
        #expect(scratch.contents() == ["file.txt"])
    }

    /// The same refusals from the built executable: exit status 64 (EX_USAGE), one line on standard error,
    /// nothing on standard output, no files.
    @Test(arguments: [
        BadInput(arguments: ["--points", "0"], option: "--points", allowed: "at least 2"),
        BadInput(arguments: ["--time", "nan"], option: "--time", allowed: "finite"),
        BadInput(arguments: ["--mixture", "0.5:0:1;0.4:1:1"], option: "--mixture", allowed: "sum to 1"),
        BadInput(
            arguments: ["--model", "heat"], option: "--model", allowed: "- ou - vp - ve - sub-vp - cosine - edm - table"
        ),
        BadInput(arguments: ["--points", "100000", "--dimension", "2"], option: "--points", allowed: "at most"),
        BadInput(
            arguments: ["--solver", "finite-volume", "--method", "strang"], option: "--method", allowed: "tr-bdf2"),
    ])
    func executableRefusesOnOneLine(_ input: BadInput) throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let result = try FPLabExecutable.run(["forward"] + input.arguments + ["--output", scratch.path("results")])
        #expect(result.status == 64)
        #expect(result.standardOutput.isEmpty)
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1, "\(result.standardError)")
        #expect(lines.first?.hasPrefix("Error: ") == true)
        #expect(lines.first?.contains(input.option) == true && lines.first?.contains(input.allowed) == true)
        #expect(scratch.contents().isEmpty)
    }
}

import FPLabCommandLine
import Foundation
import Testing

/// Bad input to `fplab invert`: refused while parsing, before any work, with one sentence that names the option;
/// with `--output` given, nothing is created; from the executable, exit status 64.
@Suite struct InvertValidationTests {
    struct BadInput: CustomTestStringConvertible, Sendable {
        var arguments: [String]
        var option: String
        var allowed: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let badInputs: [BadInput] = [
        BadInput(arguments: ["--noise", "-1"], option: "--noise", allowed: "from 0 to"),
        BadInput(arguments: ["--noise", "-1e-300"], option: "--noise", allowed: "from 0 to"),
        BadInput(arguments: ["--noise", "nan"], option: "--noise", allowed: "finite"),
        BadInput(arguments: ["--time", "0"], option: "--time", allowed: "greater than 0"),
        BadInput(arguments: ["--time", "-2"], option: "--time", allowed: "greater than 0"),
        BadInput(arguments: ["--time", "inf"], option: "--time", allowed: "finite"),
        BadInput(arguments: ["--method", "magic"], option: "--method", allowed: "'naive', 'cutoff', 'tikhonov'"),
        BadInput(arguments: ["--method", "Naive"], option: "--method", allowed: "'quasi-boundary'"),
        BadInput(arguments: ["--threshold", "0"], option: "--threshold", allowed: "greater than 0"),
        BadInput(arguments: ["--threshold", "-1"], option: "--threshold", allowed: "greater than 0"),
        BadInput(arguments: ["--equation", "wave"], option: "--equation", allowed: "'heat' and 'ou'"),
        BadInput(arguments: ["--steps", "0"], option: "--steps", allowed: "from 1 to"),
        BadInput(arguments: ["--diffusivity", "2"], option: "--diffusivity", allowed: "only to --equation heat"),
        BadInput(
            arguments: ["--equation", "heat", "--diffusivity", "0"], option: "--diffusivity",
            allowed: "greater than 0"),
        BadInput(arguments: ["--sweep", "--noise", "1e-3"], option: "--noise", allowed: "does not apply with --sweep"),
        BadInput(
            arguments: ["--sweep", "--method", "cutoff"], option: "--method", allowed: "does not apply with --sweep"),
        BadInput(arguments: ["--mixture", "0.5:0:1"], option: "--mixture: ", allowed: "must sum to 1"),
        BadInput(arguments: ["--points", "1"], option: "--points", allowed: "at least 2"),
        BadInput(arguments: ["--parameter", "3"], option: "--parameter", allowed: "only to a regularized --method"),
        BadInput(
            arguments: ["--method", "tikhonov", "--parameter", "0"], option: "--parameter", allowed: "greater than 0"),
    ]

    @Test(arguments: badInputs)
    func refusedWithTheOptionNamedAndNothingCreated(_ input: BadInput) throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let message = try #require(parseFailure("invert", input.arguments + ["--output", scratch.path("results")]))
        #expect(message.contains(input.option), "\(message)")
        #expect(message.contains(input.allowed), "\(message)")
        #expect(!message.contains("\n"))
        #expect(scratch.contents().isEmpty)
    }

    /// The four from the built executable: exit status 64, one line on standard error, nothing on
    /// standard output, no files.
    @Test(arguments: [
        BadInput(arguments: ["--noise", "-0.1"], option: "--noise", allowed: "from 0 to"),
        BadInput(arguments: ["--time", "0"], option: "--time", allowed: "greater than 0"),
        BadInput(arguments: ["--method", "backward-euler"], option: "--method", allowed: "'naive'"),
        BadInput(arguments: ["--threshold", "0"], option: "--threshold", allowed: "greater than 0"),
        BadInput(arguments: ["--sweep", "--threshold", "-3"], option: "--threshold", allowed: "greater than 0"),
    ])
    func executableRefusesOnOneLine(_ input: BadInput) throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let result = try FPLabExecutable.run(["invert"] + input.arguments + ["--output", scratch.path("results")])
        #expect(result.status == 64)
        #expect(result.standardOutput.isEmpty)
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1, "\(result.standardError)")
        #expect(lines.first?.hasPrefix("Error: ") == true)
        #expect(lines.first?.contains(input.option) == true && lines.first?.contains(input.allowed) == true)
        #expect(scratch.contents().isEmpty)
    }
}

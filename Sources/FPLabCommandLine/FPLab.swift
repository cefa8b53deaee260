import ArgumentParser
import FokkerPlanckLab
import Foundation

/// The `fplab` root command: numerical checks of the Fokker–Planck view of diffusion models.
public struct FPLab: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "fplab",
        abstract: "Check the Fokker–Planck view of diffusion models numerically.",
        version: fokkerPlanckLabVersion,
        subcommands: [
            Verify.self, Forward.self, Sample.self, Invert.self, Reverse.self, Support.self, Crosscheck.self,
            Memorize.self, Generate.self, Regimes.self, Orders.self, Likelihood.self, Train.self, Run.self,
        ]
    )

    public init() {}

    /// Runs the command line like `ParsableCommand.main`, but reports an error on one line of standard error
    /// ("Error: " and the sentence that names the option), without the usage block, and exits with the error's
    /// code: 64 for a bad option, 1 for a failure such as an unwritable `--output` or standard output, 2 for a run
    /// that stopped early. Before anything else the standard streams are made safe to write (`StandardStreams`)
    /// and interruptions are deferred past file writes (`Interruption`); a signal then ends the process as it
    /// would have (status 128 + its number), never half-way through writing a file.
    public static func main(_ arguments: [String]? = nil) {
        StandardStreams.prepare()
        Interruption.install()
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            var code = exitCode(for: error)
            var message = oneLineMessage(for: error)
            if code == .success { // --help, --version: the text is the result
                do {
                    try StandardStreams.writeOutput(fullMessage(for: error) + "\n")
                    Foundation.exit(0)
                } catch {
                    code = .failure
                    message = oneLineMessage(for: error)
                }
            }
            if !message.isEmpty { StandardStreams.writeError("Error: \(message)\n") }
            Foundation.exit(code.rawValue)
        }
    }

    /// The error's message with line breaks folded into spaces (ArgumentParser's own messages are one sentence).
    public static func oneLineMessage(for error: Error) -> String {
        message(for: error)
            .split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
    }
}

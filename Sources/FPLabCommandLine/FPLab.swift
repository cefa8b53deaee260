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
            Memorize.self, Generate.self, Regimes.self, Orders.self, Likelihood.self, Train.self, Empirical.self,
            Run.self,
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
        StandardStreams.silenceOtherRanks()
        Interruption.install()
        do {
            var command = try parseAsRoot(arguments)
            try requireOneRank(unless: command)
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

    /// Under `mpirun -n R` with R > 1, only the commands that split their work over ranks may run
    /// (`DistributedCommand`); any other would run R times over.
    static func requireOneRank(unless command: any ParsableCommand) throws {
        let world = WorldCommunicator.world
        guard world.size > 1, !(command is any DistributedCommand) else { return }
        let name = commandPath(of: type(of: command)) ?? type(of: command)._commandName
        throw ValidationError(
            "fplab \(name) runs on one rank; started on \(world.size) (mpirun -n \(world.size)). The commands that "
                + "run on several ranks: \(distributedCommandNames.joined(separator: ", ")).")
    }

    /// The subcommands that split their work over ranks ("regimes collapse" for a nested one).
    public static var distributedCommandNames: [String] {
        commandPaths().filter { $0.command is any DistributedCommand.Type }.map(\.path)
    }

    /// Every subcommand with its path of names below `fplab`.
    static func commandPaths(
        _ commands: [any ParsableCommand.Type] = configuration.subcommands, prefix: String = ""
    ) -> [(path: String, command: any ParsableCommand.Type)] {
        commands.flatMap { command -> [(path: String, command: any ParsableCommand.Type)] in
            let path = prefix + command._commandName
            return [(path, command)] + commandPaths(command.configuration.subcommands, prefix: path + " ")
        }
    }

    /// The path of names of a subcommand type ("regimes speciation").
    static func commandPath(of command: any ParsableCommand.Type) -> String? {
        commandPaths().first { $0.command == command }?.path
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

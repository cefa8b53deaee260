import ArgumentParser
import FokkerPlanckLab
import Foundation

/// `--seed`, `--threads`, `--format` and `--output`: the one option group every experiment subcommand declares
/// ("Run and output" in its help), and the delivery of a report in the chosen format and folder.
public struct RunOptions: ParsableArguments {
    @OptionGroup public var seedAndThreads: SeedAndThreadOptions

    @Option(help: "How results are printed on standard output.")
    public var format: OutputFormat = .text

    @Option(
        name: .customLong("output"),
        help: ArgumentHelp(
            "Also write manifest.json and CSV files into this directory (created if missing).",
            valueName: "dir"
        )
    )
    public var outputDirectory: String?

    public init() {}

    public func validate() throws {
        if let directory {
            do { try directory.checkWritable() } catch let error as OutputFolderError {
                throw ValidationError(error.description)
            }
        }
    }

    public var seed: UInt64 { seedAndThreads.seed }
    public var threads: Int { seedAndThreads.threads }
    /// The seed and the thread count as the library takes them.
    public var settings: RunSettings { seedAndThreads.settings }

    /// Whether `--output` was given: the reports then carry their files (tables, figures) as well.
    public var writesFiles: Bool { outputDirectory != nil }

    /// The `--output` directory, when one was given.
    public var directory: OutputDirectory? { outputDirectory.map(OutputDirectory.init(path:)) }

    /// Writes the report's files (when `--output` was given), then prints it on standard output in `--format`.
    /// Files come first so that a failure to write them is reported before any results are printed.
    public func deliver(_ report: CommandReport) throws {
        try writeFiles(for: report)
        try StandardStreams.writeOutput(report.rendered(as: format))
    }

    /// Delivers the report, then, when the run stopped early (`stopReason` is not nil), says so on one line of
    /// standard error and exits with status 2: what was measured up to then is printed and written either way.
    public func deliver(_ report: CommandReport, stopReason: String?) throws {
        try deliver(report)
        guard let stopReason else { return }
        StandardStreams.writeError("Error: the run stopped early: \(stopReason); the results up to then are printed.\n")
        throw ExitCode(2)
    }

    /// With `--output`: `manifest.json` (the report's JSON object plus a "files" list) and the report's own
    /// files, written all-or-nothing by `OutputDirectory`. Without it, nothing.
    public func writeFiles(for report: CommandReport) throws {
        guard let directory else { return }
        try directory.write([Manifest.file(report.json, listing: report.files)] + report.files)
    }
}

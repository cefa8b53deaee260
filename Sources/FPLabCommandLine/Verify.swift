import ArgumentParser
import FokkerPlanckLab
import Foundation

/// `fplab verify`: every claim the project checks, on built-in defaults, with one summary table, its data written
/// into notebooks-data, and `--compare` against committed data.
public struct Verify: DistributedCommand {
    /// Where a default full run writes its data (relative to the working directory).
    public static let defaultOutputDirectory = "notebooks-data"

    public static let configuration = CommandConfiguration(
        abstract: "Check every claim of the theory numerically and print a verdict for each.",
        discussion: """
            Each claim compares measurements with an exact solution, a declared order or a bound of the theory \
            (THEORY.md). The table gives, per check, what was measured, what theory predicts or bounds, and the \
            verdict. Exit status 1 when any claim fails. Progress goes to standard error (a live line at a \
            terminal, a line per claim otherwise). --quick runs smaller problems (the continuous-integration setting).

            Data: the full default run writes ./notebooks-data (per claim a folder with manifest.json, CSV tables, \
            Markdown and LaTeX tables, SVG figures and .npy arrays; plus REPORT.md and README.md), unless --no-output \
            is given. --quick, --only and --compare write nothing unless --output DIR names a folder, so that the \
            committed full-run data is never overwritten by a smaller run. The folder then holds this run's claims \
            only; entries fplab verify does not write (a notebook, configs) are kept. The tree is written into a \
            temporary sibling folder and swapped in at the end: a failed run leaves earlier results untouched. \
            Regenerate the committed data with: swift run -c release fplab verify

            --compare DIR reruns the claims with the seed and quick flag recorded in DIR/manifest.json and compares \
            every number with DIR's CSV and .npy files, each within the tolerance its column declares (statistical \
            estimates within their standard errors, timings ignored); it lists what moved and exits 1 if anything did.
            """
    )

    @Flag(help: "Smaller problems and fewer particles (writes no data unless --output is given).")
    public var quick = false

    @Option(help: ArgumentHelp("Run only this claim (see --list).", valueName: "name"))
    public var only: String?

    @Flag(help: "List the claims and exit.")
    public var list = false

    @Flag(help: "With --list: each claim's bounds with their derivations and the planted defects it is shown to catch.")
    public var verbose = false

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "With --only: run the claim with its n-th listed defect planted (see --list "
                + "--verbose); it should fail.", valueName: "n"))
    public var plant: Int?

    @OptionGroup(title: "Run and output")
    public var runOptions: SeedAndThreadOptions

    @Option(help: "How results are printed on standard output.")
    public var format: OutputFormat = .text

    @Option(
        name: .customLong("output"),
        help: ArgumentHelp(
            "Write the data into this folder (default for a full run: ./\(Verify.defaultOutputDirectory)).",
            valueName: "dir"))
    public var outputDirectory: String?

    @Flag(name: .customLong("no-output"), help: "Write no data (only the table on standard output).")
    public var noOutput = false

    @Option(
        help: ArgumentHelp(
            "Rerun and compare every number with the data in this folder; exit 1 if any moved beyond its tolerance.",
            valueName: "dir"))
    public var compare: String?

    /// Multiplies every tolerance (internal: tests break tolerances on purpose to see claims fail).
    @Option(name: .customLong("tolerance-scale"), parsing: .unconditional, help: .hidden)
    public var toleranceScale: Double = 1

    public init() {}

    public func validate() throws {
        if let only {
            try OptionCheck.require(
                VerificationSuite.claim(named: only) != nil,
                "--only: no claim named '\(only)'; the claims are: "
                    + "\(VerificationSuite.claims.map(\.name).joined(separator: ", "))."
            )
        }
        try OptionCheck.finite(toleranceScale, option: "--tolerance-scale", mustBe: "greater than 0") { $0 > 0 }
        try OptionCheck.require(
            !(noOutput && outputDirectory != nil), "--no-output and --output exclude each other; give one.")
        try OptionCheck.require(
            outputDirectory == nil || WorldCommunicator.world.size == 1,
            "--output: on several ranks fplab verify writes no data (each rank keeps its claims' records); "
                + "leave it out, or run on one rank.")
        if let plant {
            guard let only, let claim = VerificationSuite.claim(named: only) else {
                throw ValidationError(
                    "--plant needs --only NAME: a defect belongs to one claim (see --list --verbose).")
            }
            try OptionCheck.require(
                (1...max(claim.controls.count, 1)).contains(plant) && !claim.controls.isEmpty,
                "--plant: \(only) lists \(claim.controls.count) defect(s); "
                    + "give a number from 1 to \(claim.controls.count)."
            )
            try OptionCheck.require(
                outputDirectory == nil && compare == nil,
                "--plant writes and compares nothing: leave out --output and --compare.")
        }
        if let compare {
            let manifest = try Self.committedRun(in: compare)
            try OptionCheck.require(
                !quick || manifest.quick,
                "--compare \(compare): the data was written by a full run; compare without --quick.")
            try OptionCheck.require(
                runOptions.seed == 1 || runOptions.seed == manifest.seed,
                "--compare \(compare): the data was written with seed \(manifest.seed) and is "
                    + "compared by rerunning with it; leave out --seed \(runOptions.seed)."
            )
            do {
                try VerificationComparison.checkTree(compare, claims: selectedClaims.map(\.name))
            } catch let error as CompareTreeError {
                throw ValidationError("--compare \(compare): \(error.description)")
            }
        }
        if let outputDirectory {
            do { try VerificationArchive.checkWritable(outputDirectory) } catch let error as OutputFolderError {
                throw ValidationError(error.description)
            }
        }
    }

    /// The quick flag and seed recorded in DIR/manifest.json by the run that wrote DIR.
    static func committedRun(in directory: String) throws -> (quick: Bool, seed: UInt64) {
        let path = URL(fileURLWithPath: directory).appendingPathComponent("manifest.json").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError(
                "--compare \(directory): no manifest.json there; name a folder written by fplab verify --output.")
        }
        let members: [String: JSONValue]
        do {
            members = try Manifest.read(path, subject: "--compare \(directory): manifest.json")
        } catch let error as InputFileError {
            throw ValidationError(error.description)
        }
        guard members["command"] == .string("verify"), case .bool(let quick)? = members["quick"] else {
            throw ValidationError("--compare \(directory): manifest.json was not written by fplab verify.")
        }
        let seed: UInt64
        switch members["seed"] {
        case .integer(let value)? where value >= 0: seed = UInt64(value)
        case .unsignedInteger(let value)?: seed = value
        default: throw ValidationError("--compare \(directory): manifest.json has no seed.")
        }
        return (quick, seed)
    }

    /// The folder this run writes, or nil: --output when given; otherwise notebooks-data for a full default run.
    public var outputTarget: String? {
        if WorldCommunicator.world.size > 1 { return nil }
        if let outputDirectory { return outputDirectory }
        if noOutput || quick || only != nil || compare != nil || toleranceScale != 1 { return nil }
        return Self.defaultOutputDirectory
    }

    public var selectedClaims: [Claim] {
        only.map { name in VerificationSuite.claims.filter { $0.name == name } } ?? VerificationSuite.claims
    }

    public var settings: VerificationSettings {
        var settings = VerificationSettings(
            quick: quick, threads: runOptions.threads, seed: runOptions.seed, toleranceScale: toleranceScale)
        if let plant, let only, let claim = VerificationSuite.claim(named: only),
            claim.controls.indices.contains(plant - 1)
        {
            settings = claim.controls[plant - 1].planted(in: settings)
            StandardStreams.writeError("planted in \(only): \(claim.controls[plant - 1].description)\n")
        }
        if let compare, let committed = try? Self.committedRun(in: compare) {
            settings.quick = committed.quick
            settings.seed = committed.seed
        }
        return settings
    }

    public mutating func run() throws {
        if list {
            let width = VerificationSuite.claims.map(\.name.count).max() ?? 0
            var text = ""
            for claim in VerificationSuite.claims {
                if verbose {
                    text += claim.name + "\n  " + claim.statement + "\n"
                    for bound in claim.bounds { text += "  bound: " + bound + "\n" }
                    for control in claim.controls {
                        text += "  fails under: \(control.name) (\(control.description))\n"
                    }
                    text += "\n"
                } else {
                    text +=
                        claim.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                        + claim.statement + "\n"
                }
            }
            try StandardStreams.writeOutput(text)
            return
        }
        let world = WorldCommunicator.world
        if world.size > 1 {
            try runOnRanks(world)
            return
        }
        let target = outputTarget
        if let target { try VerificationArchive.checkWritable(target) }
        let report = Self.runClaims(selectedClaims, settings: settings)
        if let target {
            try VerificationArchive(report: report).write(to: target)
            StandardStreams.writeError("data written to \(target)/ (REPORT.md, README.md, one folder a claim)\n")
        }
        var comparison = compare.map(VerificationComparison.init(directory:))
        comparison?.compare(report.outcomes)
        if try !deliver(report, comparison: comparison) { throw ExitCode(1) }
    }

    /// Prints the verdicts (and, with --compare, what moved); whether everything passed and nothing moved.
    func deliver(_ report: VerificationReport, comparison: VerificationComparison?) throws -> Bool {
        guard let comparison else {
            try StandardStreams.writeOutput(report.commandReport.rendered(as: format))
            return report.allPassed
        }
        let settings = report.settings
        var compared = comparison.commandReport(
            claimCount: report.outcomes.count,
            settingsText: "\(settings.quick ? "quick" : "full") run, seed \(settings.seed), from its manifest.json")
        compared.closing.insert(
            String(
                format: "%d of %d claims passed (%.1f s)", report.outcomes.filter(\.passed).count,
                report.outcomes.count, report.wallSeconds), at: 0)
        let text =
            comparison.differences.isEmpty && format == .text
            ? (compared.summary + compared.closing).map { $0 + "\n" }.joined() : compared.rendered(as: format)
        try StandardStreams.writeOutput(text)
        return comparison.differences.isEmpty && report.allPassed
    }

    /// `mpirun -n R fplab verify`: each rank runs its share of the claims (`ClaimAssignment`), compares them with
    /// --compare's data if given, and sends the outcomes (checks, not records) to rank 0, which prints the one
    /// report a one-rank run prints, claims in their listed order. No data is written: the records stay on the
    /// ranks (a one-rank run writes notebooks-data). Every rank exits with rank 0's verdict.
    func runOnRanks(_ world: any Communicator) throws {
        let claims = selectedClaims
        let settings = self.settings
        let clock = ContinuousClock.now
        let split = ClaimAssignment.split(claims, ranks: world.size)
        let mine = split[world.rank]
        let local = Self.runClaims(mine.map { claims[$0] }, settings: settings)
        var writer = WireWriter()
        writer.append(mine.count)
        for (index, outcome) in zip(mine, local.outcomes) {
            writer.append(index)
            outcome.write(to: &writer)
        }
        if let compare {
            var comparison = VerificationComparison(directory: compare)
            comparison.compare(local.outcomes)
            comparison.write(to: &writer)
        }
        var verdict: [UInt8] = [0]
        if let gathered = world.gather(writer.bytes, root: 0) {
            var outcomes = [ClaimOutcome?](repeating: nil, count: claims.count)
            var comparison = compare.map(VerificationComparison.init(directory:))
            for bytes in gathered {
                var reader = WireReader(bytes)
                for _ in 0..<(try reader.integer()) {
                    let index = try reader.integer()
                    outcomes[index] = try ClaimOutcome(from: &reader)
                }
                try comparison?.include(from: &reader)
            }
            let report = VerificationReport(
                outcomes: outcomes.compactMap { $0 }, settings: settings, wallSeconds: secondsElapsed(since: clock))
            if !noOutput && !quick && only == nil && compare == nil && toleranceScale == 1 {
                StandardStreams.writeError(
                    "on \(world.size) ranks no data is written (fplab verify on one rank writes notebooks-data)\n")
            }
            StandardStreams.writeError(
                "claims spread over \(world.size) ranks: "
                    + split.map { "\($0.count)" }.joined(separator: ", ")
                    + " claims\n")
            verdict = [try deliver(report, comparison: comparison) ? 0 : 1]
        }
        if world.broadcast(verdict, root: 0)[0] != 0 { throw ExitCode(1) }
    }

    /// Runs the claims in order with a progress display on standard error.
    static func runClaims(_ claims: [Claim], settings: VerificationSettings) -> VerificationReport {
        var outcomes: [ClaimOutcome] = []
        let clock = ContinuousClock.now
        let progress = VerifyProgress(claimCount: claims.count)
        var reporting = settings
        reporting.progress = { fraction, detail in progress.update(fraction: fraction, detail: detail) }
        for (index, claim) in claims.enumerated() {
            progress.start(index: index, name: claim.name)
            let outcome = claim.run(reporting)
            outcomes.append(outcome)
            progress.finish(passed: outcome.passed, seconds: outcome.seconds)
        }
        progress.close(totalSeconds: secondsElapsed(since: clock))
        return VerificationReport(
            outcomes: outcomes, settings: settings, wallSeconds: secondsElapsed(since: clock))
    }
}

extension VerificationReport {
    /// The verdicts in every output format: a row per check.
    public var commandReport: CommandReport {
        var table = DataTable(columns: [
            .init("claim", key: "claim"), .init("measured quantity", key: "quantity"),
            .init("measured", key: "measured", style: .general(significantDigits: 4)),
            .init("theory", key: "expectation"), .init("verdict", key: "verdict"),
        ])
        for outcome in outcomes {
            if let failure = outcome.failure {
                table.append([.text(outcome.name), .text("error: \(failure)"), .missing, .missing, .text("FAILED")])
            }
            for check in outcome.checks {
                table.append([
                    .text(outcome.name), .text(check.quantity), .number(check.measured), .text(check.expectation),
                    .text(check.passed ? "pass" : "FAILED"),
                ])
            }
        }
        let passedCount = outcomes.filter(\.passed).count
        let json: JSONValue = .object([
            "command": "verify", "version": .string(fokkerPlanckLabVersion), "quick": .bool(settings.quick),
            "seed": .unsignedInteger(settings.seed), "threads": .integer(settings.threads),
            "passed": .bool(allPassed), "wall_seconds": .number(wallSeconds),
            "claims": .array(
                outcomes.map { outcome in
                    .object([
                        "name": .string(outcome.name), "statement": .string(outcome.statement),
                        "passed": .bool(outcome.passed),
                        "seconds": .number(outcome.seconds), "error": outcome.failure.map { .string($0) } ?? .null,
                        "checks": .array(
                            outcome.checks.map { check in
                                .object([
                                    "quantity": .string(check.quantity), "measured": .number(check.measured),
                                    "expectation": .string(check.expectation), "passed": .bool(check.passed),
                                ])
                            }),
                    ])
                }),
        ])
        return CommandReport(
            summary: [
                "verify: \(outcomes.count) claim(s)\(settings.quick ? " (quick)" : ""), "
                    + "seed \(settings.seed), \(settings.threads) thread(s)"
            ],
            table: table,
            closing: [String(format: "%d of %d claims passed (%.1f s)", passedCount, outcomes.count, wallSeconds)]
                + outcomes.filter { !$0.passed }.map { "FAILED: \($0.name): \($0.statement)" },
            json: json
        )
    }
}

extension VerificationComparison {
    /// The differences as a report: a summary line, the table of what moved, a closing verdict.
    func commandReport(claimCount: Int, settingsText: String) -> CommandReport {
        var table = DataTable(columns: [
            .init("claim", key: "claim"), .init("file", key: "file"),
            .init("row", key: "row", style: .general(significantDigits: 12)),
            .init("column", key: "column"), .init("old", key: "old"), .init("new", key: "new"),
            .init("tolerance", key: "tolerance"),
        ])
        for difference in differences {
            table.append([
                .text(difference.claim), .text(difference.file), difference.row.map { .integer($0) } ?? .missing,
                .text(difference.column), .text(difference.old), .text(difference.new), .text(difference.tolerance),
            ])
        }
        let verdict =
            differences.isEmpty
            ? "nothing moved: \(comparedCount) numbers agree with \(directory.path) within their tolerances"
            : "\(differences.count) difference(s) beyond tolerance (\(comparedCount) numbers compared)"
        let json: JSONValue = .object([
            "command": "verify-compare", "directory": .string(directory.path), "claims": .integer(claimCount),
            "compared": .integer(comparedCount), "moved": .integer(differences.count),
            "passed": .bool(differences.isEmpty),
            "differences": table.jsonValue(),
        ])
        return CommandReport(
            summary: ["compare: \(claimCount) claim(s) against \(directory.path) (\(settingsText))"],
            table: table, closing: [verdict], json: json)
    }
}

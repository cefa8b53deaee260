import ArgumentParser
import Foundation
import FokkerPlanckLab

/// `fplab verify`: every claim the project checks, on built-in defaults, with one summary table.
public struct Verify: ParsableCommand {
    public static let configuration = CommandConfiguration(
        abstract: "Check every claim of the theory numerically and print a verdict for each.",
        discussion: """
            Each claim compares measurements with an exact solution, a declared order or a bound of the theory \
            (THEORY.md). The table gives, per check, what was measured, what theory predicts or bounds, and the \
            verdict. Exit status 1 when any claim fails. Progress goes to standard error. --quick runs smaller \
            problems (the continuous-integration setting).
            """
    )

    @Flag(help: "Smaller problems and fewer particles.")
    public var quick = false

    @Option(help: ArgumentHelp("Run only this claim (see --list).", valueName: "name"))
    public var only: String?

    @Flag(help: "List the claims and exit.")
    public var list = false

    @OptionGroup(title: "Run and output")
    public var runOptions: RunOptions

    @OptionGroup(title: "Run and output")
    public var outputOptions: OutputOptions

    /// Multiplies every tolerance (internal: tests break tolerances on purpose to see claims fail).
    @Option(name: .customLong("tolerance-scale"), help: .hidden)
    public var toleranceScale: Double = 1

    public init() {}

    public func validate() throws {
        if let only {
            try OptionCheck.require(VerificationSuite.claim(named: only) != nil,
                                    "--only: no claim named '\(only)'; the claims are: \(VerificationSuite.claims.map(\.name).joined(separator: ", ")).")
        }
        try OptionCheck.finite(toleranceScale, option: "--tolerance-scale", mustBe: "greater than 0") { $0 > 0 }
    }

    public var selectedClaims: [Claim] {
        only.map { name in VerificationSuite.claims.filter { $0.name == name } } ?? VerificationSuite.claims
    }

    public var settings: VerificationSettings {
        VerificationSettings(quick: quick, threads: runOptions.threads, seed: runOptions.seed, toleranceScale: toleranceScale)
    }

    public mutating func run() throws {
        if list {
            let width = VerificationSuite.claims.map(\.name.count).max() ?? 0
            for claim in VerificationSuite.claims {
                print(claim.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + claim.statement)
            }
            return
        }
        let claims = selectedClaims
        var outcomes: [ClaimOutcome] = []
        let clock = ContinuousClock.now
        for (index, claim) in claims.enumerated() {
            FileHandle.standardError.write(Data("[\(index + 1)/\(claims.count)] \(claim.name) ...".utf8))
            let outcome = claim.run(settings)
            outcomes.append(outcome)
            FileHandle.standardError.write(Data(String(format: " %@ (%.1f s)\n", outcome.passed ? "passed" : "FAILED", outcome.seconds).utf8))
        }
        let report = VerificationReport(outcomes: outcomes, settings: settings, wallSeconds: ForwardExperiment.seconds(since: clock))
        try outputOptions.deliver(report.commandReport)
        if !report.allPassed { throw ExitCode(1) }
    }
}

/// The verdicts of a verification run, in every output format.
public struct VerificationReport {
    public let outcomes: [ClaimOutcome]
    public let settings: VerificationSettings
    public let wallSeconds: Double

    public var allPassed: Bool { outcomes.allSatisfy(\.passed) }

    public var commandReport: CommandReport {
        var table = ResultTable(columns: [
            .init("claim", key: "claim"), .init("measured quantity", key: "quantity"),
            .init("measured", key: "measured", style: .general(significantDigits: 4)),
            .init("theory", key: "expectation"), .init("verdict", key: "verdict"),
        ])
        for outcome in outcomes {
            if let failure = outcome.failure {
                table.append([.text(outcome.name), .text("error: \(failure)"), .missing, .missing, .text("FAILED")])
            }
            for check in outcome.checks {
                table.append([.text(outcome.name), .text(check.quantity), .number(check.measured), .text(check.expectation),
                              .text(check.passed ? "pass" : "FAILED")])
            }
        }
        let passedCount = outcomes.filter(\.passed).count
        let json: JSONValue = .object([
            "command": "verify", "version": .string(fokkerPlanckLabVersion), "quick": .bool(settings.quick),
            "seed": .unsignedInteger(settings.seed), "threads": .integer(settings.threads),
            "passed": .bool(allPassed), "wall_seconds": .number(wallSeconds),
            "claims": .array(outcomes.map { outcome in
                .object([
                    "name": .string(outcome.name), "statement": .string(outcome.statement), "passed": .bool(outcome.passed),
                    "seconds": .number(outcome.seconds), "error": outcome.failure.map { .string($0) } ?? .null,
                    "checks": .array(outcome.checks.map { check in
                        .object(["quantity": .string(check.quantity), "measured": .number(check.measured),
                                 "expectation": .string(check.expectation), "passed": .bool(check.passed)])
                    }),
                ])
            }),
        ])
        return CommandReport(
            summary: ["verify: \(outcomes.count) claim(s)\(settings.quick ? " (quick)" : ""), seed \(settings.seed), \(settings.threads) thread(s)"],
            table: table,
            closing: [String(format: "%d of %d claims passed (%.1f s)", passedCount, outcomes.count, wallSeconds)]
                + outcomes.filter { !$0.passed }.map { "FAILED: \($0.name): \($0.statement)" },
            json: json,
            files: [OutputFile(name: "summary.csv", contents: table.rendered(as: .csv)),
                    OutputFile(name: "summary.md", contents: table.rendered(as: .markdown))]
        )
    }
}

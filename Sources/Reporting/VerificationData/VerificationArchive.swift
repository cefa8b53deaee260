import DataFiles
import Figures
import Foundation
import Verification

/// The files `fplab verify --output DIR` writes, as relative paths and bytes (written by `OutputTree`).
///
/// Per claim, a folder named after it: `manifest.json` (claim, statement, parameters, seed, version, quick flag,
/// timing, verdict, checks, and every file with its description), `checks.csv|md|tex` (one check a row), each
/// recorded table as `NAME.csv` (one observation a row), `NAME.md` and `NAME.tex` (booktabs), each array as
/// `NAME.npy`, each figure as `NAME.svg`. At the top: `manifest.json` (the run), `summary.csv|md|tex` (every
/// check of every claim), `REPORT.md` (the claims in reading order: statement, measurement, verdict, tables,
/// figures) and `README.md` (every file and every column, from the same descriptions the tables carry).
public struct VerificationArchive {
    public let report: VerificationReport
    /// Names of `otherEntries` present in the output directory (described in its README; set by `write(to:)`).
    var presentOtherEntries: [String] = []

    public init(report: VerificationReport) {
        self.report = report
    }

    /// The names `fplab verify` owns at the top of its output directory (besides the claim folders).
    static let topLevelNames: Set<String> = [
        "manifest.json", "summary.csv", "summary.md", "summary.tex", "REPORT.md", "README.md",
    ]

    /// Tables with at most this many rows are printed in REPORT.md; longer ones are linked.
    static let reportRowLimit = 12

    /// Tables with more rows are written as CSV only (a typeset table of hundreds of rows helps no reader).
    static let typesetRowLimit = 60

    /// Every file, in writing order.
    var files: [(path: String, data: Data)] {
        var files: [(String, Data)] = []
        for outcome in report.outcomes {
            for (name, data) in claimFiles(outcome) { files.append(("\(outcome.name)/\(name)", data)) }
        }
        let summary = summaryTable
        for format in [DataTable.Format.csv, .markdown, .latex] { files.append(Self.file(summary, format)) }
        files.append(("REPORT.md", Data(reportText.utf8)))
        files.append(("README.md", Data(readmeText.utf8)))
        files.append(("manifest.json", Data(runManifest.rendered().utf8)))
        return files
    }

    // MARK: Tables

    /// The checks of one claim as a table (the `measured` column is compared with each check's own tolerance).
    static func checksTable(_ outcome: ClaimOutcome) -> DataTable {
        var table = DataTable(
            "checks",
            title:
                "The checks of \(outcome.name), one a row: what was measured, "
                + "what theory predicts or bounds, the verdict.",
            columns: [
                .init("quantity", "what is compared", tolerance: .exact),
                .init(
                    "measured",
                    "the measured value (compared within each check's tolerance: "
                        + "1e-6 relative or a hundredth of its band)"
                ),
                .init("expectation", "the bound or prediction of the theory, with the tolerance", tolerance: .exact),
                .init("verdict", "pass or FAILED", tolerance: .exact),
            ])
        if let failure = outcome.failure { table.append("error: \(failure)", Double.nan, "", "FAILED") }
        for check in outcome.checks {
            table.append(check.quantity, check.measured, check.expectation, check.passed ? "pass" : "FAILED")
        }
        return table
    }

    var summaryTable: DataTable {
        var table = DataTable(
            "summary", title: "Every check of every claim, one a row.",
            columns: [
                .init("claim", "the claim's name (its folder)", tolerance: .exact),
                .init("quantity", "what is compared", tolerance: .exact),
                .init("measured", "the measured value"),
                .init("expectation", "the bound or prediction of the theory", tolerance: .exact),
                .init("verdict", "pass or FAILED", tolerance: .exact),
            ])
        for outcome in report.outcomes {
            for row in Self.checksTable(outcome).rows { table.rows.append([.text(outcome.name)] + row) }
        }
        return table
    }

    /// A recorded table as `NAME.csv`, `NAME.md` or `NAME.tex`, written by the recorded conventions.
    static func file(_ table: DataTable, _ format: DataTable.Format) -> (String, Data) {
        ("\(table.name).\(format.fileExtension)", Data(table.rendered(as: format, conventions: .recorded).utf8))
    }

    // MARK: Per claim

    func claimFiles(_ outcome: ClaimOutcome) -> [(String, Data)] {
        var files: [(String, Data)] = []
        let checks = Self.checksTable(outcome)
        for table in [checks] + outcome.record.tables {
            files.append(Self.file(table, .csv))
            guard table.rows.count <= Self.typesetRowLimit else { continue }
            files.append(Self.file(table, .markdown))
            files.append(Self.file(table, .latex))
        }
        for array in outcome.record.arrays { files.append(("\(array.name).npy", array.array.npyData)) }
        for figure in outcome.record.figures { files.append(("\(figure.name).svg", Data(figure.figure.svg().utf8))) }
        files.insert(("manifest.json", Data(claimManifest(outcome, files: files.map(\.0)).rendered().utf8)), at: 0)
        return files
    }

    /// What each file of a claim's folder holds, for the manifest and the README.
    static func fileDescriptions(_ outcome: ClaimOutcome) -> [(name: String, description: String)] {
        var entries: [(String, String)] = [
            (
                "manifest.json",
                "the claim, its statement, parameters, seed, version, quick flag, timing, verdict and checks"
            )
        ]
        for table in [checksTable(outcome)] + outcome.record.tables {
            entries.append(
                (
                    "\(table.name).csv",
                    table.title
                        + (table.rows.count <= typesetRowLimit
                            ? " Also as `\(table.name).md` and `\(table.name).tex`."
                            : " (\(table.rows.count) rows: CSV only)")
                ))
        }
        for array in outcome.record.arrays { entries.append(("\(array.name).npy", array.description)) }
        for figure in outcome.record.figures { entries.append(("\(figure.name).svg", figure.caption)) }
        return entries
    }

    func claimManifest(_ outcome: ClaimOutcome, files: [String]) -> JSONValue {
        var parameters: [String: JSONValue] = [:]
        for (key, value) in outcome.record.parameters { parameters[key] = value.jsonValue }
        return .object([
            "command": "verify", "claim": .string(outcome.name), "statement": .string(outcome.statement),
            "version": .string(fokkerPlanckLabVersion), "quick": .bool(report.settings.quick),
            "seed": .unsignedInteger(report.settings.seed), "threads": .integer(report.settings.threads),
            "tolerance_scale": .number(report.settings.toleranceScale), "parameters": .object(parameters),
            "seconds": .number(outcome.seconds), "verdict": .string(outcome.passed ? "pass" : "fail"),
            "error": outcome.failure.map { .string($0) } ?? .null,
            "checks": .array(
                outcome.checks.map { check in
                    .object([
                        "quantity": .string(check.quantity), "measured": .number(check.measured),
                        "expectation": .string(check.expectation), "passed": .bool(check.passed),
                    ])
                }),
            "files": .array(files.map { .string($0) }),
            "tables": .array(
                ([Self.checksTable(outcome)] + outcome.record.tables).map { table in
                    .object([
                        "name": .string(table.name), "title": .string(table.title), "rows": .integer(table.rows.count),
                        "columns": .array(
                            table.columns.map { column in
                                .object([
                                    "key": .string(column.key), "description": .string(column.description),
                                    "tolerance": .string(column.tolerance.text),
                                ])
                            }),
                    ])
                }),
        ])
    }

    var runManifest: JSONValue {
        .object([
            "command": "verify", "version": .string(fokkerPlanckLabVersion), "quick": .bool(report.settings.quick),
            "seed": .unsignedInteger(report.settings.seed), "threads": .integer(report.settings.threads),
            "tolerance_scale": .number(report.settings.toleranceScale),
            "passed": .bool(report.allPassed), "wall_seconds": .number(report.wallSeconds),
            "claims": .array(
                report.outcomes.map { outcome in
                    .object([
                        "name": .string(outcome.name), "folder": .string(outcome.name + "/"),
                        "passed": .bool(outcome.passed),
                        "seconds": .number(outcome.seconds),
                    ])
                }),
        ])
    }

    // MARK: REPORT.md

    var reportText: String {
        let settings = report.settings
        let passed = report.outcomes.filter(\.passed).count
        var text = """
            # fplab verify: report

            Written by `fplab verify\(settings.quick ? " --quick" : "")` (version \(fokkerPlanckLabVersion), seed \
            \(settings.seed)): \(passed) of \(report.outcomes.count) claims passed. Each claim below says what theory \
            claims, what was measured and the verdict, then shows its tables and figures; every number is in the \
            claim's folder as CSV (one observation a row), Markdown and LaTeX, and README.md documents every file and \
            column. Rerun and compare with `fplab verify --compare <this folder>`.

            ## Summary

            | claim | checks | verdict |
            |---|---:|---|

            """
        for outcome in report.outcomes {
            text +=
                "| [\(outcome.name)](#\(anchor(outcome.name))) | \(outcome.checks.count) "
                + "| \(outcome.passed ? "pass" : "**FAILED**") |\n"
        }
        text += """

            ## What each claim checks, how its bounds were derived, what it catches

            Every claim is shown to fail under each defect listed (the negative-control tests plant the broken \
            component and require a failing verdict; `fplab verify --list --verbose` prints the same).

            | claim | bounds and their derivation | fails under |
            |---|---|---|

            """
        for outcome in report.outcomes {
            let claim = VerificationSuite.claim(named: outcome.name)
            let bounds = claim?.bounds.joined(separator: "<br>") ?? ""
            let controls = claim?.controls.map { "**\($0.name)**: \($0.description)" }.joined(separator: "<br>") ?? ""
            text +=
                "| \(outcome.name) | \(bounds.replacingOccurrences(of: "|", with: "\\|")) "
                + "| \(controls.replacingOccurrences(of: "|", with: "\\|")) |\n"
        }
        for (index, outcome) in report.outcomes.enumerated() {
            text += "\n## \(index + 1). \(outcome.name)\n\n"
            var paragraph = "**Claim.** \(outcome.statement) "
            if !outcome.record.summary.isEmpty { paragraph += "**Measured.** \(outcome.record.summary) " }
            let checkSentences = outcome.checks.map { check in
                let measured = TableConventions.recorded.text(.number(check.measured), style: DataColumn.recordedStyle)
                return "\(check.quantity) = \(measured) (theory: \(check.expectation), "
                    + "\(check.passed ? "holds" : "FAILS"))"
            }
            if let failure = outcome.failure { paragraph += "The claim could not run: \(failure). " }
            if !checkSentences.isEmpty { paragraph += "Checks: " + checkSentences.joined(separator: "; ") + ". " }
            paragraph += "**Verdict: \(outcome.passed ? "pass" : "FAILED").**"
            text += paragraph + "\n"
            for table in outcome.record.tables {
                let file = "\(outcome.name)/\(table.name).csv"
                if table.rows.count <= Self.reportRowLimit {
                    text +=
                        "\n" + table.rendered(as: .markdown, conventions: .recorded)
                        + "\n([\(table.name).csv](\(file)))\n"
                } else {
                    text +=
                        "\n**\(table.title)** \(table.rows.count) rows in [\(table.name).csv](\(file)) "
                        + "(columns: \(table.columns.map { "`\($0.key)`" }.joined(separator: ", "))).\n"
                }
            }
            for figure in outcome.record.figures {
                text += "\n![\(figure.caption)](\(outcome.name)/\(figure.name).svg)\n\n*\(figure.caption)*\n"
            }
        }
        return text
    }

    private func anchor(_ name: String) -> String {
        let index = (report.outcomes.firstIndex { $0.name == name } ?? 0) + 1
        return "\(index)-\(name)".lowercased().filter { $0.isLetter || $0.isNumber || $0 == "-" }
    }

    // MARK: README.md

    /// Entries the directory may hold that `fplab verify` does not write, described for its README.
    static let otherEntries: [(name: String, description: String)] = [
        (
            "notebook.ipynb",
            "a Jupyter notebook that loads the CSV and `.npy` files with "
                + "numpy and matplotlib and redraws the main figures"
        ),
        ("configs/", "example configuration files for `fplab run FILE` and their schema (`configs/README.md`)"),
        (
            "forward-ou-1d/",
            "the default `fplab forward --output notebooks-data/forward-ou-1d` run: manifest.json, snapshots.csv "
                + "(time, L1 and L∞ error, mass, minimum density, KL to N(0, 1)), density.csv, density.svg, errors.svg"
        ),
    ]

    var readmeText: String {
        var text = """
            # notebooks-data

            The data behind `fplab verify`: every claim the project checks, with its observations, tables and figures, \
            written by `fplab verify` with its built-in defaults. This file is generated with the data, from the same \
            descriptions the tables carry; do not edit it by hand.

            ## Regenerate, compare

            ```sh
            swift run -c release fplab verify                          # full run: rewrites ./notebooks-data
            swift run -c release fplab verify --compare notebooks-data # rerun, list every number that moved
            ```

            `fplab verify` writes ./notebooks-data unless `--no-output` is given; `--quick`, `--only` and `--compare` \
            write nothing unless `--output DIR` names a folder, so the committed full-run data is never overwritten \
            by a smaller run. The whole tree is written into a temporary sibling folder and swapped in at the end: a \
            failed run leaves the earlier results untouched. Entries that `fplab verify` does not write (listed below) \
            are carried over.

            ## Formats

            - **CSV**: a header of snake_case column keys, one observation a row, numbers in full precision (the \
            shortest text that reads back to the same double), `nan`, `inf` and `-inf` as numpy and pandas read them; \
            fields holding commas are quoted. Load with `pandas.read_csv(path)` or Python's `csv` module (as \
            `notebook.ipynb` does); `numpy.genfromtxt(path, delimiter=",", names=True)` reads the all-numeric tables.
            - **Markdown** (`.md`) and **LaTeX** (`.tex`, booktabs: `\\usepackage{booktabs}`) tables: the same rows \
            with four significant digits, for every table of at most \(Self.typesetRowLimit) rows (longer ones are CSV \
            only).
            - **`.npy`**: NumPy format 1.0, little-endian float64, C order (last index fastest; axis 0 is x), header \
            padded to 64 bytes: `numpy.load(path)`.
            - **SVG** figures drawn by `fplab` itself (the Figures module); they open in any browser.
            - **`manifest.json`**: per claim the statement, parameters, seed, version, quick flag, timing in seconds, \
            verdict, checks, files and every table's columns with their comparison tolerances.

            ## Top level

            | file | contents |
            |---|---|
            | `manifest.json` | the run: command, version, quick flag, seed, threads, verdict, wall time, and per \
            claim its folder, verdict and seconds |
            | `summary.csv` | every check of every claim, one a row: `claim`, `quantity`, `measured`, `expectation`, \
            `verdict` (also `summary.md`, `summary.tex`) |
            | `REPORT.md` | the claims in reading order: what is claimed, what was measured, the verdict, tables and \
            figures |
            | `README.md` | this file |

            """
        let present = Set(presentOtherEntries)
        let others = Self.otherEntries.filter { present.contains($0.name) }
        if !others.isEmpty {
            text +=
                "\nAlso in this folder, not written by `fplab verify` (carried over when it "
                + "rewrites the folder):\n\n| entry | contents |\n|---|---|\n"
            for entry in others { text += "| `\(entry.name)` | \(entry.description) |\n" }
        }
        text += """

            ## Comparison tolerances

            `fplab verify --compare DIR` reruns the claims with the seed and quick flag of DIR/manifest.json and \
            compares every CSV column and `.npy` array with the committed values. Each column declares its tolerance \
            (listed below): `exact` (text, counts, verdicts), `rel r` or `abs a + rel r` (|new − old| ≤ a + r·|old|), \
            `k SE (column)` (statistical estimates: |new − old| ≤ k·√(se_old² + se_new²), the standard errors read \
            from that column) and `not compared` (timings). A check's measured value moves when it shifts by more than \
            1e-6 relative or a hundredth of the band the check allows.

            ## Claims

            """
        for outcome in report.outcomes {
            text += "\n### `\(outcome.name)/`\n\n\(outcome.statement)\n\n| file | contents |\n|---|---|\n"
            for (name, description) in Self.fileDescriptions(outcome) {
                text += "| `\(name)` | \(Self.cell(description)) |\n"
            }
            for table in [Self.checksTable(outcome)] + outcome.record.tables {
                text += "\nColumns of `\(table.name).csv`:\n\n| column | contents | tolerance |\n|---|---|---|\n"
                for column in table.columns {
                    let tolerance =
                        table.name == "checks" && column.key == "measured" ? "per check" : column.tolerance.text
                    text += "| `\(column.key)` | \(Self.cell(column.description)) | \(tolerance) |\n"
                }
            }
        }
        return text
    }

    /// Text for a Markdown table cell (a "|" would end the cell).
    static func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
}

// MARK: The folder

extension VerificationArchive {
    /// Throws unless `path` can take the archive (`OutputTree.checkWritable`): a new or empty folder, or one
    /// `fplab verify` wrote (`isArchive`). Touches nothing.
    public static func checkWritable(_ path: String) throws {
        try OutputTree(path: path).checkWritable(isRecognized: isArchive)
    }

    /// Writes every file as the new tree at `path` (`OutputTree`), carrying over the entries it does not own
    /// and describing those of `otherEntries` in its README.
    public func write(to path: String) throws {
        var archive = self
        let directory = URL(fileURLWithPath: path)
        archive.presentOtherEntries = Self.otherEntries.map(\.name).filter { name in
            FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path)
        }
        try OutputTree(path: path).write(archive.files, owns: Self.owns)
    }

    /// A folder `fplab verify` may replace: it holds a verify manifest, or only entries verify writes or knows.
    public static func isArchive(_ directory: URL) -> Bool {
        let manifest = directory.appendingPathComponent(Manifest.fileName).path
        if FileManager.default.fileExists(atPath: manifest) {
            // A manifest that is not a readable verify manifest (a FIFO, a device, malformed JSON) marks a folder
            // verify did not write: it is never replaced.
            return (try? Manifest.read(manifest, subject: Manifest.fileName))?["command"] == .string("verify")
        }
        let known = topLevelNames.union(VerificationSuite.claims.map(\.name))
            .union(otherEntries.map { $0.name.hasSuffix("/") ? String($0.name.dropLast()) : $0.name })
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return entries.allSatisfy { known.contains($0) }
    }

    /// Whether a folder entry is written by `fplab verify` (replaced) rather than carried over.
    static func owns(_ name: String) -> Bool {
        topLevelNames.contains(name) || VerificationSuite.claims.contains { $0.name == name }
    }
}

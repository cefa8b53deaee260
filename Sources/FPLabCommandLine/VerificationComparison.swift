import Foundation
import FokkerPlanckLab

/// `fplab verify --compare DIR`: the numbers of a fresh run against those committed in DIR, column by column,
/// each within the tolerance its column declares (`Tolerance`), timings ignored.
///
/// Compared: every recorded table's CSV (rows matched by position, columns by key) including `checks.csv`, and
/// every `.npy` array (element by element). Anything missing on either side (a claim folder, a file, a column,
/// a row) is a difference too. Cost: reading the files, O(numbers).
struct VerificationComparison {
    /// One number (or file, row, column) that moved beyond its tolerance.
    struct Difference: Equatable {
        var claim: String
        var file: String
        /// 1-based data row (the CSV header is row 0), or the flat index of an array element; nil for a file.
        var row: Int?
        var column: String
        var old: String
        var new: String
        var tolerance: String
    }

    let directory: URL
    var differences: [Difference] = []
    var comparedCount = 0

    init(directory: String) {
        self.directory = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
    }

    /// Compares every outcome's tables and arrays with those under `directory`.
    mutating func compare(_ outcomes: [ClaimOutcome]) {
        for outcome in outcomes {
            let folder = directory.appendingPathComponent(outcome.name, isDirectory: true)
            guard FileManager.default.fileExists(atPath: folder.path) else {
                differences.append(.init(claim: outcome.name, file: "\(outcome.name)/", row: nil, column: "", old: "missing", new: "present", tolerance: ""))
                continue
            }
            let checks = VerificationArchive.checksTable(outcome)
            let offset = outcome.failure == nil ? 0 : 1
            compare(table: checks, claim: outcome.name, folder: folder) { row, column in
                column.key == "measured" && row >= offset && row - offset < outcome.checks.count
                    ? outcome.checks[row - offset].comparison : column.tolerance
            }
            for table in outcome.record.tables {
                compare(table: table, claim: outcome.name, folder: folder) { _, column in column.tolerance }
            }
            for array in outcome.record.arrays { compare(array: array, claim: outcome.name, folder: folder) }
        }
    }

    private mutating func compare(table: DataTable, claim: String, folder: URL, tolerance: (Int, DataColumn) -> Tolerance) {
        let file = "\(table.name).csv"
        guard let text = try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8) else {
            differences.append(.init(claim: claim, file: file, row: nil, column: "", old: "missing", new: "\(table.rows.count) rows", tolerance: ""))
            return
        }
        let records = Self.parseCSV(text)
        let header = records.first ?? []
        for column in table.columns where !header.contains(column.key) {
            differences.append(.init(claim: claim, file: file, row: nil, column: column.key, old: "missing", new: "present", tolerance: ""))
        }
        for key in header where table.columnIndex(key) == nil {
            differences.append(.init(claim: claim, file: file, row: nil, column: key, old: "present", new: "missing", tolerance: ""))
        }
        let oldRows = Array(records.dropFirst())
        if oldRows.count != table.rows.count {
            differences.append(.init(claim: claim, file: file, row: nil, column: "rows", old: "\(oldRows.count)", new: "\(table.rows.count)", tolerance: "exact"))
        }
        for (rowIndex, (oldRow, newRow)) in zip(oldRows, table.rows).enumerated() {
            for (columnIndex, column) in table.columns.enumerated() {
                guard let oldIndex = header.firstIndex(of: column.key), oldIndex < oldRow.count else { continue }
                let rule = tolerance(rowIndex, column)
                if rule == .ignored { continue }
                let oldText = oldRow[oldIndex], newValue = newRow[columnIndex]
                comparedCount += 1
                var agrees: Bool
                if let newNumber = newValue.number, let oldNumber = Double(oldText) {
                    var errors: (Double?, Double?) = (nil, nil)
                    if case let .standardErrors(_, errorColumn) = rule, let newErrorIndex = table.columnIndex(errorColumn),
                       let oldErrorIndex = header.firstIndex(of: errorColumn), oldErrorIndex < oldRow.count {
                        errors = (Double(oldRow[oldErrorIndex]), newRow[newErrorIndex].number)
                    }
                    agrees = rule == .exact ? oldText == newValue.csvText
                        : rule.accepts(old: oldNumber, new: newNumber, oldError: errors.0, newError: errors.1)
                } else {
                    agrees = oldText == newValue.csvText
                }
                if !agrees {
                    differences.append(.init(claim: claim, file: file, row: rowIndex + 1, column: column.key, old: oldText,
                                             new: newValue.csvText, tolerance: rule.text))
                }
            }
        }
    }

    private mutating func compare(array: DataArray, claim: String, folder: URL) {
        let file = "\(array.name).npy"
        guard let data = try? Data(contentsOf: folder.appendingPathComponent(file)), let old = try? NumpyArray(npyData: data) else {
            differences.append(.init(claim: claim, file: file, row: nil, column: "", old: "missing or unreadable", new: "shape \(array.array.shapeText)", tolerance: ""))
            return
        }
        guard old.shape == array.array.shape else {
            differences.append(.init(claim: claim, file: file, row: nil, column: "shape", old: old.shapeText, new: array.array.shapeText, tolerance: "exact"))
            return
        }
        var reported = 0
        for (index, (oldValue, newValue)) in zip(old.values, array.array.values).enumerated() {
            comparedCount += 1
            if !array.tolerance.accepts(old: oldValue, new: newValue) {
                reported += 1
                if reported <= 5 {
                    differences.append(.init(claim: claim, file: file, row: index, column: "element", old: "\(oldValue)",
                                             new: "\(newValue)", tolerance: array.tolerance.text))
                }
            }
        }
        if reported > 5 {
            differences.append(.init(claim: claim, file: file, row: nil, column: "elements", old: "", new: "\(reported - 5) more moved", tolerance: array.tolerance.text))
        }
    }

    /// RFC 4180 records: fields separated by commas, quoted fields may hold commas, doubled quotes and line breaks.
    static func parseCSV(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var iterator = Array(text).makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                    } else { quoted = false }
                } else { field.append(character) }
                continue
            }
            switch character {
            case "\"": quoted = true
            case ",": record.append(field); field = ""
            case "\n", "\r\n":
                record.append(field); field = ""
                records.append(record); record = []
            case "\r": continue
            default: field.append(character)
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }

    /// The differences as a report: a summary line, the table of what moved, a closing verdict.
    func commandReport(claimCount: Int, settingsText: String) -> CommandReport {
        var table = ResultTable(columns: [
            .init("claim", key: "claim"), .init("file", key: "file"), .init("row", key: "row", style: .general(significantDigits: 12)),
            .init("column", key: "column"), .init("old", key: "old"), .init("new", key: "new"), .init("tolerance", key: "tolerance"),
        ])
        for difference in differences {
            table.append([.text(difference.claim), .text(difference.file), difference.row.map { .integer($0) } ?? .missing,
                          .text(difference.column), .text(difference.old), .text(difference.new), .text(difference.tolerance)])
        }
        let verdict = differences.isEmpty
            ? "nothing moved: \(comparedCount) numbers agree with \(directory.path) within their tolerances"
            : "\(differences.count) difference(s) beyond tolerance (\(comparedCount) numbers compared)"
        let json: JSONValue = .object([
            "command": "verify-compare", "directory": .string(directory.path), "claims": .integer(claimCount),
            "compared": .integer(comparedCount), "moved": .integer(differences.count), "passed": .bool(differences.isEmpty),
            "differences": table.jsonValue(),
        ])
        return CommandReport(summary: ["compare: \(claimCount) claim(s) against \(directory.path) (\(settingsText))"],
                             table: table, closing: [verdict], json: json)
    }
}

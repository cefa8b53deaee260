import DataFiles
import Foundation
import Safeguards
import Verification

/// `fplab verify --compare DIR`: the numbers of a fresh run against those committed in DIR, column by column,
/// each within the tolerance its column declares (`Tolerance`), timings ignored.
///
/// Compared: every recorded table's CSV (rows matched by position, columns by key) including `checks.csv`, and
/// every `.npy` array (element by element). Anything missing on either side (a claim folder, a file, a column,
/// a row) is a difference too. Cost: reading the files, O(numbers).
public struct VerificationComparison {
    /// One number (or file, row, column) that moved beyond its tolerance.
    public struct Difference: Equatable, Sendable {
        public var claim: String
        public var file: String
        /// 1-based data row (the CSV header is row 0), or the flat index of an array element; nil for a file.
        public var row: Int?
        public var column: String
        public var old: String
        public var new: String
        public var tolerance: String
    }

    public let directory: URL
    public internal(set) var differences: [Difference] = []
    /// How many numbers were compared.
    public internal(set) var comparedCount = 0

    public init(directory: String) {
        self.directory = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
    }

    /// Compares every outcome's tables and arrays with those under `directory`.
    public mutating func compare(_ outcomes: [ClaimOutcome]) {
        for outcome in outcomes {
            let folder = directory.appendingPathComponent(outcome.name, isDirectory: true)
            guard FileManager.default.fileExists(atPath: folder.path) else {
                differences.append(
                    .init(
                        claim: outcome.name, file: "\(outcome.name)/", row: nil, column: "", old: "missing",
                        new: "present", tolerance: ""))
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

    private mutating func compare(
        table: DataTable, claim: String, folder: URL, tolerance: (Int, DataColumn) -> Tolerance
    ) {
        let file = "\(table.name).csv"
        let records: [[String]]
        do { records = try Self.readCSV(folder.appendingPathComponent(file).path, name: "\(claim)/\(file)") } catch {
            differences.append(
                .init(
                    claim: claim, file: file, row: nil, column: "", old: "missing or unreadable",
                    new: "\(table.rows.count) rows", tolerance: ""))
            return
        }
        let header = records.first ?? []
        for column in table.columns where !header.contains(column.key) {
            differences.append(
                .init(
                    claim: claim, file: file, row: nil, column: column.key, old: "missing", new: "present",
                    tolerance: ""))
        }
        for key in header where table.columnIndex(key) == nil {
            differences.append(
                .init(claim: claim, file: file, row: nil, column: key, old: "present", new: "missing", tolerance: ""))
        }
        let oldRows = Array(records.dropFirst())
        if oldRows.count != table.rows.count {
            differences.append(
                .init(
                    claim: claim, file: file, row: nil, column: "rows", old: "\(oldRows.count)",
                    new: "\(table.rows.count)", tolerance: "exact"))
        }
        for (rowIndex, (oldRow, newRow)) in zip(oldRows, table.rows).enumerated() {
            for (columnIndex, column) in table.columns.enumerated() {
                guard let oldIndex = header.firstIndex(of: column.key), oldIndex < oldRow.count else { continue }
                let rule = tolerance(rowIndex, column)
                if rule == .ignored { continue }
                let oldText = oldRow[oldIndex]
                let newValue = newRow[columnIndex]
                comparedCount += 1
                var agrees: Bool
                if let newNumber = newValue.number, let oldNumber = Double(oldText) {
                    var errors: (Double?, Double?) = (nil, nil)
                    if case .standardErrors(_, let errorColumn) = rule,
                        let newErrorIndex = table.columnIndex(errorColumn),
                        let oldErrorIndex = header.firstIndex(of: errorColumn), oldErrorIndex < oldRow.count
                    {
                        errors = (Double(oldRow[oldErrorIndex]), newRow[newErrorIndex].number)
                    }
                    agrees =
                        rule == .exact
                        ? oldText == newValue.csvText
                        : rule.accepts(old: oldNumber, new: newNumber, oldError: errors.0, newError: errors.1)
                } else {
                    agrees = oldText == newValue.csvText
                }
                if !agrees {
                    differences.append(
                        .init(
                            claim: claim, file: file, row: rowIndex + 1, column: column.key, old: oldText,
                            new: newValue.csvText, tolerance: rule.text))
                }
            }
        }
    }

    private mutating func compare(array: DataArray, claim: String, folder: URL) {
        let file = "\(array.name).npy"
        guard let old = try? Self.readArray(folder.appendingPathComponent(file).path, name: "\(claim)/\(file)") else {
            differences.append(
                .init(
                    claim: claim, file: file, row: nil, column: "", old: "missing or unreadable",
                    new: "shape \(array.array.shapeText)", tolerance: ""))
            return
        }
        guard old.shape == array.array.shape else {
            differences.append(
                .init(
                    claim: claim, file: file, row: nil, column: "shape", old: old.shapeText, new: array.array.shapeText,
                    tolerance: "exact"))
            return
        }
        var reported = 0
        for (index, (oldValue, newValue)) in zip(old.values, array.array.values).enumerated() {
            comparedCount += 1
            if !array.tolerance.accepts(old: oldValue, new: newValue) {
                reported += 1
                if reported <= 5 {
                    differences.append(
                        .init(
                            claim: claim, file: file, row: index, column: "element", old: "\(oldValue)",
                            new: "\(newValue)", tolerance: array.tolerance.text))
                }
            }
        }
        if reported > 5 {
            differences.append(
                .init(
                    claim: claim, file: file, row: nil, column: "elements", old: "", new: "\(reported - 5) more moved",
                    tolerance: array.tolerance.text))
        }
    }

    // MARK: Reading the committed tree

    /// The largest file of the tree read: 64 MiB. The biggest file a full run writes is 0.24 MB (a 2-D density
    /// figure), so the bound leaves a factor of more than 250 and keeps a huge or endless file from being read.
    static let fileByteLimit = 64 << 20

    /// Checks the committed data of `claims` under `directory` before anything runs, so that a tree that cannot
    /// be compared is refused at once with one sentence naming the file: each claim's folder must be a directory
    /// holding a `manifest.json` whose `files` list names plain files; every listed CSV and `.npy` file must be a
    /// regular file of at most `fileByteLimit` bytes that reads (`readCSV`, `readArray`); every entry of the folder
    /// must be listed (an extra file is refused, not ignored). Numbers are compared later, after the rerun.
    public static func checkTree(_ directory: String, claims: [String]) throws {
        let root = URL(fileURLWithPath: directory, isDirectory: true)
        for claim in claims {
            let folder = root.appendingPathComponent(claim, isDirectory: true)
            var status = stat()
            guard stat(folder.path, &status) == 0 else {
                throw CompareTreeError(
                    "'\(claim)/': the claim's folder is missing or unreadable "
                        + "(\(String(cString: strerror(errno)))); "
                        + "compare with --only for the claims the data holds.")
            }
            guard (status.st_mode & S_IFMT) == S_IFDIR else { throw CompareTreeError("'\(claim)' is not a folder.") }
            let manifestName = "\(claim)/manifest.json"
            let files: [String]
            do {
                let text = try InputFile.readText(
                    folder.appendingPathComponent("manifest.json").path,
                    subject: "'\(manifestName)'",
                    byteLimit: fileByteLimit)
                guard case .object(let members)? = try? JSONValue.parse(text),
                    case .array(let list)? = members["files"]
                else {
                    throw CompareTreeError("'\(manifestName)' is not a claim manifest (no list of files).")
                }
                files = try list.map { entry in
                    guard case .string(let name) = entry, !name.isEmpty, !name.contains("/"), name != ".",
                        name != ".."
                    else {
                        throw CompareTreeError("'\(manifestName)' lists a file that is not a plain file name.")
                    }
                    return name
                }
            } catch let error as InputFileError { throw CompareTreeError(error.description) }
            let listed = Set(files + ["manifest.json"])
            let entries: [String]
            do { entries = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() } catch {
                throw CompareTreeError("'\(claim)/' cannot be listed.")
            }
            if let extra = entries.first(where: { !listed.contains($0) }) {
                throw CompareTreeError(
                    "'\(claim)/\(extra)' is not listed in \(manifestName); "
                        + "remove it or rewrite the folder.")
            }
            for file in files where file.hasSuffix(".csv") || file.hasSuffix(".npy") {
                let path = folder.appendingPathComponent(file).path
                let name = "\(claim)/\(file)"
                guard entries.contains(file) else {
                    throw CompareTreeError("'\(name)' is listed in \(manifestName) but missing.")
                }
                do {
                    if file.hasSuffix(".csv") {
                        _ = try readCSV(path, name: name)
                    } else {
                        _ = try readArray(path, name: name)
                    }
                } catch let error as InputFileError { throw CompareTreeError(error.description) }
            }
        }
    }

    /// The records of the committed CSV file at `path` (`name` in errors), which must be a regular UTF-8 file of
    /// at most `fileByteLimit` bytes without NUL bytes or a byte-order mark, and a well-formed table
    /// (`CSVReader.table`, RFC 4180).
    static func readCSV(_ path: String, name: String) throws -> [[String]] {
        let text = try InputFile.readText(path, subject: "'\(name)'", byteLimit: fileByteLimit)
        do { return try CSVReader.table(text) } catch let error as CSVFormatError {
            throw CompareTreeError("'\(name)' \(error.description).")
        }
    }

    /// The committed array at `path`: a regular file of at most `fileByteLimit` bytes, a strict `.npy` float64.
    static func readArray(_ path: String, name: String) throws -> NumpyArray {
        let data = try InputFile.read(path, subject: "'\(name)'", byteLimit: fileByteLimit)
        do { return try NumpyArray(npyData: data) } catch let error as NumpyFormatError {
            throw CompareTreeError("'\(name)': \(error.description).")
        }
    }
}

/// A committed file of a `verify --compare` tree that cannot be compared; one sentence naming the file.
public struct CompareTreeError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

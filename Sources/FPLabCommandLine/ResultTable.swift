import FokkerPlanckLab
import Foundation

/// A small results table: named columns and rows of numbers or text, rendered as aligned text, GitHub Markdown
/// or CSV.
///
/// Each column has a title for people (text, Markdown) and a key for machines (the CSV header, JSON keys).
/// Numbers are right-aligned and written in the column's `NumberStyle`; in CSV at full precision. A missing
/// value (a quantity that does not apply) is "—" for people and an empty field in CSV; a non-finite one (an
/// overflowed statistic) is "non-finite" for people, an empty field in CSV and `null` in JSON.
public struct ResultTable: Sendable, Equatable {
    public struct Column: Sendable, Equatable {
        public var title: String
        public var key: String
        public var style: NumberStyle

        public init(_ title: String, key: String, style: NumberStyle = .general(significantDigits: 6)) {
            self.title = title
            self.key = key
            self.style = style
        }
    }

    public enum Cell: Sendable, Equatable {
        case number(Double)
        case integer(Int)
        case text(String)
        case missing

        /// A number, or `.missing` when there is none.
        public static func number(_ value: Double?) -> Cell {
            guard let value else { return .missing }
            return .number(value)
        }

        var isText: Bool {
            if case .text = self { return true }
            return false
        }
    }

    public var columns: [Column]
    public private(set) var rows: [[Cell]] = []

    public init(columns: [Column]) {
        self.columns = columns
    }

    public mutating func append(_ row: [Cell]) {
        precondition(
            row.count == columns.count, "ResultTable: a row of \(row.count) cells for \(columns.count) columns")
        rows.append(row)
    }

    /// The table in `format`; `.json` gives an array of objects keyed by column key.
    public func rendered(as format: OutputFormat) -> String {
        switch format {
        case .text: return textRendering()
        case .markdown: return markdownRendering()
        case .csv: return csvRendering()
        case .json: return jsonValue().rendered()
        }
    }

    /// One JSON object per row, keyed by column key; missing and non-finite values are `null`.
    public func jsonValue() -> JSONValue {
        .array(
            rows.map { row in
                var members: [String: JSONValue] = [:]
                for (column, cell) in zip(columns, row) {
                    switch cell {
                    case .number(let value): members[column.key] = .number(value)
                    case .integer(let value): members[column.key] = .integer(value)
                    case .text(let value): members[column.key] = .string(value)
                    case .missing: members[column.key] = .null
                    }
                }
                return .object(members)
            })
    }

    private func humanText(_ cell: Cell, in column: Column) -> String {
        switch cell {
        case .number(let value): return column.style.format(value)
        case .integer(let value): return String(value)
        case .text(let value): return value
        case .missing: return "—"
        }
    }

    /// Columns separated by two spaces, numbers right-aligned, text left-aligned; a final newline.
    func textRendering() -> String {
        let cells = rows.map { row in zip(columns, row).map { humanText($1, in: $0) } }
        let isTextColumn = columns.indices.map { index in !rows.isEmpty && rows.allSatisfy { $0[index].isText } }
        let widths = columns.indices.map { index in
            cells.reduce(columns[index].title.count) { max($0, $1[index].count) }
        }
        func line(_ entries: [String]) -> String {
            entries.indices.map { index in
                let padding = String(repeating: " ", count: widths[index] - entries[index].count)
                return isTextColumn[index] ? entries[index] + padding : padding + entries[index]
            }
            .joined(separator: "  ")
            .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var lines = [line(columns.map(\.title))]
        lines.append(contentsOf: cells.map(line))
        return lines.joined(separator: "\n") + "\n"
    }

    /// A GitHub-flavoured Markdown table; number columns right-aligned.
    func markdownRendering() -> String {
        func escape(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        let isTextColumn = columns.indices.map { index in !rows.isEmpty && rows.allSatisfy { $0[index].isText } }
        var lines = ["| " + columns.map { escape($0.title) }.joined(separator: " | ") + " |"]
        lines.append("|" + isTextColumn.map { $0 ? "---|" : "---:|" }.joined())
        for row in rows {
            lines.append("| " + zip(columns, row).map { escape(humanText($1, in: $0)) }.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// RFC 4180 CSV with a header of column keys; numbers at full precision, missing and non-finite values empty.
    func csvRendering() -> String {
        func field(_ cell: Cell) -> String {
            switch cell {
            case .number(let value): return value.isFinite ? NumberStyle.fullPrecision.format(value) : ""
            case .integer(let value): return String(value)
            case .text(let value): return CSV.quoted(value)
            case .missing: return ""
            }
        }
        var lines = [columns.map { CSV.quoted($0.key) }.joined(separator: ",")]
        lines.append(contentsOf: rows.map { $0.map(field).joined(separator: ",") })
        return lines.joined(separator: "\n") + "\n"
    }
}

/// CSV quoting (RFC 4180): a field with a comma, quote, line break or edge space is quoted, quotes doubled.
enum CSV {
    static func quoted(_ text: String) -> String {
        let needsQuotes =
            text.contains { $0 == "," || $0 == "\"" || $0.isNewline }
            || text.first == " " || text.last == " "
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

import Foundation

/// The rules in which the tables a command prints and the tables `fplab verify` records are written differently;
/// `DataTable.rendered(as:conventions:)` takes them as an option: one of the two presets, or a preset with a
/// rule changed.
public struct TableConventions: Sendable, Equatable {
    /// How NaN and infinities are written.
    public enum NonFiniteNumbers: Sendable, Equatable {
        /// A status for people ("non-finite": an overflowed statistic is not a result), an empty CSV field.
        case status
        /// Spelled as numpy and pandas read them: `nan`, `inf`, `-inf` (LaTeX: NaN, $\infty$, $-\infty$).
        case spelled
    }

    /// Which columns are right-aligned (text, Markdown) or set `r` (LaTeX); the others are left-aligned.
    public enum Alignment: Sendable, Equatable {
        /// Every column but one of text only: numbers with gaps are right-aligned, and so is every column of an
        /// empty table.
        case rightUnlessAllText
        /// The columns holding a number or an integer; every column of an empty table is left-aligned.
        case rightWhereNumbers
    }

    public var nonFiniteNumbers: NonFiniteNumbers
    public var alignment: Alignment
    /// Whether a CSV field with a space at either end is quoted (as one with a comma, a quote or a line break
    /// always is), so that readers that trim unquoted fields keep the spaces.
    public var quotesEdgeSpaces: Bool

    /// The tables the commands print and write with `--output`: non-finite values a status (empty in CSV, `null`
    /// in JSON), numbers with gaps right-aligned, edge spaces quoted.
    public static let printed = TableConventions(
        nonFiniteNumbers: .status, alignment: .rightUnlessAllText, quotesEdgeSpaces: true)

    /// The tables `fplab verify --output` records for numpy, pandas and papers: `nan`, `inf` and `-inf` spelled
    /// out, columns of numbers right-aligned, only the quotes RFC 4180 needs.
    public static let recorded = TableConventions(
        nonFiniteNumbers: .spelled, alignment: .rightWhereNumbers, quotesEdgeSpaces: false)

    /// A cell as people read it (text, Markdown; LaTeX before escaping): numbers in `style`, "—" for missing.
    public func text(_ value: DataValue, style: NumberStyle) -> String {
        switch value {
        case .number(let number) where !number.isFinite && nonFiniteNumbers == .spelled: return "\(number)"
        case .number(let number): return style.format(number)
        case .integer(let integer): return String(integer)
        case .text(let text): return text
        case .missing: return "—"
        }
    }

    /// A cell as a CSV field: `DataValue.csvText` (non-finite numbers empty under `.status`), quoted when needed.
    func csvField(_ value: DataValue) -> String {
        if case .number(let number) = value, !number.isFinite, nonFiniteNumbers == .status { return "" }
        return csvQuoted(value.csvText)
    }

    /// RFC 4180 quoting: a field holding a comma, a quote or a line break (and, with `quotesEdgeSpaces`, one
    /// starting or ending with a space) is quoted, its quotes doubled.
    func csvQuoted(_ text: String) -> String {
        let needsQuotes =
            text.contains { $0 == "," || $0 == "\"" || $0.isNewline }
            || (quotesEdgeSpaces && (text.first == " " || text.last == " "))
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Whether the column at `index` of `rows` is right-aligned.
    func isRightAligned(_ index: Int, in rows: [[DataValue]]) -> Bool {
        switch alignment {
        case .rightUnlessAllText: return rows.isEmpty || !rows.allSatisfy { $0[index].isText }
        case .rightWhereNumbers: return rows.contains { $0[index].number != nil }
        }
    }
}

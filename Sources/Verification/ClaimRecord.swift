import DataFiles
import Figures
import Foundation
import GridFields

/// How `fplab verify --compare` decides whether a recorded number moved, declared where the number is recorded.
public enum Tolerance: Sendable, Equatable {
    /// |new − old| ≤ absolute + relative · |old|. Two non-finite values agree when they are equal (NaN with NaN).
    case within(relative: Double, absolute: Double)
    /// A statistical estimate: |new − old| ≤ multiple · √(se_old² + se_new²), the standard errors read from the
    /// named column of the same row.
    case standardErrors(Double, column: String)
    /// Equal as written (text, counts, verdicts).
    case exact
    /// Not compared (timings).
    case ignored

    /// The default for a computed number: the run is deterministic (same seed, same numbers), so only
    /// round-off differences between CPUs' kernels are allowed: 1e-9 relative.
    public static let reproducible = Tolerance.within(relative: 1e-9, absolute: 0)

    /// A number at round-off level (an error of an exact solver): `absolute` plus 1e-6 relative, because another
    /// CPU's FFT kernels change the last digits of such numbers by their own size.
    public static func roundOff(_ absolute: Double) -> Tolerance { .within(relative: 1e-6, absolute: absolute) }

    /// Whether `new` agrees with `old`; `oldError`/`newError` are the standard errors for `.standardErrors`.
    public func accepts(old: Double, new: Double, oldError: Double? = nil, newError: Double? = nil) -> Bool {
        switch self {
        case .ignored: return true
        case .exact: return old == new || (old.isNaN && new.isNaN)
        case .within(let relative, let absolute):
            if !old.isFinite || !new.isFinite { return old == new || (old.isNaN && new.isNaN) }
            return abs(new - old) <= absolute + relative * abs(old)
        case .standardErrors(let multiple, _):
            if !old.isFinite || !new.isFinite { return old == new || (old.isNaN && new.isNaN) }
            let combined = ((oldError ?? 0) * (oldError ?? 0) + (newError ?? 0) * (newError ?? 0)).squareRoot()
            return abs(new - old) <= multiple * combined
        }
    }

    /// The tolerance in words, for the README and for `--compare`'s report.
    public var text: String {
        switch self {
        case .ignored: return "not compared"
        case .exact: return "exact"
        case .within(let relative, let absolute):
            if absolute == 0 { return "rel \(Check.format(relative))" }
            if relative == 0 { return "abs \(Check.format(absolute))" }
            return "abs \(Check.format(absolute)) + rel \(Check.format(relative))"
        case .standardErrors(let multiple, let column): return "\(Check.format(multiple)) SE (\(column))"
        }
    }
}

/// One value in a recorded table.
public enum DataValue: Sendable, Equatable {
    case number(Double)
    case integer(Int)
    case text(String)

    /// As written in CSV: numbers in full precision (shortest text that reads back to the same Double; NaN as
    /// "nan", infinities as "inf" and "-inf", which numpy and pandas read), integers as integers.
    public var csvText: String {
        switch self {
        case .number(let value): return "\(value)"
        case .integer(let value): return "\(value)"
        case .text(let value): return value
        }
    }

    /// As written in Markdown and LaTeX tables: four significant digits.
    public var shortText: String {
        switch self {
        case .number(let value): return value.isFinite ? String(format: "%.4g", value) : "\(value)"
        case .integer(let value): return "\(value)"
        case .text(let value): return value
        }
    }

    /// The number, when the value is one.
    public var number: Double? {
        switch self {
        case .number(let value): return value
        case .integer(let value): return Double(value)
        case .text: return nil
        }
    }
}

/// Something a table cell can hold: `Double`, `Int`, `String`.
public protocol DataValueConvertible { var dataValue: DataValue { get } }
extension Double: DataValueConvertible { public var dataValue: DataValue { .number(self) } }
extension Int: DataValueConvertible { public var dataValue: DataValue { .integer(self) } }
extension String: DataValueConvertible { public var dataValue: DataValue { .text(self) } }

/// One column of a recorded table: the CSV header, what it holds (with its unit), and how it is compared.
public struct DataColumn: Sendable, Equatable {
    /// snake_case, the CSV header.
    public var key: String
    /// One phrase for the README: what the column holds.
    public var description: String
    public var tolerance: Tolerance

    public init(_ key: String, _ description: String, tolerance: Tolerance = .reproducible) {
        self.key = key
        self.description = description
        self.tolerance = tolerance
    }
}

/// Rows of named columns, one observation a row: written as `NAME.csv`, `NAME.md` and `NAME.tex`.
public struct DataTable: Sendable, Equatable {
    /// The file name stem (snake_case or kebab-case, no extension).
    public var name: String
    /// One sentence: what a row is. The caption of the Markdown and LaTeX tables and the README entry.
    public var title: String
    public var columns: [DataColumn]
    public var rows: [[DataValue]]

    public init(_ name: String, title: String, columns: [DataColumn]) {
        self.name = name
        self.title = title
        self.columns = columns
        self.rows = []
    }

    /// Appends one row; the values are in column order.
    public mutating func append(_ values: any DataValueConvertible...) {
        precondition(
            values.count == columns.count, "DataTable \(name): \(values.count) values for \(columns.count) columns")
        rows.append(values.map(\.dataValue))
    }

    /// The column called `key`, or nil.
    public func columnIndex(_ key: String) -> Int? { columns.firstIndex { $0.key == key } }

    /// The numbers of column `key`, in row order (text cells give NaN).
    public func numbers(_ key: String) -> [Double] {
        guard let index = columnIndex(key) else { return [] }
        return rows.map { $0[index].number ?? .nan }
    }

    /// CSV (RFC 4180): a header of the column keys, one row per line, full precision; a field holding a comma,
    /// a quote or a line break is quoted, quotes doubled.
    public var csvText: String {
        func field(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        var text = columns.map { field($0.key) }.joined(separator: ",") + "\n"
        for row in rows { text += row.map { field($0.csvText) }.joined(separator: ",") + "\n" }
        return text
    }

    /// A GitHub-flavoured Markdown table with the title as a caption line above it; numbers right-aligned,
    /// four significant digits.
    public var markdownText: String {
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        let numeric = columns.indices.map { index in rows.contains { $0[index].number != nil } }
        var text = "**\(title)**\n\n| " + columns.map { cell($0.key) }.joined(separator: " | ") + " |\n|"
        text += numeric.map { $0 ? "---:|" : "---|" }.joined() + "\n"
        for row in rows { text += "| " + row.map { cell($0.shortText) }.joined(separator: " | ") + " |\n" }
        return text
    }

    /// A LaTeX `table` with a booktabs `tabular` (\toprule, \midrule, \bottomrule; needs `\usepackage{booktabs}`),
    /// the title as caption; text is escaped for LaTeX, numbers go in math mode with "×10^k" exponents.
    public var latexText: String {
        let numeric = columns.indices.map { index in rows.contains { $0[index].number != nil } }
        var text = "\\begin{table}\n\\centering\n\\caption{\(latexEscaped(title))}\n"
        text += "\\begin{tabular}{" + numeric.map { $0 ? "r" : "l" }.joined() + "}\n\\toprule\n"
        text += columns.map { latexEscaped($0.key) }.joined(separator: " & ") + " \\\\\n\\midrule\n"
        for row in rows { text += row.map(latexCell).joined(separator: " & ") + " \\\\\n" }
        text += "\\bottomrule\n\\end{tabular}\n\\end{table}\n"
        return text
    }

    private func latexCell(_ value: DataValue) -> String {
        guard case .number(let number) = value else { return latexEscaped(value.shortText) }
        guard number.isFinite else { return number.isNaN ? "NaN" : (number > 0 ? "$\\infty$" : "$-\\infty$") }
        let short = String(format: "%.4g", number)
        guard let exponentIndex = short.firstIndex(of: "e") else { return "$\(short)$" }
        let mantissa = short[..<exponentIndex]
        let exponent = Int(short[short.index(after: exponentIndex)...]) ?? 0
        return "$\(mantissa) \\times 10^{\(exponent)}$"
    }
}

/// Escapes LaTeX's special characters and writes the Unicode symbols the tables use as math.
func latexEscaped(_ text: String) -> String {
    let replacements: [Character: String] = [
        "\\": "\\textbackslash{}", "&": "\\&", "%": "\\%", "$": "\\$", "#": "\\#", "_": "\\_", "{": "\\{", "}": "\\}",
        "~": "\\textasciitilde{}", "^": "\\textasciicircum{}", "∞": "$\\infty$", "δ": "$\\delta$", "λ": "$\\lambda$",
        "ρ": "$\\rho$", "σ": "$\\sigma$", "τ": "$\\tau$", "Δ": "$\\Delta$", "≤": "$\\le$", "≥": "$\\ge$", "±": "$\\pm$",
        "−": "-", "–": "--", "‖": "$\\|$", "√": "$\\surd$", "²": "$^2$", "×": "$\\times$", "γ": "$\\gamma$",
    ]
    return text.map { replacements[$0] ?? String($0) }.joined()
}

/// An array for numpy users, written as `NAME.npy`.
public struct DataArray: Sendable, Equatable {
    public var name: String
    /// One sentence for the README: what the array holds, its axes and units.
    public var description: String
    public var array: NumpyArray
    public var tolerance: Tolerance

    public init(
        _ name: String, description: String, values: [Double], shape: [Int], tolerance: Tolerance = .reproducible
    ) {
        self.name = name
        self.description = description
        self.array = NumpyArray(values: values, shape: shape)
        self.tolerance = tolerance
    }
}

/// A figure drawn from recorded tables, written as `NAME.svg`.
public struct DataFigure: Sendable {
    public var name: String
    /// One sentence under the figure in REPORT.md: what it shows and what to look for.
    public var caption: String
    public var figure: any Figure

    public init(_ name: String, caption: String, figure: any Figure) {
        self.name = name
        self.caption = caption
        self.figure = figure
    }
}

/// What a claim recorded besides its checks: its parameters, its observations as tables (one observation a
/// row), arrays for numpy and figures drawn from the tables. `fplab verify --output` writes them into the
/// claim's folder; `--compare` compares the tables and arrays with committed ones column by column.
public struct ClaimRecord: Sendable {
    /// The settings the claim ran with, in the order recorded (the manifest's "parameters").
    public var parameters: [(key: String, value: DataValue)] = []
    public var tables: [DataTable] = []
    public var arrays: [DataArray] = []
    public var figures: [DataFigure] = []
    /// One paragraph for REPORT.md: what was measured and how (the statement says what is claimed).
    public var summary: String = ""

    public init() {}

    /// Records a parameter (a grid size, a particle count, a list of step counts).
    public mutating func parameter(_ key: String, _ value: any DataValueConvertible) {
        parameters.append((key, value.dataValue))
    }

    /// Records a list parameter as comma-separated text.
    public mutating func parameter(_ key: String, list: [any DataValueConvertible]) {
        parameters.append((key, .text(list.map(\.dataValue.csvText).joined(separator: ", "))))
    }

    /// The table called `name`, or nil.
    public func table(named name: String) -> DataTable? { tables.first { $0.name == name } }
}

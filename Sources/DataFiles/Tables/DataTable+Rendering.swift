import Foundation

extension DataTable {
    /// The formats a table is written in.
    public enum Format: Sendable, Equatable {
        /// Columns separated by two spaces, aligned (`TableConventions.alignment`), trailing spaces cut.
        case text
        /// A GitHub-flavoured Markdown table, the title (when there is one) as a bold caption line above it.
        case markdown
        /// RFC 4180 CSV: a header of column keys, one row a line, numbers at full precision.
        case csv
        /// An array of objects, one a row, keyed by column key; missing and non-finite values `null`.
        case json
        /// A LaTeX `table` with a booktabs `tabular` (needs `\usepackage{booktabs}`), the title as caption.
        case latex

        /// The file name extension: txt, md, csv, json, tex.
        public var fileExtension: String {
            switch self {
            case .text: return "txt"
            case .markdown: return "md"
            case .csv: return "csv"
            case .json: return "json"
            case .latex: return "tex"
            }
        }
    }

    /// The table in `format`, every line ending in a newline (JSON: `JSONValue.rendered()`). Text, Markdown and
    /// LaTeX write numbers in each column's `style`; `conventions` says how non-finite numbers are written, which
    /// columns are right-aligned and which CSV fields are quoted.
    public func rendered(as format: Format, conventions: TableConventions = .printed) -> String {
        switch format {
        case .text: return textRendering(conventions)
        case .markdown: return markdownRendering(conventions)
        case .csv: return csvRendering(conventions)
        case .json: return jsonValue().rendered()
        case .latex: return latexRendering(conventions)
        }
    }

    /// One JSON object per row, keyed by column key; missing and non-finite values are `null`.
    public func jsonValue() -> JSONValue {
        .array(
            rows.map { row in
                .object(
                    Dictionary(zip(columns, row).map { ($0.key, $1.jsonValue) }, uniquingKeysWith: { _, last in last }))
            })
    }

    private func peopleText(_ conventions: TableConventions) -> [[String]] {
        rows.map { row in zip(columns, row).map { conventions.text($1, style: $0.style) } }
    }

    private func textRendering(_ conventions: TableConventions) -> String {
        let cells = peopleText(conventions)
        let isRight = columns.indices.map { conventions.isRightAligned($0, in: rows) }
        let widths = columns.indices.map { index in
            cells.reduce(columns[index].title.count) { max($0, $1[index].count) }
        }
        func line(_ entries: [String]) -> String {
            entries.indices.map { index in
                let padding = String(repeating: " ", count: widths[index] - entries[index].count)
                return isRight[index] ? padding + entries[index] : entries[index] + padding
            }
            .joined(separator: "  ")
            .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        return ([line(columns.map(\.title))] + cells.map(line)).map { $0 + "\n" }.joined()
    }

    private func markdownRendering(_ conventions: TableConventions) -> String {
        func escape(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        func line(_ entries: [String]) -> String { "| " + entries.map(escape).joined(separator: " | ") + " |\n" }
        var text = title.isEmpty ? "" : "**\(title)**\n\n"
        text += line(columns.map(\.title))
        text += "|" + columns.indices.map { conventions.isRightAligned($0, in: rows) ? "---:|" : "---|" }.joined()
        text += "\n" + peopleText(conventions).map(line).joined()
        return text
    }

    private func csvRendering(_ conventions: TableConventions) -> String {
        var text = columns.map { conventions.csvQuoted($0.key) }.joined(separator: ",") + "\n"
        for row in rows { text += row.map(conventions.csvField).joined(separator: ",") + "\n" }
        return text
    }

    private func latexRendering(_ conventions: TableConventions) -> String {
        var text = "\\begin{table}\n\\centering\n"
        if !title.isEmpty { text += "\\caption{\(Self.latexEscaped(title))}\n" }
        let alignments = columns.indices.map { conventions.isRightAligned($0, in: rows) ? "r" : "l" }
        text += "\\begin{tabular}{" + alignments.joined() + "}\n\\toprule\n"
        text += columns.map { Self.latexEscaped($0.title) }.joined(separator: " & ") + " \\\\\n\\midrule\n"
        for row in rows {
            text += zip(columns, row).map { latexCell($1, style: $0.style, conventions) }.joined(separator: " & ")
            text += " \\\\\n"
        }
        text += "\\bottomrule\n\\end{tabular}\n\\end{table}\n"
        return text
    }

    /// A number in math mode with "×10^k" for an exponent; text escaped (`latexEscaped`).
    private func latexCell(_ value: DataValue, style: NumberStyle, _ conventions: TableConventions) -> String {
        guard case .number(let number) = value else { return Self.latexEscaped(conventions.text(value, style: style)) }
        guard number.isFinite else {
            guard conventions.nonFiniteNumbers == .spelled else { return NumberStyle.nonFiniteText }
            return number.isNaN ? "NaN" : (number > 0 ? "$\\infty$" : "$-\\infty$")
        }
        let short = style.format(number)
        guard let exponentIndex = short.firstIndex(of: "e") else { return "$\(short)$" }
        let mantissa = short[..<exponentIndex]
        let exponent = Int(short[short.index(after: exponentIndex)...]) ?? 0
        return "$\(mantissa) \\times 10^{\(exponent)}$"
    }

    /// Escapes LaTeX's special characters and writes the Unicode symbols the tables use as math.
    public static func latexEscaped(_ text: String) -> String {
        let replacements: [Character: String] = [
            "\\": "\\textbackslash{}", "&": "\\&", "%": "\\%", "$": "\\$", "#": "\\#", "_": "\\_", "{": "\\{",
            "}": "\\}", "~": "\\textasciitilde{}", "^": "\\textasciicircum{}", "∞": "$\\infty$", "δ": "$\\delta$",
            "λ": "$\\lambda$", "ρ": "$\\rho$", "σ": "$\\sigma$", "τ": "$\\tau$", "Δ": "$\\Delta$", "≤": "$\\le$",
            "≥": "$\\ge$", "±": "$\\pm$", "−": "-", "–": "--", "‖": "$\\|$", "√": "$\\surd$", "²": "$^2$",
            "×": "$\\times$", "γ": "$\\gamma$",
        ]
        return text.map { replacements[$0] ?? String($0) }.joined()
    }
}

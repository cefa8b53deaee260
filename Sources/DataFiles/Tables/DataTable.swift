/// Rows of named columns, one observation a row: the one table type of fplab, for the tables the commands print
/// and write and for the tables `fplab verify` records.
///
/// Each column (`DataColumn`) has a key for machines (CSV header, JSON keys), a title for people, a description,
/// a number style and a comparison tolerance; each cell (`DataValue`) is a number, an integer, text or missing.
/// `rendered(as:conventions:)` writes it as aligned text, GitHub Markdown, CSV (RFC 4180), JSON or a LaTeX
/// booktabs table; the rules in which the commands' output and the recorded data differ are `TableConventions`.
public struct DataTable: Sendable, Equatable {
    /// The file name stem of a recorded table (snake_case or kebab-case, no extension); empty for a printed one.
    public var name: String
    /// One sentence, what a row is: the caption of the Markdown and LaTeX renderings; empty for none.
    public var title: String
    public var columns: [DataColumn]
    /// The cells, row by row, in column order.
    public var rows: [[DataValue]] = []

    /// A table a command prints.
    public init(columns: [DataColumn]) {
        self.init("", title: "", columns: columns)
    }

    /// A recorded table, written as `NAME.csv`, `NAME.md` and `NAME.tex`.
    public init(_ name: String, title: String, columns: [DataColumn]) {
        self.name = name
        self.title = title
        self.columns = columns
    }

    /// Appends one row of cells, in column order.
    public mutating func append(_ row: [DataValue]) {
        precondition(
            row.count == columns.count, "DataTable \(name): a row of \(row.count) cells for \(columns.count) columns")
        rows.append(row)
    }

    /// Appends one row; the values are in column order.
    public mutating func append(_ values: any DataValueConvertible...) {
        append(values.map(\.dataValue))
    }

    /// The column called `key`, or nil.
    public func columnIndex(_ key: String) -> Int? { columns.firstIndex { $0.key == key } }

    /// The numbers of column `key`, in row order (text and missing cells give NaN).
    public func numbers(_ key: String) -> [Double] {
        guard let index = columnIndex(key) else { return [] }
        return rows.map { $0[index].number ?? .nan }
    }
}

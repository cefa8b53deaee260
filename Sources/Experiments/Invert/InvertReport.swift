import DataFiles
import Reporting

/// A report with more than one table, or with a table too long to print whole: text and Markdown may show a
/// thinned table, CSV and JSON always hold every row. Written to a folder, `manifest.json` (the JSON plus a "files"
/// list) and `files` go together (`commandReport` carries both).
public struct InvertReport: Sendable {
    public struct Section: Sendable {
        /// A heading for people (text, Markdown); CSV separates sections by a blank line instead.
        public var title: String
        public var table: DataTable
        /// The rows shown in text and Markdown (all when nil).
        public var shownRows: DataTable?
    }

    public var summary: [String]
    public var sections: [Section]
    public var closing: [String]
    public var json: JSONValue
    public var files: [OutputFile]

    public func rendered(as format: OutputFormat) -> String {
        switch format {
        case .json:
            return json.rendered()
        case .csv:
            return sections.map { $0.table.rendered(as: .csv) }.joined(separator: "\n")
        case .markdown:
            return sections.map { section in
                let title = section.title.isEmpty ? "" : "### \(section.title)\n\n"
                return title + (section.shownRows ?? section.table).rendered(as: .markdown)
            }.joined(separator: "\n")
        case .text:
            var text = summary.map { $0 + "\n" }.joined()
            for section in sections {
                text += "\n"
                if !section.title.isEmpty { text += section.title + "\n" }
                text += (section.shownRows ?? section.table).rendered(as: .text)
            }
            if !closing.isEmpty { text += "\n" + closing.map { $0 + "\n" }.joined() }
            return text
        }
    }

    /// The same summary, JSON and files as a `CommandReport` whose one table is the first section's: what an
    /// output folder is written from (the manifest and the files; the tables of the other sections are among the
    /// files).
    public var commandReport: CommandReport {
        CommandReport(
            summary: summary, table: sections.first?.table ?? DataTable(columns: []), closing: closing, json: json,
            files: files
        )
    }

    /// At most `limit` rows of `table`, evenly spaced, the first and the last always included.
    static func thinned(_ table: DataTable, limit: Int) -> DataTable? {
        guard table.rows.count > limit, limit >= 2 else { return nil }
        var thinned = DataTable(columns: table.columns)
        let last = table.rows.count - 1
        var previous = -1
        for slot in 0..<limit {
            let index = Int((Double(slot) * Double(last) / Double(limit - 1)).rounded())
            if index != previous { thinned.append(table.rows[index]) }
            previous = index
        }
        return thinned
    }
}

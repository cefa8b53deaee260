import DataFiles

/// What a subcommand measured, in a form every output format can render.
///
/// - text: the summary lines, a blank line, the table, a blank line, the closing lines;
/// - markdown and csv: the table alone (to paste into a document or read with a CSV reader);
/// - json: `json`, one object (its keys are the command's contract with scripts).
/// With `--output`, `manifest.json` is `json` plus a "files" list, and `files` are written beside it.
public struct CommandReport: Sendable {
    /// Lines above the table in text output (what was run).
    public var summary: [String]
    public var table: DataTable
    /// Lines below the table in text output (how it ended, timing, notes).
    public var closing: [String]
    /// The `--format json` object.
    public var json: JSONValue
    /// Extra files for `--output` (e.g. "density.csv").
    public var files: [OutputFile]

    public init(summary: [String], table: DataTable, closing: [String], json: JSONValue, files: [OutputFile] = []) {
        self.summary = summary
        self.table = table
        self.closing = closing
        self.json = json
        self.files = files
    }

    public func rendered(as format: OutputFormat) -> String {
        switch format {
        case .text:
            var text = summary.map { $0 + "\n" }.joined()
            if !summary.isEmpty { text += "\n" }
            text += table.rendered(as: .text)
            if !closing.isEmpty { text += "\n" + closing.map { $0 + "\n" }.joined() }
            return text
        case .markdown:
            return table.rendered(as: .markdown)
        case .csv:
            return table.rendered(as: .csv)
        case .json:
            return json.rendered()
        }
    }
}

import DataFiles
import Reporting

/// The files of a command's tables (the regimes and orders commands).
enum TableFiles {
    /// `stem`.csv, .md and .tex.
    static func tableFiles(_ table: DataTable, stem: String) -> [OutputFile] {
        [DataTable.Format.csv, .markdown, .latex].map { format in
            OutputFile(name: "\(stem).\(format.fileExtension)", contents: table.rendered(as: format))
        }
    }
}

import DataFiles
import Testing

/// The one CSV reader in its two dialects: RFC 4180 for the tables fplab writes, the looser rules of point files.
@Suite struct CSVReaderTests {
    func records(_ text: String, _ dialect: CSVDialect) throws -> [CSVReader.Record] {
        var reader = CSVReader(text, dialect: dialect)
        var records: [CSVReader.Record] = []
        while let record = try reader.next() { records.append(record) }
        return records
    }

    func failure(_ text: String, _ dialect: CSVDialect) -> String? {
        do {
            _ = dialect == .rfc4180 ? try CSVReader.table(text) : try records(text, dialect).map(\.fields)
            return nil
        } catch { return (error as? CSVFormatError)?.description }
    }

    @Test func tablesReadQuotedFields() throws {
        #expect(
            try CSVReader.table("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n1,\n")
                == [["a", "b"], ["x, y", "say \"hi\""], ["1", ""]])
        #expect(
            try CSVReader.table("a,b\r\n\"two\nlines\",2\r\n3,4") == [["a", "b"], ["two\nlines", "2"], ["3", "4"]])
    }

    @Test(arguments: [
        ("\u{FEFF}a\n", "starts with a byte-order mark"),
        ("", "is empty (no header)"),
        ("a,b\n1\"2,3\n", "line 2: a quote inside an unquoted field"),
        ("a,b\n\"1\"x,3\n", "line 2: text after a closing quote"),
        ("a,b\n\"1,3\n", "line 2: a quoted field is never closed"),
        ("a,b\n1\r2,3\n", "line 2: a carriage return not followed by a line feed"),
        ("a,a\n1,2\n", "line 1: the header names the column 'a' twice"),
        ("a,b\n\"x\ny\",2\n1\n", "line 4: 1 fields, the header has 2"),
    ])
    func tablesRefuse(_ text: String, _ message: String) {
        #expect(failure(text, .rfc4180) == message)
    }

    /// Point files: a BOM dropped, blank and comment lines skipped, spaces around fields ignored, every line
    /// break Swift knows ending a record, records numbered by line.
    @Test func pointFilesSkipBlankAndCommentLines() throws {
        let read = try records("\u{FEFF}x, y\n\n# a comment\n \"1.5\" , 2 \r\n3,4\u{2028}5,6", .pointFile)
        #expect(read.map(\.fields) == [["x", "y"], ["1.5", "2"], ["3", "4"], ["5", "6"]])
        #expect(read.map(\.line) == [1, 4, 5, 6])
    }

    @Test(arguments: [
        ("1,2\n\"3,4\n", "line 2, field 1: a quoted field is not closed on its line"),
        ("1,\"2\"x\n", "line 1, field 2: text after the closing quote"),
        ("1\"2,3\n", "line 1, field 1: a quote inside an unquoted field"),
    ])
    func pointFilesRefuse(_ text: String, _ message: String) {
        #expect(failure(text, .pointFile) == message)
    }
}

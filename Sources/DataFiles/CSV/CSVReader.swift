import Foundation

/// The two sets of rules fplab reads CSV by: its own tables, and point files written by people or other tools.
public enum CSVDialect: Sendable, Equatable {
    /// RFC 4180, as fplab writes its tables: fields separated by commas, a quoted field may hold commas, doubled
    /// quotes and line breaks; records end with LF or CRLF. Refused: a byte-order mark, a quote inside an
    /// unquoted field, text after a closing quote, a quote never closed, a lone carriage return. Read Unicode
    /// scalar by scalar (the same as byte by byte: the separators are ASCII).
    case rfc4180
    /// Point files: one record a line (a line ends at any line break Swift knows: LF, CR LF, CR, U+0085, U+2028
    /// ...), the line trimmed of spaces; blank lines and lines starting with `#` skipped; a leading byte-order
    /// mark dropped; spaces and tabs around a field ignored; a field may be quoted ("1.5", with "" for a quote
    /// inside) but a quote never spans lines. Read character by character (grapheme clusters, as Swift compares
    /// text: a quote carrying a combining mark is text).
    case pointFile
}

/// Why CSV text is malformed: what went wrong and where (1-based line, and for point files the field). The
/// description leaves out the file's name, which the caller puts in front: "'points.csv' line 3, field 2: ...".
public struct CSVFormatError: Error, CustomStringConvertible, Equatable {
    public enum Problem: Sendable, Equatable {
        case byteOrderMark
        case quoteInsideUnquotedField
        case textAfterClosingQuote
        case unclosedQuotedField
        case carriageReturnWithoutLineFeed
        /// No record at all: a table needs its header.
        case noHeader
        /// The header names a column twice (the name).
        case repeatedColumn(String)
        /// A record with `count` fields under a header of `headerCount`.
        case fieldCount(Int, headerCount: Int)
    }

    public let problem: Problem
    public let dialect: CSVDialect
    public let line: Int
    /// The field the problem is in (1-based); named in point-file messages only.
    public let field: Int

    public var description: String {
        let place = dialect == .pointFile ? "line \(line), field \(field)" : "line \(line)"
        switch problem {
        case .byteOrderMark: return "starts with a byte-order mark"
        case .quoteInsideUnquotedField: return "\(place): a quote inside an unquoted field"
        case .textAfterClosingQuote:
            return "\(place): text after \(dialect == .pointFile ? "the" : "a") closing quote"
        case .unclosedQuotedField:
            return "\(place): a quoted field is \(dialect == .pointFile ? "not closed on its line" : "never closed")"
        case .carriageReturnWithoutLineFeed: return "\(place): a carriage return not followed by a line feed"
        case .noHeader: return "is empty (no header)"
        case .repeatedColumn(let name): return "\(place): the header names the column '\(name.prefix(40))' twice"
        case .fieldCount(let count, let headerCount): return "\(place): \(count) fields, the header has \(headerCount)"
        }
    }
}

/// One CSV reader for every CSV file fplab reads, record by record, under a `CSVDialect`.
///
/// `next()` gives the records in order with the line each starts on, so that a caller checking the values
/// (`PointSet`) reports the first bad line before reading the rest; `table(_:)` reads a whole table of the
/// RFC 4180 dialect and checks its header. Quotes are removed from quoted fields (`"a ""b"""` is `a "b"`).
/// Cost: O(length) time; memory for one record at a time besides the text.
public struct CSVReader {
    /// One record: its fields and the 1-based line it starts on.
    public struct Record: Sendable, Equatable {
        public var line: Int
        public var fields: [String]
    }

    public let dialect: CSVDialect
    /// The text read: for point files without a leading byte-order mark.
    public let content: Substring
    /// Where reading goes on, and the line it is on.
    private var position: Substring.Index
    private var line = 1
    private var isFinished = false

    public init(_ text: String, dialect: CSVDialect) {
        var content = Substring(text)
        if dialect == .pointFile, content.first == "\u{FEFF}" { content = content.dropFirst() }
        self.dialect = dialect
        self.content = content
        self.position = content.startIndex
    }

    /// The next record, or nil at the end of the text.
    public mutating func next() throws -> Record? {
        guard !isFinished else { return nil }
        switch dialect {
        case .rfc4180: return try nextRecord()
        case .pointFile: return try nextLine()
        }
    }

    /// Every record of an RFC 4180 table with a header; refused besides the dialect's malformed text: an empty
    /// text, a header naming a column twice, a record whose field count differs from the header's.
    public static func table(_ text: String) throws -> [[String]] {
        var reader = CSVReader(text, dialect: .rfc4180)
        var records: [Record] = []
        while let record = try reader.next() { records.append(record) }
        func error(_ problem: CSVFormatError.Problem, line: Int) -> CSVFormatError {
            CSVFormatError(problem: problem, dialect: .rfc4180, line: line, field: 0)
        }
        guard let header = records.first?.fields else { throw error(.noHeader, line: 1) }
        if let repeated = header.enumerated().first(where: { header[..<$0.offset].contains($0.element) }) {
            throw error(.repeatedColumn(repeated.element), line: 1)
        }
        for record in records where record.fields.count != header.count {
            throw error(.fieldCount(record.fields.count, headerCount: header.count), line: record.line)
        }
        return records.map(\.fields)
    }

    /// RFC 4180: scalar by scalar up to the LF that ends the record outside quotes.
    private mutating func nextRecord() throws -> Record? {
        let scalars = content.unicodeScalars
        if position == content.startIndex, scalars.first == "\u{FEFF}" { throw error(.byteOrderMark, field: 0) }
        var scanner = FieldScanner(dialect: dialect)
        let recordLine = line
        while position < scalars.endIndex {
            let scalar = scalars[position]
            position = scalars.index(after: position)
            if scanner.state == .quoted {
                if scalar == "\n" { line += 1 }
                try scanner.take(scalar, line: line)
                continue
            }
            switch scalar {
            case "\r":
                guard position < scalars.endIndex, scalars[position] == "\n" else {
                    throw error(.carriageReturnWithoutLineFeed, field: 0)
                }
            case "\n":
                line += 1
                return Record(line: recordLine, fields: scanner.endRecord())
            default: try scanner.take(scalar, line: line)
            }
        }
        isFinished = true
        guard scanner.state != .quoted else {
            throw CSVFormatError(problem: .unclosedQuotedField, dialect: dialect, line: recordLine, field: 0)
        }
        return scanner.hasContent ? Record(line: recordLine, fields: scanner.endRecord()) : nil
    }

    /// Point files: line by line, skipping blank and comment lines.
    private mutating func nextLine() throws -> Record? {
        while !isFinished {
            let rest = content[position...]
            let text: Substring
            if let end = rest.firstIndex(where: \.isNewline) {
                text = rest[..<end]
                position = rest.index(after: end)
            } else {
                text = rest
                isFinished = true
            }
            defer { line += 1 }
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            var scanner = FieldScanner(dialect: dialect)
            for character in trimmed { try scanner.take(character, line: line) }
            guard scanner.state != .quoted else {
                throw error(.unclosedQuotedField, field: scanner.fields.count + 1)
            }
            return Record(line: line, fields: scanner.endRecord())
        }
        return nil
    }

    private func error(_ problem: CSVFormatError.Problem, field: Int) -> CSVFormatError {
        CSVFormatError(problem: problem, dialect: dialect, line: line, field: field)
    }
}

/// A unit of text the field scanner reads: a Unicode scalar (RFC 4180) or a character (point files).
private protocol CSVTextUnit: Equatable, ExpressibleByUnicodeScalarLiteral {
    func append(to field: inout String)
}

extension CSVTextUnit {
    var isQuote: Bool { self == "\"" }
    var isComma: Bool { self == "," }
    /// A space or a tab.
    var isBlank: Bool { self == " " || self == "\t" }
}

extension Unicode.Scalar: CSVTextUnit {
    fileprivate func append(to field: inout String) { field.unicodeScalars.append(self) }
}

extension Character: CSVTextUnit {
    fileprivate func append(to field: inout String) { field.append(self) }
}

/// The fields of one record, unit by unit: the quoting rules both dialects share; point files also ignore
/// spaces and tabs around a field (a field that is not quoted is trimmed of spaces).
private struct FieldScanner {
    enum State { case start, plain, quoted, afterQuote }

    let dialect: CSVDialect
    var state = State.start
    var field = ""
    var fields: [String] = []

    init(dialect: CSVDialect) { self.dialect = dialect }

    /// Whether the record holds anything yet (text at the end of a file without a final line break).
    var hasContent: Bool { !field.isEmpty || !fields.isEmpty || state == .afterQuote }

    mutating func take(_ unit: some CSVTextUnit, line: Int) throws {
        func error(_ problem: CSVFormatError.Problem) -> CSVFormatError {
            CSVFormatError(problem: problem, dialect: dialect, line: line, field: fields.count + 1)
        }
        if state == .quoted {
            if unit.isQuote { state = .afterQuote } else { unit.append(to: &field) }
            return
        }
        if unit.isQuote {
            switch state {
            case .afterQuote:
                field.append("\"")
                state = .quoted
            case .start: state = .quoted
            default: throw error(.quoteInsideUnquotedField)
            }
            return
        }
        if unit.isComma {
            endField()
            return
        }
        if dialect == .pointFile, state == .start || state == .afterQuote, unit.isBlank { return }
        guard state != .afterQuote else { throw error(.textAfterClosingQuote) }
        unit.append(to: &field)
        state = .plain
    }

    mutating func endField() {
        let trims = dialect == .pointFile && state == .plain
        fields.append(trims ? field.trimmingCharacters(in: .whitespaces) : field)
        field = ""
        state = .start
    }

    mutating func endRecord() -> [String] {
        endField()
        defer { fields = [] }
        return fields
    }
}

import Foundation

/// Where and why a JSON text could not be read: "line 3, column 12: expected ',' or '}' after a member".
public struct JSONSyntaxError: Error, CustomStringConvertible, Equatable {
    public let line: Int
    public let column: Int
    public let reason: String
    public var description: String { "line \(line), column \(column): \(reason)" }
}

extension JSONValue {
    /// How the reader hands on numbers.
    public enum NumberReading: Sendable {
        /// Integers that fit in `Int` become `.integer`, larger ones that fit in `UInt64` `.unsignedInteger`,
        /// every other number `.number`; a number beyond the range of `Double` (`1e999`) is an error.
        case values
        /// Every number becomes `.numberLiteral` with its text exactly as written (`007` is still refused):
        /// for a reader that passes numbers on as text, as a configuration passes them to options, so that the
        /// option's own check sees `18446744073709551615` or `1e999` rather than a rounded double.
        case literals
    }

    /// The deepest nesting of arrays and objects read: 512 levels.
    ///
    /// The documents read here are shallow (configurations 3 levels, the committed manifests at most 5, the
    /// parser's own description of the tool 9), so the limit only has to stop a hostile text. The reader
    /// recurses once per level, about 0.6 KiB of stack a level in a release build (measured with `ulimit -s`:
    /// `fplab run` on objects nested 511 deep needs a 352 KiB stack, on a flat file 64 KiB), so 512 levels take
    /// about 300 KiB: far inside the 8 MiB main-thread stack the tool reads its inputs on, and inside the 512 KiB
    /// of a secondary thread on macOS; freeing a nested value recurses the same way. Foundation's
    /// `JSONSerialization` stops at 512 levels too ("Too many nested arrays or dictionaries"), so the readers agree.
    public static let maximumDepth = 512

    /// Reads a JSON text (RFC 8259) into a value. Stricter than the RFC in one way: a key given twice in one
    /// object is an error (it would hide a typo). A byte-order mark is not JSON (RFC 8259 §8.1); the UTF-8
    /// decoding of `InputFile.readText` drops a leading one before the text gets here. Escapes are checked: a
    /// `\u` high surrogate must be followed by a `\u` low surrogate, and a lone
    /// low surrogate is refused. Errors give the 1-based line and column (columns count Unicode scalars; a line
    /// ends at LF, CR LF or CR). Cost: O(length) time, recursion depth at most `maximumDepth`.
    public static func parse(_ text: String, numbers: NumberReading = .values) throws -> JSONValue {
        var text = text
        return try text.withUTF8 { bytes in
            var reader = JSONReader(bytes: bytes, numbers: numbers)
            reader.skipWhitespace()
            let value = try reader.value()
            reader.skipWhitespace()
            guard reader.position == bytes.count else { throw reader.error("unexpected text after the JSON value") }
            return value
        }
    }
}

/// The reader: one pass over the UTF-8 bytes of a valid Swift string (so multi-byte sequences need no checking;
/// outside strings only ASCII is JSON).
private struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let numbers: JSONValue.NumberReading
    var position = 0
    var depth = 0

    init(bytes: UnsafeBufferPointer<UInt8>, numbers: JSONValue.NumberReading) {
        self.bytes = bytes
        self.numbers = numbers
    }

    /// The error at `position` (or at `at`), with its line and column.
    func error(_ reason: String, at errorPosition: Int? = nil) -> JSONSyntaxError {
        let end = min(errorPosition ?? position, bytes.count)
        var line = 1
        var column = 1
        var index = 0
        while index < end {
            let byte = bytes[index]
            if byte == 0x0A || (byte == 0x0D && (index + 1 >= bytes.count || bytes[index + 1] != 0x0A)) {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        return JSONSyntaxError(line: line, column: column, reason: reason)
    }

    var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    /// The character at `position` for a message: 'x' when printable ASCII, otherwise U+XXXX.
    var currentDescription: String {
        guard position < bytes.count else { return "the end of the text" }
        var end = position + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        let scalar = String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<end]), as: UTF8.self)
            .unicodeScalars.first!
        if (0x21...0x7E).contains(scalar.value) { return "'\(scalar)'" }
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
    }

    mutating func expect(_ word: StaticString) throws {
        let start = position
        for index in 0..<word.utf8CodeUnitCount {
            guard current == word.utf8Start[index] else {
                throw error("expected '\(word)' (JSON's literals are true, false and null)", at: start)
            }
            position += 1
        }
    }

    mutating func value() throws -> JSONValue {
        guard let byte = current else { throw error("unexpected end of the text; a value was expected") }
        switch byte {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"):
            try expect("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expect("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expect("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        case UInt8(ascii: "'"): throw error("unexpected character '; JSON strings take double quotes")
        case UInt8(ascii: "/"): throw error("unexpected character '/'; JSON has no comments")
        default: throw error("unexpected character \(currentDescription); a value was expected")
        }
    }

    /// One more level of nesting, refused past `JSONValue.maximumDepth` (the caller decrements `depth`).
    mutating func enterLevel() throws {
        guard depth < JSONValue.maximumDepth else {
            throw error("arrays and objects nested deeper than \(JSONValue.maximumDepth) levels")
        }
        depth += 1
    }

    mutating func object() throws -> JSONValue {
        try enterLevel()
        defer { depth -= 1 }
        position += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else {
                if current == UInt8(ascii: "}") { throw error("a comma before '}'; JSON allows no trailing comma") }
                throw error("expected a key in double quotes, found \(currentDescription)")
            }
            let keyPosition = position
            let key = try string()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else {
                throw error("expected ':' after the key \(JSONValue.quoted(key)), found \(currentDescription)")
            }
            position += 1
            skipWhitespace()
            let member = try value()
            if members[key] != nil { throw error("the key \(JSONValue.quoted(key)) appears twice", at: keyPosition) }
            members[key] = member
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
                continue
            }
            if current == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            }
            throw error("expected ',' or '}' after the value of \(JSONValue.quoted(key)), found \(currentDescription)")
        }
    }

    mutating func array() throws -> JSONValue {
        try enterLevel()
        defer { depth -= 1 }
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            if current == UInt8(ascii: "]") { throw error("a comma before ']'; JSON allows no trailing comma") }
            elements.append(try value())
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
                continue
            }
            if current == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            }
            throw error("expected ',' or ']' in an array, found \(currentDescription)")
        }
    }

    mutating func string() throws -> String {
        let start = position
        position += 1
        var text: [UInt8] = []
        while let byte = current {
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: text, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try escape(into: &text)
            case 0..<0x20:
                throw error(
                    "a control character (\(currentDescription)) inside a string; write it as an escape "
                        + "such as \\n or \\u0009")
            default:
                text.append(byte)
                position += 1
            }
        }
        throw error("unterminated string (no closing '\"')", at: start)
    }

    /// One escape sequence at `position` (the backslash), its character appended as UTF-8.
    mutating func escape(into text: inout [UInt8]) throws {
        let start = position
        position += 1
        guard let escaped = current else { throw error("unfinished escape at the end of the text", at: start) }
        position += 1
        let simple: UInt8
        switch escaped {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): simple = escaped
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"):
            var code = try hexQuad()
            if (0xDC00...0xDFFF).contains(code) {
                throw error(
                    "a lone low surrogate \\u\(hex(code)); it must follow a high surrogate "
                        + "(\\uD800 to \\uDBFF)", at: start)
            }
            if (0xD800...0xDBFF).contains(code) {
                guard current == UInt8(ascii: "\\"), position + 1 < bytes.count,
                    bytes[position + 1] == UInt8(ascii: "u")
                else {
                    throw error(
                        "the high surrogate \\u\(hex(code)) is not followed by a low surrogate "
                            + "(\\uDC00 to \\uDFFF)", at: start)
                }
                position += 2
                let low = try hexQuad()
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw error(
                        "the high surrogate \\u\(hex(code)) is followed by \\u\(hex(low)), not by a low "
                            + "surrogate (\\uDC00 to \\uDFFF)", at: start)
                }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            }
            text.append(contentsOf: String(Unicode.Scalar(code)!).utf8)
            return
        default:
            throw error(
                "invalid escape '\\' then \(describe(escaped)); the escapes are \\\" \\\\ \\/ \\b \\f \\n "
                    + "\\r \\t and \\uXXXX", at: start)
        }
        text.append(simple)
    }

    /// Four hexadecimal digits after `\u`.
    mutating func hexQuad() throws -> UInt32 {
        var code: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current, let digit = Self.hexDigit(byte) else {
                throw error("expected four hexadecimal digits after \\u, found \(currentDescription)")
            }
            code = code << 4 | digit
            position += 1
        }
        return code
    }

    static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    func hex(_ code: UInt32) -> String {
        let digits = String(code, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "a byte 0x\(hex(UInt32(byte)))"
    }

    func isDigit(_ byte: UInt8?) -> Bool { byte.map { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } ?? false }

    mutating func skipDigits() { while isDigit(current) { position += 1 } }

    /// RFC 8259: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    mutating func number() throws -> JSONValue {
        let start = position
        var isInteger = true
        if current == UInt8(ascii: "-") { position += 1 }
        guard isDigit(current) else { throw error("expected a digit after '-', found \(currentDescription)") }
        if current == UInt8(ascii: "0") {
            position += 1
            if isDigit(current) {
                throw error(
                    "a number with a leading zero; JSON numbers do not start with 0 unless they are 0 "
                        + "(write 7, not 007)", at: start)
            }
        } else {
            skipDigits()
        }
        if current == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard isDigit(current) else { throw error("expected a digit after '.', found \(currentDescription)") }
            skipDigits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard isDigit(current) else { throw error("expected a digit in the exponent, found \(currentDescription)") }
            skipDigits()
        }
        let literal = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        if numbers == .literals { return .numberLiteral(literal) }
        if isInteger, let integer = Int(literal) { return .integer(integer) }
        if isInteger, let integer = UInt64(literal) { return .unsignedInteger(integer) }
        guard let number = Double(literal), number.isFinite else {
            let shown = literal.count > 40 ? literal.prefix(40) + "…" : literal[...]
            throw error(
                "the number \(shown) is beyond the range of a double (magnitude at most "
                    + "\(Double.greatestFiniteMagnitude))", at: start)
        }
        return .number(number)
    }
}

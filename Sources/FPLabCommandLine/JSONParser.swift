import Foundation

/// Where and why a JSON text could not be read: "line 3, column 12: expected ',' or '}' after a member".
public struct JSONSyntaxError: Error, CustomStringConvertible, Equatable {
    public let line: Int
    public let column: Int
    public let reason: String
    public var description: String { "line \(line), column \(column): \(reason)" }
}

extension JSONValue {
    /// Reads a JSON text (RFC 8259) into a value: integers without fraction or exponent that fit in `Int` become
    /// `.integer`, other numbers `.number`; a key given twice in one object is an error (it would hide a typo).
    /// Errors give the 1-based line and column. Cost: O(length), recursive in the nesting depth.
    public static func parse(_ text: String) throws -> JSONValue {
        var reader = JSONReader(scalars: Array(text.unicodeScalars))
        reader.skipWhitespace()
        let value = try reader.value()
        reader.skipWhitespace()
        guard reader.position == reader.scalars.count else { throw reader.error("unexpected text after the JSON value") }
        return value
    }
}

private struct JSONReader {
    let scalars: [Unicode.Scalar]
    var position = 0

    init(scalars: [Unicode.Scalar]) { self.scalars = scalars }

    func error(_ reason: String) -> JSONSyntaxError {
        var line = 1, column = 1
        for scalar in scalars[..<min(position, scalars.count)] {
            if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return JSONSyntaxError(line: line, column: column, reason: reason)
    }

    var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    mutating func skipWhitespace() {
        while let scalar = current, scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" { position += 1 }
    }

    mutating func expect(_ word: String) throws {
        for scalar in word.unicodeScalars {
            guard current == scalar else { throw error("expected '\(word)'") }
            position += 1
        }
    }

    mutating func value() throws -> JSONValue {
        guard let scalar = current else { throw error("unexpected end of the text; a value was expected") }
        switch scalar {
        case "{": return try object()
        case "[": return try array()
        case "\"": return .string(try string())
        case "t": try expect("true"); return .bool(true)
        case "f": try expect("false"); return .bool(false)
        case "n": try expect("null"); return .null
        case "-", "0"..."9": return try number()
        default: throw error("unexpected character '\(scalar)'; a value was expected")
        }
    }

    mutating func object() throws -> JSONValue {
        position += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if current == "}" { position += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard current == "\"" else { throw error("expected a key in double quotes") }
            let keyPosition = position
            let key = try string()
            skipWhitespace()
            guard current == ":" else { throw error("expected ':' after the key \"\(key)\"") }
            position += 1
            skipWhitespace()
            let member = try value()
            if members[key] != nil {
                position = keyPosition
                throw error("the key \"\(key)\" appears twice")
            }
            members[key] = member
            skipWhitespace()
            if current == "," { position += 1; continue }
            if current == "}" { position += 1; return .object(members) }
            throw error("expected ',' or '}' after the value of \"\(key)\"")
        }
    }

    mutating func array() throws -> JSONValue {
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == "]" { position += 1; return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try value())
            skipWhitespace()
            if current == "," { position += 1; continue }
            if current == "]" { position += 1; return .array(elements) }
            throw error("expected ',' or ']' in an array")
        }
    }

    mutating func string() throws -> String {
        position += 1
        var text = String.UnicodeScalarView()
        while let scalar = current {
            position += 1
            switch scalar {
            case "\"": return String(text)
            case "\\":
                guard let escaped = current else { throw error("unfinished escape") }
                position += 1
                switch escaped {
                case "\"": text.append("\"")
                case "\\": text.append("\\")
                case "/": text.append("/")
                case "b": text.append("\u{08}")
                case "f": text.append("\u{0C}")
                case "n": text.append("\n")
                case "r": text.append("\r")
                case "t": text.append("\t")
                case "u":
                    var code = try hexQuad()
                    if (0xD800..<0xDC00).contains(code), current == "\\" {
                        position += 1
                        try expect("u")
                        let low = try hexQuad()
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let decoded = Unicode.Scalar(code) else { throw error("invalid \\u escape") }
                    text.append(decoded)
                default: throw error("invalid escape '\\\(escaped)'")
                }
            case _ where scalar.value < 0x20: throw error("a control character inside a string (write \\n for a line break)")
            default: text.append(scalar)
            }
        }
        throw error("unterminated string")
    }

    mutating func hexQuad() throws -> UInt32 {
        var code: UInt32 = 0
        for _ in 0..<4 {
            guard let scalar = current, let digit = UInt32(String(scalar), radix: 16) else { throw error("expected four hex digits after \\u") }
            code = code * 16 + digit
            position += 1
        }
        return code
    }

    mutating func number() throws -> JSONValue {
        let start = position
        var isInteger = true
        if current == "-" { position += 1 }
        guard let first = current, ("0"..."9").contains(first) else { throw error("expected a digit") }
        while let scalar = current, ("0"..."9").contains(scalar) { position += 1 }
        if current == "." {
            isInteger = false
            position += 1
            guard let scalar = current, ("0"..."9").contains(scalar) else { throw error("expected a digit after '.'") }
            while let scalar = current, ("0"..."9").contains(scalar) { position += 1 }
        }
        if current == "e" || current == "E" {
            isInteger = false
            position += 1
            if current == "+" || current == "-" { position += 1 }
            guard let scalar = current, ("0"..."9").contains(scalar) else { throw error("expected a digit in the exponent") }
            while let scalar = current, ("0"..."9").contains(scalar) { position += 1 }
        }
        let literal = String(String.UnicodeScalarView(scalars[start..<position]))
        if isInteger, let integer = Int(literal) { return .integer(integer) }
        guard let number = Double(literal) else { throw error("invalid number '\(literal)'") }
        return .number(number)
    }
}

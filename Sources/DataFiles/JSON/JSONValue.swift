/// A JSON document built in memory and written by hand, so that the output is the same on every platform.
///
/// Writing rules: object keys sorted; doubles at full precision (Swift's shortest representation that reads back
/// to the same value, e.g. `0.1`, `1e-12`); NaN and infinities become `null`, never a crash; strings escaped
/// per RFC 8259. Build values with literals: `["status": "completed", "steps": 403, "l1_error": .number(x)]`.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    case unsignedInteger(UInt64)
    case number(Double)
    /// A number exactly as written in a JSON text (`18446744073709551615`, `1e999`, `-0`), from
    /// `parse(_:numbers: .literals)`; written back verbatim.
    case numberLiteral(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// A number, or `null` when there is none (a column that does not apply).
    public static func number(_ value: Double?) -> JSONValue {
        guard let value else { return .null }
        return .number(value)
    }

    /// The object's members, or an empty dictionary for any other value.
    public var members: [String: JSONValue] {
        if case .object(let members) = self { return members }
        return [:]
    }

    /// The document, indented by two spaces per level, with a final newline.
    public func rendered() -> String {
        var text = ""
        write(to: &text, indentation: "")
        text.append("\n")
        return text
    }

    private func write(to text: inout String, indentation: String) {
        switch self {
        case .null: text.append("null")
        case .bool(let value): text.append(value ? "true" : "false")
        case .integer(let value): text.append(String(value))
        case .unsignedInteger(let value): text.append(String(value))
        case .number(let value): text.append(value.isFinite ? "\(value)" : "null")
        case .numberLiteral(let literal): text.append(literal)
        case .string(let value): JSONValue.writeString(value, to: &text)
        case .array(let elements):
            guard !elements.isEmpty else {
                text.append("[]")
                return
            }
            let inner = indentation + "  "
            text.append("[\n")
            for (index, element) in elements.enumerated() {
                text.append(inner)
                element.write(to: &text, indentation: inner)
                text.append(index == elements.count - 1 ? "\n" : ",\n")
            }
            text.append(indentation + "]")
        case .object(let members):
            guard !members.isEmpty else {
                text.append("{}")
                return
            }
            let inner = indentation + "  "
            let keys = members.keys.sorted()
            text.append("{\n")
            for (index, key) in keys.enumerated() {
                text.append(inner)
                JSONValue.writeString(key, to: &text)
                text.append(": ")
                members[key]!.write(to: &text, indentation: inner)
                text.append(index == keys.count - 1 ? "\n" : ",\n")
            }
            text.append(indentation + "}")
        }
    }

    /// `value` as a JSON string literal for a message: quoted, every control character, line or paragraph
    /// separator and bidirectional formatting character escaped (so the message stays one line and reads in
    /// order), and cut to its first `limit` characters with "…" (a 1 MiB key would otherwise fill the terminal).
    public static func quoted(_ value: String, limit: Int = 80) -> String {
        var text = ""
        let shown = value.count > limit ? String(value.prefix(limit)) : value
        writeString(shown, to: &text, escapingEveryControl: true)
        return value.count > limit ? String(text.dropLast()) + "…\"" : text
    }

    /// Whether a scalar is a control character (C0, DEL, C1), U+2028 or U+2029 (line breaks to some readers), or
    /// a bidirectional formatting character (U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069), which reorders
    /// the text around it on screen.
    public static func isInvisibleControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0x2028, 0x2029, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
            return true
        default: return false
        }
    }

    private static func writeString(_ value: String, to text: inout String, escapingEveryControl: Bool = false) {
        text.append("\"")
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text.append("\\\"")
            case "\\": text.append("\\\\")
            case "\n": text.append("\\n")
            case "\r": text.append("\\r")
            case "\t": text.append("\\t")
            case _ where scalar.value < 0x20 || (escapingEveryControl && isInvisibleControl(scalar)):
                let hex = String(scalar.value, radix: 16)
                text.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: text.unicodeScalars.append(scalar)
            }
        }
        text.append("\"")
    }
}

extension JSONValue: ExpressibleByNilLiteral {
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension JSONValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self = .integer(value) }
}

extension JSONValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .number(value) }
}

extension JSONValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension JSONValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}

extension JSONValue: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

/// One cell of a table, or one recorded parameter: a number, an integer, text, or nothing.
public enum DataValue: Sendable, Equatable {
    case number(Double)
    case integer(Int)
    case text(String)
    /// A quantity that does not apply to the row: "—" for people, an empty CSV field, `null` in JSON.
    case missing

    /// A number, or `.missing` when there is none.
    public static func number(_ value: Double?) -> DataValue {
        guard let value else { return .missing }
        return .number(value)
    }

    /// As written in a CSV field before quoting: numbers in full precision (shortest text that reads back to the
    /// same Double; NaN as "nan", infinities as "inf" and "-inf", which numpy and pandas read), integers as
    /// integers, text as it is, nothing as an empty field.
    public var csvText: String {
        switch self {
        case .number(let value): return "\(value)"
        case .integer(let value): return "\(value)"
        case .text(let value): return value
        case .missing: return ""
        }
    }

    /// The number, when the value is one (an integer too).
    public var number: Double? {
        switch self {
        case .number(let value): return value
        case .integer(let value): return Double(value)
        case .text, .missing: return nil
        }
    }

    /// As a JSON value: `.missing` is `null`, and so is a non-finite number once rendered.
    public var jsonValue: JSONValue {
        switch self {
        case .number(let value): return .number(value)
        case .integer(let value): return .integer(value)
        case .text(let value): return .string(value)
        case .missing: return .null
        }
    }

    var isText: Bool {
        if case .text = self { return true }
        return false
    }
}

/// Something a table cell can hold: `Double`, `Int`, `String`.
public protocol DataValueConvertible { var dataValue: DataValue { get } }
extension Double: DataValueConvertible { public var dataValue: DataValue { .number(self) } }
extension Int: DataValueConvertible { public var dataValue: DataValue { .integer(self) } }
extension String: DataValueConvertible { public var dataValue: DataValue { .text(self) } }

/// Numbers read from text exactly as written, or not at all.
///
/// Swift's `Double(String)` and `Int(String)` hand the text to C, where a NUL byte ends it: "1.5\0garbage" reads as
/// 1.5. They also accept "nan", "inf", hexadecimal floats and surrounding nothing else. These readers accept only
/// a decimal literal: an optional sign, digits with an optional fraction, an optional exponent, every character of
/// the text used. Leading zeros ("007") are allowed here (CSV writers emit them); JSON's stricter grammar is the
/// JSON reader's own.
public enum StrictNumber {
    /// The decimal literal's value, or nil when the text is anything else (NUL bytes, spaces, "nan", "0x1p3").
    /// A literal that overflows gives ±infinity, which callers refuse as non-finite.
    public static func double(_ text: Substring) -> Double? {
        guard isDecimalLiteral(text.utf8) else { return nil }
        return Double(text)
    }

    public static func double(_ text: String) -> Double? { double(text[...]) }

    /// The integer, or nil for anything but an optional sign and decimal digits (or one that overflows `Int`).
    public static func integer(_ text: Substring) -> Int? {
        var digits = text.utf8[...]
        if digits.first == UInt8(ascii: "-") || digits.first == UInt8(ascii: "+") { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int(text)
    }

    public static func integer(_ text: String) -> Int? { integer(text[...]) }

    /// sign? digits ('.' digits?)? | sign? '.' digits, then (e|E sign? digits)?, nothing else.
    static func isDecimalLiteral<Bytes: Collection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        var index = bytes.startIndex
        func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
        func skipDigits() -> Int {
            var count = 0
            while index != bytes.endIndex, isDigit(bytes[index]) {
                count += 1
                index = bytes.index(after: index)
            }
            return count
        }
        if index != bytes.endIndex, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            index = bytes.index(after: index)
        }
        var mantissaDigits = skipDigits()
        if index != bytes.endIndex, bytes[index] == UInt8(ascii: ".") {
            index = bytes.index(after: index)
            mantissaDigits += skipDigits()
        }
        guard mantissaDigits > 0 else { return false }
        if index != bytes.endIndex, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index = bytes.index(after: index)
            if index != bytes.endIndex, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                index = bytes.index(after: index)
            }
            guard skipDigits() > 0 else { return false }
        }
        return index == bytes.endIndex
    }
}

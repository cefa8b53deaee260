import Foundation
import Testing

@testable import DataFiles

/// The JSON reader against hand-written expectations: RFC 8259's grammar, checked escapes, the depth limit, and
/// error positions (1-based line and column, columns in Unicode scalars).
@Suite struct JSONParserTests {
    func failure(_ text: String, numbers: JSONValue.NumberReading = .values) -> JSONSyntaxError? {
        do {
            _ = try JSONValue.parse(text, numbers: numbers)
            return nil
        } catch { return error as? JSONSyntaxError }
    }

    @Test func integersKeepEveryDigitInTheirType() throws {
        #expect(try JSONValue.parse("0") == .integer(0))
        #expect(try JSONValue.parse("-0") == .integer(0))
        #expect(try JSONValue.parse("9223372036854775807") == .integer(9_223_372_036_854_775_807))
        #expect(try JSONValue.parse("-9223372036854775808") == .integer(-9_223_372_036_854_775_807 - 1))
        #expect(try JSONValue.parse("9223372036854775808") == .unsignedInteger(9_223_372_036_854_775_808))
        #expect(try JSONValue.parse("18446744073709551615") == .unsignedInteger(18_446_744_073_709_551_615))
        // 2^64 is past UInt64: the nearest double, which is 2^64 exactly.
        #expect(try JSONValue.parse("18446744073709551616") == .number(18_446_744_073_709_551_616.0))
        #expect(try JSONValue.parse("-9223372036854775809") == .number(-9_223_372_036_854_775_808.0))
    }

    @Test func fractionsAndExponents() throws {
        #expect(try JSONValue.parse("2.5e-3") == .number(0.0025))
        #expect(try JSONValue.parse("1E2") == .number(100))
        #expect(try JSONValue.parse("0e0") == .number(0))
        #expect(try JSONValue.parse("-0.5") == .number(-0.5))
        #expect(try JSONValue.parse("4.9e-324") == .number(.leastNonzeroMagnitude))
        #expect(try JSONValue.parse("1.7976931348623157e308") == .number(.greatestFiniteMagnitude))
        // Below the smallest subnormal the nearest double is zero (an underflow, not an error).
        #expect(try JSONValue.parse("1e-400") == .number(0))
        guard case .number(let negativeZero) = try JSONValue.parse("-0.0") else {
            Issue.record("not a number")
            return
        }
        #expect(negativeZero == 0 && negativeZero.sign == .minus)
    }

    /// Past the largest double (1.797693134862315807e308 rounds to infinity) a value is an error, never ±inf.
    @Test(arguments: ["1e999", "-1e999", "1E400", "1.7976931348623159e308", "1" + String(repeating: "0", count: 400)])
    func numbersBeyondDoubleAreRefused(_ text: String) {
        #expect(failure(text)?.reason.contains("beyond the range of a double") == true)
        #expect(failure(text)?.column == 1)
    }

    @Test(arguments: [("007", 1), ("-01", 1), ("00", 1), ("[1, 02]", 5), ("-00.5", 1)])
    func leadingZerosAreRefused(_ text: String, column: Int) {
        #expect(failure(text) == JSONSyntaxError(line: 1, column: column, reason: failure(text)?.reason ?? ""))
        #expect(failure(text)?.reason.contains("leading zero") == true)
        #expect(failure(text, numbers: .literals)?.reason.contains("leading zero") == true)
    }

    @Test(arguments: [
        "1.", ".5", "+1", "1e", "1e+", "-", "--1", "0x10", "1.e5", "NaN", "Infinity", "-Infinity",
        "01.5",
    ])
    func malformedNumbersAreRefused(_ text: String) {
        #expect(failure(text) != nil)
    }

    @Test func literalsKeepTheTextAsWritten() throws {
        #expect(
            try JSONValue.parse(#"[1e999, -0, 18446744073709551616, 0.10]"#, numbers: .literals)
                == .array([
                    .numberLiteral("1e999"), .numberLiteral("-0"), .numberLiteral("18446744073709551616"),
                    .numberLiteral("0.10"),
                ]))
        #expect(JSONValue.array([.numberLiteral("1e999")]).rendered() == "[\n  1e999\n]\n")
    }

    @Test func escapesDecode() throws {
        #expect(try JSONValue.parse(#""\ud83d\ude00""#) == .string("\u{1F600}"))
        #expect(try JSONValue.parse(#""\u00e9\u00E9\u0041""#) == .string("\u{E9}\u{E9}A"))
        #expect(try JSONValue.parse(#""\u0000""#) == .string("\u{0}"))
        #expect(try JSONValue.parse(#""\/\b\f\n\r\t\\\"""#) == .string("/\u{8}\u{C}\n\r\t\\\""))
        #expect(try JSONValue.parse("\"caf\u{E9} \u{1F600}\"") == .string("caf\u{E9} \u{1F600}"))
    }

    /// Every unpaired surrogate is an error at its backslash (the old reader trapped on `\ud800\u0041`).
    @Test(arguments: [
        (#""\ud800\u0041""#, 2, "followed by \\u0041"), (#""\udc00""#, 2, "lone low surrogate"),
        (#""\ud800""#, 2, "not followed"), (#""\ud800"#, 2, "not followed"), (#""a\ud800x""#, 3, "not followed"),
        (#""\ud800\ud800""#, 2, "followed by \\uD800"), (#""\udbff\n""#, 2, "not followed"),
        (#""\ud800\u12""#, 12, "hexadecimal"),
    ])
    func unpairedSurrogatesAreRefused(_ text: String, column: Int, reason: String) {
        let error = failure(text)
        #expect(error?.line == 1 && error?.column == column, "\(String(describing: error))")
        #expect(error?.reason.contains(reason) == true, "\(String(describing: error))")
    }

    @Test func nestingStopsAt512Levels() throws {
        let deepest = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(throws: Never.self) { _ = try JSONValue.parse(deepest) }
        let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        #expect(
            failure(tooDeep)
                == JSONSyntaxError(line: 1, column: 513, reason: "arrays and objects nested deeper than 512 levels"))
        let objects = String(repeating: #"{"a":"#, count: 513) + "1" + String(repeating: "}", count: 513)
        #expect(failure(objects)?.column == 5 * 512 + 1)
        #expect(failure(String(repeating: "[", count: 1_000_000))?.column == 513)
    }

    @Test func errorsGiveLineAndColumn() {
        #expect(
            failure("{\n  \"a\": 1,\n  \"a\": 2\n}")
                == JSONSyntaxError(line: 3, column: 3, reason: #"the key "a" appears twice"#))
        #expect(failure("[\r\n1,\r\n]")?.line == 3 && failure("[\r\n1,\r\n]")?.column == 1)
        #expect(failure("[\r1,\r]")?.line == 3 && failure("[\r1,\r]")?.column == 1)
        #expect(failure("[\"\u{E9}\u{1F600}\", x]")?.column == 8)
        #expect(failure("")?.reason == "unexpected end of the text; a value was expected")
        #expect(failure("[1,]")?.reason == "a comma before ']'; JSON allows no trailing comma")
        #expect(failure(#"{"a": 1,}"#)?.reason == "a comma before '}'; JSON allows no trailing comma")
        #expect(failure("// note\n{}")?.reason == "unexpected character '/'; JSON has no comments")
        #expect(failure("[1]\u{A0}")?.reason == "unexpected text after the JSON value")
        #expect(failure("\u{A0}[1]")?.reason == "unexpected character U+00A0; a value was expected")
        #expect(failure("\"a\u{1}\"")?.reason.contains("U+0001") == true)
    }

    /// A byte-order mark is not JSON; the file reader's UTF-8 decoding drops a leading one (RunCommandTests).
    @Test func byteOrderMarkIsNotJSON() {
        #expect(
            failure("\u{FEFF}{}")
                == JSONSyntaxError(line: 1, column: 1, reason: "unexpected character U+FEFF; a value was expected"))
    }

    @Test func whitespaceIsTheFourOfTheRFC() throws {
        #expect(try JSONValue.parse(" \t\n\r[ 1 ,\t2 ]\r\n") == .array([1, 2]))
        for other in ["\u{B}", "\u{C}", "\u{85}", "\u{2028}", "\u{3000}"] { #expect(failure(other + "1") != nil) }
    }

    @Test func messagesQuoteControlCharacters() {
        #expect(JSONValue.quoted("a\nb\u{202E}\u{0}") == #""a\nb\u202e\u0000""#)
        #expect(
            JSONValue.quoted(String(repeating: "k", count: 100))
                == "\"" + String(repeating: "k", count: 80) + "…\"")
    }
}

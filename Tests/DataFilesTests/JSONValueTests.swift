import DataFiles
import Foundation
import Testing

@Suite struct JSONValueTests {
    @Test func keysSortedAndIndented() {
        let value: JSONValue = ["b": 1, "a": ["z": true, "y": nil], "c": [1.5, "s"], "d": [:], "e": []]
        #expect(
            value.rendered() == """
                {
                  "a": {
                    "y": null,
                    "z": true
                  },
                  "b": 1,
                  "c": [
                    1.5,
                    "s"
                  ],
                  "d": {},
                  "e": []
                }

                """)
    }

    /// NaN and infinities have no JSON spelling: they become null (a crash or `nan` would break every reader).
    @Test func nonFiniteNumbersBecomeNull() throws {
        let value: JSONValue = [
            "nan": .number(.nan), "inf": .number(.infinity), "minus": .number(-.infinity), "none": .number(nil),
        ]
        let parsed = try foundationObject(value.rendered())
        #expect(parsed.count == 4 && parsed.values.allSatisfy { $0 is NSNull })
    }

    /// Doubles are written with the shortest text that reads back exactly.
    @Test(arguments: [
        0.1, 1.0 / 3, 1e-300, -2.5e-17, 123456789.123456789, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
    ])
    func doublesRoundTrip(_ number: Double) throws {
        let parsed = try foundationObject(JSONValue.object(["x": .number(number)]).rendered())
        #expect((parsed["x"] as? NSNumber)?.doubleValue == number)
    }

    @Test func stringsAreEscaped() throws {
        let text = "quote \" backslash \\ newline \n tab \t bell \u{07} unicode ∞"
        let parsed = try foundationObject(JSONValue.object(["s": .string(text)]).rendered())
        #expect(parsed["s"] as? String == text)
        #expect(JSONValue.string("\u{07}").rendered() == "\"\\u0007\"\n")
    }

    @Test func largeUnsignedIntegersKeepEveryDigit() {
        #expect(JSONValue.unsignedInteger(.max).rendered() == "18446744073709551615\n")
    }
}

/// The object `text` holds, read by Foundation's own reader (a check of the writer independent of `JSONValue`).
private func foundationObject(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object")
}

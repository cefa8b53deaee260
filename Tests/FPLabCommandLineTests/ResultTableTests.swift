import FPLabCommandLine
import Testing

@Suite struct ResultTableTests {
    static func sample() -> ResultTable {
        var table = ResultTable(columns: [
            .init("name", key: "name"),
            .init("time", key: "time"),
            .init("L1 error", key: "l1_error", style: .scientific(fractionDigits: 3)),
            .init("KL", key: "kl"),
        ])
        table.append([.text("first"), .number(0), .number(0), .number(1.25)])
        table.append([.text("a, \"quoted\" one"), .number(0.125), .number(3.14159e-12), .missing])
        table.append([.text("last"), .integer(2), .number(.nan), .number(-.infinity)])
        return table
    }

    @Test func textAlignsNumbersRightAndTextLeft() {
        #expect(
            Self.sample().rendered(as: .text) == """
                name              time    L1 error          KL
                first                0           0        1.25
                a, "quoted" one  0.125   3.142e-12           —
                last                 2  non-finite  non-finite

                """)
    }

    @Test func markdownHasAnAlignmentRowAndEscapesPipes() {
        var table = ResultTable(columns: [.init("a|b", key: "ab"), .init("x", key: "x")])
        table.append([.text("p|q"), .number(0.5)])
        #expect(
            table.rendered(as: .markdown) == """
                | a\\|b | x |
                |---|---:|
                | p\\|q | 0.5 |

                """)
    }

    /// CSV is for machines: keys in the header, full precision, empty fields for missing and non-finite values
    /// (as JSON's null), RFC 4180 quotes.
    @Test func csvWritesFullPrecisionAndQuotes() {
        #expect(
            Self.sample().rendered(as: .csv) == """
                name,time,l1_error,kl
                first,0.0,0.0,1.25
                "a, ""quoted"" one",0.125,3.14159e-12,
                last,2,,

                """)
    }

    @Test func jsonRowsUseKeysAndNullForMissingOrNonFinite() {
        let rows = Self.sample().jsonValue()
        guard case .array(let objects) = rows else {
            Issue.record("not an array")
            return
        }
        #expect(objects.count == 3)
        #expect(objects[1].members["kl"] == .null)
        #expect(objects[2].members["time"] == .integer(2))
        #expect(objects[2].rendered().contains("\"l1_error\": null"))
    }

    @Test(arguments: [
        (NumberStyle.general(significantDigits: 6), 1.0 / 3, "0.333333"),
        (.general(significantDigits: 6), 1e-20, "1e-20"),
        (.general(significantDigits: 12), 1 - 1e-11, "0.99999999999"),
        (.scientific(fractionDigits: 3), 0.000123456, "1.235e-04"),
        (.scientific(fractionDigits: 3), 0, "0"),
        (.fullPrecision, 0.1, "0.1"),
        (.fullPrecision, .infinity, "non-finite"),
        (.general(significantDigits: 6), -.infinity, "non-finite"),
        (.scientific(fractionDigits: 2), .nan, "non-finite"),
    ])
    func numberStyles(_ style: NumberStyle, _ value: Double, _ expected: String) {
        #expect(style.format(value) == expected)
    }
}

import DataFiles
import Testing

/// The one table type in every format, under both sets of conventions: the tables the commands print
/// (`.printed`) and the tables `fplab verify` records (`.recorded`).
@Suite struct DataTableTests {
    static func printed() -> DataTable {
        var table = DataTable(columns: [
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

    static func recorded() -> DataTable {
        var table = DataTable(
            "errors", title: "Errors, one run a row.",
            columns: [
                .init("method", "the method", tolerance: .exact), .init("steps", "step count", tolerance: .exact),
                .init("error", "L∞ error", tolerance: .roundOff(1e-12)),
            ])
        table.append("IF-RK4, fused", 20, 4.836e-07)
        table.append("say \"hi\"", 40, Double.nan)
        return table
    }

    @Test func textAlignsNumbersRightAndTextLeft() {
        #expect(
            Self.printed().rendered(as: .text) == """
                name              time    L1 error          KL
                first                0           0        1.25
                a, "quoted" one  0.125   3.142e-12           —
                last                 2  non-finite  non-finite

                """)
    }

    @Test func markdownHasAnAlignmentRowAndEscapesPipes() {
        var table = DataTable(columns: [.init("a|b", key: "ab"), .init("x", key: "x")])
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
            Self.printed().rendered(as: .csv) == """
                name,time,l1_error,kl
                first,0.0,0.0,1.25
                "a, ""quoted"" one",0.125,3.14159e-12,
                last,2,,

                """)
    }

    @Test func jsonRowsUseKeysAndNullForMissingOrNonFinite() {
        let rows = Self.printed().jsonValue()
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

    @Test func recordedCSVHasOneObservationARowAtFullPrecision() {
        #expect(
            Self.recorded().rendered(as: .csv, conventions: .recorded)
                == "method,steps,error\n\"IF-RK4, fused\",20,4.836e-07\n\"say \"\"hi\"\"\",40,nan\n")
        var precise = DataTable("p", title: "t", columns: [.init("x", "x")])
        precise.append(0.1 + 0.2)
        #expect(
            Double(precise.rendered(as: .csv, conventions: .recorded).split(separator: "\n")[1]) == 0.1 + 0.2,
            "the CSV number reads back to the same double")
    }

    @Test func recordedMarkdownAndBooktabsLatex() {
        let markdown = Self.recorded().rendered(as: .markdown, conventions: .recorded)
        #expect(markdown.hasPrefix("**Errors, one run a row.**\n\n| method | steps | error |\n|---|---:|---:|\n"))
        #expect(markdown.contains("| IF-RK4, fused | 20 | 4.836e-07 |\n| say \"hi\" | 40 | nan |\n"))
        let latex = Self.recorded().rendered(as: .latex, conventions: .recorded)
        for piece in [
            "\\begin{tabular}{lrr}", "\\toprule", "\\midrule", "\\bottomrule", "\\caption{Errors, one run a row.}",
            "$4.836 \\times 10^{-7}$", "NaN",
        ] {
            #expect(latex.contains(piece), "\(piece)")
        }
        #expect(latex.firstRange(of: "\\toprule")!.lowerBound < latex.firstRange(of: "\\midrule")!.lowerBound)
        #expect(DataTable.latexEscaped("a_b & 50% ≤ δ") == "a\\_b \\& 50\\% $\\le$ $\\delta$")
    }

    /// Where the two conventions differ, each keeps its rule: non-finite numbers, the alignment of a column of
    /// text with gaps and of an empty table, and quotes around edge spaces.
    @Test func theConventionsDifferOnlyWhereDeclared() {
        var table = DataTable(columns: [.init("label", key: "label"), .init("value", key: "value")])
        table.append([.text(" padded"), .number(.infinity)])
        table.append([.missing, .number(1)])
        #expect(table.rendered(as: .csv) == "label,value\n\" padded\",\n,1.0\n")
        #expect(table.rendered(as: .csv, conventions: .recorded) == "label,value\n padded,inf\n,1.0\n")
        #expect(table.rendered(as: .markdown).contains("|---:|---:|\n|  padded | non-finite |\n| — | 1 |\n"))
        #expect(table.rendered(as: .markdown, conventions: .recorded).contains("|---|---:|\n|  padded | inf |\n"))
        let empty = DataTable(columns: [.init("label", key: "label")])
        #expect(empty.rendered(as: .markdown) == "| label |\n|---:|\n")
        #expect(empty.rendered(as: .markdown, conventions: .recorded) == "| label |\n|---|\n")
    }

    @Test func tolerances() {
        #expect(Tolerance.reproducible.accepts(old: 1, new: 1 + 1e-12))
        #expect(!Tolerance.reproducible.accepts(old: 1, new: 1 + 1e-8))
        #expect(Tolerance.roundOff(1e-11).accepts(old: 3e-12, new: 8e-12))
        #expect(!Tolerance.roundOff(1e-11).accepts(old: 3e-12, new: 3e-10))
        #expect(Tolerance.exact.accepts(old: .nan, new: .nan) && !Tolerance.exact.accepts(old: 1, new: 1.0000001))
        #expect(!Tolerance.within(relative: 1, absolute: 1).accepts(old: .nan, new: 1), "NaN agrees only with NaN")
        let statistical = Tolerance.standardErrors(4, column: "se")
        #expect(statistical.accepts(old: 0.50, new: 0.52, oldError: 0.01, newError: 0.01)) // 0.02 ≤ 4 · 0.0141
        #expect(!statistical.accepts(old: 0.50, new: 0.60, oldError: 0.01, newError: 0.01)) // 0.10 > 0.057
        #expect(Tolerance.ignored.accepts(old: 1, new: 100))
        #expect(Tolerance.roundOff(1e-12).text == "abs 1e-12 + rel 1e-06" && statistical.text == "4 SE (se)")
    }
}

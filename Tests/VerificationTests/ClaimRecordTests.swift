import Figures
import Foundation
import Testing

@testable import Verification

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite struct ClaimRecordTests {
    var table: DataTable {
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

    @Test func csvHasOneObservationARowAtFullPrecision() {
        #expect(table.csvText == "method,steps,error\n\"IF-RK4, fused\",20,4.836e-07\n\"say \"\"hi\"\"\",40,nan\n")
        var precise = DataTable("p", title: "t", columns: [.init("x", "x")])
        precise.append(0.1 + 0.2)
        #expect(
            Double(precise.csvText.split(separator: "\n")[1]) == 0.1 + 0.2,
            "the CSV number reads back to the same double")
    }

    @Test func markdownAndBooktabsLatex() {
        let markdown = table.markdownText
        #expect(markdown.contains("| method | steps | error |\n|---|---:|---:|\n"))
        #expect(markdown.contains("| IF-RK4, fused | 20 | 4.836e-07 |"))
        let latex = table.latexText
        for piece in [
            "\\begin{tabular}{lrr}", "\\toprule", "\\midrule", "\\bottomrule", "\\caption{Errors, one run a row.}",
            "$4.836 \\times 10^{-7}$", "NaN",
        ] {
            #expect(latex.contains(piece), "\(piece)")
        }
        #expect(latex.firstRange(of: "\\toprule")!.lowerBound < latex.firstRange(of: "\\midrule")!.lowerBound)
        #expect(latexEscaped("a_b & 50% ≤ δ") == "a\\_b \\& 50\\% $\\le$ $\\delta$")
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
    }

    @Test func bothClaimFormsRunAndTheRichOneRecords() {
        let plain = Claim(name: "plain", statement: "s") { settings in [.atMost("x", 1, 2, settings: settings)] }
        let outcome = plain.run(VerificationSettings())
        #expect(outcome.passed && outcome.record.tables.isEmpty)
        let recording = Claim(name: "rich", statement: "s") { settings, record in
            record.parameter("points", 64)
            var table = DataTable("t", title: "t", columns: [.init("x", "x")])
            table.append(1.5)
            record.tables.append(table)
            record.figures.append(
                DataFigure("f", caption: "c", figure: LinePlot(series: [.init("a", x: [1, 2], y: [1, 4])])))
            return [.atMost("x", 1, 2, settings: settings)]
        }
        let rich = recording.run(VerificationSettings())
        #expect(rich.passed && rich.record.tables.first?.numbers("x") == [1.5] && rich.record.figures.count == 1)
        #expect(rich.record.parameters.first?.value == .integer(64))
    }

    @Test func checksCarryAComparisonToleranceFromTheirBand() {
        let check = Check.atMost("x", 3e-12, 1e-10, settings: VerificationSettings())
        // 1e-6 relative plus a hundredth of the bound 1e-10: 1e-12 absolute.
        #expect(check.comparison.accepts(old: 3e-12, new: 3.9e-12))
        #expect(!check.comparison.accepts(old: 3e-12, new: 4.1e-12))
    }

    /// Every claim records at least one table, and every table's rows match its columns; the claims with figures
    /// draw SVG that Foundation's XML parser accepts.
    @Test(arguments: [
        "entropy-decay", "forward-temporal-orders", "naive-inversion-blowup", "grid-particle-crosscheck",
        "voronoi-limit",
    ])
    func recordedFiguresAreWellFormedSVG(name: String) throws {
        let outcome = try #require(VerificationSuite.claim(named: name)).run(VerificationSettings(quick: true))
        #expect(outcome.passed)
        #expect(!outcome.record.tables.isEmpty && !outcome.record.figures.isEmpty)
        for table in outcome.record.tables { #expect(table.rows.allSatisfy { $0.count == table.columns.count }) }
        for figure in outcome.record.figures {
            let svg = figure.figure.svg()
            let parser = XMLParser(data: Data(svg.utf8))
            #expect(
                parser.parse(),
                "\(name)/\(figure.name).svg is not well-formed XML: \(String(describing: parser.parserError))")
            #expect(svg.hasPrefix("<svg") && svg.contains("</svg>"))
        }
    }
}

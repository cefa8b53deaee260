import DataFiles
import Figures
import Foundation
import Testing

@testable import Verification

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite struct ClaimRecordTests {
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

import Foundation
import Testing

@testable import Figures

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("Scatter plots")
struct ScatterPlotTests {
    @Test("subsampling takes indices ⌊k·n/m⌋: deterministic, increasing, spread over the whole array")
    func subsample() {
        #expect(ScatterPlot.subsampleIndices(count: 10, limit: 4) == [0, 2, 5, 7])
        #expect(ScatterPlot.subsampleIndices(count: 3, limit: 4) == [0, 1, 2])
        #expect(ScatterPlot.subsampleIndices(count: 5, limit: nil) == [0, 1, 2, 3, 4])
        let indices = ScatterPlot.subsampleIndices(count: 100_000, limit: 4000)
        #expect(indices.count == 4000 && Set(indices).count == 4000)
        #expect(indices == indices.sorted() && indices.last! >= 100_000 - 25)
    }

    @Test("one circle a drawn point, capped per set, with the cap and skipped points in the notes")
    func points() throws {
        var random = TestRandom(state: 7)
        let xs = (0..<10_000).map { _ in random.normal() }
        let ys = (0..<10_000).map { _ in random.normal() }
        let plot = ScatterPlot(
            title: "samples",
            sets: [
                .init("many", x: xs, y: ys),
                .init("few", x: [0, 1, .nan, 2], y: [0, 1, 1, .infinity], color: .black, opacity: 1),
            ], maximumPointsPerSet: 1000)
        let root = try parsedSVG(plot.svg())
        let sets = elements("g", in: root, className: "point-set")
        #expect(sets.count == 2)
        #expect(elements("circle", in: sets[0]).count == 1000)
        #expect(elements("circle", in: sets[1]).count == 2)
        #expect(attributeValue(sets[1], "fill") == "#000000" && attributeValue(sets[1], "fill-opacity") == "1")
        #expect(attributeValue(sets[0], "fill-opacity") == "0.6")
        #expect(elements("text", in: root, className: "legend-label").map(text) == ["many", "few"])
        #expect(
            plot.notes == [
                "“many”: 1000 of 10000 points drawn (evenly spaced by index)",
                "“few”: 2 points with non-finite coordinates (NaN or ±∞) skipped",
            ])
        // The axes cover every point, drawn or not.
        let xLabels =
            try #require(group("x-tick-labels", in: root)).children?.compactMap { $0 as? XMLElement }.map(text) ?? []
        let xValues = xLabels.compactMap(Double.init)
        #expect(xValues.first! <= xs.min()! && xValues.last! >= xs.max()!)
    }

    @Test("equal aspect gives one unit the same length in px on both axes")
    func aspect() throws {
        let plot = ScatterPlot(sets: [.init("a", x: [-4, 4], y: [-1, 1])], preservesAspectRatio: true)
        let root = try parsedSVG(plot.svg())
        let frame = box(try #require(elements("rect", in: root, className: "frame").first))
        // x spans 8 units (−4…4), y spans 2 (−1…1): the frame is four times as wide as it is tall.
        #expect(abs(frame.width / frame.height - 4) < 0.05)
    }
}

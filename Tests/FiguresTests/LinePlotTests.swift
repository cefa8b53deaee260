import Foundation
import Testing

@testable import Figures

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The vertices of SVG path data written as "M x y L x y x y … M …" (the form line plots write).
func pathVertices(_ data: String) -> [(x: Double, y: Double)] {
    let numbers = data.replacingOccurrences(of: "M", with: " ").replacingOccurrences(of: "L", with: " ")
        .split(separator: " ").compactMap { Double($0) }
    return stride(from: 0, to: numbers.count - 1, by: 2).map { (numbers[$0], numbers[$0 + 1]) }
}

/// The x, y, width and height attributes of a rect.
func box(_ rect: XMLElement) -> (x: Double, y: Double, width: Double, height: Double) {
    let value = { (name: String) in Double(attributeValue(rect, name) ?? "") ?? .nan }
    return (value("x"), value("y"), value("width"), value("height"))
}

@Suite("Line plots")
struct LinePlotTests {
    static let xs = (0...40).map { Double($0) / 40 }

    @Test("one path per series, legend text equal to the series names in order, numeric tick labels")
    func structure() throws {
        let plot = LinePlot(
            title: "Three lines", xAxis: Axis("x"), yAxis: Axis("y"),
            series: [
                .init("sine", x: Self.xs, y: Self.xs.map { sin(6 * $0) }),
                .init("cosine", x: Self.xs, y: Self.xs.map { cos(6 * $0) }),
                .init("ramp", x: Self.xs, y: Self.xs, marker: .square),
            ])
        let root = try parsedSVG(plot.svg())
        #expect(elements("path", in: root, className: "series-line").count == 3)
        #expect(elements("text", in: root, className: "legend-label").map(text) == ["sine", "cosine", "ramp"])
        let xLabels =
            try #require(group("x-tick-labels", in: root)).children?.compactMap { $0 as? XMLElement }.map(text) ?? []
        #expect(
            xLabels == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]
                || xLabels == ["0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1.0"])
        let yLabels =
            try #require(group("y-tick-labels", in: root)).children?.compactMap { $0 as? XMLElement }.map(text) ?? []
        let yValues = yLabels.compactMap(Double.init)
        #expect(yValues.count == yLabels.count && yValues.count >= 3)
        #expect(yValues == yValues.sorted() && yValues.first! <= -1 && yValues.last! >= 1)
        #expect(elements("path", in: root, className: "markers").count == 1)
        #expect(text(try #require(elements("text", in: root, className: "title").first)) == "Three lines")
        #expect(plot.notes.isEmpty)
        #expect(plot.svg() == plot.svg())
    }

    @Test("log axes are labelled at powers of ten covering the data")
    func logAxes() throws {
        let steps = [0.2, 0.1, 0.05, 0.025, 0.0125]
        let plot = LinePlot(
            xAxis: Axis("Δt", scale: .logarithmic), yAxis: Axis("error", scale: .logarithmic),
            series: [.init("error", x: steps, y: steps.map { 3e-4 * $0 * $0 })])
        let root = try parsedSVG(plot.svg())
        let yLabels = try #require(group("y-tick-labels", in: root)).children?.compactMap { $0 as? XMLElement } ?? []
        // Each label is "10" followed by a raised exponent tspan.
        let exponents = try yLabels.map { label -> Int in
            let content = text(label)
            #expect(content.hasPrefix("10"))
            #expect(elements("tspan", in: label).count == 1)
            return try #require(Int(content.dropFirst(2)))
        }
        let smallest = 3e-4 * 0.0125 * 0.0125
        let largest = 3e-4 * 0.2 * 0.2
        #expect(Double(exponents.first!) <= log10(smallest) && Double(exponents.last!) >= log10(largest))
        #expect(zip(exponents, exponents.dropFirst()).allSatisfy { $1 - $0 == 1 })
    }

    @Test("non-finite points are skipped with a gap and a note, and the range comes from the finite ones")
    func nonFinite() throws {
        let times = (0...100).map { Double($0) / 100 }
        let blowingUp = times.map { exp(2000 * $0 * $0) } // overflows to +∞ from t ≈ 0.6
        var withHoles = times.map { $0 * 2 }
        withHoles[10] = .nan
        withHoles[20] = -.infinity
        let plot = LinePlot(
            yAxis: Axis("norm", scale: .logarithmic),
            series: [.init("naive", x: times, y: blowingUp), .init("holes", x: times, y: withHoles)])
        let root = try parsedSVG(plot.svg())
        let paths = elements("path", in: root, className: "series-line")
        #expect(
            paths.allSatisfy { path in
                let data = (attributeValue(path, "d") ?? "").lowercased()
                return !data.contains("nan") && !data.contains("inf")
            })
        #expect(paths.count == 2)
        let holes = attributeValue(paths[1], "d") ?? ""
        // Two gaps in the finite part (y > 0 from index 1 on; index 0 is y = 0, not drawable on the log axis).
        #expect(holes.filter { $0 == "M" }.count == 3)
        let notes = plot.notes
        let overflowed = blowingUp.filter { !$0.isFinite }.count
        #expect(overflowed > 0)
        #expect(notes.contains("“naive”: \(overflowed) points with non-finite coordinates (NaN or ±∞) skipped"))
        #expect(notes.contains("“holes”: 2 points with non-finite coordinates (NaN or ±∞) skipped"))
        #expect(notes.contains("“holes”: 1 point with y ≤ 0 not drawn on the logarithmic y axis"))
        #expect(text(try #require(elements("desc", in: root).first)).contains("naive"))
        #expect(elements("text", in: root, className: "note").count == 3)
        let top = try #require(group("y-tick-labels", in: root)).children?.compactMap { $0 as? XMLElement }.last.map(
            text)
        #expect(top?.hasPrefix("10") == true)
    }

    @Test("markers sit on the drawable points only")
    func markers() throws {
        let plot = LinePlot(
            yAxis: Axis(scale: .logarithmic),
            series: [.init("m", x: [1, 2, 3, 4, 5], y: [1, 0, 10, -3, 100], marker: .square)])
        let root = try parsedSVG(plot.svg())
        let markers = try #require(elements("path", in: root, className: "markers").first)
        #expect((attributeValue(markers, "d") ?? "").filter { $0 == "M" }.count == 3)
        #expect(plot.notes == ["“m”: 2 points with y ≤ 0 not drawn on the logarithmic y axis"])
    }

    @Test("reference lines are dashed, widen the range to a threshold, and join the legend")
    func referenceLines() throws {
        let plot = LinePlot(
            series: [.init("data", x: [0, 1, 2], y: [0, 1, 2])],
            referenceLines: [.horizontal(5, label: "threshold"), .straightLine(slope: 1, intercept: 0, label: "y = x")])
        let root = try parsedSVG(plot.svg())
        let references = elements("path", in: root, className: "reference-line")
        #expect(references.count == 2)
        #expect(references.allSatisfy { attributeValue($0, "stroke-dasharray") != nil })
        #expect(elements("text", in: root, className: "legend-label").map(text) == ["data", "threshold", "y = x"])
        let yLabels =
            try #require(group("y-tick-labels", in: root)).children?.compactMap { $0 as? XMLElement }.map(text) ?? []
        #expect(yLabels.compactMap(Double.init).max()! >= 5)
    }

    @Test("the automatic legend avoids a corner full of data, and moves outside when every corner is")
    func legendPlacement() throws {
        // Data high up on the right only (the axis runs to 1): the legend must not go top right.
        let xs = (0...200).map { Double($0) / 200 }
        let topRight = LinePlot(series: [
            .init("step", x: xs, y: xs.map { $0 < 0.5 ? 0 : 0.92 }), .init("flat", x: xs, y: xs.map { _ in 0.5 }),
        ])
        try checkLegendClear(of: topRight, expectOutside: false)
        // Lines across the whole plot every 30 px: no free corner.
        let filling = LinePlot(
            series: (0...11).map { k in .init("level \(k)", x: xs, y: xs.map { _ in Double(k) / 11 }) })
        try checkLegendClear(of: filling, expectOutside: true)
    }

    private func checkLegendClear(of plot: LinePlot, expectOutside: Bool) throws {
        let root = try parsedSVG(plot.svg())
        let legend = try #require(group("legend", in: root))
        let legendBox = box(try #require(elements("rect", in: legend).first))
        let frame = box(try #require(elements("rect", in: root, className: "frame").first))
        #expect((legendBox.x >= frame.x + frame.width) == expectOutside)
        for path in elements("path", in: root, className: "series-line") {
            for vertex in pathVertices(attributeValue(path, "d") ?? "") {
                let inside =
                    vertex.x > legendBox.x && vertex.x < legendBox.x + legendBox.width
                    && vertex.y > legendBox.y && vertex.y < legendBox.y + legendBox.height
                #expect(!inside, "vertex \(vertex) under the legend at \(legendBox)")
            }
        }
    }

    @Test("titles, labels and names with markup characters survive escaping")
    func escaping() throws {
        let title = "ρ_T < 1e-3 & more"
        let name = "<b>\"bold\"</b> & 'quoted'"
        let plot = LinePlot(
            title: title, xAxis: Axis("x < y"), yAxis: Axis("a & b"), series: [.init(name, x: [0, 1], y: [1, 2])])
        let root = try parsedSVG(plot.svg())
        #expect(text(try #require(elements("title", in: root).first)) == title)
        #expect(text(try #require(elements("text", in: root, className: "title").first)) == title)
        #expect(elements("text", in: root, className: "legend-label").map(text) == [name])
        #expect(text(try #require(elements("text", in: root, className: "x-label").first)) == "x < y")
        #expect(text(try #require(elements("text", in: root, className: "y-label").first)) == "a & b")
    }

    @Test("an empty plot, a hidden legend and invalid log limits still give valid SVG")
    func edgeCases() throws {
        let empty = LinePlot()
        let emptyRoot = try parsedSVG(empty.svg())
        #expect(elements("path", in: emptyRoot, className: "series-line").isEmpty)
        #expect(group("legend", in: emptyRoot) == nil)

        let hidden = LinePlot(series: [.init("a", x: [0, 1], y: [0, 1])], legendPlacement: .hidden)
        #expect(group("legend", in: try parsedSVG(hidden.svg())) == nil)

        let badLimits = LinePlot(
            yAxis: Axis("y", scale: .logarithmic, limits: -1...10), series: [.init("a", x: [0, 1], y: [1, 2])])
        _ = try parsedSVG(badLimits.svg())
        #expect(badLimits.notes.contains { $0.hasPrefix("y-axis limits") })

        let fixed = LinePlot(xAxis: Axis("x", limits: 0.25...0.75), series: [.init("a", x: Self.xs, y: Self.xs)])
        let fixedRoot = try parsedSVG(fixed.svg())
        let frame = box(try #require(elements("rect", in: fixedRoot, className: "frame").first))
        for vertex in pathVertices(
            attributeValue(try #require(elements("path", in: fixedRoot, className: "series-line").first), "d") ?? "")
        {
            #expect(vertex.x >= frame.x && vertex.x <= frame.x + frame.width)
        }
    }

    @Test("more than eight series repeat colours with a different dash")
    func manySeries() throws {
        let plot = LinePlot(series: (0..<10).map { .init("s\($0)", x: [0, 1], y: [Double($0), Double($0) + 1]) })
        let paths = elements("path", in: try parsedSVG(plot.svg()), className: "series-line")
        #expect(paths.count == 10)
        #expect(attributeValue(paths[0], "stroke") == attributeValue(paths[8], "stroke"))
        #expect(
            attributeValue(paths[0], "stroke-dasharray") == nil && attributeValue(paths[8], "stroke-dasharray") != nil)
        #expect(Set(paths.prefix(8).compactMap { attributeValue($0, "stroke") }).count == 8)
    }

    @Test("a dense series keeps one vertex per 0.3 px of drawn length, not one per point")
    func denseSeries() throws {
        let count = 100_000
        let xs = (0..<count).map { Double($0) / Double(count - 1) }
        let plot = LinePlot(series: [.init("dense", x: xs, y: xs.map { sin(20 * $0) })])
        let root = try parsedSVG(plot.svg())
        let path = try #require(elements("path", in: root, className: "series-line").first)
        let vertices = pathVertices(attributeValue(path, "d") ?? "")
        let length = zip(vertices, vertices.dropFirst()).reduce(0.0) { total, pair in
            total + max(abs(pair.1.x - pair.0.x), abs(pair.1.y - pair.0.y))
        }
        // Each written vertex is at least 0.3 px (in x or y) from the one before it.
        #expect(Double(vertices.count) <= length / 0.3 + 2)
        #expect(vertices.count < count / 10)
        #expect(vertices.first!.x < vertices.last!.x)
    }

    @Test(
        "many series: the legend wraps into columns and stays on the canvas, as do all labels", arguments: [12, 24, 40])
    func legendColumns(seriesCount: Int) throws {
        let xs = (0...50).map { Double($0) / 50 }
        let plot = LinePlot(
            title: "many", xAxis: Axis("x"), yAxis: Axis("y"),
            series: (0..<seriesCount).map { k in .init("series number \(k)", x: xs, y: xs.map { $0 * Double(k) }) })
        let root = try parsedSVG(plot.svg())
        let legend = try #require(group("legend", in: root))
        #expect(elements("text", in: legend, className: "legend-label").count == seriesCount)
        let legendBox = box(try #require(elements("rect", in: legend).first))
        #expect(legendBox.x >= 0 && legendBox.y >= 0)
        #expect(legendBox.x + legendBox.width <= plot.size.width && legendBox.y + legendBox.height <= plot.size.height)
        for label in elements("text", in: root) {
            let x = Double(attributeValue(label, "x") ?? "0") ?? 0
            let y = Double(attributeValue(label, "y") ?? "0") ?? 0
            #expect(x >= 0 && x <= plot.size.width && y >= 0 && y <= plot.size.height)
        }
    }
}

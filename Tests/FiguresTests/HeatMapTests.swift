import Foundation
import Testing

@testable import Figures

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("Heat maps")
struct HeatMapTests {
    static func gaussian(n: Int) -> [Double] {
        var values = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                let x = -4 + (Double(i) + 0.5) * 8 / Double(n)
                let y = -4 + (Double(j) + 0.5) * 8 / Double(n)
                values[i * n + j] = exp(-(x * x + y * y) / 2) / (2 * Double.pi)
            }
        }
        return values
    }

    @Test("a 128 × 128 field is 16 384 cell rects, under 1 MB, with a colour bar and tick labels")
    func cells() throws {
        let map = HeatMap(
            values: Self.gaussian(n: 128), shape: [128, 128], xExtent: -4...4, yExtent: -4...4,
            title: "density", colorLabel: "ρ")
        let svg = map.svg()
        #expect(svg.utf8.count < 1_000_000)
        let root = try parsedSVG(svg)
        let cells = try #require(group("cells", in: root))
        #expect(elements("rect", in: cells).count == 128 * 128)
        let colorbar = try #require(group("colorbar", in: root))
        #expect(elements("linearGradient", in: colorbar).count == 1)
        #expect(elements("rect", in: colorbar, className: "colorbar-scale").count == 1)
        let colorLabels = elements("text", in: colorbar, className: "tick-label").map(text)
        #expect(colorLabels.count >= 3)
        #expect(colorLabels.compactMap(Double.init).allSatisfy { $0 >= 0 && $0 <= 1 / (2 * Double.pi) })
        #expect(text(try #require(elements("text", in: colorbar, className: "colorbar-label").first)) == "ρ")
        let xLabels =
            try #require(group("x-tick-labels", in: root)).children?.compactMap { $0 as? XMLElement }.map(text) ?? []
        #expect(xLabels.first == "-4" && xLabels.last == "4")
        // Square extents and preserved aspect ratio: a square plot area.
        let frame = box(try #require(elements("rect", in: root, className: "frame").first))
        #expect(frame.width == frame.height)
        #expect(map.notes.isEmpty)
    }

    @Test("cell (i, j) holds values[i·ny + j], is drawn at x = i, y = j, in the colour map's colour")
    func cellOrder() throws {
        let (nx, ny) = (7, 5)
        let values = (0..<(nx * ny)).map(Double.init)
        let map = HeatMap(values: values, shape: [nx, ny], xExtent: 0...7, yExtent: 0...5)
        let cells = elements("rect", in: try #require(group("cells", in: try parsedSVG(map.svg()))))
        #expect(cells.count == nx * ny)
        for cell in cells {
            let i = try #require(Int(attributeValue(cell, "x") ?? ""))
            let j = try #require(Int(attributeValue(cell, "y") ?? ""))
            let expected = ColorMap.viridis.color(at: values[i * ny + j] / Double(nx * ny - 1)).hexString
            #expect(attributeValue(cell, "fill") == expected)
        }
        #expect(map.resolvedColorLimits == 0...34)
    }

    @Test("a log colour scale labels powers of ten and notes cells it cannot colour")
    func logScale() throws {
        var values = Self.gaussian(n: 32)
        values[0] = 0
        values[1] = .nan
        values[2] = -.infinity
        let map = HeatMap(values: values, shape: [32, 32], xExtent: -4...4, yExtent: -4...4, colorScale: .logarithmic)
        let limits = map.resolvedColorLimits
        #expect(abs(limits.lowerBound / limits.upperBound - 1 / HeatMap.defaultLogDynamicRange) < 1e-12)
        let root = try parsedSVG(map.svg())
        let labels = elements("text", in: try #require(group("colorbar", in: root)), className: "tick-label").map(text)
        #expect(labels.count >= 3 && labels.allSatisfy { $0.hasPrefix("10") })
        let cells = elements("rect", in: try #require(group("cells", in: root)))
        #expect(attributeValue(cells[0], "fill") == ColorMap.viridis.colors[0].hexString)
        #expect(attributeValue(cells[1], "fill") == HeatMap.missingColor.hexString)
        #expect(
            map.notes == [
                "2 of 1024 cells are non-finite (NaN or ±∞), drawn grey",
                "1 of 1024 cells are ≤ 0, drawn in the lowest colour of the logarithmic scale",
            ])
    }

    @Test("fixed colour limits clamp the values outside them; invalid ones are ignored with a note")
    func colorLimits() throws {
        let values = [-1.0, 0, 0.5, 1, 2, 3]
        let clamped = HeatMap(values: values, shape: [3, 2], xExtent: 0...3, yExtent: 0...2, colorLimits: 0...1)
        let fills = elements("rect", in: try #require(group("cells", in: try parsedSVG(clamped.svg())))).compactMap {
            attributeValue($0, "fill")
        }
        #expect(fills[0] == fills[1] && fills[0] == "#440154")
        #expect(fills[3] == fills[4] && fills[4] == fills[5] && fills[5] == "#fde725")
        let invalid = HeatMap(
            values: values, shape: [3, 2], xExtent: 0...3, yExtent: 0...2, colorScale: .logarithmic, colorLimits: 0...1)
        _ = try parsedSVG(invalid.svg())
        #expect(invalid.notes.first?.hasPrefix("colour limits") == true)
        let constant = HeatMap(values: [2, 2, 2, 2], shape: [2, 2], xExtent: 0...1, yExtent: 0...1)
        #expect(constant.resolvedColorLimits.contains(2) && constant.resolvedColorLimits.lowerBound < 2)
        _ = try parsedSVG(constant.svg())
    }
}

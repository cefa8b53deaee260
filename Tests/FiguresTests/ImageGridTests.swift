import Foundation
import Testing

@testable import Figures

/// The image grid's SVG: one rect a pixel at the grey of its value (written out here: 255 (1 − t)), labels
/// escaped, the canvas sized by the longest row.
@Suite struct ImageGridTests {
    @Test func pixelsTakeTheirGreyAndRowsTheirLabels() {
        let ramp = (0..<16).map { Double($0) / 15 * 2 - 1 } // −1 … 1 over a 4 × 4 image
        let grid = ImageGrid(
            rows: [
                .init("a < b", images: [ramp, ramp.reversed()]),
                .init("nan", images: [[Double](repeating: .nan, count: 16)]),
            ],
            side: 4, valueRange: -1...1, title: "Ramp")
        let svg = grid.svg()
        #expect(svg.components(separatedBy: "width=\"1\" height=\"1\"").count - 1 == 3 * 16)
        #expect(svg.contains("a &lt; b"))
        #expect(grid.fill(-1) == "#ffffff" && grid.fill(1) == "#000000" && grid.fill(5) == "#000000")
        // v = 0 is t = ½: grey 127.5, rounded to 128 = 0x80.
        #expect(grid.fill(0) == "#808080")
        #expect(grid.fill(.nan) == HeatMap.missingColor.hexString)
        #expect(svg.components(separatedBy: "fill=\"\(HeatMap.missingColor.hexString)\"").count - 1 == 16)
        // Two tiles in the longest row: 2 × 16 + 190 + 2 × (40 + 6) px wide.
        #expect(grid.size.width == 2 * 16 + 190 + 2 * 46)
        #expect(svg == grid.svg())
    }
}

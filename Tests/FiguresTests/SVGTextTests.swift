import Foundation
import Testing

@testable import Figures

@Suite("SVG text, numbers and colours")
struct SVGTextTests {
    @Test("the five XML specials are escaped and forbidden control characters removed")
    func escaping() {
        #expect(xmlEscaped("ρ_T < 1e-3 & more") == "ρ_T &lt; 1e-3 &amp; more")
        #expect(xmlEscaped("\"a\" 'b' <c>") == "&quot;a&quot; &apos;b&apos; &lt;c&gt;")
        #expect(xmlEscaped("bell\u{07}tab\t") == "bell tab\t")
    }

    @Test("pixel numbers have at most two decimals and no trailing zeros")
    func numbers() {
        #expect(svgNumber(12) == "12")
        #expect(svgNumber(3.10) == "3.1")
        #expect(svgNumber(0.5) == "0.5")
        #expect(svgNumber(-0.03) == "-0.03")
        #expect(svgNumber(-0.001) == "0")
        #expect(svgNumber(640.456) == "640.46")
        #expect(svgNumber(.nan) == "0")
    }

    @Test("raised runs become tspans in SVG and Unicode superscripts in plain text")
    func richText() {
        let label = RichText.power(base: "10", exponent: -6)
        #expect(label.plainText == "10⁻⁶")
        let content = label.svgContent(fontSize: 10)
        #expect(content.hasPrefix("10<tspan dy=\"-3.8\""))
        #expect(content.contains(">\u{2212}6</tspan>"))
    }

    @Test("colours: hex round trip, eight distinct palette colours, viridis end points")
    func colours() {
        #expect(RGBColor(hex: 0x0072B2).hexString == "#0072b2")
        #expect(Set(Palette.okabeIto).count == 8)
        #expect(Palette.color(at: 8) == Palette.color(at: 0))
        #expect(ColorMap.viridis.colors.count == 256)
        #expect(ColorMap.viridis.color(at: 0).hexString == "#440154")
        #expect(ColorMap.viridis.color(at: 0.5).hexString == "#21918c")
        #expect(ColorMap.viridis.color(at: 1).hexString == "#fde725")
        #expect(ColorMap.viridis.color(at: 7) == ColorMap.viridis.color(at: 1))
        #expect(ColorMap.viridis.color(at: .nan) == ColorMap.viridis.color(at: 0))
    }

    @Test("segments are clipped to the plot rectangle, and segments outside it vanish")
    func clipping() throws {
        let rect = PlotRect(left: 0, top: 0, right: 100, bottom: 100)
        let (a, b) = try #require(
            clipSegment(from: PixelPoint(x: 50, y: 50), to: PixelPoint(x: 50, y: -1e9), rect: rect))
        #expect(a.x == 50 && a.y == 50 && b.x == 50 && b.y == 0)
        #expect(clipSegment(from: PixelPoint(x: 150, y: 0), to: PixelPoint(x: 150, y: 100), rect: rect) == nil)
        let (c, d) = try #require(
            clipSegment(from: PixelPoint(x: -50, y: 50), to: PixelPoint(x: 150, y: 50), rect: rect))
        #expect(c.x == 0 && d.x == 100)
    }
}

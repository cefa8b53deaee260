import Foundation

/// A guide drawn over a plot's data: a threshold, a marked time, or a theoretical curve such as the slope
/// an error should follow. Dashed dark grey by default, listed in the legend when it has a label.
///
///     ReferenceLine.horizontal(1e-3, label: "tolerance")
///     ReferenceLine.vertical(0.5, label: "t = T/2")
///     ReferenceLine.powerLaw(exponent: 2, through: (x: 0.1, y: 3e-4), label: "∝ Δt²")
public struct ReferenceLine: Sendable {
    public enum Shape: Sendable {
        /// y = value across the plot. Widens the y range to include the value.
        case horizontal(Double)
        /// x = value from bottom to top. Widens the x range to include the value.
        case vertical(Double)
        /// y = f(x), sampled at 256 points across the x range (evenly in log x on a log axis); non-finite
        /// samples leave gaps. Does not widen either range: the curve is clipped to the plot.
        case curve(@Sendable (Double) -> Double)
    }

    public var shape: Shape
    /// The legend text; empty keeps the line out of the legend.
    public var label: String
    public var color: RGBColor
    public var dash: LineDash
    public var lineWidth: Double

    public init(
        _ shape: Shape, label: String = "", color: RGBColor = .darkGray, dash: LineDash = .dashed,
        lineWidth: Double = 1.2
    ) {
        self.shape = shape
        self.label = label
        self.color = color
        self.dash = dash
        self.lineWidth = lineWidth
    }

    public static func horizontal(
        _ y: Double, label: String = "", color: RGBColor = .darkGray, dash: LineDash = .dashed
    ) -> ReferenceLine {
        ReferenceLine(.horizontal(y), label: label, color: color, dash: dash)
    }

    public static func vertical(_ x: Double, label: String = "", color: RGBColor = .darkGray, dash: LineDash = .dashed)
        -> ReferenceLine
    {
        ReferenceLine(.vertical(x), label: label, color: color, dash: dash)
    }

    /// y = y₀ (x / x₀)^exponent through the point (x₀, y₀): a straight line of slope `exponent` on log–log
    /// axes, the usual guide for an order of convergence or a decay rate.
    public static func powerLaw(
        exponent: Double, through point: (x: Double, y: Double), label: String = "",
        color: RGBColor = .darkGray, dash: LineDash = .dashed
    ) -> ReferenceLine {
        let (x0, y0) = point
        return ReferenceLine(.curve { y0 * pow($0 / x0, exponent) }, label: label, color: color, dash: dash)
    }

    /// y = intercept + slope · x.
    public static func straightLine(
        slope: Double, intercept: Double, label: String = "", color: RGBColor = .darkGray, dash: LineDash = .dashed
    ) -> ReferenceLine {
        ReferenceLine(.curve { intercept + slope * $0 }, label: label, color: color, dash: dash)
    }

    /// y = f(x), for instance an exact solution beside its numerical approximation.
    public static func function(
        label: String = "", color: RGBColor = .darkGray, dash: LineDash = .dashed,
        _ function: @escaping @Sendable (Double) -> Double
    ) -> ReferenceLine {
        ReferenceLine(.curve(function), label: label, color: color, dash: dash)
    }
}

extension ReferenceLine {
    /// Values this line adds to the x and y data ranges.
    var horizontalValue: Double? {
        if case .horizontal(let value) = shape { return value }
        return nil
    }

    var verticalValue: Double? {
        if case .vertical(let value) = shape { return value }
        return nil
    }

    var legendEntry: LegendEntry {
        LegendEntry(label: label, color: color, swatch: .line(dash: dash, width: lineWidth, marker: .none))
    }

    /// The line clipped to the frame.
    func draw(in frame: PlotFrame) -> ClippedPolyline {
        var line = ClippedPolyline(clip: frame.rect)
        switch shape {
        case .horizontal(let value):
            guard let py = frame.pixelY(value) else { break }
            line.add(PixelPoint(x: frame.rect.left, y: py))
            line.add(PixelPoint(x: frame.rect.right, y: py))
        case .vertical(let value):
            guard let px = frame.pixelX(value) else { break }
            line.add(PixelPoint(x: px, y: frame.rect.bottom))
            line.add(PixelPoint(x: px, y: frame.rect.top))
        case .curve(let function):
            let sampleCount = 256
            for index in 0...sampleCount {
                let t = Double(index) / Double(sampleCount)
                let xValue =
                    frame.x.scale == .linear
                    ? frame.x.lower + t * (frame.x.upper - frame.x.lower)
                    : frame.x.lower * pow(frame.x.upper / frame.x.lower, t)
                let yValue = function(xValue)
                line.add(frame.pixel(x: xValue, y: yValue))
            }
        }
        return line
    }

    func svg(_ line: ClippedPolyline) -> String {
        guard !line.pathData.isEmpty else { return "" }
        var attributes = "fill=\"none\" stroke=\"\(color.hexString)\" stroke-width=\"\(svgNumber(lineWidth))\""
        if let pattern = dash.dashArray(width: lineWidth) {
            attributes += " stroke-dasharray=\"\(pattern)\""
        }
        return "<path class=\"reference-line\" d=\"\(line.pathData)\" \(attributes)/>\n"
    }
}

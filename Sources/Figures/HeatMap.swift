import Foundation

/// A scalar field on a regular 2-D grid drawn as coloured cells, with a colour bar.
///
/// `values` are row-major with the last axis fastest, as `GridFields.Grid` stores them: for shape [nx, ny]
/// the value of cell (i, j) is `values[i * ny + j]`, and that cell covers
/// [xmin + i·Δx, xmin + (i+1)·Δx] × [ymin + j·Δy, ymin + (j+1)·Δy] with Δx = (xmax − xmin)/nx,
/// Δy = (ymax − ymin)/ny; y grows upwards.
///
///     let map = HeatMap(values: density, shape: [128, 128], xExtent: -4...4, yExtent: -4...4,
///                       title: "ρ(x, T)", colorLabel: "density", colorScale: .logarithmic)
///     try map.write(to: "results/density.svg")
///
/// Every cell is one `<rect x y width height fill>` in cell units inside one scaled group, so a 128 × 128
/// field is about 0.9 MB of SVG; nothing is merged or resampled. Colours come from a 256-entry `ColorMap`
/// (viridis by default): values below the colour limits take the lowest colour, above them the highest,
/// non-finite values grey. On a logarithmic colour scale non-positive values take the lowest colour.
public struct HeatMap: Figure {
    public var values: [Double]
    /// [nx, ny].
    public var shape: [Int]
    public var xExtent: ClosedRange<Double>
    public var yExtent: ClosedRange<Double>
    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// Beside the colour bar, with "(×10ᵏ)" appended when the colour ticks are in units of 10ᵏ.
    public var colorLabel: String
    public var colorScale: AxisScale
    /// The values mapped to the two ends of the colour map, or nil to take them from the data: the finite
    /// minimum and maximum on a linear scale; on a log scale the largest positive value and, below it,
    /// the smallest positive value but at most `HeatMap.defaultLogDynamicRange` lower.
    public var colorLimits: ClosedRange<Double>?
    public var colorMap: ColorMap
    /// Cells are square when Δx = Δy (one x unit spans as many px as one y unit).
    public var preservesAspectRatio: Bool
    /// Writes the notes under the plot as well as into `<desc>`.
    public var showsNotes: Bool
    public var size: FigureSize

    /// Ratio of the top to the bottom of a logarithmic colour scale chosen from the data: 10⁶, six decades,
    /// so the tails of a density show but values at round-off level (1e-300) do not flatten the map.
    public static let defaultLogDynamicRange = 1e6
    /// The fill of cells holding NaN or ±∞ (not in viridis, so it cannot be read as a value).
    public static let missingColor = RGBColor(hex: 0xBDBDBD)

    public init(
        values: [Double], shape: [Int], xExtent: ClosedRange<Double>, yExtent: ClosedRange<Double>,
        title: String = "", xLabel: String = "x", yLabel: String = "y", colorLabel: String = "",
        colorScale: AxisScale = .linear, colorLimits: ClosedRange<Double>? = nil, colorMap: ColorMap = .viridis,
        preservesAspectRatio: Bool = true, showsNotes: Bool = true, size: FigureSize = .standard
    ) {
        precondition(
            shape.count == 2 && shape.allSatisfy { $0 >= 1 }, "HeatMap: shape must be [nx, ny] with nx, ny ≥ 1")
        precondition(values.count == shape[0] * shape[1], "HeatMap: \(values.count) values for shape \(shape)")
        precondition(
            xExtent.lowerBound < xExtent.upperBound && yExtent.lowerBound < yExtent.upperBound
                && [xExtent.lowerBound, xExtent.upperBound, yExtent.lowerBound, yExtent.upperBound].allSatisfy(
                    \.isFinite),
            "HeatMap: extents must be finite with lower < upper")
        self.values = values
        self.shape = shape
        self.xExtent = xExtent
        self.yExtent = yExtent
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.colorLabel = colorLabel
        self.colorScale = colorScale
        self.colorLimits = colorLimits
        self.colorMap = colorMap
        self.preservesAspectRatio = preservesAspectRatio
        self.showsNotes = showsNotes
        self.size = size
    }

    /// Sentences about cells drawn without a value of their own (non-finite, non-positive on a log scale)
    /// and ignored colour limits.
    public var notes: [String] { render().notes }

    public func svg() -> String { render().svg }

    /// The values at the two ends of the colour map: `colorLimits` when usable, else chosen from the data
    /// (see `colorLimits`), widened when the field is constant.
    public var resolvedColorLimits: ClosedRange<Double> {
        if let limits = colorLimits, usableColorLimits(limits) { return limits }
        let range: ClosedRange<Double>?
        switch colorScale {
        case .linear:
            range = drawableRange(values, scale: .linear)
        case .logarithmic:
            range = drawableRange(values, scale: .logarithmic).map {
                max($0.lowerBound, $0.upperBound / Self.defaultLogDynamicRange)...$0.upperBound
            }
        }
        guard let range else { return colorScale == .linear ? 0...1 : 1...10 }
        guard range.lowerBound < range.upperBound else {
            let value = range.lowerBound
            switch colorScale {
            case .linear:
                let pad = value == 0 ? 1 : abs(value) * 0.1
                return (value - pad)...(value + pad)
            case .logarithmic:
                return (value / 10.0.squareRoot())...(value * 10.0.squareRoot())
            }
        }
        return range
    }

    private func usableColorLimits(_ limits: ClosedRange<Double>) -> Bool {
        limits.lowerBound.isFinite && limits.upperBound.isFinite && limits.lowerBound < limits.upperBound
            && (colorScale == .linear || limits.lowerBound > 0)
    }
}

extension HeatMap {
    private func render() -> (svg: String, notes: [String]) {
        let (nx, ny) = (shape[0], shape[1])
        let limits = resolvedColorLimits
        var notes: [String] = []
        if let requested = colorLimits, !usableColorLimits(requested) {
            notes.append(
                "colour limits \(requested.lowerBound)...\(requested.upperBound) ignored: "
                    + (colorScale == .logarithmic
                        ? "a logarithmic scale needs 0 < lower < upper" : "they must be finite with lower < upper"))
        }
        let nonFinite = values.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
        if nonFinite > 0 {
            notes.append("\(nonFinite) of \(values.count) cells are non-finite (NaN or ±∞), drawn grey")
        }
        if colorScale == .logarithmic {
            let nonPositive = values.reduce(0) { $0 + ($1.isFinite && $1 <= 0 ? 1 : 0) }
            if nonPositive > 0 {
                notes.append(
                    "\(nonPositive) of \(values.count) cells are ≤ 0, "
                        + "drawn in the lowest colour of the logarithmic scale"
                )
            }
        }
        let lines = showsNotes ? footnoteLines(notes) : []

        // Colour bar ticks inside the limits; the bar is as tall as the plot, about 300 px.
        let colorTicks =
            colorScale == .linear
            ? AxisTicks.linear(from: limits.lowerBound, to: limits.upperBound, maximumCount: 7, expandsToTicks: false)
            : AxisTicks.logarithmic(
                from: limits.lowerBound, to: limits.upperBound, maximumCount: 7, expandsToDecades: false)
        let colorTitle = axisTitle(colorLabel, multiplier: colorTicks.multiplierExponent)
        let barGap = 16.0
        let barWidth = 14.0
        let tickLabelWidth = colorTicks.richLabels.map { $0.estimatedWidth(fontSize: PlotStyle.tickSize) }.max() ?? 0
        let colorTitleBlock = colorTitle.isEmpty ? 0 : 10 + PlotStyle.labelSize
        let rightReserve = barGap + barWidth + PlotStyle.majorTickLength + 3 + tickLabelWidth + colorTitleBlock

        let frame = PlotFrame.layout(
            size: size, title: title, x: AxisRequest(axis: Axis(xLabel, limits: xExtent), dataRange: nil),
            y: AxisRequest(axis: Axis(yLabel, limits: yExtent), dataRange: nil),
            rightReserve: rightReserve, footnoteLines: lines.count, equalAspect: preservesAspectRatio)
        let rect = frame.rect

        var body = ""
        // Cells in cell units: x = i, y = j, flipped so that j grows upwards.
        let fills = colorMap.colors.map(\.hexString)
        let missing = Self.missingColor.hexString
        body +=
            "<g class=\"cells\" transform=\"translate(\(svgNumber(rect.left)) \(svgNumber(rect.bottom))) "
            + "scale(\(svgNumber4(rect.width / Double(nx))) "
            + "\(svgNumber4(-rect.height / Double(ny))))\" shape-rendering=\"crispEdges\">\n"
        body.reserveCapacity(body.utf8.count + nx * ny * 52)
        for i in 0..<nx {
            let column = String(i)
            for j in 0..<ny {
                let value = values[i * ny + j]
                let fill = value.isFinite ? fills[colorMap.index(at: colorFraction(value, ticks: colorTicks))] : missing
                body += "<rect x=\"\(column)\" y=\"\(j)\" width=\"1\" height=\"1\" fill=\"\(fill)\"/>"
            }
            body += "\n"
        }
        body += "</g>\n"
        body += frame.axesSVG()
        body += colorBarSVG(
            ticks: colorTicks, title: colorTitle, left: rect.right + barGap, top: rect.top, width: barWidth,
            height: rect.height)
        body += frame.footnotesSVG(lines)
        return (svgDocument(size: size, title: title, notes: notes, body: body), notes)
    }

    /// Position of `value` along the colour map, clamped to [0, 1]; non-positive values on a log scale give 0.
    private func colorFraction(_ value: Double, ticks: AxisTicks) -> Double {
        guard let t = ticks.fraction(of: value) else { return 0 }
        return min(max(t, 0), 1)
    }

    /// The colour bar: a vertical gradient through the colour map, framed, ticks and labels on its right,
    /// and the colour label rotated beside them.
    private func colorBarSVG(
        ticks: AxisTicks, title: RichText, left: Double, top: Double, width: Double, height: Double
    ) -> String {
        let nameScalars = colorMap.name.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) && $0.isASCII }
        let identifier = "figures-colormap-\(nameScalars.map(String.init).joined())"
        var svg =
            "<g class=\"colorbar\">\n<defs><linearGradient id=\"\(identifier)\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">"
        let stopCount = 32
        for stop in 0...stopCount {
            let t = Double(stop) / Double(stopCount)
            svg += "<stop offset=\"\(svgNumber4(t))\" stop-color=\"\(colorMap.color(at: t).hexString)\"/>"
        }
        svg += "</linearGradient></defs>\n"
        svg +=
            "<rect class=\"colorbar-scale\" x=\"\(svgNumber(left))\" "
            + "y=\"\(svgNumber(top))\" width=\"\(svgNumber(width))\" "
            + "height=\"\(svgNumber(height))\" fill=\"url(#\(identifier))\"/>\n"
        svg +=
            "<rect x=\"\(svgNumber(left - 0.5))\" y=\"\(svgNumber(top - 0.5))\" "
            + "width=\"\(svgNumber(width + 1))\" height=\"\(svgNumber(height + 1))\" "
            + "fill=\"none\" stroke=\"\(PlotStyle.axisColor)\" stroke-width=\"1\"/>\n"
        var tickPath = ""
        let edge = left + width + 0.5
        for (values, length) in [(ticks.major, PlotStyle.majorTickLength), (ticks.minor, PlotStyle.minorTickLength)] {
            for value in values {
                guard let t = ticks.fraction(of: value) else { continue }
                let y = (top + height - t * height).rounded(.down) + 0.5
                tickPath += "M\(svgNumber(edge)) \(svgNumber(y))h\(svgNumber(length))"
            }
        }
        if !tickPath.isEmpty {
            svg += "<path d=\"\(tickPath)\" fill=\"none\" stroke=\"\(PlotStyle.axisColor)\" stroke-width=\"1\"/>\n"
        }
        let labelX = left + width + PlotStyle.majorTickLength + 3
        svg +=
            "<g class=\"colorbar-tick-labels\" font-size=\"\(svgNumber(PlotStyle.tickSize))\" "
            + "fill=\"\(PlotStyle.textColor)\">\n"
        for (value, label) in zip(ticks.major, ticks.richLabels) {
            guard let t = ticks.fraction(of: value) else { continue }
            let y = top + height - t * height + PlotStyle.tickSize * 0.36
            svg +=
                "<text class=\"tick-label\" x=\"\(svgNumber(labelX))\" "
                + "y=\"\(svgNumber(y))\">\(label.svgContent(fontSize: PlotStyle.tickSize))</text>\n"
        }
        svg += "</g>\n"
        if !title.isEmpty {
            let labelWidth = ticks.richLabels.map { $0.estimatedWidth(fontSize: PlotStyle.tickSize) }.max() ?? 0
            let baseline = labelX + labelWidth + 8 + PlotStyle.labelSize * 0.8
            let centre = top + height / 2
            svg +=
                "<text class=\"colorbar-label\" x=\"\(svgNumber(baseline))\" y=\"\(svgNumber(centre))\" "
                + "transform=\"rotate(-90 \(svgNumber(baseline)) \(svgNumber(centre)))\" "
                + "font-size=\"\(svgNumber(PlotStyle.labelSize))\" "
                + "fill=\"\(PlotStyle.textColor)\" "
                + "text-anchor=\"middle\">\(title.svgContent(fontSize: PlotStyle.labelSize))</text>\n"
        }
        return svg + "</g>\n"
    }
}

/// A number with up to four decimals, for scale factors and gradient offsets where hundredths are too coarse.
private func svgNumber4(_ value: Double) -> String {
    var written = String(format: "%.4f", value)
    while written.hasSuffix("0") { written.removeLast() }
    if written.hasSuffix(".") { written.removeLast() }
    return written == "-0" ? "0" : written
}

import Foundation

/// Sizes and colours every figure shares, in px.
enum PlotStyle {
    static let fontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif"
    static let titleSize = 15.0
    static let labelSize = 13.0
    static let tickSize = 11.0
    static let legendSize = 12.0
    static let noteSize = 10.0
    static let textColor = "#222"
    static let noteColor = "#666"
    static let axisColor = "#444"
    static let gridColor = "#e6e6e6"
    static let majorTickLength = 5.0
    static let minorTickLength = 3.0
    /// Blank border around the whole canvas.
    static let outerMargin = 10.0
}

/// A point in SVG pixels (y down).
struct PixelPoint {
    var x: Double
    var y: Double
}

/// The plot area in SVG pixels (y down), edges on whole pixels.
struct PlotRect {
    var left: Double
    var top: Double
    var right: Double
    var bottom: Double

    var width: Double { right - left }
    var height: Double { bottom - top }

    func contains(_ point: PixelPoint, tolerance: Double = 0) -> Bool {
        point.x >= left - tolerance && point.x <= right + tolerance && point.y >= top - tolerance
            && point.y <= bottom + tolerance
    }
}

/// What a plot asks of one axis before layout.
struct AxisRequest {
    var axis: Axis
    /// The range of the data to show, over values the scale can draw; nil when there is none.
    var dataRange: ClosedRange<Double>?
}

/// The laid-out frame of a Cartesian plot: the plot rectangle, both axes' ticks, and everything drawn around
/// the data (grid, frame, ticks, labels, title, footnotes).
struct PlotFrame {
    let size: FigureSize
    let title: String
    let rect: PlotRect
    let x: AxisTicks
    let y: AxisTicks
    let xLabel: RichText
    let yLabel: RichText

    /// Lays out a plot on `size`.
    ///
    /// - Parameters:
    ///   - rightReserve: px kept free right of the plot area (an outside legend, a colour bar).
    ///   - footnoteLines: lines of small text under the x label.
    ///   - equalAspect: one data unit (one decade on log axes) spans as many px on x as on y; the plot area
    ///     shrinks along one direction and is centred.
    static func layout(
        size: FigureSize, title: String, x xRequest: AxisRequest, y yRequest: AxisRequest,
        rightReserve: Double = 0, footnoteLines: Int = 0, equalAspect: Bool = false
    ) -> PlotFrame {
        let margin = PlotStyle.outerMargin
        let top = margin + (title.isEmpty ? 4 : PlotStyle.titleSize + 10)
        let xLabelBlock = xRequest.axis.label.isEmpty ? 0.0 : 8 + PlotStyle.labelSize
        var bottomMargin = PlotStyle.majorTickLength + 4 + PlotStyle.tickSize + xLabelBlock + margin
        if footnoteLines > 0 {
            bottomMargin += 6 + Double(footnoteLines) * (PlotStyle.noteSize + 3)
        }
        let plotHeightGuess = size.height - top - bottomMargin - 8
        let yCount = max(2, min(8, Int(plotHeightGuess / (PlotStyle.tickSize * 2.6)) + 1))
        let yTicks = resolvedTicks(yRequest, maximumCount: yCount)
        let yLabel = axisTitle(yRequest.axis.label, multiplier: yTicks.multiplierExponent)
        let yLabelWidth = yTicks.richLabels.map { $0.estimatedWidth(fontSize: PlotStyle.tickSize) }.max() ?? 0
        var left =
            margin + (yLabel.isEmpty ? 0 : PlotStyle.labelSize + 10) + yLabelWidth + PlotStyle.majorTickLength + 4
        var rightMargin = margin + 6 + rightReserve
        let availableWidth = size.width - left - rightMargin

        // The most x ticks whose labels keep a clear gap between neighbours.
        var xTicks = resolvedTicks(xRequest, maximumCount: 2)
        for count in stride(from: 10, through: 3, by: -1) {
            let candidate = resolvedTicks(xRequest, maximumCount: count)
            if labelsFit(candidate, length: availableWidth) {
                xTicks = candidate
                break
            }
        }
        // The x multiplier (×10ᵏ) joins the x label; it needs the label line even when the label is empty.
        let xLabel = axisTitle(xRequest.axis.label, multiplier: xTicks.multiplierExponent)
        if xRequest.axis.label.isEmpty && !xLabel.isEmpty {
            bottomMargin += 8 + PlotStyle.labelSize
        }
        // Half of the outermost x labels may stick out past the plot edges.
        let halfWidths = xTicks.richLabels.map { $0.estimatedWidth(fontSize: PlotStyle.tickSize) / 2 }
        if let last = halfWidths.last, let value = xTicks.major.last,
            xTicks.fraction(of: value).map({ $0 > 0.98 }) == true, rightReserve == 0
        {
            rightMargin = max(rightMargin, margin + last)
        }
        if let first = halfWidths.first, let value = xTicks.major.first,
            xTicks.fraction(of: value).map({ $0 < 0.02 }) == true
        {
            left = max(left, margin + first)
        }

        var rect = PlotRect(
            left: left.rounded(), top: top.rounded(),
            right: (size.width - rightMargin).rounded(), bottom: (size.height - bottomMargin).rounded())
        if equalAspect, xTicks.scale == yTicks.scale {
            let span: (AxisTicks) -> Double = { ticks in
                ticks.scale == .linear ? ticks.upper - ticks.lower : log10(ticks.upper) - log10(ticks.lower)
            }
            let pxPerUnit = min(rect.width / span(xTicks), rect.height / span(yTicks))
            let width = (pxPerUnit * span(xTicks)).rounded()
            let height = (pxPerUnit * span(yTicks)).rounded()
            let shiftX = ((rect.width - width) / 2).rounded(.down)
            let shiftY = ((rect.height - height) / 2).rounded(.down)
            rect = PlotRect(
                left: rect.left + shiftX, top: rect.top + shiftY,
                right: rect.left + shiftX + width, bottom: rect.top + shiftY + height)
        }
        return PlotFrame(size: size, title: title, rect: rect, x: xTicks, y: yTicks, xLabel: xLabel, yLabel: yLabel)
    }

    /// Pixel x of data value `value`; nil when the scale cannot place it. Far-off values are held at a
    /// million plot widths, which keeps clipped segments pointing the right way.
    func pixelX(_ value: Double) -> Double? {
        x.fraction(of: value).map { rect.left + min(max($0, -1e6), 1e6) * rect.width }
    }

    /// Pixel y of data value `value` (upwards on screen); nil when the scale cannot place it.
    func pixelY(_ value: Double) -> Double? {
        y.fraction(of: value).map { rect.bottom - min(max($0, -1e6), 1e6) * rect.height }
    }

    func pixel(x xValue: Double, y yValue: Double) -> PixelPoint? {
        guard let px = pixelX(xValue), let py = pixelY(yValue) else { return nil }
        return PixelPoint(x: px, y: py)
    }

    // MARK: drawing

    /// Light grid lines at the major ticks, under the data.
    func gridSVG() -> String {
        var path = ""
        for value in x.major {
            guard let px = pixelX(value).map(crisp), px > rect.left + 1, px < rect.right - 1 else { continue }
            path += "M\(svgNumber(px)) \(svgNumber(rect.top))V\(svgNumber(rect.bottom))"
        }
        for value in y.major {
            guard let py = pixelY(value).map(crisp), py > rect.top + 1, py < rect.bottom - 1 else { continue }
            path += "M\(svgNumber(rect.left)) \(svgNumber(py))H\(svgNumber(rect.right))"
        }
        guard !path.isEmpty else { return "" }
        return
            "<path class=\"grid\" d=\"\(path)\" fill=\"none\" stroke=\"\(PlotStyle.gridColor)\" stroke-width=\"1\"/>\n"
    }

    /// Frame, outward ticks, tick labels, axis labels and title, over the data.
    func axesSVG() -> String {
        var svg = ""
        let frameLeft = rect.left - 0.5
        let frameTop = rect.top - 0.5
        svg +=
            "<rect class=\"frame\" x=\"\(svgNumber(frameLeft))\" "
            + "y=\"\(svgNumber(frameTop))\" width=\"\(svgNumber(rect.width + 1))\" "
            + "height=\"\(svgNumber(rect.height + 1))\" fill=\"none\" "
            + "stroke=\"\(PlotStyle.axisColor)\" stroke-width=\"1\"/>\n"
        var ticks = ""
        let bottomEdge = rect.bottom + 0.5
        let leftEdge = rect.left - 0.5
        for (values, length) in [(x.major, PlotStyle.majorTickLength), (x.minor, PlotStyle.minorTickLength)] {
            for value in values {
                guard let px = pixelX(value).map(crisp) else { continue }
                ticks += "M\(svgNumber(px)) \(svgNumber(bottomEdge))v\(svgNumber(length))"
            }
        }
        for (values, length) in [(y.major, PlotStyle.majorTickLength), (y.minor, PlotStyle.minorTickLength)] {
            for value in values {
                guard let py = pixelY(value).map(crisp) else { continue }
                ticks += "M\(svgNumber(leftEdge)) \(svgNumber(py))h\(svgNumber(-length))"
            }
        }
        if !ticks.isEmpty {
            svg +=
                "<path class=\"ticks\" d=\"\(ticks)\" fill=\"none\" "
                + "stroke=\"\(PlotStyle.axisColor)\" stroke-width=\"1\"/>\n"
        }

        let tickSize = svgNumber(PlotStyle.tickSize)
        svg +=
            "<g class=\"x-tick-labels\" font-size=\"\(tickSize)\" "
            + "fill=\"\(PlotStyle.textColor)\" text-anchor=\"middle\">\n"
        let xBaseline = rect.bottom + PlotStyle.majorTickLength + 3 + PlotStyle.tickSize * 0.85
        for (value, label) in zip(x.major, x.richLabels) {
            guard let px = pixelX(value) else { continue }
            svg +=
                "<text class=\"tick-label\" x=\"\(svgNumber(px))\" y=\"\(svgNumber(xBaseline))\">"
                + "\(label.svgContent(fontSize: PlotStyle.tickSize))</text>\n"
        }
        svg += "</g>\n"
        svg +=
            "<g class=\"y-tick-labels\" font-size=\"\(tickSize)\" "
            + "fill=\"\(PlotStyle.textColor)\" text-anchor=\"end\">\n"
        let yLabelRight = rect.left - PlotStyle.majorTickLength - 3
        for (value, label) in zip(y.major, y.richLabels) {
            guard let py = pixelY(value) else { continue }
            svg +=
                "<text class=\"tick-label\" x=\"\(svgNumber(yLabelRight))\" "
                + "y=\"\(svgNumber(py + PlotStyle.tickSize * 0.36))\">"
                + "\(label.svgContent(fontSize: PlotStyle.tickSize))</text>\n"
        }
        svg += "</g>\n"

        let labelSize = PlotStyle.labelSize
        if !xLabel.isEmpty {
            let baseline = xBaseline + PlotStyle.tickSize * 0.25 + 8 + labelSize * 0.85
            svg +=
                "<text class=\"x-label\" x=\"\(svgNumber((rect.left + rect.right) / 2))\" y=\"\(svgNumber(baseline))\" "
                + "font-size=\"\(svgNumber(labelSize))\" fill=\"\(PlotStyle.textColor)\" text-anchor=\"middle\">"
                + "\(xLabel.svgContent(fontSize: labelSize))</text>\n"
        }
        if !yLabel.isEmpty {
            let yTickWidth = y.richLabels.map { $0.estimatedWidth(fontSize: PlotStyle.tickSize) }.max() ?? 0
            let baseline = max(PlotStyle.outerMargin + labelSize * 0.8, yLabelRight - yTickWidth - 10)
            let centre = (rect.top + rect.bottom) / 2
            svg +=
                "<text class=\"y-label\" x=\"\(svgNumber(baseline))\" y=\"\(svgNumber(centre))\" "
                + "transform=\"rotate(-90 \(svgNumber(baseline)) \(svgNumber(centre)))\" "
                + "font-size=\"\(svgNumber(labelSize))\" "
                + "fill=\"\(PlotStyle.textColor)\" "
                + "text-anchor=\"middle\">\(yLabel.svgContent(fontSize: labelSize))</text>\n"
        }
        svg += titleSVG(
            size: size, title: title, centre: (rect.left + rect.right) / 2, halfWidthAvailable: rect.width / 2)
        return svg
    }

    /// Small grey lines of text at the bottom of the canvas, one note a line.
    func footnotesSVG(_ lines: [String]) -> String {
        footnoteSVG(lines, size: size)
    }
}

/// The title, bold, centred over the plot area when it fits there and over the canvas otherwise.
func titleSVG(size: FigureSize, title: String, centre: Double, halfWidthAvailable: Double) -> String {
    guard !title.isEmpty else { return "" }
    let fontSize = PlotStyle.titleSize
    // Bold text runs about 8 % wider than the estimate for regular weight.
    let width = estimatedTextWidth(title, fontSize: fontSize) * 1.08
    var centreX = centre
    var text = title
    if width / 2 > halfWidthAvailable {
        centreX = size.width / 2
        text = truncated(title, toWidth: (size.width - 2 * PlotStyle.outerMargin) / 1.08, fontSize: fontSize)
        let drawn = estimatedTextWidth(text, fontSize: fontSize) * 1.08
        centreX = min(max(centre, PlotStyle.outerMargin + drawn / 2), size.width - PlotStyle.outerMargin - drawn / 2)
    }
    let baseline = PlotStyle.outerMargin + fontSize * 0.85
    return
        "<text class=\"title\" x=\"\(svgNumber(centreX))\" "
        + "y=\"\(svgNumber(baseline))\" font-size=\"\(svgNumber(fontSize))\" "
        + "font-weight=\"bold\" fill=\"\(PlotStyle.textColor)\" text-anchor=\"middle\">\(xmlEscaped(text))</text>\n"
}

/// Footnotes in the bottom-left corner, the last line just above the bottom margin.
func footnoteSVG(_ lines: [String], size: FigureSize) -> String {
    guard !lines.isEmpty else { return "" }
    let lineHeight = PlotStyle.noteSize + 3
    var svg = "<g class=\"notes\" font-size=\"\(svgNumber(PlotStyle.noteSize))\" fill=\"\(PlotStyle.noteColor)\">\n"
    for (index, line) in lines.enumerated() {
        let baseline = size.height - PlotStyle.outerMargin + 2 - Double(lines.count - 1 - index) * lineHeight
        let text = truncated(line, toWidth: size.width - 2 * PlotStyle.outerMargin, fontSize: PlotStyle.noteSize)
        svg +=
            "<text class=\"note\" x=\"\(svgNumber(PlotStyle.outerMargin))\" "
            + "y=\"\(svgNumber(baseline))\">\(xmlEscaped(text))</text>\n"
    }
    return svg + "</g>\n"
}

/// At most `limit` footnote lines: the first notes, then "… and n more (see notes)".
func footnoteLines(_ notes: [String], limit: Int = 3) -> [String] {
    guard notes.count > limit else { return notes }
    return Array(notes.prefix(limit - 1)) + ["… and \(notes.count - limit + 1) more notes (in the SVG <desc>)"]
}

/// The middle of a pixel, where a 1 px line is sharp.
private func crisp(_ value: Double) -> Double {
    value.rounded(.down) + 0.5
}

/// The axis label, with " (×10ᵏ)" when the tick labels are in units of 10ᵏ.
func axisTitle(_ label: String, multiplier: Int?) -> RichText {
    guard let multiplier else { return RichText(label) }
    let factor = RichText.power(base: "×10", exponent: multiplier)
    if label.isEmpty { return factor }
    return RichText(label + " (").appending(factor).appending(RichText(")"))
}

/// Whether neighbouring major-tick labels along an axis `length` px long keep at least 12 px apart.
private func labelsFit(_ ticks: AxisTicks, length: Double) -> Bool {
    let widths = ticks.richLabels.map { $0.estimatedWidth(fontSize: PlotStyle.tickSize) }
    let positions = ticks.major.compactMap { ticks.fraction(of: $0).map { $0 * length } }
    guard positions.count == widths.count else { return false }
    for index in positions.indices.dropFirst() {
        let gap = positions[index] - positions[index - 1] - (widths[index] + widths[index - 1]) / 2
        if gap < 12 { return false }
    }
    return true
}

/// The axis's fixed limits when they can be used: finite, lower < upper, and positive on a log axis.
private func usableLimits(of axis: Axis) -> ClosedRange<Double>? {
    guard let limits = axis.limits, limits.lowerBound.isFinite, limits.upperBound.isFinite,
        limits.lowerBound < limits.upperBound,
        axis.scale == .linear || limits.lowerBound > 0
    else { return nil }
    return limits
}

/// A note when `axis` has fixed limits that cannot be used (they are then ignored), nil otherwise.
func limitsNote(for axis: Axis, name: String) -> String? {
    guard let limits = axis.limits, usableLimits(of: axis) == nil else { return nil }
    let reason =
        axis.scale == .logarithmic
        ? "a logarithmic axis needs finite limits 0 < lower < upper" : "limits must be finite with lower < upper"
    return "\(name)-axis limits \(limits.lowerBound)...\(limits.upperBound) ignored: \(reason)"
}

/// The ticks for one axis: usable fixed limits are kept as given (ticks inside them); limits from the data
/// are widened to ticks (linear) or whole decades (log); with neither, 0…1 or 1…10.
private func resolvedTicks(_ request: AxisRequest, maximumCount: Int) -> AxisTicks {
    let scale = request.axis.scale
    if let limits = usableLimits(of: request.axis) {
        return scale == .linear
            ? AxisTicks.linear(
                from: limits.lowerBound, to: limits.upperBound, maximumCount: maximumCount, expandsToTicks: false)
            : AxisTicks.logarithmic(
                from: limits.lowerBound, to: limits.upperBound, maximumCount: maximumCount, expandsToDecades: false)
    }
    switch scale {
    case .linear:
        let range = request.dataRange ?? 0...1
        return AxisTicks.linear(from: range.lowerBound, to: range.upperBound, maximumCount: maximumCount)
    case .logarithmic:
        let range = request.dataRange ?? 1...10
        return AxisTicks.logarithmic(from: range.lowerBound, to: range.upperBound, maximumCount: maximumCount)
    }
}

/// The range of the values in `values` that `scale` can draw (finite, and positive on a log axis).
func drawableRange<S: Sequence>(_ values: S, scale: AxisScale) -> ClosedRange<Double>? where S.Element == Double {
    var low = Double.infinity
    var high = -Double.infinity
    for value in values where value.isFinite && (scale == .linear || value > 0) {
        low = min(low, value)
        high = max(high, value)
    }
    return low <= high ? low...high : nil
}

/// The smallest range holding both (either may be nil).
func union(_ first: ClosedRange<Double>?, _ second: ClosedRange<Double>?) -> ClosedRange<Double>? {
    guard let first else { return second }
    guard let second else { return first }
    return min(first.lowerBound, second.lowerBound)...max(first.upperBound, second.upperBound)
}

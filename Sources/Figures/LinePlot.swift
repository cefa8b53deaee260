/// Named series of (x, y) points joined by lines, on linear or logarithmic axes, with an optional legend,
/// markers and dashed reference lines.
///
///     var plot = LinePlot(title: "Error against step size",
///                         xAxis: Axis("Δt", scale: .logarithmic), yAxis: Axis("L¹ error", scale: .logarithmic))
///     plot.series.append(.init("Euler–Maruyama", x: steps, y: errors, marker: .circle))
///     plot.referenceLines.append(.powerLaw(exponent: 1, through: (x: steps[0], y: errors[0]), label: "slope 1"))
///     try plot.write(to: "results/convergence.svg")
///
/// Points that cannot be drawn are skipped and break the line there (no bridge over the gap): non-finite
/// coordinates (a series that blows up to ±∞ or NaN stops, and the plot keeps its range from the finite
/// points), and non-positive values on a logarithmic axis. Each kind of skip is counted in `notes`, which are
/// written into the SVG's `<desc>` and, when `showsNotes`, as small print under the plot.
/// Series take colours from `Palette.okabeIto` in order; after eight series the dash pattern changes.
public struct LinePlot: Figure {
    /// One named line.
    public struct Series: Sendable {
        /// The legend text; an empty name keeps the series out of the legend.
        public var name: String
        public var x: [Double]
        public var y: [Double]
        /// nil takes the palette colour for the series' position.
        public var color: RGBColor?
        /// nil is solid for the first eight series, then dashed, dotted, dash-dotted as the palette repeats.
        public var dash: LineDash?
        /// nil is `.none`, or a distinct marker per series when the plot's `marksPoints` is set.
        public var marker: Marker?
        public var lineWidth: Double

        public init(
            _ name: String, x: [Double], y: [Double], color: RGBColor? = nil, dash: LineDash? = nil,
            marker: Marker? = nil, lineWidth: Double = 1.8
        ) {
            precondition(x.count == y.count, "LinePlot.Series \(name): x has \(x.count) values, y has \(y.count)")
            self.name = name
            self.x = x
            self.y = y
            self.color = color
            self.dash = dash
            self.marker = marker
            self.lineWidth = lineWidth
        }

        public init(
            _ name: String, points: [(x: Double, y: Double)], color: RGBColor? = nil, dash: LineDash? = nil,
            marker: Marker? = nil, lineWidth: Double = 1.8
        ) {
            self.init(
                name, x: points.map(\.x), y: points.map(\.y), color: color, dash: dash, marker: marker,
                lineWidth: lineWidth)
        }
    }

    public var title: String
    public var xAxis: Axis
    public var yAxis: Axis
    public var series: [Series]
    /// Drawn under the series, clipped to the plot area.
    public var referenceLines: [ReferenceLine]
    public var legendPlacement: LegendPlacement
    /// Gives every series without its own marker a distinct one (circle, square, triangle, diamond, cross),
    /// so series stay apart in grey-scale print.
    public var marksPoints: Bool
    /// Writes the notes under the plot as well as into `<desc>`.
    public var showsNotes: Bool
    public var size: FigureSize

    public init(
        title: String = "", xAxis: Axis = Axis(), yAxis: Axis = Axis(), series: [Series] = [],
        referenceLines: [ReferenceLine] = [], legendPlacement: LegendPlacement = .automatic,
        marksPoints: Bool = false, showsNotes: Bool = true, size: FigureSize = .standard
    ) {
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.series = series
        self.referenceLines = referenceLines
        self.legendPlacement = legendPlacement
        self.marksPoints = marksPoints
        self.showsNotes = showsNotes
        self.size = size
    }

    /// Sentences about what was left out: skipped non-finite points, non-positive values on a log axis,
    /// ignored axis limits. Empty when everything was drawn.
    public var notes: [String] { render().notes }

    public func svg() -> String { render().svg }
}

extension LinePlot {
    private func render() -> (svg: String, notes: [String]) {
        let styles = series.indices.map(style(of:))
        var notes: [String] = []
        for (index, line) in series.enumerated() {
            notes += skippedPointNotes(
                x: line.x, y: line.y, name: seriesName(index), xScale: xAxis.scale, yScale: yAxis.scale)
        }
        var xRange = drawableRange(referenceLines.compactMap(\.verticalValue), scale: xAxis.scale)
        var yRange = drawableRange(referenceLines.compactMap(\.horizontalValue), scale: yAxis.scale)
        for line in series {
            let drawable = line.x.indices.filter {
                isDrawable(line.x[$0], xAxis.scale) && isDrawable(line.y[$0], yAxis.scale)
            }
            xRange = union(xRange, drawableRange(drawable.lazy.map { line.x[$0] }, scale: xAxis.scale))
            yRange = union(yRange, drawableRange(drawable.lazy.map { line.y[$0] }, scale: yAxis.scale))
        }
        let entries =
            series.enumerated().map { index, line in
                LegendEntry(
                    label: line.name, color: styles[index].color,
                    swatch: .line(dash: styles[index].dash, width: line.lineWidth, marker: styles[index].marker))
            } + referenceLines.map(\.legendEntry)

        return renderCartesianPlot(
            size: size, title: title, x: AxisRequest(axis: xAxis, dataRange: xRange),
            y: AxisRequest(axis: yAxis, dataRange: yRange),
            legendEntries: entries, placement: legendPlacement, equalAspect: false, notes: notes, showsNotes: showsNotes
        ) { frame in
            var drawing = CartesianDrawing()
            for reference in referenceLines {
                let line = reference.draw(in: frame)
                drawing.svg += reference.svg(line)
                drawing.ink += line.ink
            }
            for (index, line) in series.enumerated() {
                let style = styles[index]
                var polyline = ClippedPolyline(clip: frame.rect)
                var markers = ""
                for (xValue, yValue) in zip(line.x, line.y) {
                    let point = frame.pixel(x: xValue, y: yValue)
                    polyline.add(point)
                    if style.marker != .none, let point, frame.rect.contains(point, tolerance: 0.5) {
                        markers += style.marker.pathData(x: point.x, y: point.y, radius: markerRadius)
                        drawing.ink.append(point)
                    }
                }
                drawing.ink += polyline.ink
                if !polyline.pathData.isEmpty {
                    var attributes =
                        "fill=\"none\" stroke=\"\(style.color.hexString)\" "
                        + "stroke-width=\"\(svgNumber(line.lineWidth))\" stroke-linejoin=\"round\""
                    if let pattern = style.dash.dashArray(width: line.lineWidth) {
                        attributes += " stroke-dasharray=\"\(pattern)\""
                    } else {
                        attributes += " stroke-linecap=\"round\""
                    }
                    drawing.svg += "<path class=\"series-line\" d=\"\(polyline.pathData)\" \(attributes)/>\n"
                }
                if !markers.isEmpty {
                    drawing.svg += markerPathElement(data: markers, marker: style.marker, color: style.color) + "\n"
                }
            }
            return drawing
        }
    }

    private struct Style {
        var color: RGBColor
        var dash: LineDash
        var marker: Marker
    }

    private func style(of index: Int) -> Style {
        let line = series[index]
        let dashCycle = LineDash.allCases
        return Style(
            color: line.color ?? Palette.color(at: index),
            dash: line.dash ?? dashCycle[(index / Palette.okabeIto.count) % dashCycle.count],
            marker: line.marker ?? (marksPoints ? Marker.cycle[index % Marker.cycle.count] : .none))
    }

    private func seriesName(_ index: Int) -> String {
        series[index].name.isEmpty ? "series \(index + 1)" : "“\(series[index].name)”"
    }
}

/// Whether `value` can be placed on an axis of `scale`.
func isDrawable(_ value: Double, _ scale: AxisScale) -> Bool {
    value.isFinite && (scale == .linear || value > 0)
}

/// Notes for the points of one series or point set that cannot be drawn.
func skippedPointNotes(x: [Double], y: [Double], name: String, xScale: AxisScale, yScale: AxisScale) -> [String] {
    var nonFinite = 0
    var nonPositiveX = 0
    var nonPositiveY = 0
    for (xValue, yValue) in zip(x, y) {
        if !xValue.isFinite || !yValue.isFinite {
            nonFinite += 1
            continue
        }
        if xScale == .logarithmic && xValue <= 0 { nonPositiveX += 1 }
        if yScale == .logarithmic && yValue <= 0 { nonPositiveY += 1 }
    }
    var notes: [String] = []
    if nonFinite > 0 {
        notes.append("\(name): \(pointCount(nonFinite)) with non-finite coordinates (NaN or ±∞) skipped")
    }
    if nonPositiveX > 0 {
        notes.append("\(name): \(pointCount(nonPositiveX)) with x ≤ 0 not drawn on the logarithmic x axis")
    }
    if nonPositiveY > 0 {
        notes.append("\(name): \(pointCount(nonPositiveY)) with y ≤ 0 not drawn on the logarithmic y axis")
    }
    return notes
}

private func pointCount(_ count: Int) -> String {
    count == 1 ? "1 point" : "\(count) points"
}

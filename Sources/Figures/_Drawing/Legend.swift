/// One row of a legend: a swatch that looks like the series, and its name.
struct LegendEntry {
    enum Swatch {
        case line(dash: LineDash, width: Double, marker: Marker)
        case dot(radius: Double)
    }

    var label: String
    var color: RGBColor
    var swatch: Swatch
}

/// A boxed legend, laid out once and drawn wherever the plot puts it. Entries run down a column and
/// continue in further columns when one column would be taller than the height allowed.
struct LegendBox {
    static let fontSize = PlotStyle.legendSize
    static let rowHeight = 18.0
    static let padding = 7.0
    static let swatchWidth = 26.0
    static let gap = 6.0
    static let columnGap = 14.0
    /// Labels longer than this are cut with "…".
    static let maximumLabelWidth = 220.0

    let entries: [LegendEntry]
    let labels: [String]
    let rowsPerColumn: Int
    let columnWidth: Double
    let width: Double
    let height: Double

    /// The legend of the entries with non-empty labels; nil when there are none.
    init?(_ entries: [LegendEntry], maximumHeight: Double) {
        let shown = entries.filter { !$0.label.isEmpty }
        guard !shown.isEmpty else { return nil }
        self.entries = shown
        labels = shown.map { truncated($0.label, toWidth: Self.maximumLabelWidth, fontSize: Self.fontSize) }
        let textWidth = labels.map { estimatedTextWidth($0, fontSize: Self.fontSize) }.max() ?? 0
        let fittingRows = max(1, Int((maximumHeight - 2 * Self.padding + 4) / Self.rowHeight))
        let columns = (shown.count + fittingRows - 1) / fittingRows
        rowsPerColumn = (shown.count + columns - 1) / columns
        columnWidth = Self.swatchWidth + Self.gap + textWidth + Self.columnGap
        width = (2 * Self.padding + Double(columns) * columnWidth - Self.columnGap).rounded(.up)
        height = (2 * Self.padding - 4 + Double(rowsPerColumn) * Self.rowHeight).rounded(.up)
    }

    /// The legend with its top-left corner at (left, top).
    func svg(left: Double, top: Double) -> String {
        var svg = "<g class=\"legend\">\n"
        svg +=
            "<rect x=\"\(svgNumber(left + 0.5))\" y=\"\(svgNumber(top + 0.5))\" "
            + "width=\"\(svgNumber(width))\" height=\"\(svgNumber(height))\" "
            + "rx=\"3\" fill=\"#fff\" fill-opacity=\"0.9\" stroke=\"#ccc\" stroke-width=\"1\"/>\n"
        for (index, entry) in entries.enumerated() {
            let (column, row) = index.quotientAndRemainder(dividingBy: rowsPerColumn)
            let centreY = top + Self.padding - 2 + (Double(row) + 0.5) * Self.rowHeight
            let swatchLeft = left + Self.padding + Double(column) * columnWidth
            let colour = entry.color.hexString
            switch entry.swatch {
            case .line(let dash, let lineWidth, let marker):
                var attributes = "stroke=\"\(colour)\" stroke-width=\"\(svgNumber(lineWidth))\""
                if let pattern = dash.dashArray(width: lineWidth) {
                    attributes += " stroke-dasharray=\"\(pattern)\""
                }
                svg +=
                    "<path d=\"M\(svgNumber(swatchLeft)) \(svgNumber(centreY))h\(svgNumber(Self.swatchWidth))\" "
                    + "fill=\"none\" \(attributes)/>\n"
                if marker != .none {
                    let data = marker.pathData(x: swatchLeft + Self.swatchWidth / 2, y: centreY, radius: markerRadius)
                    svg +=
                        markerPathElement(data: data, marker: marker, color: entry.color, className: "legend-marker")
                        + "\n"
                }
            case .dot(let radius):
                svg +=
                    "<circle cx=\"\(svgNumber(swatchLeft + Self.swatchWidth / 2))\" cy=\"\(svgNumber(centreY))\" "
                    + "r=\"\(svgNumber(max(radius, 3.5)))\" fill=\"\(colour)\"/>\n"
            }
            let textX = swatchLeft + Self.swatchWidth + Self.gap
            svg +=
                "<text class=\"legend-label\" x=\"\(svgNumber(textX))\" "
                + "y=\"\(svgNumber(centreY + Self.fontSize * 0.36))\" "
                + "font-size=\"\(svgNumber(Self.fontSize))\" fill=\"\(PlotStyle.textColor)\">"
                + "\(xmlEscaped(labels[index]))</text>\n"
        }
        return svg + "</g>\n"
    }
}

/// Radius of line-plot markers, px.
let markerRadius = 3.2

/// A `<path>` drawing marker path data: filled in the series colour with a thin white outline that
/// separates overlapping marks, or stroked for crosses.
func markerPathElement(data: String, marker: Marker, color: RGBColor, className: String = "markers") -> String {
    if marker.isStroked {
        return
            "<path class=\"\(className)\" d=\"\(data)\" fill=\"none\" "
            + "stroke=\"\(color.hexString)\" stroke-width=\"1.5\"/>"
    }
    return
        "<path class=\"\(className)\" d=\"\(data)\" fill=\"\(color.hexString)\" stroke=\"#fff\" stroke-width=\"0.6\"/>"
}

/// The top-left corner for a legend inside `rect` at `placement` (one of the four corners), inset 8 px.
func legendCorner(_ placement: LegendPlacement, legend: LegendBox, rect: PlotRect) -> PixelPoint {
    let inset = 8.0
    let leftX = rect.left + inset
    let rightX = rect.right - inset - legend.width
    let topY = rect.top + inset
    let bottomY = rect.bottom - inset - legend.height
    switch placement {
    case .topLeft: return PixelPoint(x: leftX, y: topY)
    case .bottomRight: return PixelPoint(x: rightX, y: bottomY)
    case .bottomLeft: return PixelPoint(x: leftX, y: bottomY)
    default: return PixelPoint(x: rightX, y: topY)
    }
}

/// Where `.automatic` tries the legend, in order: the four corners (top right, top left, bottom right,
/// bottom left), then the middles of the top, bottom, right and left sides.
func automaticLegendCandidates(legend: LegendBox, rect: PlotRect) -> [PixelPoint] {
    let corners = [LegendPlacement.topRight, .topLeft, .bottomRight, .bottomLeft].map {
        legendCorner($0, legend: legend, rect: rect)
    }
    let inset = 8.0
    let centreX = ((rect.left + rect.right) / 2 - legend.width / 2).rounded()
    let centreY = ((rect.top + rect.bottom) / 2 - legend.height / 2).rounded()
    let sides = [
        PixelPoint(x: centreX, y: rect.top + inset), PixelPoint(x: centreX, y: rect.bottom - inset - legend.height),
        PixelPoint(x: rect.right - inset - legend.width, y: centreY), PixelPoint(x: rect.left + inset, y: centreY),
    ]
    return corners + sides
}

/// How many of `ink` (drawn pixels) fall under a legend at `corner`, with a 4 px clearance.
func inkCount(under legend: LegendBox, at corner: PixelPoint, ink: [PixelPoint]) -> Int {
    let clearance = 4.0
    let low = PixelPoint(x: corner.x - clearance, y: corner.y - clearance)
    let high = PixelPoint(x: corner.x + legend.width + clearance, y: corner.y + legend.height + clearance)
    return ink.reduce(0) { count, point in
        count + (point.x >= low.x && point.x <= high.x && point.y >= low.y && point.y <= high.y ? 1 : 0)
    }
}

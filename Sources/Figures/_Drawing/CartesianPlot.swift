/// What a plot draws inside its frame: SVG elements, and sample points of the drawn ink so the legend can
/// find an empty corner.
struct CartesianDrawing {
    var svg = ""
    var ink: [PixelPoint] = []
}

/// The standalone SVG document around `body`: root element, `<title>`, `<desc>` holding the notes, and a
/// white background.
func svgDocument(size: FigureSize, title: String, notes: [String], body: String) -> String {
    let width = svgNumber(size.width)
    let height = svgNumber(size.height)
    var svg =
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" "
        + "height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" "
        + "font-family=\"\(PlotStyle.fontFamily)\">\n"
    if !title.isEmpty {
        svg += "<title>\(xmlEscaped(title))</title>\n"
    }
    if !notes.isEmpty {
        svg += "<desc>\(xmlEscaped(notes.joined(separator: "\n")))</desc>\n"
    }
    svg += "<rect class=\"background\" width=\"\(width)\" height=\"\(height)\" fill=\"#fff\"/>\n"
    svg += body
    return svg + "</svg>\n"
}

/// Lays out, draws and legends a plot with x and y axes (line and scatter plots).
///
/// The legend goes where `placement` says; `.automatic` tries the four inside corners, then the middles of
/// the four sides, and takes the first that covers no ink, else moves the legend outside to the right (when
/// the plot keeps half its width), else takes the place that covers least.
func renderCartesianPlot(
    size: FigureSize, title: String, x: AxisRequest, y: AxisRequest, legendEntries: [LegendEntry],
    placement: LegendPlacement, equalAspect: Bool, notes plotNotes: [String], showsNotes: Bool,
    draw: (PlotFrame) -> CartesianDrawing
) -> (svg: String, notes: [String]) {
    let notes = plotNotes + [limitsNote(for: x.axis, name: "x"), limitsNote(for: y.axis, name: "y")].compactMap { $0 }
    let lines = showsNotes ? footnoteLines(notes) : []
    func build(rightReserve: Double) -> (PlotFrame, CartesianDrawing) {
        let frame = PlotFrame.layout(
            size: size, title: title, x: x, y: y, rightReserve: rightReserve,
            footnoteLines: lines.count, equalAspect: equalAspect)
        return (frame, draw(frame))
    }
    // The legend may be as tall as the plot area can be: the canvas less title, x axis and margins.
    let legendHeight = size.height - 2 * PlotStyle.outerMargin - (title.isEmpty ? 0 : PlotStyle.titleSize + 10) - 45
    let legend = placement == .hidden ? nil : LegendBox(legendEntries, maximumHeight: legendHeight)
    let outsideGap = 12.0
    var (frame, drawing) = build(rightReserve: placement == .right ? (legend?.width ?? 0) + outsideGap : 0)
    var legendOrigin: PixelPoint?
    if let legend {
        switch placement {
        case .right:
            legendOrigin = PixelPoint(x: frame.rect.right + outsideGap, y: frame.rect.top)
        case .automatic:
            let origins = automaticLegendCandidates(legend: legend, rect: frame.rect)
            let counts = origins.map { inkCount(under: legend, at: $0, ink: drawing.ink) }
            let fitsInside = legend.width + 16 <= frame.rect.width && legend.height + 16 <= frame.rect.height
            if fitsInside, let free = counts.firstIndex(of: 0) {
                legendOrigin = origins[free]
            } else if frame.rect.width - legend.width - outsideGap >= 0.5 * frame.rect.width {
                (frame, drawing) = build(rightReserve: legend.width + outsideGap)
                legendOrigin = PixelPoint(x: frame.rect.right + outsideGap, y: frame.rect.top)
            } else {
                let least = counts.indices.min { counts[$0] < counts[$1] } ?? 0
                legendOrigin = origins[least]
            }
        case .hidden:
            legendOrigin = nil
        default:
            legendOrigin = legendCorner(placement, legend: legend, rect: frame.rect)
        }
    }
    var body = frame.gridSVG()
    body += drawing.svg
    body += frame.axesSVG()
    if let legend, let legendOrigin {
        body += legend.svg(left: legendOrigin.x.rounded(), top: legendOrigin.y.rounded())
    }
    body += frame.footnotesSVG(lines)
    return (svgDocument(size: size, title: title, notes: notes, body: body), notes)
}

/// A polyline clipped to a rectangle, written as compact SVG path data, with ink samples every 4 px.
///
/// `add(nil)` breaks the line (a skipped point leaves a gap rather than a bridge). Segments are clipped with
/// the Liang–Barsky algorithm, so points far outside the plot still draw the visible part of their segments.
/// A point within 0.3 px of the last written one is not written (the continuation resumes from it), which
/// keeps dense series small without visible change.
struct ClippedPolyline {
    let clip: PlotRect
    private(set) var pathData = ""
    private(set) var ink: [PixelPoint] = []
    private var previous: PixelPoint?
    private var lastEnd: PixelPoint?
    private var pen: PixelPoint?

    init(clip: PlotRect) {
        self.clip = clip
    }

    mutating func add(_ point: PixelPoint?) {
        defer { previous = point }
        guard let point, let start = previous, let (a, b) = clipSegment(from: start, to: point, rect: clip) else {
            return
        }
        let continues = lastEnd.map { abs($0.x - a.x) < 1e-6 && abs($0.y - a.y) < 1e-6 } ?? false
        if continues, let pen {
            if abs(b.x - pen.x) < 0.3 && abs(b.y - pen.y) < 0.3 {
                lastEnd = b
                return
            }
            pathData += " \(svgNumber(b.x)) \(svgNumber(b.y))"
            sampleInk(from: pen, to: b)
        } else {
            pathData += "M\(svgNumber(a.x)) \(svgNumber(a.y))L\(svgNumber(b.x)) \(svgNumber(b.y))"
            sampleInk(from: a, to: b)
        }
        lastEnd = b
        pen = b
    }

    private mutating func sampleInk(from a: PixelPoint, to b: PixelPoint) {
        let length = max(abs(b.x - a.x), abs(b.y - a.y))
        let steps = max(1, Int((length / 4).rounded(.up)))
        for step in 0...steps {
            let t = Double(step) / Double(steps)
            ink.append(PixelPoint(x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y)))
        }
    }
}

/// The part of segment p→q inside `rect` (Liang–Barsky), or nil when none is.
func clipSegment(from p: PixelPoint, to q: PixelPoint, rect: PlotRect) -> (PixelPoint, PixelPoint)? {
    let dx = q.x - p.x
    let dy = q.y - p.y
    var enter = 0.0
    var leave = 1.0
    for (direction, distance) in [
        (-dx, p.x - rect.left), (dx, rect.right - p.x), (-dy, p.y - rect.top), (dy, rect.bottom - p.y),
    ] {
        if direction == 0 {
            if distance < 0 { return nil }
            continue
        }
        let t = distance / direction
        if direction < 0 {
            if t > leave { return nil }
            enter = max(enter, t)
        } else {
            if t < enter { return nil }
            leave = min(leave, t)
        }
    }
    return (PixelPoint(x: p.x + enter * dx, y: p.y + enter * dy), PixelPoint(x: p.x + leave * dx, y: p.y + leave * dy))
}

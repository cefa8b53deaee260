/// Sets of (x, y) points drawn as small translucent circles, one colour a set, with a legend.
///
///     let plot = ScatterPlot(title: "Samples at t = 0",
///                            xAxis: Axis("x₁"), yAxis: Axis("x₂"),
///                            sets: [.init("reverse SDE", x: xs, y: ys), .init("exact", x: exactX, y: exactY)],
///                            preservesAspectRatio: true)
///
/// Large sets are thinned deterministically to at most `maximumPointsPerSet` points, taking the points at
/// indices ⌊k·n/m⌋ for k = 0…m−1 (evenly spread through the array, so independent samples stay an unbiased
/// subsample); the axis ranges still cover every point. Points that cannot be drawn (non-finite, or
/// non-positive on a log axis) are skipped; thinning and skipping are both reported in `notes`.
public struct ScatterPlot: Figure {
    /// One named set of points.
    public struct PointSet: Sendable {
        /// The legend text; an empty name keeps the set out of the legend.
        public var name: String
        public var x: [Double]
        public var y: [Double]
        /// nil takes the palette colour for the set's position.
        public var color: RGBColor?
        /// Circle radius in px.
        public var radius: Double
        /// Fill opacity in [0, 1]; nil takes the plot's `opacity`.
        public var opacity: Double?

        public init(
            _ name: String, x: [Double], y: [Double], color: RGBColor? = nil, radius: Double = 2.2,
            opacity: Double? = nil
        ) {
            precondition(x.count == y.count, "ScatterPlot.PointSet \(name): x has \(x.count) values, y has \(y.count)")
            self.name = name
            self.x = x
            self.y = y
            self.color = color
            self.radius = radius
            self.opacity = opacity
        }

        public init(
            _ name: String, points: [(x: Double, y: Double)], color: RGBColor? = nil, radius: Double = 2.2,
            opacity: Double? = nil
        ) {
            self.init(name, x: points.map(\.x), y: points.map(\.y), color: color, radius: radius, opacity: opacity)
        }

        /// Points stored interleaved, x0, y0, x1, y1, … (a 2-D point set's flat coordinates).
        public init(
            _ name: String, interleaved coordinates: [Double], color: RGBColor? = nil, radius: Double = 2.2,
            opacity: Double? = nil
        ) {
            precondition(
                coordinates.count % 2 == 0, "ScatterPlot.PointSet \(name): an odd number of interleaved coordinates")
            self.init(
                name, x: stride(from: 0, to: coordinates.count, by: 2).map { coordinates[$0] },
                y: stride(from: 1, to: coordinates.count, by: 2).map { coordinates[$0] }, color: color, radius: radius,
                opacity: opacity)
        }
    }

    public var title: String
    public var xAxis: Axis
    public var yAxis: Axis
    public var sets: [PointSet]
    /// Drawn over the points, clipped to the plot area (a diagonal, a decision boundary, a mean).
    public var referenceLines: [ReferenceLine]
    public var legendPlacement: LegendPlacement
    /// Default fill opacity of the circles; overlaps read as density.
    public var opacity: Double
    /// The most points drawn from one set, or nil for all. 4 000 circles are about 150 kB of SVG.
    public var maximumPointsPerSet: Int?
    /// One unit of x spans as many px as one unit of y (for samples in the plane).
    public var preservesAspectRatio: Bool
    /// Writes the notes under the plot as well as into `<desc>`.
    public var showsNotes: Bool
    public var size: FigureSize

    public init(
        title: String = "", xAxis: Axis = Axis(), yAxis: Axis = Axis(), sets: [PointSet] = [],
        referenceLines: [ReferenceLine] = [], legendPlacement: LegendPlacement = .automatic, opacity: Double = 0.6,
        maximumPointsPerSet: Int? = 4000, preservesAspectRatio: Bool = false, showsNotes: Bool = true,
        size: FigureSize = .standard
    ) {
        precondition(maximumPointsPerSet.map { $0 >= 1 } ?? true, "ScatterPlot: maximumPointsPerSet must be positive")
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.sets = sets
        self.referenceLines = referenceLines
        self.legendPlacement = legendPlacement
        self.opacity = opacity
        self.maximumPointsPerSet = maximumPointsPerSet
        self.preservesAspectRatio = preservesAspectRatio
        self.showsNotes = showsNotes
        self.size = size
    }

    /// Sentences about what was thinned or left out. Empty when every point was drawn.
    public var notes: [String] { render().notes }

    public func svg() -> String { render().svg }

    /// The indices of `count` points that are drawn under a cap of `limit`: all of them, or ⌊k·count/limit⌋
    /// for k = 0…limit−1.
    public static func subsampleIndices(count: Int, limit: Int?) -> [Int] {
        guard let limit, count > limit else { return Array(0..<count) }
        return (0..<limit).map { $0 * count / limit }
    }
}

extension ScatterPlot {
    private func render() -> (svg: String, notes: [String]) {
        var notes: [String] = []
        var xRange = drawableRange(referenceLines.compactMap(\.verticalValue), scale: xAxis.scale)
        var yRange = drawableRange(referenceLines.compactMap(\.horizontalValue), scale: yAxis.scale)
        for (index, set) in sets.enumerated() {
            let name = set.name.isEmpty ? "set \(index + 1)" : "“\(set.name)”"
            notes += skippedPointNotes(x: set.x, y: set.y, name: name, xScale: xAxis.scale, yScale: yAxis.scale)
            let drawable = set.x.indices.filter {
                isDrawable(set.x[$0], xAxis.scale) && isDrawable(set.y[$0], yAxis.scale)
            }
            xRange = union(xRange, drawableRange(drawable.lazy.map { set.x[$0] }, scale: xAxis.scale))
            yRange = union(yRange, drawableRange(drawable.lazy.map { set.y[$0] }, scale: yAxis.scale))
            if let limit = maximumPointsPerSet, set.x.count > limit {
                notes.append("\(name): \(limit) of \(set.x.count) points drawn (evenly spaced by index)")
            }
        }
        let colors = sets.indices.map { sets[$0].color ?? Palette.color(at: $0) }
        let entries =
            sets.enumerated().map { index, set in
                LegendEntry(label: set.name, color: colors[index], swatch: .dot(radius: set.radius))
            } + referenceLines.map(\.legendEntry)

        return renderCartesianPlot(
            size: size, title: title, x: AxisRequest(axis: xAxis, dataRange: xRange),
            y: AxisRequest(axis: yAxis, dataRange: yRange),
            legendEntries: entries, placement: legendPlacement, equalAspect: preservesAspectRatio, notes: notes,
            showsNotes: showsNotes
        ) { frame in
            var drawing = CartesianDrawing()
            for (index, set) in sets.enumerated() {
                let alpha = min(max(set.opacity ?? opacity, 0), 1)
                drawing.svg +=
                    "<g class=\"point-set\" fill=\"\(colors[index].hexString)\" fill-opacity=\"\(svgNumber(alpha))\">\n"
                let radius = svgNumber(set.radius)
                for pointIndex in ScatterPlot.subsampleIndices(count: set.x.count, limit: maximumPointsPerSet) {
                    guard let point = frame.pixel(x: set.x[pointIndex], y: set.y[pointIndex]),
                        frame.rect.contains(point, tolerance: 0.5)
                    else { continue }
                    drawing.svg +=
                        "<circle cx=\"\(svgNumber(point.x))\" cy=\"\(svgNumber(point.y))\" r=\"\(radius)\"/>\n"
                    drawing.ink.append(point)
                }
                drawing.svg += "</g>\n"
            }
            for reference in referenceLines {
                let line = reference.draw(in: frame)
                drawing.svg += reference.svg(line)
                drawing.ink += line.ink
            }
            return drawing
        }
    }
}

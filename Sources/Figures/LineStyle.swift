/// The dash pattern of a line.
public enum LineDash: String, Sendable, CaseIterable {
    case solid
    case dashed
    case dotted
    case dashDotted

    /// The SVG `stroke-dasharray` for a line `width` px wide, or nil for a solid line. Patterns scale with
    /// the width so thick dashed lines still read as dashed.
    func dashArray(width: Double) -> String? {
        let unit = max(1, width / 1.5)
        switch self {
        case .solid: return nil
        case .dashed: return "\(svgNumber(6 * unit)) \(svgNumber(4 * unit))"
        case .dotted: return "\(svgNumber(1.5 * unit)) \(svgNumber(2.5 * unit))"
        case .dashDotted:
            return "\(svgNumber(7 * unit)) \(svgNumber(3 * unit)) \(svgNumber(1.5 * unit)) \(svgNumber(3 * unit))"
        }
    }
}

/// A mark drawn at each data point of a line series.
public enum Marker: String, Sendable, CaseIterable {
    case none
    case circle
    case square
    case triangle
    case diamond
    case cross

    /// The markers `LinePlot.marksPoints` hands out, one per series in turn.
    static let cycle: [Marker] = [.circle, .square, .triangle, .diamond, .cross]

    /// SVG path data for this marker centred at (x, y), about 2·`radius` px across.
    func pathData(x: Double, y: Double, radius r: Double) -> String {
        let n = svgNumber
        switch self {
        case .none:
            return ""
        case .circle:
            return "M\(n(x - r)) \(n(y))a\(n(r)) \(n(r)) 0 1 0 \(n(2 * r)) 0a\(n(r)) \(n(r)) 0 1 0 \(n(-2 * r)) 0z"
        case .square:
            let s = r * 0.9
            return "M\(n(x - s)) \(n(y - s))h\(n(2 * s))v\(n(2 * s))h\(n(-2 * s))z"
        case .triangle:
            let s = r * 1.15
            return "M\(n(x)) \(n(y - s))L\(n(x + s * 0.866)) \(n(y + s * 0.5))L\(n(x - s * 0.866)) \(n(y + s * 0.5))z"
        case .diamond:
            let s = r * 1.2
            return "M\(n(x)) \(n(y - s))L\(n(x + s)) \(n(y))L\(n(x)) \(n(y + s))L\(n(x - s)) \(n(y))z"
        case .cross:
            let s = r * 0.9
            return "M\(n(x - s)) \(n(y - s))L\(n(x + s)) \(n(y + s))M\(n(x - s)) \(n(y + s))L\(n(x + s)) \(n(y - s))"
        }
    }

    /// A cross is stroked; every other marker is filled.
    var isStroked: Bool { self == .cross }
}

/// Where a plot puts its legend.
public enum LegendPlacement: String, Sendable, CaseIterable {
    /// Inside the plot, in the first corner (top right, top left, bottom right, bottom left) or else middle of
    /// a side that covers no data; to the right of the plot when every such place would (and the plot keeps
    /// half its width); otherwise where it covers least.
    case automatic
    case topRight
    case topLeft
    case bottomRight
    case bottomLeft
    /// Outside, to the right of the plot area (the plot narrows to make room).
    case right
    /// No legend.
    case hidden
}

import Figures
import Foundation

/// Figures the claims draw from their recorded tables, in one style.
public enum RecordFigures {
    /// Errors against a step size or cell width on log–log axes, one marked line per method, with a dashed
    /// power-law guide of the declared order through each method's first point (slope = order).
    ///
    /// - Parameter lines: (name, sizes, errors, declared order or nil for no guide).
    public static func convergence(
        title: String, xLabel: String, yLabel: String,
        lines: [(name: String, x: [Double], y: [Double], order: Double?)]
    ) -> LinePlot {
        var plot = LinePlot(
            title: title, xAxis: Axis(xLabel, scale: .logarithmic), yAxis: Axis(yLabel, scale: .logarithmic),
            marksPoints: true)
        for (index, line) in lines.enumerated() {
            plot.series.append(.init(line.name, x: line.x, y: line.y))
            if let order = line.order, let x0 = line.x.first, let y0 = line.y.first, y0 > 0 {
                plot.referenceLines.append(
                    .powerLaw(
                        exponent: order, through: (x0, y0),
                        label: index == 0 || lines.count <= 2 ? "slope \(Check.format(order))" : "",
                        color: Palette.color(at: index), dash: .dashed))
            }
        }
        return plot
    }

    /// Densities on one axis: each (name, values, dash) over the same x values.
    public static func densities(
        title: String, x: [Double], lines: [(name: String, y: [Double], dash: LineDash)],
        xLimits: ClosedRange<Double>? = nil
    ) -> LinePlot {
        LinePlot(
            title: title, xAxis: Axis("x", limits: xLimits), yAxis: Axis("density"),
            series: lines.map { LinePlot.Series($0.name, x: x, y: $0.y, dash: $0.dash) })
    }
}

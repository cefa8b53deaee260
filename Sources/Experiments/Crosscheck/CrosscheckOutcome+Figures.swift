import CrossChecks
import Figures
import GridFields
import Reporting

/// The figures `fplab crosscheck --output` writes beside its CSV and Markdown tables.
extension CrosscheckOutcome {
    /// TV against M on log–log axes, one series per comparison time with markers, the expected sampling levels
    /// dashed in the same colour, and the M^(-1/2) reference line through the first time's expected level at the
    /// smallest M.
    func decayFigure(_ result: CrossCheckResult) -> LinePlot {
        var plot = LinePlot(
            title: "\(result.direction.rawValue.capitalized): TV between grid and histogram against M",
            xAxis: Axis("particles M", scale: .logarithmic), yAxis: Axis("total variation", scale: .logarithmic),
            marksPoints: true)
        for (index, comparison) in result.comparisons.enumerated() {
            let counts = comparison.rows.map { Double($0.particleCount) }
            let color = Palette.color(at: index)
            plot.series.append(
                .init(
                    "t = \(comparison.time.shortText)", x: counts, y: comparison.rows.map(\.discrepancy.totalVariation),
                    color: color))
            plot.series.append(
                .init(
                    index == 0 ? "E TV (dashed)" : "", x: counts,
                    y: comparison.rows.map(\.discrepancy.expectedTotalVariation), color: color, dash: .dashed,
                    marker: Marker.none))
        }
        if let first = result.comparisons.first?.rows.min(by: { $0.particleCount < $1.particleCount }) {
            plot.referenceLines.append(
                .powerLaw(
                    exponent: -0.5,
                    through: (x: Double(first.particleCount), y: first.discrepancy.expectedTotalVariation),
                    label: "∝ M^(−1/2)"))
        }
        return plot
    }

    /// 1-D: the histogram of the largest M (as steps) under the grid's cell-average density; 2-D: a heat map of the
    /// histogram minus the grid density, in units of the histogram's standard error per cell, the colours clipped
    /// to ±4 (a lone particle in a far cell is many standard errors of that cell).
    func densityFigure(_ direction: CrossCheckDirection, _ comparison: CrossCheckComparison) -> any Figure {
        let grid = comparison.gridDensity.grid
        let histogram = comparison.largestHistogram
        let sampled = histogram.density
        let reference = comparison.cellMasses.averageDensity
        let title =
            "\(direction.rawValue.capitalized) at t = \(comparison.time.shortText), M = \(histogram.particleCount)"
        if grid.dimension == 1 {
            let width = grid.spacing(axis: 0)
            var stepsX: [Double] = []
            var stepsY: [Double] = []
            for (index, value) in sampled.values.enumerated() {
                let left = -grid.halfWidth + Double(index) * width
                stepsX += [left, left + width]
                stepsY += [value, value]
            }
            return LinePlot(
                title: title, xAxis: Axis("x"), yAxis: Axis("density"),
                series: [
                    .init("particle histogram", x: stepsX, y: stepsY, lineWidth: 1.2),
                    .init("grid (cell averages)", x: grid.coordinates(axis: 0), y: reference.values, dash: .dashed),
                ])
        }
        // 3-D: the (x, y) marginals of both, each column's mass against its binomial SE.
        let (sampledPlane, referencePlane) =
            grid.dimension == 3
            ? (sampled.marginalOverLastAxis(), reference.marginalOverLastAxis()) : (sampled, reference)
        let volume = sampledPlane.grid.cellVolume
        let count = Double(histogram.particleCount)
        let residuals = zip(sampledPlane.values, referencePlane.values).map { sampledValue, referenceValue -> Double in
            let mass = referenceValue * volume
            let error = (mass * (1 - mass) / count).squareRoot() / volume
            return error > 0 ? (sampledValue - referenceValue) / error : 0
        }
        let extent = -grid.halfWidth...grid.halfWidth
        return HeatMap(
            values: residuals, shape: sampledPlane.grid.shape, xExtent: extent, yExtent: extent,
            title: title + (grid.dimension == 3 ? ", (x, y) marginal" : "") + ": (histogram − grid) / SE", xLabel: "x",
            yLabel: "y", colorLabel: "standard errors",
            colorLimits: -4...4)
    }
}

import Figures
import GridFields
import Reporting

/// The figures `fplab support --output` writes beside its CSV files.
extension SupportOutcome {
    /// The mass in the gap (-1, 1) and beyond |x| > 2 against reverse time s = T − t, grid and particles, on a log
    /// scale ("outside-mass.svg").
    var outsideMassFigure: any Figure {
        var plot = LinePlot(
            title: "Mass outside the support from N(0, 1)", xAxis: Axis("reverse time s = T − t"),
            yAxis: Axis("mass", scale: .logarithmic), marksPoints: true)
        for (name, history) in [("grid", result.grid), ("particles", result.particles)] {
            guard let points = history?.points else { continue }
            plot.series.append(.init("\(name): gap (-1, 1)", x: points.map(\.reverseTime), y: points.map(\.gapMass)))
            plot.series.append(.init("\(name): |x| > 2", x: points.map(\.reverseTime), y: points.map(\.outerMass)))
        }
        return plot
    }

    /// The grid run's density at the end ("density.svg"); nil when the grid did not run.
    var densityFigure: (any Figure)? {
        guard let density = result.gridDensity else { return nil }
        var plot = LinePlot(title: "Grid density at the end from N(0, 1)", xAxis: Axis("x"), yAxis: Axis("density"))
        plot.series.append(.init("grid", x: density.grid.coordinates(axis: 0), y: density.values))
        return plot
    }
}

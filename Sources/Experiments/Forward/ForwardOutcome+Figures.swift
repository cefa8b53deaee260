import Figures
import GridFields
import Reporting

/// The figures `fplab forward --output` writes beside its CSV files.
extension ForwardOutcome {
    /// 1-D: the initial density, the solver's final density and the exact one on top (dashed); 2-D: a heat map of
    /// the final density; 3-D: a heat map of its (x, y) marginal.
    var densityFigure: any Figure {
        let grid = finalDensity.grid
        let exact = experiment.mixture.evolved(under: experiment.process, to: finalTime).field(on: grid)
        if grid.dimension == 1 {
            let xs = grid.coordinates(axis: 0)
            return LinePlot(
                title: "Density at t = \(finalTime.shortText)",
                xAxis: Axis("x"), yAxis: Axis("ρ(x, t)"),
                series: [
                    .init("initial density", x: xs, y: experiment.mixture.field(on: grid).values, dash: .dotted),
                    .init("\(experiment.method.solverName) solver", x: xs, y: finalDensity.values),
                    .init("exact mixture", x: xs, y: exact.values, dash: .dashed),
                ]
            )
        }
        let extent = -grid.halfWidth...grid.halfWidth
        if grid.dimension == 3 {
            let marginal = finalDensity.marginalOverLastAxis()
            return HeatMap(
                values: marginal.values, shape: marginal.grid.shape, xExtent: extent, yExtent: extent,
                title: "Density at t = \(finalTime.shortText), the (x, y) marginal", xLabel: "x", yLabel: "y",
                colorLabel: "∫ρ dz")
        }
        return HeatMap(
            values: finalDensity.values, shape: grid.shape, xExtent: extent, yExtent: extent,
            title: "Density at t = \(finalTime.shortText)", xLabel: "x", yLabel: "y", colorLabel: "ρ")
    }

    /// L1 and L∞ errors against the exact mixture over time, on a log scale.
    var errorFigure: any Figure {
        let measured = rows.filter { $0.time > 0 }
        return LinePlot(
            title: "Error against the exact mixture",
            xAxis: Axis("t"), yAxis: Axis("error", scale: .logarithmic),
            series: [
                .init("L1", x: measured.map(\.time), y: measured.map { $0.l1Error ?? .nan }, marker: .circle),
                .init("L∞", x: measured.map(\.time), y: measured.map { $0.lInfinityError ?? .nan }, marker: .square),
            ]
        )
    }
}

import Figures
import GridFields
import Reporting

/// The figures `fplab reverse --output` writes beside its CSV files.
extension ReverseOutcome {
    /// 1-D: one line plot, every reconstruction over rho_0 (dashed), "reconstructions.svg"; 2-D: a heat map each of
    /// rho_0 and of every reconstruction, "density-rho0.svg", "density-pde.svg", ...
    var reconstructionFigures: [OutputFile] {
        let grid = result.initialDensity.grid
        let rows = result.rows.filter { $0.reconstruction != nil }
        if grid.dimension == 1 {
            let xs = grid.coordinates(axis: 0)
            var plot = LinePlot(
                title: "Reconstructions of ρ0 from ρ_T (T = \(experiment.contrast.horizon.shortText))",
                xAxis: Axis("x"), yAxis: Axis("density"))
            for row in rows { plot.series.append(.init(row.method.rawValue, x: xs, y: row.reconstruction!.values)) }
            plot.series.append(.init("ρ0", x: xs, y: result.initialDensity.values, color: .darkGray, dash: .dashed))
            return [OutputFile(name: "reconstructions.svg", contents: plot.svg())]
        }
        let extent = -grid.halfWidth...grid.halfWidth
        let panels =
            [("rho0", "ρ0", result.initialDensity)]
            + rows.map { ($0.method.rawValue, "\($0.method.rawValue) reconstruction", $0.reconstruction!) }
        return panels.map { name, title, field in
            OutputFile(
                name: "density-\(name).svg",
                contents: HeatMap(
                    values: field.values, shape: grid.shape, xExtent: extent, yExtent: extent,
                    title: title, colorLabel: "density"
                ).svg())
        }
    }

    /// L1 error against reverse time, logarithmic error axis, one line per method.
    var errorFigure: String {
        var plot = LinePlot(
            title: "L1 error against the exact ρ(T − s)", xAxis: Axis("reverse time s = T − t"),
            yAxis: Axis("L1 error", scale: .logarithmic), marksPoints: true)
        for row in result.rows {
            let shown =
                row.history.count > 2000
                ? stride(from: 0, to: row.history.count, by: row.history.count / 2000 + 1).map { row.history[$0] }
                : row.history
            plot.series.append(.init(row.method.rawValue, x: shown.map(\.reverseTime), y: shown.map(\.l1Error)))
        }
        return plot.svg()
    }
}

import DataFiles
import Figures

/// The SVG figures of `fplab train`.
enum TrainFigures {
    /// Minibatch loss against update on log–log axes, one line per run (thinned to at most 2000 points a line).
    static func lossCurves(_ runs: [(label: String, losses: [Double])]) -> String {
        var plot = LinePlot(
            title: "denoising loss |ε̂ − ε|² per minibatch", xAxis: Axis("update", scale: .logarithmic),
            yAxis: Axis("loss", scale: .logarithmic))
        for (label, losses) in runs where !losses.isEmpty {
            let stride = max(1, losses.count / 2000)
            let indices = Array(Swift.stride(from: 0, to: losses.count, by: stride))
            plot.series.append(.init(label, x: indices.map { Double($0 + 1) }, y: indices.map { losses[$0] }))
        }
        return plot.svg()
    }

    /// 2-D point sets on equal axes.
    static func scatter(title: String, sets: [(label: String, points: PointSet)]) -> String {
        let plot = ScatterPlot(
            title: title, xAxis: Axis("x"), yAxis: Axis("y"),
            sets: sets.map { label, points in
                ScatterPlot.PointSet(label, interleaved: points.points, radius: 1.5)
            }, preservesAspectRatio: true)
        return plot.svg()
    }
}

import Figures
import InverseHeat
import Reporting

/// The SVG plots of `fplab invert` (drawn with the `Figures` module).
enum InvertFigures {
    /// Relative error against reverse time s, logarithmic error axis, one line per run, and the threshold dashed.
    static func errorAgainstTime(
        title: String, series: [(label: String, history: [InversionRecord])], threshold: Double?
    ) -> String {
        var plot = LinePlot(
            title: title, xAxis: Axis("reverse time s = T − t"), yAxis: Axis("relative L² error", scale: .logarithmic)
        )
        for (label, history) in series {
            let shown = thinned(history)
            plot.series.append(.init(label, x: shown.map(\.reverseTime), y: shown.map(\.relativeError)))
        }
        if let threshold {
            plot.referenceLines.append(.horizontal(threshold, label: "threshold \(threshold.shortText)"))
        }
        return plot.svg()
    }

    /// At most `limit` records, evenly spaced, the last always kept (a plot of a million steps stays small).
    static func thinned(_ history: [InversionRecord], limit: Int = 2000) -> [InversionRecord] {
        guard history.count > limit else { return history }
        let stride = (history.count + limit - 1) / limit
        var shown = Swift.stride(from: 0, to: history.count, by: stride).map { history[$0] }
        if shown.last?.step != history.last?.step { shown.append(history.last!) }
        return shown
    }

    /// Where delta = 0 is drawn on a logarithmic noise axis: epsilon = 2.2e-16, the round-off level.
    static let zeroNoisePosition = Double.ulpOfOne

    /// Final relative error (t = 0) against delta on log–log axes, one line per method that reached t = 0 (the naive
    /// inversion blows up before and has no line); delta = 0 is drawn at epsilon.
    static func errorAgainstNoise(title: String, rows: [MethodErrorMeasurement]) -> String {
        var plot = LinePlot(
            title: title, xAxis: Axis("noise δ (L² norm; δ = 0 drawn at 2.2e-16)", scale: .logarithmic),
            yAxis: Axis("relative L² error at t = 0", scale: .logarithmic), marksPoints: true
        )
        for method in InversionMethod.allCases {
            let completed = rows.filter { $0.method == method && $0.finalRelativeError != nil }
            guard !completed.isEmpty else { continue }
            plot.series.append(
                .init(
                    method.rawValue, x: completed.map { $0.noiseLevel > 0 ? $0.noiseLevel : zeroNoisePosition },
                    y: completed.map { $0.finalRelativeError! }
                ))
        }
        return plot.svg()
    }

    /// Absolute error at t = T/2 against delta for each regularization, with THEORY §8's Hölder bound
    /// 2 E^(1 - theta) delta^theta dashed (log–log: a line of slope theta).
    static func halfTimeErrorAgainstNoise(title: String, rows: [MethodErrorMeasurement]) -> String {
        var plot = LinePlot(
            title: title, xAxis: Axis("noise δ (L² norm; δ = 0 drawn at 2.2e-16)", scale: .logarithmic),
            yAxis: Axis("L² error at t = T/2", scale: .logarithmic), marksPoints: true
        )
        for method in InversionMethod.regularized {
            let checked = rows.filter { $0.method == method && $0.halfTimeCheck != nil }
            guard !checked.isEmpty else { continue }
            plot.series.append(
                .init(
                    method.rawValue, x: checked.map { $0.noiseLevel > 0 ? $0.noiseLevel : zeroNoisePosition },
                    y: checked.map { $0.halfTimeCheck!.error }
                ))
        }
        let bounds = rows.filter { $0.method == .cutoff && $0.halfTimeCheck != nil }
        if !bounds.isEmpty {
            plot.series.append(
                .init(
                    "Hölder bound 2 E^(1−θ) δ^θ",
                    x: bounds.map { $0.noiseLevel > 0 ? $0.noiseLevel : zeroNoisePosition },
                    y: bounds.map { $0.halfTimeCheck!.bound }, color: .darkGray, dash: .dashed, marker: Marker.none
                ))
        }
        return plot.svg()
    }
}

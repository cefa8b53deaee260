import DataFiles
import Figures
import Foundation
import Memorization
import MessagePassing
import Reporting

/// One `fplab regimes collapse` run: the collapse experiment (`CollapseStudy`) on Gaussian training sets over a
/// grid of (d, n), or on a given data set (the digits, a file) at several n, every option resolved.
public struct CollapseExperiment: Sendable {
    public var study: CollapseStudy
    /// Where the training points come from, for summaries and manifests ("N(0, I)", "digits (the first n)").
    public var dataDescription: String
    public var settings: RunSettings

    public init(study: CollapseStudy, dataDescription: String, settings: RunSettings) {
        (self.study, self.dataDescription, self.settings) = (study, dataDescription, settings)
    }

    /// On the ranks of `communicator` (`CollapseStudy.run(on:progress:)`): the outcome on rank 0, nil elsewhere;
    /// `progress` hears the fraction of this rank's cases done.
    public func run(on communicator: any Communicator, progress: ((Double) -> Void)? = nil) throws
        -> CollapseOutcome?
    {
        let clock = ContinuousClock.now
        guard let measurements = try study.run(on: communicator, progress: progress) else { return nil }
        return CollapseOutcome(experiment: self, measurements: measurements, wallSeconds: secondsElapsed(since: clock))
    }

    /// The study's measurements; `progress` hears the fraction of cases done.
    public func run(progress: ((Double) -> Void)? = nil) throws -> CollapseOutcome {
        let clock = ContinuousClock.now
        let measurements = try study.run(progress: progress)
        return CollapseOutcome(experiment: self, measurements: measurements, wallSeconds: secondsElapsed(since: clock))
    }
}

/// What `fplab regimes collapse` measured.
public struct CollapseOutcome: Sendable {
    public let experiment: CollapseExperiment
    public let measurements: [CollapseMeasurement]
    public let wallSeconds: Double

    public var stopReason: String? {
        measurements.first { $0.status != .completed }.map {
            "d = \($0.prediction.dimension), n = \($0.prediction.trainingCount): \($0.status)"
        }
    }

    /// The isotropic t_C of variance s^2 = the prediction's mean eigenvalue: beside a spectral prediction it shows
    /// what the spectrum changes.
    static func isotropicCollapseTime(_ prediction: CollapsePrediction) -> Double {
        CollapsePrediction(
            dimension: prediction.dimension, trainingCount: prediction.trainingCount,
            dataVariance: prediction.dataVariance
        ).collapseTime
    }

    /// The collapse-time table (one row a case: t_C, sigma_C, both median collapse times with their
    /// distribution-free 95 % intervals), the marginal checks, and with `includingFiles` the tables as CSV, Markdown
    /// and LaTeX, the per-trajectory times (`trajectories.csv`) and the figures `collapse-times.svg` and, for two
    /// or more values of alpha, `collapse-against-alpha.svg`.
    public func report(includingFiles: Bool) -> CommandReport {
        let study = experiment.study
        let spectral = study.data != nil
        var columns: [DataColumn] = [
            .init("d", key: "dimension"), .init("n", key: "training_points"),
            .init("α = ln n / d", key: "alpha", style: .general(significantDigits: 4)),
            .init(spectral ? "t_C (spectrum)" : "t_C", key: "collapse_time", style: .general(significantDigits: 4)),
        ]
        if spectral {
            columns.append(
                .init("t_C (s² = tr C / d)", key: "isotropic_collapse_time", style: .general(significantDigits: 4)))
        }
        columns += [
            .init("σ_C", key: "band", style: .general(significantDigits: 3)),
            .init("weight time", key: "weight_median", style: .general(significantDigits: 4)),
            .init("95 % low", key: "weight_low", style: .general(significantDigits: 4)),
            .init("95 % high", key: "weight_high", style: .general(significantDigits: 4)),
            .init("owner time", key: "owner_median", style: .general(significantDigits: 4)),
            .init("95 % low", key: "owner_low", style: .general(significantDigits: 4)),
            .init("95 % high", key: "owner_high", style: .general(significantDigits: 4)),
            .init("status", key: "status"),
        ]
        var table = DataTable(
            "collapse_times", title: "Median collapse times against t_C, with distribution-free 95 % intervals",
            columns: columns)
        var checks = DataTable(
            "marginal_checks", title: "Fraction with largest weight above ½: trajectories against draws from ρ_t",
            columns: [
                .init("d", key: "dimension"), .init("n", key: "training_points"),
                .init("t", key: "time", style: .general(significantDigits: 4)),
                .init("trajectories", key: "trajectory_fraction", style: .general(significantDigits: 4)),
                .init("forward draws", key: "forward_fraction", style: .general(significantDigits: 4)),
                .init("± SE", key: "standard_error", style: .general(significantDigits: 3)),
                .init("z", key: "standard_score", style: .general(significantDigits: 3)),
            ])
        for measurement in measurements {
            let prediction = measurement.prediction
            let completed = measurement.status == .completed
            var row: [DataValue] = [
                .integer(prediction.dimension), .integer(prediction.trainingCount), .number(prediction.alpha),
                .number(prediction.collapseTime),
            ]
            if spectral { row.append(.number(Self.isotropicCollapseTime(prediction))) }
            row.append(.number(prediction.finiteDimensionSpread))
            for median in [measurement.weightMedian, measurement.ownerMedian] {
                row +=
                    completed
                    ? [.number(median.median), .number(median.lower), .number(median.upper)]
                    : [.missing, .missing, .missing]
            }
            row.append(.text(measurement.status.description))
            table.append(row)
            for check in measurement.marginalChecks {
                checks.append([
                    .integer(prediction.dimension), .integer(prediction.trainingCount), .number(check.time),
                    .number(check.trajectoryFraction), .number(check.forwardFraction), .number(check.standardError),
                    .number((check.trajectoryFraction - check.forwardFraction) / check.standardError),
                ])
            }
        }
        let summary = [
            "regimes collapse: \(experiment.dataDescription); \(study.trajectories) exact empirical-score reverse "
                + "trajectories a case, \(study.steps) posterior-bridge steps from T = \(study.horizon.shortText) "
                + "to 0 (exact in law at every step)",
            "weight time: the first time (in reverse) the largest posterior weight exceeds ½; owner time: from when "
                + "the training point of largest weight stays the one the trajectory ends on",
            spectral
                ? "t_C (spectrum): the entropy balance (1/2d) Σ ln(1 + e^-2t λ_k / Δ_t) = α of the training set's "
                    + "covariance eigenvalues λ_k; σ_C: the finite-d spread of the collapse criterion"
                : "t_C = ½ ln(1 + s² / (e^(2α) − 1)) for N(0, s² I), s² = \(study.dataVariance.shortText); σ_C: the "
                    + "finite-d spread of the collapse criterion",
        ]
        let closing = [
            String(
                format: "wall %.3g s, seed %llu, %d thread(s)", wallSeconds, experiment.settings.seed,
                experiment.settings.threads)
        ]
        var json: [String: JSONValue] = [
            "command": "regimes", "mode": "collapse", "data": .string(experiment.dataDescription),
            "trajectories": .integer(study.trajectories), "horizon": .number(study.horizon),
            "steps": .integer(study.steps), "rows": table.jsonValue(), "marginal_checks": checks.jsonValue(),
            "wall_seconds": .number(wallSeconds), "version": .string(fokkerPlanckLabVersion),
        ]
        if !spectral { json["data_variance"] = .number(study.dataVariance) }
        json.merge(experiment.settings.manifestEntries) { $1 }
        var files: [OutputFile] = []
        if includingFiles {
            files += TableFiles.tableFiles(table, stem: "collapse-times")
            files += TableFiles.tableFiles(checks, stem: "marginal-checks")
            var records = "dimension,training_points,trajectory,weight_time,owner_time\n"
            for measurement in measurements {
                let prediction = measurement.prediction
                for (index, (weight, owner)) in zip(measurement.weightTimes, measurement.ownerTimes).enumerated() {
                    records += "\(prediction.dimension),\(prediction.trainingCount),\(index),\(weight),\(owner)\n"
                }
            }
            files.append(OutputFile(name: "trajectories.csv", contents: records))
            files.append(OutputFile(name: "collapse-times.svg", contents: histogram().svg()))
            if let plot = alphaPlot() {
                files.append(OutputFile(name: "collapse-against-alpha.svg", contents: plot.svg()))
            }
        }
        return CommandReport(summary: summary, table: table, closing: closing, json: .object(json), files: files)
    }

    /// Histograms of the weight times, one line a case (fraction of trajectories per bin of T / 40), with each
    /// distinct t_C marked.
    public func histogram() -> LinePlot {
        let horizon = experiment.study.horizon
        let width = horizon / 40
        var plot = LinePlot(
            title: "Collapse times: first time the largest posterior weight exceeds ½",
            xAxis: Axis("t"), yAxis: Axis("fraction of trajectories per \(width.shortText)"))
        var marked: [Double] = []
        for (index, measurement) in measurements.enumerated() where measurement.status == .completed {
            let prediction = measurement.prediction
            let centres = (0..<40).map { (Double($0) + 0.5) * width }
            var counts = [Double](repeating: 0, count: 40)
            for time in measurement.weightTimes {
                counts[min(39, max(0, Int(time / width)))] += 1
            }
            let fractions = counts.map { $0 / Double(measurement.weightTimes.count) }
            plot.series.append(
                .init(
                    "d = \(prediction.dimension), n = \(prediction.trainingCount)", x: centres, y: fractions,
                    color: Palette.color(at: index)))
            let time = prediction.collapseTime
            if !marked.contains(where: { abs($0 - time) < 1e-3 * horizon }) && marked.count < 6 {
                marked.append(time)
                let label =
                    measurements.count == 1
                    ? "t_C" : "t_C (n = \(prediction.trainingCount), d = \(prediction.dimension))"
                plot.referenceLines.append(
                    .vertical(
                        time, label: marked.count == 1 || measurements.count <= 3 ? label : "",
                        color: Palette.color(at: index)))
            }
        }
        return plot
    }

    /// The median weight and owner times against alpha, with the predicted t_C (the isotropic closed form as a
    /// curve for Gaussian data; the spectral values at the measured alphas for a given data set); nil below two
    /// distinct alphas.
    public func alphaPlot() -> LinePlot? {
        let completed = measurements.filter { $0.status == .completed }
        let alphas = Set(completed.map { ($0.prediction.alpha * 1e9).rounded() })
        guard alphas.count >= 2 else { return nil }
        var plot = LinePlot(
            title: "Collapse time against α = ln n / d: measured medians and t_C",
            xAxis: Axis("α"), yAxis: Axis("t"), marksPoints: true)
        let sorted = completed.sorted { $0.prediction.alpha < $1.prediction.alpha }
        let dimensions = Array(Set(sorted.map(\.prediction.dimension))).sorted()
        for (index, dimension) in dimensions.enumerated() {
            let rows = sorted.filter { $0.prediction.dimension == dimension }
            plot.series.append(
                .init(
                    "weight time, d = \(dimension)", x: rows.map(\.prediction.alpha),
                    y: rows.map(\.weightMedian.median),
                    color: Palette.color(at: index)))
            plot.series.append(
                .init(
                    "owner time, d = \(dimension)", x: rows.map(\.prediction.alpha), y: rows.map(\.ownerMedian.median),
                    color: Palette.color(at: index), dash: .dotted))
        }
        if experiment.study.data != nil {
            plot.series.append(
                .init(
                    "t_C (spectrum)", x: sorted.map(\.prediction.alpha), y: sorted.map(\.prediction.collapseTime),
                    color: .black, dash: .dashed))
            plot.series.append(
                .init(
                    "t_C (isotropic, s² = tr C / d)", x: sorted.map(\.prediction.alpha),
                    y: sorted.map { Self.isotropicCollapseTime($0.prediction) }, color: .black, dash: .dotted,
                    marker: Marker.none))
        } else {
            let (low, high) = (sorted.first!.prediction.alpha, sorted.last!.prediction.alpha)
            let fine = (0...60).map { low * 0.8 + (high * 1.2 - low * 0.8) * Double($0) / 60 }
            let variance = experiment.study.dataVariance
            plot.series.append(
                .init(
                    "t_C = ½ ln(1 + s² / (e^(2α) − 1))", x: fine,
                    y: fine.map { 0.5 * log1p(variance / expm1(2 * $0)) }, color: .black, dash: .dashed,
                    marker: Marker.none))
        }
        return plot
    }
}

import DataFiles
import Figures
import Foundation
import Memorization
import Reporting

/// One `fplab memorize --samples FILE` run: any model's samples measured against its training set by the
/// nearest-neighbour ratio criterion (`SampleMemorization`), every option resolved.
public struct SampleMemorizationExperiment: Sendable {
    public var samples: PointSet
    public var training: PointSet
    /// Where the two sets came from, for summaries and manifests.
    public var samplesDescription: String
    public var trainingDescription: String
    /// Memorized when d₁/d₂ < ratio; novel when d₁ > noveltyThreshold.
    public var ratio: Double
    public var noveltyThreshold: Double
    /// The intervals' two-sided confidence (0.95).
    public static let confidence = 0.95
    public var settings: RunSettings

    public init(
        samples: PointSet, training: PointSet, samplesDescription: String, trainingDescription: String,
        ratio: Double, noveltyThreshold: Double, settings: RunSettings = RunSettings()
    ) {
        self.samples = samples
        self.training = training
        self.samplesDescription = samplesDescription
        self.trainingDescription = trainingDescription
        self.ratio = ratio
        self.noveltyThreshold = noveltyThreshold
        self.settings = settings
    }

    public func run() -> SampleMemorizationOutcome {
        let clock = ContinuousClock.now
        let result = SampleMemorization(
            samples: samples, training: training, ratio: ratio, noveltyThreshold: noveltyThreshold,
            confidence: Self.confidence
        ).run(threads: settings.threads)
        return SampleMemorizationOutcome(experiment: self, result: result, wallSeconds: secondsElapsed(since: clock))
    }
}

/// What `fplab memorize --samples` measured.
public struct SampleMemorizationOutcome: Sendable {
    public let experiment: SampleMemorizationExperiment
    public let result: SampleMemorization.Result
    public let wallSeconds: Double

    /// The table (one measured quantity a row: value and 95 % interval where it is a proportion), the quantiles of
    /// d₁ and d₁/d₂, the JSON manifest, and with `includingFiles` the per-sample records (`samples.csv`).
    public func report(includingFiles: Bool) -> CommandReport {
        let (samples, training) = (experiment.samples, experiment.training)
        var table = DataTable(columns: [
            .init("quantity", key: "quantity"),
            .init("value", key: "value", style: .general(significantDigits: 5)),
            .init("95 % low", key: "interval_low", style: .general(significantDigits: 5)),
            .init("95 % high", key: "interval_high", style: .general(significantDigits: 5)),
        ])
        let ratioText = experiment.ratio.shortText
        table.append([
            .text("memorized fraction (d1/d2 < \(ratioText))"), .number(result.memorizedFraction),
            .number(result.memorizedInterval.lower), .number(result.memorizedInterval.upper),
        ])
        table.append([
            .text("novel fraction (d1 > \(experiment.noveltyThreshold.shortText))"), .number(result.noveltyFraction),
            .number(result.novelInterval.lower), .number(result.novelInterval.upper),
        ])
        table.append([
            .text("training coverage (nearest of some sample)"), .number(result.coverage), .missing, .missing,
        ])
        for (level, value) in zip(SampleMemorization.quantileLevels, result.nearestDistanceQuantiles) {
            table.append([.text("d1 quantile \(level.shortText)"), .number(value), .missing, .missing])
        }
        for (level, value) in zip(SampleMemorization.quantileLevels, result.ratioQuantiles) {
            table.append([.text("d1/d2 quantile \(level.shortText)"), .number(value), .missing, .missing])
        }
        let summary = [
            "memorize --samples: \(samples.count) samples (\(experiment.samplesDescription)) against "
                + "\(training.count) training points (\(experiment.trainingDescription)), d = \(training.dimension)",
            "memorized: d1/d2 < \(ratioText) (d1, d2 the distances to the nearest and second-nearest training "
                + "point); intervals: Clopper-Pearson, two-sided 95 %",
        ]
        let closing = [
            String(
                format: "%d of %d samples memorized; wall %.3g s, %d thread(s)", result.memorizedCount,
                samples.count, wallSeconds, experiment.settings.threads)
        ]
        let json: [String: JSONValue] = [
            "command": "memorize", "mode": "samples", "samples": .string(experiment.samplesDescription),
            "training": .string(experiment.trainingDescription), "sample_count": .integer(samples.count),
            "training_count": .integer(training.count), "dimension": .integer(training.dimension),
            "ratio": .number(experiment.ratio), "novelty_threshold": .number(experiment.noveltyThreshold),
            "memorized_count": .integer(result.memorizedCount),
            "memorized_fraction": .number(result.memorizedFraction),
            "memorized_interval": .array([
                .number(result.memorizedInterval.lower), .number(result.memorizedInterval.upper),
            ]),
            "novel_count": .integer(result.novelCount), "novelty_fraction": .number(result.noveltyFraction),
            "novelty_interval": .array([.number(result.novelInterval.lower), .number(result.novelInterval.upper)]),
            "coverage": .number(result.coverage),
            "quantile_levels": .array(SampleMemorization.quantileLevels.map { .number($0) }),
            "nearest_distance_quantiles": .array(result.nearestDistanceQuantiles.map { .number($0) }),
            "ratio_quantiles": .array(result.ratioQuantiles.map { .number($0) }),
            "confidence": .number(SampleMemorizationExperiment.confidence),
            "threads": .integer(experiment.settings.threads), "wall_seconds": .number(wallSeconds),
            "version": .string(fokkerPlanckLabVersion),
        ]
        var files: [OutputFile] = []
        if includingFiles {
            var records = "sample,nearest_index,nearest_distance,second_distance,distance_ratio,memorized\n"
            for (index, record) in result.records.enumerated() {
                records +=
                    "\(index),\(record.nearestIndex),\(record.nearestDistance),\(record.secondDistance),"
                    + "\(record.distanceRatio),\(record.memorized ? 1 : 0)\n"
            }
            files = [
                OutputFile(name: "summary.csv", contents: table.rendered(as: .csv)),
                OutputFile(name: "samples.csv", contents: records),
                OutputFile(name: "nearest-distances.svg", contents: nearestDistancePlot().svg()),
                OutputFile(name: "distance-ratios.svg", contents: ratioPlot().svg()),
            ]
        }
        return CommandReport(summary: summary, table: table, closing: closing, json: .object(json), files: files)
    }

    /// Bins of the two histograms.
    public static let histogramBins = 50

    /// The fraction of `values` in each of `histogramBins` equal bins of [0, upper] (the last bin closed), at the
    /// bin centres.
    public static func histogram(_ values: [Double], upper: Double) -> (centres: [Double], fractions: [Double]) {
        let bins = histogramBins
        let width = upper / Double(bins)
        var counts = [Double](repeating: 0, count: bins)
        for value in values where value.isFinite {
            counts[min(bins - 1, max(0, Int(value / width)))] += 1
        }
        let total = Double(max(1, values.count))
        return ((0..<bins).map { (Double($0) + 0.5) * width }, counts.map { $0 / total })
    }

    /// The distribution of d₁ (each sample's distance to its nearest training point), with the novelty threshold
    /// marked: exact copies pile up in the first bin.
    public func nearestDistancePlot() -> LinePlot {
        let distances = result.records.map(\.nearestDistance)
        let upper = max(distances.filter(\.isFinite).max() ?? 1, experiment.noveltyThreshold) * 1.0001
        let (centres, fractions) = Self.histogram(distances, upper: upper > 0 ? upper : 1)
        var plot = LinePlot(
            title: "Distance of each sample to its nearest training point",
            xAxis: Axis("d1"),
            yAxis: Axis(
                "fraction of samples per \((centres[0] * 2).shortText)",
                limits: 0...(max(fractions.max() ?? 0, 0.01) * 1.05)),
            series: [.init("samples", x: centres, y: fractions)])
        plot.referenceLines.append(.vertical(experiment.noveltyThreshold, label: "ε (novelty)"))
        return plot
    }

    /// The distribution of d₁/d₂ in [0, 1], with the memorization threshold (`ratio`) marked.
    public func ratioPlot() -> LinePlot {
        let (centres, fractions) = Self.histogram(result.records.map(\.distanceRatio), upper: 1)
        var plot = LinePlot(
            title: "Nearest over second-nearest training distance",
            xAxis: Axis("d1 / d2", limits: 0...1),
            yAxis: Axis("fraction of samples per 0.02", limits: 0...(max(fractions.max() ?? 0, 0.01) * 1.05)),
            series: [.init("samples", x: centres, y: fractions)])
        plot.referenceLines.append(.vertical(experiment.ratio, label: "memorized below"))
        return plot
    }
}

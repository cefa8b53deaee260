import DataFiles
import Figures
import Foundation
import Memorization
import Reporting

/// One `fplab regimes speciation` run: the cloning experiment (`SpeciationStudy`) on two Gaussian classes ±m in
/// each dimension, every option resolved.
public struct SpeciationExperiment: Sendable {
    public var study: SpeciationStudy
    public var settings: RunSettings
    public init(study: SpeciationStudy, settings: RunSettings) {
        self.study = study
        self.settings = settings
    }

    /// Dimensions of the quadrature-only crossover table: the measured ones and 4 and 16 times the largest (up to
    /// 2^20), the finite-size trend. Computed from the study, so it cannot disagree with it.
    public var crossoverDimensions: [Int] {
        let largest = study.dimensions.max() ?? 1
        return (study.dimensions + [4 * largest, 16 * largest].filter { $0 <= 1 << 20 }).sorted()
    }

    /// The study's measurements; `progress` hears the fraction of dimensions done.
    public func run(progress: ((Double) -> Void)? = nil) throws -> SpeciationOutcome {
        let clock = ContinuousClock.now
        let measurements = try study.run(progress: progress)
        let crossovers = crossoverDimensions.map { SpeciationCrossover(data: study.data(dimension: $0)) }
        return SpeciationOutcome(
            experiment: self, measurements: measurements, crossovers: crossovers,
            wallSeconds: secondsElapsed(since: clock))
    }
}

/// What `fplab regimes speciation` measured.
public struct SpeciationOutcome: Sendable {
    public let experiment: SpeciationExperiment
    public let measurements: [SpeciationMeasurement]
    public let crossovers: [SpeciationCrossover]
    public let wallSeconds: Double

    /// The first measurement that did not complete, as a sentence.
    public var stopReason: String? {
        measurements.first { $0.status != .completed }.map { "d = \($0.dimension): \($0.status)" }
    }

    /// The same-class table (one row a dimension and branch time), the crossover table from the quadrature, and
    /// with `includingFiles` both tables as CSV, Markdown and LaTeX and the figure `same-class.svg`.
    public func report(includingFiles: Bool) -> CommandReport {
        let study = experiment.study
        var table = DataTable(
            "same_class", title: "Same-class probability of clone pairs against the quadrature φ(t_b)",
            columns: [
                .init("d", key: "dimension"),
                .init("t_S", key: "speciation_time", style: .general(significantDigits: 4)),
                .init("t_b", key: "branch_time", style: .general(significantDigits: 4)),
                .init("same class", key: "measured", style: .general(significantDigits: 4)),
                .init("± SE", key: "standard_error", style: .general(significantDigits: 4)),
                .init("φ(t_b)", key: "predicted", style: .general(significantDigits: 4)),
                .init("z", key: "standard_score", style: .general(significantDigits: 3)),
            ])
        for row in measurements {
            let completed = row.status == .completed
            table.append([
                .integer(row.dimension), .number(row.speciationTime), .number(row.branchTime),
                completed ? .number(row.measured) : .text(row.status.description), .number(row.standardError),
                .number(row.predicted), completed ? .number(row.standardScore) : .missing,
            ])
        }
        var crossover = DataTable(
            "crossover", title: "Where the classes split (quadrature): φ at t_S and the crossover width",
            columns: [
                .init("d", key: "dimension"),
                .init("Λ", key: "largest_eigenvalue", style: .general(significantDigits: 5)),
                .init("t_S", key: "speciation_time", style: .general(significantDigits: 4)),
                .init("φ(t_S)", key: "phi_at_speciation", style: .general(significantDigits: 4)),
                .init("d → ∞", key: "limit", style: .general(significantDigits: 4)),
                .init("t(φ = 0.9)", key: "t_phi_0_9", style: .general(significantDigits: 4)),
                .init("t(φ = 0.6)", key: "t_phi_0_6", style: .general(significantDigits: 4)),
                .init("width / t_S", key: "relative_width", style: .general(significantDigits: 4)),
            ])
        for row in crossovers {
            crossover.append([
                .integer(row.dimension), .number(row.largestEigenvalue), .number(row.speciationTime),
                .number(row.predictedAtSpeciation), .number(row.limitAtSpeciation), .number(row.timeAtNinetyPercent),
                .number(row.timeAtSixtyPercent), .number(row.relativeWidth),
            ])
        }
        let worst = measurements.map { abs($0.standardScore) }.max() ?? .nan
        let summary = [
            "regimes speciation: two Gaussian classes ±m (m = \(study.meanPerAxis.shortText) on every axis, "
                + "class sd \(study.classStandardDeviation.shortText)) in d = "
                + study.dimensions.map(String.init).joined(separator: ", ")
                + "; \(study.pairs) clone pairs a branch time, t_b = t_S + "
                + "(\(study.branchOffsets.map(\.shortText).joined(separator: ", ")))",
            "exact reverse runs by posterior-bridge steps of at most \(study.stepWidth.shortText) (exact in law at "
                + "every step); same class: the two clones' ends on one side of the class boundary",
        ]
        let closing = [
            "largest |z| = \(String(format: "%.2f", worst)) over \(measurements.count) branch times (|z| > 4 has "
                + "probability 6.3e-5 each when the theory holds); φ(t_S) → 0.7752 as d → ∞",
            String(
                format: "wall %.3g s, seed %llu, %d thread(s)", wallSeconds, experiment.settings.seed,
                experiment.settings.threads),
        ]
        var json: [String: JSONValue] = [
            "command": "regimes", "mode": "speciation",
            "dimensions": .array(study.dimensions.map { .integer($0) }),
            "mean_per_axis": .number(study.meanPerAxis),
            "class_standard_deviation": .number(study.classStandardDeviation),
            "branch_offsets": .array(study.branchOffsets.map { .number($0) }), "pairs": .integer(study.pairs),
            "step_width": .number(study.stepWidth), "rows": table.jsonValue(), "crossover": crossover.jsonValue(),
            "wall_seconds": .number(wallSeconds), "version": .string(fokkerPlanckLabVersion),
        ]
        json.merge(experiment.settings.manifestEntries) { $1 }
        var files: [OutputFile] = []
        if includingFiles {
            files += TableFiles.tableFiles(table, stem: "same-class")
            files += TableFiles.tableFiles(crossover, stem: "crossover")
            files.append(OutputFile(name: "same-class.svg", contents: sameClassPlot().svg()))
        }
        return CommandReport(
            summary: summary, table: table, closing: closing, json: .object(json), files: files)
    }

    /// The measured same-class fraction against t_b − t_S per dimension, with the quadrature dashed and t_S marked.
    public func sameClassPlot() -> LinePlot {
        let study = experiment.study
        var plot = LinePlot(
            title: "Same-class probability of clones against t_b − t_S",
            xAxis: Axis("t_b − t_S"), yAxis: Axis("P(same class)", limits: 0.45...1.02), marksPoints: true)
        let low = (study.branchOffsets.min() ?? 0) - 0.25
        let high = (study.branchOffsets.max() ?? 0) + 0.25
        for (index, dimension) in study.dimensions.enumerated() {
            let rows = measurements.filter { $0.dimension == dimension && $0.status == .completed }
                .sorted { $0.offset < $1.offset }
            plot.series.append(
                .init(
                    "d = \(dimension), measured", x: rows.map(\.offset), y: rows.map(\.measured),
                    color: Palette.color(at: index)))
            let data = study.data(dimension: dimension)
            let fine = (0...100).map { low + (high - low) * Double($0) / 100 }
                .filter { data.speciationTime + $0 > 0 }
            plot.series.append(
                .init(
                    "d = \(dimension), quadrature", x: fine,
                    y: fine.map { data.sameClassProbability(branchTime: data.speciationTime + $0) },
                    color: Palette.color(at: index), dash: .dashed, marker: Marker.none))
        }
        plot.referenceLines.append(.vertical(0, label: "t_S"))
        return plot
    }
}

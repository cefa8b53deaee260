import DataFiles
import DiffusionModels
import Figures
import Foundation
import GridFields
import InverseHeat
import Reporting

/// `fplab invert --sweep` with every default resolved: the naive inversion's blow-up over cell counts n and noise
/// levels delta on the box of `grid`, and every method's error over delta on `grid` itself.
public struct InvertSweepExperiment: Sendable {
    public var equation: BackwardEquation
    public var mixture: GaussianMixture
    /// The text the mixture was read from, as given (reports quote it).
    public var mixtureSpecification: String
    /// The periodic grid of the method table; the blow-up table keeps its box and dimension and varies the cells.
    public var grid: Grid
    /// T > 0, the time of the data.
    public var finalTime: Double
    /// The relative L2 error at which the naive inversion has blown up.
    public var threshold: Double
    public var settings: RunSettings

    public init(
        equation: BackwardEquation, mixture: GaussianMixture, mixtureSpecification: String? = nil, grid: Grid,
        finalTime: Double, threshold: Double = 1, settings: RunSettings = RunSettings()
    ) {
        self.equation = equation
        self.mixture = mixture
        self.mixtureSpecification = mixtureSpecification ?? mixture.specification ?? ""
        self.grid = grid
        self.finalTime = finalTime
        self.threshold = threshold
        self.settings = settings
    }

    /// Cell counts of the blow-up table: 64 to 1024 in 1-D, 32 to 256 a side in 2-D.
    public var pointCounts: [Int] {
        grid.dimension == 1 ? [64, 128, 256, 512, 1024] : [32, 64, 128, 256]
    }
    /// Noise levels of the blow-up table (0: round-off only).
    public static let blowUpNoiseLevels = [1e-2, 1e-4, 1e-6, 1e-8, 1e-10, 0]
    /// Noise levels of the method table.
    public static let methodNoiseLevels = [1e-1, 1e-2, 1e-3, 1e-4, 1e-6, 1e-8, 1e-10, 0]

    /// Runs the blow-up sweep (`BlowUpSweep`), then every method over the noise levels (`MethodComparison`), and
    /// times both; `progress` hears the fraction of the runs done (each weighted alike). A problem that cannot be
    /// built is an `ExperimentError`.
    public func run(progress: ((Double) -> Void)? = nil) throws -> InvertSweepOutcome {
        let clock = ContinuousClock.now
        let runCount = Double(pointCounts.count * Self.blowUpNoiseLevels.count)
        let methodCount = Double(Self.methodNoiseLevels.count * InversionMethod.allCases.count)
        let blowUpShare = runCount / (runCount + methodCount)
        let blowUps: [BlowUpMeasurement]
        let methods: [MethodErrorMeasurement]
        do {
            blowUps = try BlowUpSweep(
                equation: equation, finalTime: finalTime, mixture: mixture, halfWidth: grid.halfWidth,
                pointCounts: pointCounts, noiseLevels: Self.blowUpNoiseLevels, threshold: threshold,
                seed: settings.seed, threads: settings.threads,
                progress: progress.map { progress in { progress(blowUpShare * $0) } }
            ).run()
            let problem = try InverseHeatProblem(
                equation: equation, grid: grid, finalTime: finalTime, initialData: .mixture(mixture),
                seed: settings.seed
            )
            methods = try MethodComparison(
                problem: problem, noiseLevels: Self.methodNoiseLevels, threshold: threshold,
                threads: settings.threads,
                progress: progress.map { progress in { progress(blowUpShare + (1 - blowUpShare) * $0) } }
            ).run()
        } catch let error as InverseHeatError {
            throw ExperimentError("invert --sweep: \(error.description).")
        }
        return InvertSweepOutcome(
            experiment: self, blowUps: blowUps, methods: methods, wallSeconds: secondsElapsed(since: clock)
        )
    }
}

/// What `fplab invert --sweep` measured: the two tables, and the report.
public struct InvertSweepOutcome {
    public let experiment: InvertSweepExperiment
    public let blowUps: [BlowUpMeasurement]
    public let methods: [MethodErrorMeasurement]
    public let wallSeconds: Double

    /// The cells per axis of the method table (the blow-up figure shows the runs on as many).
    private var pointCount: Int { experiment.grid.shape[0] }

    /// Time to blow-up over n x delta, measured next to predicted; the mode that blew up by its data-grid wavenumber
    /// (the units of k_max).
    public var blowUpTable: DataTable {
        var table = DataTable(columns: [
            .init("n", key: "points"),
            .init("delta", key: "noise", style: .general(significantDigits: 3)),
            .init("k_max", key: "largest_wavenumber", style: .general(significantDigits: 5)),
            .init("predicted s*", key: "predicted_blowup_time", style: .scientific(fractionDigits: 3)),
            .init("measured s", key: "blowup_time", style: .scientific(fractionDigits: 3)),
            .init("ratio", key: "ratio", style: .general(significantDigits: 3)),
            .init("mode k", key: "blowup_mode_wavenumber", style: .general(significantDigits: 5)),
            .init("steps", key: "steps"),
            .init("status", key: "status"),
        ])
        for measurement in blowUps {
            table.append([
                .integer(measurement.pointCount), .number(measurement.noiseLevel),
                .number(measurement.largestWavenumber),
                .number(measurement.predictedTime), .number(measurement.measuredTime), .number(measurement.ratio),
                .number(measurement.blowUp?.mode.dataWavenumber), .integer(measurement.stepCount),
                .text(measurement.status.name),
            ])
        }
        return table
    }

    /// Every method's final error over delta (naive included), and the error at T/2 against the Hölder bound.
    public var methodTable: DataTable {
        var table = DataTable(columns: [
            .init("delta", key: "noise", style: .general(significantDigits: 3)),
            .init("method", key: "method"),
            .init("parameter", key: "parameter_name"),
            .init("value", key: "parameter", style: .general(significantDigits: 4)),
            .init("final rel. error", key: "final_relative_error", style: .scientific(fractionDigits: 3)),
            .init("blow-up s", key: "blowup_time", style: .scientific(fractionDigits: 3)),
            .init("error at T/2", key: "half_time_error", style: .scientific(fractionDigits: 3)),
            .init("Hölder bound", key: "hoelder_bound", style: .scientific(fractionDigits: 3)),
            .init("status", key: "status"),
        ])
        for row in methods {
            let regularized = row.method.isRegularized
            table.append([
                .number(row.noiseLevel),
                .text(row.method.rawValue),
                regularized ? .text(row.regularization.parameterName) : .missing,
                regularized ? .number(row.regularization.parameter) : .missing,
                .number(row.finalRelativeError), .number(row.blowUpTime), .number(row.halfTimeCheck?.error),
                .number(row.halfTimeCheck?.bound), .text(row.status.name),
            ])
        }
        return table
    }

    public var report: InvertReport {
        let blowUp = blowUpTable
        let methodsTable = methodTable
        var files = [
            OutputFile(name: "blowup.csv", contents: blowUp.rendered(as: .csv)),
            OutputFile(name: "methods.csv", contents: methodsTable.rendered(as: .csv)),
        ]
        let plotted = blowUps.filter { $0.pointCount == pointCount }
        files.append(
            OutputFile(
                name: "blowup.svg",
                contents: InvertFigures.errorAgainstTime(
                    title:
                        "Naive inversion, \(experiment.equation.summary), "
                        + "n = \(pointCount): error against s",
                    series: plotted.map { (label: "δ = \($0.noiseLevel.shortText)", history: $0.history) },
                    threshold: experiment.threshold
                )))
        files.append(
            OutputFile(
                name: "methods.svg",
                contents: InvertFigures.errorAgainstNoise(
                    title:
                        "Relative error at t = 0, \(experiment.equation.summary), "
                        + "n = \(pointCount)",
                    rows: methods
                )))
        files.append(
            OutputFile(
                name: "hoelder.svg",
                contents: InvertFigures.halfTimeErrorAgainstNoise(
                    title:
                        "Error at t = T/2 and the Hölder bound, \(experiment.equation.summary), "
                        + "n = \(pointCount)",
                    rows: methods
                )))
        return InvertReport(
            summary: summary,
            sections: [
                .init(
                    title:
                        "Time to blow-up of the naive inversion (reverse time s = T - t; "
                        + "measured at the first step past the threshold):",
                    table: blowUp),
                .init(
                    title:
                        "Every method over delta: relative error at t = 0, "
                        + "absolute error at t = T/2 against the Hölder bound:",
                    table: methodsTable),
            ],
            closing: [String(format: "wall %.3g s", wallSeconds)],
            json: json, files: files
        )
    }

    private var summary: [String] {
        let grid = experiment.grid
        return [
            "invert --sweep: equation \(experiment.equation.summary), T = \(experiment.finalTime.shortText), box "
                + "[-\(grid.halfWidth.shortText), \(grid.halfWidth.shortText)]"
                + "\(grid.dimension > 1 ? "^\(grid.dimension)" : ""), threshold "
                + "\(experiment.threshold.shortText), seed \(experiment.settings.seed)",
            "initial density: \(experiment.mixtureSpecification)",
            "blow-up table: n = \(experiment.pointCounts.map(String.init).joined(separator: ", ")); method table: n = "
                + "\(pointCount), a priori parameters from delta + round-off and E = ||u(0)||",
        ]
    }

    public var json: JSONValue {
        var members = InvertExperiment.configurationEntries(
            equation: experiment.equation, finalTime: experiment.finalTime, threshold: experiment.threshold,
            mixtureSpecification: experiment.mixtureSpecification, grid: experiment.grid,
            settings: experiment.settings, sweep: true)
        members["point_counts"] = .array(experiment.pointCounts.map { .integer($0) })
        members["blowup"] = blowUpTable.jsonValue()
        members["methods"] = methodTable.jsonValue()
        members["wall_seconds"] = .number(wallSeconds)
        return .object(members)
    }
}

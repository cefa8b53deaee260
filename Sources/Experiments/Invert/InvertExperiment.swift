import DataFiles
import DiffusionModels
import Foundation
import GridFields
import InverseHeat
import Reporting

/// One `fplab invert` run, every default resolved: the data of `problem` (the mixture evolved to T by the
/// equation on the periodic grid, plus white noise of L2 norm delta drawn from the seed) inverted back to t = 0 by
/// `method`, the naive inversion stopping at the first step whose relative L2 error exceeds `threshold`.
public struct InvertExperiment: Sendable {
    /// The equation, the data grid, T, the initial mixture, delta and the seed.
    public var problem: InverseHeatProblem
    /// The text the mixture was read from, as given (reports quote it).
    public var mixtureSpecification: String
    public var method: InversionMethod
    /// K, alpha or eps of a regularized method when given; nil: THEORY §8's a priori rule.
    public var parameter: Double?
    /// Steps from T back to 0 when given; nil: `InversionRun`'s suggestion (100 before the predicted blow-up).
    public var stepCount: Int?
    /// The relative L2 error at which the naive inversion has blown up.
    public var threshold: Double
    public var settings: RunSettings

    /// Builds the problem from the mixture on `grid` (periodic) at T = `finalTime` with noise `noiseLevel`, drawn
    /// with `settings.seed`; throws the `InverseHeatError` of a problem that cannot be built (e.g. a T that
    /// stretches the OU grid beyond the largest double).
    public init(
        equation: BackwardEquation, grid: Grid, finalTime: Double, mixture: GaussianMixture,
        mixtureSpecification: String? = nil, noiseLevel: Double = 0, method: InversionMethod = .naive,
        parameter: Double? = nil, stepCount: Int? = nil, threshold: Double = 1, settings: RunSettings = RunSettings()
    ) throws {
        problem = try InverseHeatProblem(
            equation: equation, grid: grid, finalTime: finalTime, initialData: .mixture(mixture),
            noiseLevel: noiseLevel, seed: settings.seed
        )
        self.mixtureSpecification = mixtureSpecification ?? mixture.specification ?? ""
        self.method = method
        self.parameter = parameter
        self.stepCount = stepCount
        self.threshold = threshold
        self.settings = settings
    }

    /// Runs the inversion (`InversionRun`) with the method, steps and threshold, and times it; `progress` hears the
    /// fraction of the steps done. A run that cannot start is an `ExperimentError`.
    public func run(progress: ((Double) -> Void)? = nil) throws -> InvertOutcome {
        let clock = ContinuousClock.now
        let inversion = InversionRun(
            method: method, parameter: parameter, stepCount: stepCount, threshold: threshold,
            threads: settings.threads, progress: progress
        )
        let result: InversionResult
        do {
            result = try inversion.run(problem)
        } catch let error as InverseHeatError {
            throw ExperimentError("invert: \(error.description).")
        }
        return InvertOutcome(experiment: self, result: result, wallSeconds: secondsElapsed(since: clock))
    }

    /// Manifest entries shared by a run and a sweep: the command, the version, the equation, T, the threshold, the
    /// mixture, `sweep`, the grid and the run settings.
    static func configurationEntries(
        equation: BackwardEquation, finalTime: Double, threshold: Double, mixtureSpecification: String, grid: Grid,
        settings: RunSettings, sweep: Bool
    ) -> [String: JSONValue] {
        var members: [String: JSONValue] = [
            "command": "invert",
            "version": .string(fokkerPlanckLabVersion),
            "time": .number(finalTime),
            "threshold": .number(threshold),
            "mixture": .string(mixtureSpecification),
            "sweep": .bool(sweep),
        ]
        for part in [equation.manifestEntries, grid.manifestEntries, settings.manifestEntries] {
            members.merge(part) { current, _ in current }
        }
        return members
    }
}

/// What `fplab invert` measured, and its report in every output format.
public struct InvertOutcome {
    public let experiment: InvertExperiment
    public let result: InversionResult
    public let wallSeconds: Double

    /// Text and Markdown show at most this many history rows (evenly spaced); CSV and JSON hold all.
    public static let shownHistoryRows = 41

    public var report: InvertReport {
        let table = historyTable
        var files = [
            OutputFile(name: "history.csv", contents: table.rendered(as: .csv)),
            OutputFile(name: "field.csv", contents: fieldCSV),
        ]
        files.append(
            OutputFile(
                name: "error.svg",
                contents: InvertFigures.errorAgainstTime(
                    title:
                        "Relative error of the \(experiment.method.rawValue) inversion, "
                        + "\(experiment.problem.equation.summary)",
                    series: [(label: "δ = \(experiment.problem.noiseLevel.shortText)", history: result.history)],
                    threshold: result.method == .naive ? experiment.threshold : nil
                )))
        return InvertReport(
            summary: summary,
            sections: [
                .init(title: "", table: table, shownRows: InvertReport.thinned(table, limit: Self.shownHistoryRows))
            ],
            closing: closing, json: json, files: files
        )
    }

    /// One row a step: the data (step 0), then every step reached.
    public var historyTable: DataTable {
        var table = DataTable(columns: [
            .init("step", key: "step"),
            .init("s = T - t", key: "reverse_time", style: .general(significantDigits: 6)),
            .init("t", key: "time", style: .general(significantDigits: 6)),
            .init("relative error", key: "relative_error", style: .scientific(fractionDigits: 3)),
            .init("largest mode", key: "largest_mode_amplitude", style: .scientific(fractionDigits: 3)),
            .init("its |k|", key: "largest_mode_wavenumber", style: .general(significantDigits: 5)),
            .init("finite", key: "finite"),
        ])
        for record in result.history {
            table.append([
                .integer(record.step), .number(record.reverseTime), .number(record.time), .number(record.relativeError),
                .number(record.largestModeAmplitude), .number(record.largestModeWavenumber),
                .text(record.isFinite ? "yes" : "no"),
            ])
        }
        return table
    }

    private var stepsSource: String { experiment.stepCount == nil ? "suggested" : "given" }

    private var summary: [String] {
        let prediction = result.prediction
        let problem = experiment.problem
        var lines = [
            "invert: equation \(problem.equation.summary), method \(experiment.method.rawValue), grid "
                + "\(problem.grid.summary) at T = \(problem.finalTime.shortText), noise delta = "
                + "\(problem.noiseLevel.shortText), \(result.stepCount) steps "
                + "(\(stepsSource)), status \(result.status.name)",
            "initial density: \(experiment.mixtureSpecification)",
        ]
        if problem.equation == .ornsteinUhlenbeck {
            lines.append("grid of time t: the data grid stretched by e^(T - t) (the heat-equation link of THEORY §2)")
        }
        let predicted =
            prediction.reverseTime.map { "s* = \($0.shortText)" } ?? "none before the amplification saturates"
        lines.append(
            "predicted blow-up of the naive inversion: \(predicted) "
                + "(k_max = \(prediction.largestWavenumber.shortText), "
                + "noise per mode \(prediction.modeNoiseLevel.shortText), threshold \(experiment.threshold.shortText))"
        )
        if result.method.isRegularized {
            let regularization = result.regularization
            let source =
                experiment.parameter == nil
                ? "a priori rule from delta + round-off = \(result.effectiveNoiseLevel.shortText) and E = ||u(0)|| = "
                    + result.initialNorm.shortText
                : "given"
            lines.append(
                "regularization: \(regularization.parameterName) = \(regularization.parameter.shortText) (\(source))")
        }
        return lines
    }

    private var closing: [String] {
        var lines = ["status: \(result.statusDescription)"]
        if let measured = result.blowUpTime, let predicted = result.prediction.reverseTime, predicted > 0 {
            lines.append(
                "blow-up time: measured s = \(measured.shortText), predicted \(predicted.shortText) (ratio "
                    + "\((measured / predicted).shortText))"
            )
        }
        if let amplification = result.amplification {
            let worst = amplification.maximumRelativeError.map { String(format: "%.3g", $0) } ?? "—"
            let largest = amplification.mostAmplifiedMode.map { String(format: "%.4g", $0.predicted) } ?? "—"
            lines.append(
                "amplification at s = \(amplification.reverseTime.shortText): \(amplification.countedModeCount) of "
                    + "\(amplification.modeCount) modes above the round-off floor, "
                    + "largest factor \(largest), max relative "
                    + "deviation from THEORY's factor \(worst)"
            )
        }
        if let check = result.halfTimeCheck {
            lines.append(
                "at t = T/2: error \(String(format: "%.4g", check.error)), Hölder bound 2 E^(1-theta) delta^theta = "
                    + "\(String(format: "%.4g", check.bound)) (\(check.error <= check.bound ? "holds" : "exceeded"))"
            )
        }
        lines.append(String(format: "run %.3g s, wall %.3g s", result.elapsedSeconds, wallSeconds))
        return lines
    }

    public var json: JSONValue {
        let problem = experiment.problem
        var members = InvertExperiment.configurationEntries(
            equation: problem.equation, finalTime: problem.finalTime, threshold: experiment.threshold,
            mixtureSpecification: experiment.mixtureSpecification, grid: problem.grid, settings: experiment.settings,
            sweep: false)
        let blowUp = result.blowUp
        let amplification = result.amplification
        let regularization = result.regularization
        let halfTime = result.halfTimeCheck
        let additions: [String: JSONValue] = [
            "method": .string(experiment.method.rawValue),
            "noise": .number(experiment.problem.noiseLevel),
            "requested_steps": .integer(result.stepCount),
            "steps_source": .string(stepsSource),
            "steps_taken": .integer(result.stepsTaken),
            "status": .string(result.status.name),
            "status_detail": .string(result.statusDescription),
            "blowup_time": .number(blowUp?.reverseTime),
            "blowup_forward_time": .number(blowUp?.time),
            "blowup_step": blowUp.map { .integer($0.step) } ?? .null,
            "blowup_cause": blowUp.map { .string($0.cause.rawValue) } ?? .null,
            "blowup_location": blowUp.map { .array($0.location.map { .number($0) }) } ?? .null,
            "blowup_mode": blowUp.map { report in
                .object([
                    "frequency": .array(report.mode.frequencies.map { .integer($0) }),
                    "wavenumber": .number(report.mode.wavenumber),
                    "data_wavenumber": .number(report.mode.dataWavenumber),
                    "amplification": .number(report.mode.amplification),
                    "error_share": .number(report.mode.errorShare),
                ])
            } ?? .null,
            "predicted_blowup_time": .number(result.prediction.reverseTime),
            "largest_wavenumber": .number(result.prediction.largestWavenumber),
            "roundoff_level": .number(result.prediction.roundOffLevel),
            "mode_noise_level": .number(result.prediction.modeNoiseLevel),
            "final_relative_error": .number(result.finalRelativeError),
            "final_time": .number(result.history.last?.time),
            "amplification_max_relative_error": .number(amplification?.maximumRelativeError),
            "amplification_counted_modes": amplification.map { .integer($0.countedModeCount) } ?? .null,
            "amplification_largest_factor": .number(amplification?.mostAmplifiedMode?.predicted),
            "initial_norm": .number(result.initialNorm),
            "regularization_parameter_name": regularization.method.isRegularized
                ? .string(regularization.parameterName) : .null,
            "regularization_parameter": regularization.method.isRegularized ? .number(regularization.parameter) : .null,
            "regularization_parameter_source": regularization.method.isRegularized
                ? .string(experiment.parameter == nil ? "a priori" : "given") : .null,
            "half_time_error": .number(halfTime?.error),
            "hoelder_bound": .number(halfTime?.bound),
            "history": historyTable.jsonValue(),
            "wall_seconds": .number(wallSeconds),
            "run_seconds": .number(result.elapsedSeconds),
        ]
        members.merge(additions) { _, new in new }
        return .object(members)
    }

    /// The final field and the exact solution at that time, one cell a row: `x,value,exact` or `x,y,value,exact`.
    public var fieldCSV: String {
        let field = result.finalField
        let exact =
            (try? experiment.problem.exactField(atTime: result.history.last?.time ?? 0))?.values
            ?? Array(repeating: .nan, count: field.values.count)
        let axes = ["x", "y", "z"].prefix(field.grid.dimension)
        var text = (axes + ["value", "exact"]).joined(separator: ",") + "\n"
        for (index, value) in field.values.enumerated() {
            let point = field.grid.point(at: index).map { NumberStyle.fullPrecision.format($0) }
            text +=
                point.joined(separator: ",") + "," + NumberStyle.fullPrecision.format(value) + ","
                + NumberStyle.fullPrecision.format(exact[index]) + "\n"
        }
        return text
    }
}

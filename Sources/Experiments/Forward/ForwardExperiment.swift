import DataFiles
import DensitySolvers
import DiffusionModels
import Figures
import Foundation
import GridFields
import Reporting
import Safeguards
import SpectralTransforms

/// One `fplab forward` run, every default resolved: a Gaussian mixture evolved on a grid under a linear SDE to
/// `endTime` by one grid method, compared with the exact evolved mixture at `snapshotCount` evenly spaced times.
public struct ForwardExperiment: Sendable {
    public var process: LinearSDE
    public var mixture: GaussianMixture
    /// The text the mixture was read from, as given (reports quote it).
    public var mixtureSpecification: String
    public var grid: Grid
    public var method: GridMethod
    /// The steps from 0 to T: given, or the method's suggestion (`stepsAreGiven` says which).
    public var stepCount: Int
    public var stepsAreGiven: Bool
    public var endTime: Double
    /// Snapshots after t = 0: at the times j T / n, j = 1...n.
    public var snapshotCount: Int
    public var planning: PlanningRigor
    /// Where FFTW wisdom is read before planning and saved after, for `measure` and `patient` planning (an
    /// `estimate` run reads none, so its plans and bits never depend on a cache); nil: none.
    public var wisdom: WisdomFile?
    public var settings: RunSettings

    public init(
        process: LinearSDE, mixture: GaussianMixture, mixtureSpecification: String? = nil, grid: Grid,
        method: GridMethod, stepCount: Int? = nil, endTime: Double, snapshotCount: Int = 4,
        planning: PlanningRigor = .estimate, wisdom: WisdomFile? = nil, settings: RunSettings = RunSettings()
    ) {
        self.process = process
        self.mixture = mixture
        self.mixtureSpecification = mixtureSpecification ?? mixture.specification ?? ""
        self.grid = grid
        self.method = method
        self.stepCount =
            stepCount ?? method.suggestedStepCount(process: process, grid: grid, endTime: endTime)
        self.stepsAreGiven = stepCount != nil
        self.endTime = endTime
        self.snapshotCount = snapshotCount
        self.planning = planning
        self.wisdom = wisdom
        self.settings = settings
    }

    /// The snapshot times after 0 and before T (the run loop always adds T itself).
    public var intermediateSnapshotTimes: [Double] {
        guard endTime > 0 else { return [] }
        return Array(DensityRun.evenlySpacedTimes(count: snapshotCount, to: endTime).dropLast())
    }

    /// Builds the initial and stationary densities, solves the problem to T with `snapshotCount` snapshots, and
    /// times it all; `progress` hears the fraction of the interval done. T = 0 measures the initial density and
    /// takes no step. A solver that cannot be set up is an `ExperimentError` naming `--solver`.
    public func run(progress: ((Double) -> Void)? = nil) throws -> ForwardOutcome {
        let clock = ContinuousClock.now
        let threads = settings.threads
        let initialDensity = mixture.field(on: grid, threads: threads)
        let stationaryDensity = process.stationaryDistribution(dimension: grid.dimension)?.field(
            on: grid, threads: threads)
        let exactMasses = ExactMassLog()
        let exactDensity: (Double) -> Field = { [mixture, process, grid] time in
            let exact = mixture.evolved(under: process, to: time).field(on: grid, threads: threads)
            exactMasses.record(time: time, mass: exact.integral)
            return exact
        }
        guard endTime > 0 else {
            let row = SnapshotRow(
                density: initialDensity, time: 0, exact: exactDensity(0), stationary: stationaryDensity
            )
            return ForwardOutcome(
                experiment: self, status: .completed, rows: [row], stepsTaken: 0, finalTime: 0,
                finalDensity: initialDensity, runSeconds: 0, wallSeconds: secondsElapsed(since: clock),
                exactMassFarthestFromOne: exactMasses.farthestFromOne
            )
        }
        let problem = FokkerPlanckProblem(
            process: process, initialDensity: initialDensity, endTime: endTime, exactDensity: exactDensity,
            stationaryDensity: stationaryDensity)
        let solveOptions = SolveOptions(
            steps: stepCount, snapshotTimes: intermediateSnapshotTimes, rigor: planning, threads: settings.threads,
            progress: progress)
        let wisdomInUse = planning == .estimate ? nil : wisdom
        var wisdomNotes: [String] = []
        if let wisdomInUse {
            do { try wisdomInUse.load() } catch {
                wisdomNotes.append("the FFTW wisdom in '\(wisdomInUse.path)' was not accepted: planned afresh.")
            }
        }
        let result: RunResult
        do {
            result = try solve(problem, method, options: solveOptions)
        } catch {
            throw ExperimentError("--solver \(method.solverName): cannot set up the solver: \(error)")
        }
        if let wisdomInUse {
            do { try wisdomInUse.save() } catch { wisdomNotes.append("\(error); the next run plans afresh.") }
        }
        return ForwardOutcome(
            experiment: self,
            status: result.status,
            rows: result.snapshots.map { SnapshotRow(diagnostics: $0.diagnostics) },
            stepsTaken: result.stepsTaken,
            finalTime: result.finalTime,
            finalDensity: result.finalDensity,
            runSeconds: result.elapsedSeconds,
            wallSeconds: secondsElapsed(since: clock),
            exactMassFarthestFromOne: exactMasses.farthestFromOne, wisdomNotes: wisdomNotes
        )
    }
}

/// One row of the forward table: what the run loop measured at a snapshot.
public struct SnapshotRow: Sendable, Equatable {
    public var time: Double
    /// ||rho - exact||_1 and max |rho - exact|.
    public var l1Error: Double?
    public var lInfinityError: Double?
    public var mass: Double
    public var minimumDensity: Double
    /// KL(rho || stationary); nil when the model has no stationary law (VE).
    public var klToStationary: Double?

    init(diagnostics: Diagnostics) {
        time = diagnostics.time
        l1Error = diagnostics.l1Error
        lInfinityError = diagnostics.lInfinityError
        mass = diagnostics.mass
        minimumDensity = diagnostics.minimumDensity
        klToStationary = diagnostics.klToStationary
    }

    /// The same measurements as the run loop's, for a density it did not produce (T = 0).
    init(density: Field, time: Double, exact: Field, stationary: Field?) {
        self.time = time
        l1Error = density.distanceL1(to: exact)
        lInfinityError = density.distanceLInfinity(to: exact)
        mass = density.integral
        minimumDensity = density.minimum
        klToStationary = stationary.map { density.klDivergence(to: $0) }
    }
}

/// The grid mass of the exact density farthest from 1 over the snapshots, and its time. Far from 1, the box cuts
/// the density off or the cells are too coarse to integrate it.
final class ExactMassLog {
    private(set) var farthestFromOne: (time: Double, mass: Double)?

    func record(time: Double, mass: Double) {
        if let farthest = farthestFromOne, !(abs(mass - 1) > abs(farthest.mass - 1)) { return }
        farthestFromOne = (time, mass)
    }
}

/// What `fplab forward` measured, and its report in every output format.
public struct ForwardOutcome {
    public let experiment: ForwardExperiment
    public let status: RunStatus
    /// Row 0 is t = 0; then the snapshot times reached.
    public let rows: [SnapshotRow]
    public let stepsTaken: Int
    public let finalTime: Double
    public let finalDensity: Field
    /// The run loop alone, and everything from building the initial density on.
    public let runSeconds: Double
    public let wallSeconds: Double
    /// The exact density's grid mass farthest from 1 over the snapshots, and when.
    let exactMassFarthestFromOne: (time: Double, mass: Double)?
    /// What went wrong with the FFTW wisdom file, if anything (the run itself is unaffected).
    var wisdomNotes: [String] = []

    /// How far from 1 the exact density's grid mass may be before a note says the errors do not measure the
    /// solver: 1e-3, far above the midpoint rule's error on a grid that resolves the density (spectrally small)
    /// and far below what a box cutting off a tail of the density or a grid of a few cells gives.
    static let exactMassWarningDeviation = 1e-3

    /// The report with its files.
    public var report: CommandReport { report(includingFiles: true) }

    /// The table, summary and JSON; with `includingFiles` the files of an `--output` folder (the snapshot table,
    /// the density as CSV and as `.npy` of the grid's shape, the density and error figures), which cost as much as
    /// a few solver steps to render on a large grid and are left out when nothing will write them.
    public func report(includingFiles: Bool) -> CommandReport {
        CommandReport(
            summary: summary, table: table, closing: closing, json: json,
            files: includingFiles
                ? [
                    OutputFile(name: "snapshots.csv", contents: table.rendered(as: .csv)),
                    OutputFile(name: "density.csv", contents: densityCSV),
                    OutputFile(
                        name: "density.npy",
                        data: NumpyArray(values: finalDensity.values, shape: experiment.grid.shape).npyData),
                    OutputFile(name: "density.svg", contents: densityFigure.svg()),
                    OutputFile(name: "errors.svg", contents: errorFigure.svg()),
                ] : []
        )
    }

    /// The snapshot table's columns that a run on ranks reports too: time, L1 and L∞ errors, mass, smallest density.
    static let snapshotColumns: [DataColumn] = [
        .init("time", key: "time"),
        .init("L1 error", key: "l1_error", style: .scientific(fractionDigits: 3)),
        .init("L∞ error", key: "linf_error", style: .scientific(fractionDigits: 3)),
        .init("mass", key: "mass", style: .general(significantDigits: 12)),
        .init("min density", key: "min_density", style: .scientific(fractionDigits: 3)),
    ]

    public var table: DataTable {
        var table = DataTable(
            columns: Self.snapshotColumns + [
                .init("KL to stationary", key: "kl_to_stationary", style: .general(significantDigits: 6))
            ])
        for row in rows {
            table.append([
                .number(row.time), .number(row.l1Error), .number(row.lInfinityError), .number(row.mass),
                .number(row.minimumDensity), .number(row.klToStationary),
            ])
        }
        return table
    }

    private var stepsPhrase: String {
        let source = experiment.stepsAreGiven ? "given" : "suggested"
        if stepsTaken == experiment.stepCount || experiment.endTime == 0 { return "\(stepsTaken) steps" }
        return "\(stepsTaken) steps (\(experiment.stepCount) \(source))"
    }

    private var summary: [String] {
        let grid = "\(experiment.grid.summary) (\(experiment.grid.boundary.rawValue))"
        return [
            "forward: model \(experiment.process.summary), solver \(experiment.method.name), grid \(grid), "
                + "T = \(experiment.endTime.shortText), \(stepsPhrase), status \(status.name)",
            "initial density: \(experiment.mixtureSpecification)",
        ]
    }

    private var closing: [String] {
        let timing = String(format: "run %.3g s, wall %.3g s", runSeconds, wallSeconds)
        let ending =
            status.isCompleted
            ? "completed, t = \(finalTime.shortText) reached in \(stepsTaken) steps"
            : "stopped early, \(status)"
        return ["status: \(ending) (\(timing))"] + notes.map { "note: \($0)" }
    }

    /// The wisdom file the run read and saved, or null (estimate planning reads none).
    private var wisdomFileJSON: JSONValue {
        guard experiment.planning != .estimate, let wisdom = experiment.wisdom else { return .null }
        return .string(wisdom.path)
    }

    /// Warnings a reader needs to interpret the errors.
    public var notes: [String] {
        guard let (time, mass) = exactMassFarthestFromOne, !(abs(mass - 1) <= Self.exactMassWarningDeviation) else {
            return wisdomNotes
        }
        let sigmaRemedy = experiment.process.name == "ve" ? ", lower --sigma-max" : ""
        return [
            "the exact density has mass \(mass.shortText) on this grid at t = \(time.shortText): the box cuts it "
                + "off or the cells are too coarse, so the errors there do not measure the solver "
                + "(widen --half-width\(sigmaRemedy) or raise --points)."
        ] + wisdomNotes
    }

    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "command": "forward",
            "version": .string(fokkerPlanckLabVersion),
            "mixture": .string(experiment.mixtureSpecification),
            // The nominal count (given or suggested); the run cuts each interval between snapshots into whole
            // steps of at most T / requested_steps, so steps_taken can exceed it by up to the snapshot count.
            "requested_steps": .integer(experiment.stepCount),
            "steps_source": experiment.stepsAreGiven ? "given" : "suggested",
            "steps_taken": .integer(stepsTaken),
            "final_time": .number(finalTime),
            "status": .string(status.name),
            "status_detail": .string(status.description),
            "wall_seconds": .number(wallSeconds),
            "run_seconds": .number(runSeconds),
            "notes": .array(notes.map { .string($0) }),
            "snapshots": table.jsonValue(),
        ]
        let time: [String: JSONValue] = [
            "time": .number(experiment.endTime), "snapshot_count": .integer(experiment.snapshotCount),
        ]
        let solver: [String: JSONValue] = [
            "solver": .string(experiment.method.solverName), "method": .string(experiment.method.rawValue),
            "boundary": .string(experiment.method.boundary.rawValue),
            "planning": .string(experiment.planning.rawValue),
            "wisdom_file": wisdomFileJSON,
        ]
        for part in [
            experiment.process.manifestEntries, experiment.grid.manifestEntries, time, solver,
            experiment.settings.manifestEntries,
        ] {
            members.merge(part) { current, _ in current }
        }
        return .object(members)
    }

    /// The final density, one cell a row: `x,density` or `x,y,density`, at full precision.
    public var densityCSV: String {
        let grid = finalDensity.grid
        let axes = ["x", "y", "z"].prefix(grid.dimension)
        var text = (axes + ["density"]).joined(separator: ",") + "\n"
        for (index, value) in finalDensity.values.enumerated() {
            let point = grid.point(at: index).map { NumberStyle.fullPrecision.format($0) }
            text += point.joined(separator: ",") + "," + NumberStyle.fullPrecision.format(value) + "\n"
        }
        return text
    }
}

import ArgumentParser
import FokkerPlanckLab
import Foundation

/// `fplab forward`: solve the forward Fokker–Planck equation from a Gaussian mixture and compare, at every
/// snapshot, with the exact evolved mixture (THEORY §2).
public struct Forward: ExperimentCommand {
    public static let configuration = CommandConfiguration(
        abstract: """
            Solve the forward Fokker–Planck equation for a Gaussian mixture and compare with the exact density.
            """,
        discussion: """
            The density starts as the mixture and evolves under the model's SDE to time T. At t = 0 and at n \
            evenly spaced times the table shows the L1 and max errors against the exact evolved mixture, the \
            mass, the smallest density value and the KL divergence to the stationary law (none for VE). Exit \
            status 2 when the run stops early (a non-finite value, or mass drift); what was measured is printed.
            """
    )

    @OptionGroup(title: "Model")
    public var modelOptions: ModelOptions

    @OptionGroup(title: "Initial density and grid")
    public var mixtureOptions: MixtureOptions

    @OptionGroup(title: "Initial density and grid")
    public var gridOptions: GridOptions

    @OptionGroup(title: "Time")
    public var timeOptions: TimeOptions

    @OptionGroup(title: "Solver")
    public var solverOptions: SolverOptions

    @OptionGroup(title: "Run and output")
    public var runOptions: RunOptions

    public init() {}

    public func run(_ experiment: ForwardExperiment) throws {
        let outcome = try ProgressReporter.withProgress(label: "forward") { try experiment.run(progress: $0) }
        try runOptions.deliver(
            outcome.report(includingFiles: runOptions.writesFiles),
            stopReason: outcome.status.isCompleted ? nil : "\(outcome.status)")
    }

    /// The run these options describe, every default resolved; throws a `ValidationError` naming the option
    /// for anything out of range (after the option groups have validated their own).
    public func experiment() throws -> ForwardExperiment {
        let process = modelOptions.process
        try modelOptions.checkVariance(until: timeOptions.time)
        let initialMixture = try mixtureOptions.gaussianMixture(dimension: gridOptions.dimension)
        let grid = gridOptions.grid(boundary: solverOptions.solver.boundary)
        let experiment = ForwardExperiment(
            process: process, mixture: initialMixture,
            mixtureSpecification: mixtureOptions.specification(dimension: gridOptions.dimension), grid: grid,
            method: solverOptions.resolvedMethod, stepCount: solverOptions.steps, endTime: timeOptions.time,
            snapshotCount: timeOptions.snapshots, planning: solverOptions.planning.rigor,
            wisdom: solverOptions.wisdomFile, settings: runOptions.settings)
        let stepCount = experiment.stepCount
        let stepLimit = SolverOptions.stepRange.upperBound
        try OptionCheck.require(
            stepCount <= stepLimit,
            "--steps: the solver suggests \(stepCount) steps for these options, more than \(stepLimit); "
                + "lower --time, --points or --beta-max, or raise --half-width."
        )
        try OptionCheck.gridWork(
            cells: grid.count, steps: stepCount,
            option: solverOptions.steps == nil ? "the suggested steps" : "--steps")
        return experiment
    }
}

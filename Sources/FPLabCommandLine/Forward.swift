import ArgumentParser
import FokkerPlanckLab
import Foundation

/// `fplab forward`: solve the forward Fokker–Planck equation from a Gaussian mixture and compare, at every
/// snapshot, with the exact evolved mixture (THEORY §2).
public struct Forward: ExperimentCommand, DistributedCommand {
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
        #if MPI
            let world = WorldCommunicator.world
            if world.size > 1 {
                try runOnRanks(experiment, world: world)
                return
            }
        #endif
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

    #if MPI
        /// On several ranks: the slab-decomposed solver; rank 0 prints and writes the tables, every rank writes its
        /// planes of `density.npy` (under a temporary name, renamed by rank 0 once all have written).
        func runOnRanks(_ experiment: ForwardExperiment, world: WorldCommunicator) throws {
            if let refusal = experiment.refusalOnRanks { throw ValidationError(refusal + ".") }
            let (report, result) = ProgressReporter.withProgress(label: "forward") {
                experiment.runOnRanks(world, progress: $0)
            }
            if let directory = runOptions.outputDirectory {
                var failure: Error?
                if world.isRoot {
                    do { try runOptions.writeFiles(for: report) } catch { failure = error }
                }
                let temporary = URL(fileURLWithPath: directory).appendingPathComponent(
                    ".density.npy.\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max)).tmp"
                ).path
                let path = String(
                    decoding: world.broadcast(failure == nil ? Array(temporary.utf8) : [], root: 0), as: UTF8.self)
                guard !path.isEmpty else {
                    if let failure { throw failure }
                    throw ExitCode(1)
                }
                let written = Interruption.deferringInterruption {
                    SlabForwardRun.writeDensity(result, grid: experiment.grid, path: path)
                }
                if world.isRoot {
                    let destination = URL(fileURLWithPath: directory).appendingPathComponent("density.npy").path
                    guard written, rename(path, destination) == 0 else {
                        unlink(path)
                        throw ExperimentError("--output \(directory): cannot write 'density.npy' from the ranks.")
                    }
                } else if !written {
                    throw ExitCode(1)
                }
            }
            guard world.isRoot else { return }
            try StandardStreams.writeOutput(report.rendered(as: runOptions.format))
        }
    #endif
}

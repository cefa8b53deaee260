import ArgumentParser
import FokkerPlanckLab
import Foundation

/// `fplab empirical`: the exact empirical-score reverse dynamics at scale, the training data split over the
/// ranks of `mpirun -n R` (one rank without MPI), and the collapse onto the training points it shows.
public struct Empirical: ExperimentCommand, DistributedCommand {
    public static let configuration = CommandConfiguration(
        abstract: "Exact empirical-score reverse diffusion at scale, the training data split over MPI ranks.",
        discussion: """
            --training-points n draws of N(0, s² I) in --dimension d (drawn where they are held: each rank draws \
            only its share), --trajectories M reverse OU runs by Euler–Maruyama with the exact score of those n \
            points, --steps geometric steps from --horizon T to --final-time, then each run's end as its posterior \
            mean. The table follows the largest posterior weight max λ_i of the runs down in time: the collapse onto \
            single training points at t_C = ½ ln(1 + s²/(e^(2α) − 1)), α = ln n / d (Biroli and Mézard), against \
            the median time the weights pass ½ with a distribution-free 95 % interval.

            Ranks: built with `swift build -c release --traits MPI`, `mpirun -n R fplab empirical …` (or srun on \
            Slurm) splits the n points over R ranks; every score costs two exact reductions (the largest logit, \
            then the weight sums as integer limbs), so the ends are the same bits on any rank and thread count: \
            compare the fingerprint line. Cost: 4 n d M (K + 1) flops in all, n d / R doubles of data and 256 n / R \
            of logits a rank. --output adds largest-weights.csv (every step), ends.npy (M × d) and collapse.svg.
            """)

    @Option(
        name: .customLong("training-points"), parsing: .unconditional,
        help: ArgumentHelp("Training points n (2 to 100000000).", valueName: "n"))
    public var trainingPoints: Int = 20_000

    @Option(parsing: .unconditional, help: ArgumentHelp("Dimension d of the data (1 to 100000).", valueName: "d"))
    public var dimension: Int = 256

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Variance s² per axis of the data (0 < s² <= 100).", valueName: "s2"))
    public var variance: Double = 1

    @Option(parsing: .unconditional, help: ArgumentHelp("Reverse runs M (1 to 1000000).", valueName: "M"))
    public var trajectories: Int = 256

    @Option(parsing: .unconditional, help: ArgumentHelp("Euler–Maruyama steps K (1 to 100000).", valueName: "K"))
    public var steps: Int = 100

    @Option(parsing: .unconditional, help: ArgumentHelp("Start time T (0 < T <= 20).", valueName: "T"))
    public var horizon: Double = 3

    @Option(
        name: .customLong("final-time"), parsing: .unconditional,
        help: ArgumentHelp("Last time t_min of the steps (0 < t_min < T).", valueName: "t"))
    public var finalTime: Double = 1e-3

    @OptionGroup(title: "Run and output")
    public var runOptions: RunOptions

    public init() {}

    public func experiment() throws -> EmpiricalExperiment {
        try OptionCheck.count(trainingPoints, option: "--training-points", in: 2...100_000_000)
        try OptionCheck.count(dimension, option: "--dimension", in: 1...100_000)
        try OptionCheck.count(trajectories, option: "--trajectories", in: 1...1_000_000)
        try OptionCheck.count(steps, option: "--steps", in: 1...100_000)
        try OptionCheck.finite(variance, option: "--variance", mustBe: "greater than 0 and at most 100") {
            $0 > 0 && $0 <= 100
        }
        try OptionCheck.finite(horizon, option: "--horizon", mustBe: "greater than 0 and at most 20") {
            $0 > 0 && $0 <= 20
        }
        try OptionCheck.finite(
            finalTime, option: "--final-time", mustBe: "greater than 0 and below --horizon (\(horizon.shortText))"
        ) { $0 > 0 && $0 < horizon }
        let problem = ShardedCollapseProblem(
            trainingCount: trainingPoints, dimension: dimension, dataVariance: variance, trajectories: trajectories,
            steps: steps, horizon: horizon, finalTime: finalTime, seed: runOptions.seed)
        let world = WorldCommunicator.world
        try OptionCheck.work(
            EmpiricalExperiment.operations(problem) / Double(world.size), subject: "fplab empirical",
            formula: "4 n d M (K + 1) / ranks",
            advice: "lower --training-points, --trajectories or --steps, or add ranks")
        try OptionCheck.memory(
            EmpiricalExperiment.bytesPerRank(problem, ranks: world.size) * Double(world.ranksOnThisNode),
            subject: "fplab empirical (\(world.ranksOnThisNode) rank(s) on this node)",
            advice: "lower --training-points or --dimension, or spread the ranks over more nodes")
        return EmpiricalExperiment(problem: problem, communicator: world, settings: runOptions.settings)
    }

    public func run(_ experiment: EmpiricalExperiment) throws {
        let outcome = ProgressReporter.withProgress(label: "empirical") { experiment.run(progress: $0) }
        guard experiment.communicator.isRoot else { return }
        try runOptions.deliver(outcome.report(includingFiles: runOptions.writesFiles))
    }
}

import ArgumentParser
import FokkerPlanckLab
import Foundation

/// `fplab generate`: samples from a named score on a finite training set, with the novelty metrics, next to the
/// exact score's samples (table (1) of the memorization study with `--score all`).
public struct Generate: ExperimentCommand {
    public static let configuration = CommandConfiguration(
        abstract: "Generate with an exact or imperfect score and measure novelty against the training set.",
        discussion: """
            Runs the bridge (ddpm) update from --time to 0 (geometric steps down to --final-time, then one step to \
            0) with the exact finite-data score and with the score chosen by --score: smoothed (kernel --bandwidth), \
            biased (a constant --bias on every axis), noisy (score times 1 + --noise-level z, z a frozen normal \
            field), early-stop (exact score, stopped at --t-min), or all of them (table (1)). For each: the score \
            error (excess denoising loss integrated over [--error-t-min, T], Monte Carlo with its SE), the \
            memorized and novelty fractions at --epsilon, the mean nearest-training-point distance, the sliced W2 to \
            fresh data (named datasets), and on the Swiss roll the mean distance to the noise-free curve and the \
            coverage along it. Default data: 200 points of the Swiss roll.
            """
    )

    /// Samples a method (`--particles`) and bridge steps (`--steps`, at least 2: the schedule's last step goes to
    /// t = 0): every method samples the same count, so the table's novelty fractions are comparable.
    public static let particleRange = 1...1_000_000
    public static let stepRange = 2...100_000

    @OptionGroup(title: "Data")
    public var datasetOptions: DatasetOptions

    @Option(help: ArgumentHelp("exact, smoothed, biased, noisy, early-stop or all.", valueName: "name"))
    public var score: GenerateScoreChoice = .smoothed

    @Option(
        name: .customLong("checkpoint"), parsing: .singleValue,
        help: ArgumentHelp(
            "A network checkpoint written by `fplab train` (repeatable, one row each): its score is measured "
                + "like the others. Novelty is counted against the training set of --dataset/--data, which must be the "
                + "data the network was trained on (checked when the checkpoint records it).",
            valueName: "file"))
    public var checkpoints: [String] = []

    @Option(
        parsing: .unconditional, help: ArgumentHelp("Kernel bandwidth of the smoothed score (> 0).", valueName: "b"))
    public var bandwidth: Double = 0.05

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Constant added to every score component (biased score).", valueName: "b"))
    public var bias: Double = 0.5

    @Option(
        name: .customLong("noise-level"), parsing: .unconditional,
        help: ArgumentHelp("Relative score noise (noisy score, >= 0).", valueName: "a"))
    public var noiseLevel: Double = 0.3

    @Option(
        name: .customLong("t-min"), parsing: .unconditional,
        help: ArgumentHelp("Early-stopping time (0 < t-min < T).", valueName: "t"))
    public var timeMinimum: Double = 1e-3

    @Option(parsing: .unconditional, help: ArgumentHelp("Samples per score (1 to 1000000).", valueName: "M"))
    public var particles: Int = 2000

    @Option(parsing: .unconditional, help: ArgumentHelp("Bridge steps (2 to 100000).", valueName: "K"))
    public var steps: Int = 200

    @OptionGroup(title: "Reverse runs")
    public var reverseOptions: ReverseRunOptions

    @Option(
        name: .customLong("final-time"), parsing: .unconditional,
        help: ArgumentHelp("Last positive time before the step to 0 (0 < t < T).", valueName: "t"))
    public var finalTime: Double = 1e-9

    @Option(
        name: .customLong("error-t-min"), parsing: .unconditional,
        help: ArgumentHelp("Lower end of the score error's time integral (0 < t < T).", valueName: "t"))
    public var errorTimeMinimum: Double = 1e-3

    @OptionGroup(title: "Run and output")
    public var runOptions: RunOptions

    public init() {}

    public func run(_ experiment: GenerateExperiment) throws {
        let outcome = try ProgressReporter.withProgress(label: "generate") { try experiment.run(progress: $0) }
        let failed = outcome.rows.first { $0.status != .completed }
        try runOptions.deliver(
            outcome.report(includingFiles: runOptions.writesFiles),
            stopReason: failed.map { "\($0.name): \($0.status)" })
    }

    public func experiment() throws -> GenerateExperiment {
        try OptionCheck.count(particles, option: "--particles", in: Self.particleRange)
        try OptionCheck.count(steps, option: "--steps", in: Self.stepRange)
        try reverseOptions.validate()
        let time = reverseOptions.time
        try OptionCheck.finite(bandwidth, option: "--bandwidth", mustBe: "greater than 0") { $0 > 0 }
        try OptionCheck.finite(bias, option: "--bias", mustBe: "(any finite value)") { _ in true }
        try OptionCheck.finite(noiseLevel, option: "--noise-level", mustBe: "at least 0") { $0 >= 0 }
        try OptionCheck.finite(timeMinimum, option: "--t-min", mustBe: "greater than 0 and below --time") {
            $0 > 0 && $0 < time
        }
        try OptionCheck.finite(finalTime, option: "--final-time", mustBe: "greater than 0 and below --time") {
            $0 > 0 && $0 < time
        }
        try OptionCheck.finite(errorTimeMinimum, option: "--error-t-min", mustBe: "greater than 0 and below --time") {
            $0 > 0 && $0 < time
        }
        let training = try datasetOptions.trainingSet(fallback: "swiss-roll", seed: runOptions.seed)
        try Self.checkDistinctNames(checkpoints)
        let networks = try checkpoints.map { path -> GenerationMethod in
            let state: TrainingState
            do { state = try NetworkCheckpoint.load(from: path) } catch let error as CheckpointError {
                throw ValidationError("--checkpoint: \(error.description)")
            }
            let networkDimension = state.network.architecture.dimension
            try OptionCheck.require(
                networkDimension == training.points.dimension,
                "--checkpoint '\(path)': the network is \(networkDimension)-D, "
                    + "the training data \(training.points.dimension)-D."
            )
            if let trained = state.trainingData {
                let current = TrainingDataFingerprint(training.points)
                try OptionCheck.require(
                    trained == current,
                    "--checkpoint '\(path)': the network was trained on other data (\(trained)); "
                        + "novelty is counted against this run's training set (\(current)). Give the data it was "
                        + "trained on: --dataset, --training-count and --seed, or --data."
                )
            }
            let file = URL(fileURLWithPath: path).lastPathComponent
            return GenerationMethod(
                name: "network \(file) (step \(state.step))", score: NetworkScore(network: state.network))
        }
        let experiment = GenerateExperiment(
            training: training.points, law: training.law,
            datasetDescription: datasetOptions.describe(fallback: "swiss-roll"), score: score, bandwidth: bandwidth,
            bias: bias, noiseLevel: noiseLevel, timeMinimum: timeMinimum, networks: networks, particleCount: particles,
            stepCount: steps, horizon: time, startLaw: reverseOptions.start, epsilon: reverseOptions.epsilon,
            finalTime: finalTime, errorTimeMinimum: errorTimeMinimum, settings: runOptions.settings)
        // Cost: every score (the exact one, the chosen ones, the networks) runs --particles samples through
        // --steps bridge steps; a finite-data score sums over the N training points of d coordinates, about 20
        // operations a term (a network's pass is counted the same, an upper bound for the small networks here).
        let points = experiment.training
        let scoreCount = Double(experiment.methods.count)
        let pointCount = Double(points.count)
        let perSample: Double = Double(steps) * pointCount * Double(points.dimension)
        let operations: Double = 20 * scoreCount * Double(particles) * perSample
        try OptionCheck.work(
            operations,
            subject: "generate with \(experiment.methods.count) scores, --particles \(particles) and --steps \(steps)",
            formula: "20 × scores × particles × steps × training points (\(points.count)) × dimension "
                + "(\(points.dimension))",
            advice: "lower --particles, --steps or --training-count, or choose one --score"
        )
        return experiment
    }

    /// Refuses two `--checkpoint` files whose rows would share output names: a network's row is named after the
    /// file's name, and its sample files after that name lower-cased with every other character than a letter or
    /// digit made '-' (`GenerateOutcome.fileStem`), so "a.fpnet" and "A_fpnet" would write the same files.
    static func checkDistinctNames(_ paths: [String]) throws {
        var seen: [String: String] = [:]
        for path in paths {
            let stem = GenerateOutcome.fileStem(URL(fileURLWithPath: path).lastPathComponent)
            if let earlier = seen[stem] {
                throw ValidationError(
                    "--checkpoint '\(earlier)' and '\(path)': the file names are equal up to case "
                        + "and punctuation, so their rows and sample files would collide; give each network a distinct "
                        + "file name.")
            }
            seen[stem] = path
        }
    }
}

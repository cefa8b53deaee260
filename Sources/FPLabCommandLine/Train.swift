import ArgumentParser
import FokkerPlanckLab
import Foundation

/// `fplab train`: a noise-prediction MLP trained by denoising score matching on the Swiss roll or a data file
/// (THEORY §6, §9), with checkpoints, held-out losses by time bucket, and samples drawn from the trained network;
/// `--compare-embeddings` runs the sinusoidal-against-scalar study over three seeds.
public struct Train: ExperimentCommand {
    public static let configuration = CommandConfiguration(
        abstract: "Train a score network by denoising score matching (or compare time embeddings).",
        discussion: """
            An MLP ε̂(x, n) from [x, emb(n)] is trained with Adam on minibatches: a training point x_0, a step n \
            uniform on 1…1000 of the DDPM schedule (β linear from 1e-4 to 0.02, mapped to OU time t_n with \
            ᾱ_n = e^(−2 t_n)), ε ~ N(0, I), x_n = √ᾱ_n x_0 + √(1 − ᾱ_n) ε, loss |ε̂ − ε|². The time embedding is \
            sinusoidal (64 features) or the raw scalar n/N. After training: the held-out loss by time bucket, and \
            --samples points drawn with the DDPM bridge from the network (score −ε̂/σ_t), measured against fresh \
            data (sliced W2), the noise-free roll (mean distance, coverage) and the training set (novelty: the \
            fraction farther than --novelty-threshold from every training point). Progress (step, loss, examples/s, \
            ETA) on standard error at a terminal. Same --seed, same weights, whatever --threads. \
            Defaults (3×128 SiLU, 2000 steps of batch 512, 2000 samples) take under a minute on 2 cores \
            (--threads 2); the Swiss roll needs about 10000 steps to come out sharp (1–3 minutes). \
            --compare-embeddings trains six networks (two embeddings × three seeds) on the same settings with \
            --steps 1500 by default: 3–6 minutes on 2 cores.
            """
    )

    public static let widthRange = 1...4096
    public static let depthRange = 1...64
    public static let stepRange = 1...10_000_000
    public static let batchRange = 1...1_000_000
    public static let sampleRange = 1...10_000_000

    @Option(
        help: ArgumentHelp(
            "Training data, --training-points points drawn with --seed: swiss-roll (THEORY §9), moons, mixture, "
                + "square or two-intervals (the roll's distance and coverage apply to swiss-roll only).",
            valueName: "name"))
    public var dataset: String = "swiss-roll"

    @Option(
        help: ArgumentHelp(
            "Training points from a file instead: CSV (one point a row) or .npy, shape (N, d).", valueName: "file"))
    public var data: String?

    @Option(
        name: .customLong("training-points"), parsing: .unconditional,
        help: ArgumentHelp("Points drawn for --dataset (1 to 10^7).", valueName: "n"))
    public var trainingPoints: Int = 2000

    @Option(
        help: ArgumentHelp(
            "Time embedding: sinusoidal (64 features) or scalar (n/N) (default sinusoidal, or the checkpoint's).",
            valueName: "kind"))
    public var embedding: TimeEmbedding?

    @Option(
        help: ArgumentHelp("Hidden nonlinearity: silu or relu (default silu, or the checkpoint's).", valueName: "name"))
    public var activation: Activation?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Hidden layer width, 1 to 4096 (default 128, or the checkpoint's).", valueName: "n"))
    public var width: Int?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Number of hidden layers, 1 to 64 (default 3, or the checkpoint's).", valueName: "n"))
    public var depth: Int?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Total number of Adam updates, 1 to 10^7 (default 2000; 1500 with "
                + "--compare-embeddings). A resumed run continues up to this count.",
            valueName: "n"))
    public var steps: Int?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Examples per minibatch, 1 to 10^6 (default 512, or the checkpoint's; with --steps, "
                + "--width and --depth within the cap of 10^13 operations).", valueName: "n"))
    public var batch: Int?

    @Option(
        name: .customLong("learning-rate"), parsing: .unconditional,
        help: ArgumentHelp("Adam step size η > 0 (default 1e-3, or the checkpoint's).", valueName: "η"))
    public var learningRate: Double?

    @Option(
        help: ArgumentHelp(
            "Arithmetic of the forward and backward passes: float64 (dgemm) or float32 (sgemm, about twice as fast; "
                + "Adam and the weights stay float64) (default float64, or the checkpoint's).",
            valueName: "kind"))
    public var precision: TrainingPrecision?

    @Option(
        help: ArgumentHelp(
            "Write the trained state (weights, Adam moments, step, loss history) to this file, atomically.",
            valueName: "file"))
    public var checkpoint: String?

    @Option(
        name: .customLong("checkpoint-every"), parsing: .unconditional,
        help: ArgumentHelp("Also write --checkpoint every K updates (K ≥ 1).", valueName: "K"))
    public var checkpointEvery: Int?

    @Option(
        help: ArgumentHelp(
            "Continue the run saved in this checkpoint (its architecture, batch, learning rate and seed).",
            valueName: "file"))
    public var resume: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Samples drawn from the trained network (1 to 10^7).", valueName: "M"))
    public var samples: Int = 2000

    @Option(
        name: .customLong("sampling-steps"), parsing: .unconditional,
        help: ArgumentHelp(
            "DDPM bridge steps for sampling, 1 to 1000, on every (1000/K)-th step of the schedule.", valueName: "K"))
    public var samplingSteps: Int = 250

    @Option(
        name: .customLong("novelty-threshold"), parsing: .unconditional,
        help: ArgumentHelp("A sample is novel when farther than this from every training point.", valueName: "ε"))
    public var noveltyThreshold: Double = 0.02

    @Flag(
        name: .customLong("compare-embeddings"),
        help: """
            Table: sinusoidal against scalar embedding on the Swiss roll over three seeds (--seed, +1, +2), same \
            size, steps and learning rate.
            """
    )
    public var compareEmbeddings = false

    @OptionGroup(title: "Run and output")
    public var runOptions: RunOptions

    public init() {}

    public func run(_ experiment: TrainExperiment) throws {
        let includingFiles = runOptions.writesFiles
        if compareEmbeddings {
            let reporter = ProgressReporter.forTerminal(label: "train --compare-embeddings")
            let outcome = try EmbeddingComparison(experiment: experiment).run(
                progress: reporter.map { reporter in { fraction, line in reporter.update(fraction: fraction) { line } }
                })
            reporter?.finish()
            try runOptions.deliver(outcome.report(includingFiles: includingFiles))
        } else {
            let reporter = ProgressReporter.forTerminal(label: "train")
            let outcome = try experiment.run(
                progress: reporter.map { reporter in
                    { fraction, detail in reporter.update(fraction: fraction, detail: detail) }
                })
            reporter?.finish()
            try runOptions.deliver(
                outcome.report(includingFiles: includingFiles),
                stopReason: outcome.status == .completed ? nil : outcome.status.description)
        }
    }

    /// The run these options describe, every default resolved, every option checked, the checkpoint read.
    public func experiment() throws -> TrainExperiment {
        if let width {
            try OptionCheck.require(
                Self.widthRange.contains(width),
                "--width must be from 1 to \(Self.widthRange.upperBound); got \(width).")
        }
        if let depth {
            try OptionCheck.require(
                Self.depthRange.contains(depth),
                "--depth must be from 1 to \(Self.depthRange.upperBound); got \(depth).")
        }
        if let steps {
            try OptionCheck.require(
                Self.stepRange.contains(steps), "--steps must be from 1 to \(Self.stepRange.upperBound); got \(steps).")
        }
        if let batch {
            try OptionCheck.require(
                Self.batchRange.contains(batch),
                "--batch must be from 1 to \(Self.batchRange.upperBound); got \(batch).")
        }
        if let learningRate {
            try OptionCheck.finite(learningRate, option: "--learning-rate", mustBe: "greater than 0 and at most 1") {
                $0 > 0 && $0 <= 1
            }
        }
        try OptionCheck.require(
            trainingPoints >= 1 && trainingPoints <= 10_000_000,
            "--training-points must be from 1 to 10000000; got \(trainingPoints).")
        try OptionCheck.require(
            Self.sampleRange.contains(samples),
            "--samples must be from 1 to \(Self.sampleRange.upperBound); got \(samples).")
        try OptionCheck.require(
            (1...1000).contains(samplingSteps), "--sampling-steps must be from 1 to 1000; got \(samplingSteps).")
        try OptionCheck.finite(noveltyThreshold, option: "--novelty-threshold", mustBe: "greater than 0") { $0 > 0 }
        if let checkpointEvery {
            try OptionCheck.require(
                checkpointEvery >= 1, "--checkpoint-every must be at least 1; got \(checkpointEvery).")
            try OptionCheck.require(checkpoint != nil, "--checkpoint-every needs --checkpoint FILE to write to.")
        }
        if let checkpoint { try Self.checkWritable(checkpoint, option: "--checkpoint") }
        if compareEmbeddings {
            try OptionCheck.require(
                resume == nil && checkpoint == nil,
                "--compare-embeddings trains six fresh networks: it takes no --resume or --checkpoint.")
            try OptionCheck.require(
                embedding == nil, "--compare-embeddings trains both embeddings: leave out --embedding.")
            try OptionCheck.require(
                data == nil && dataset == "swiss-roll",
                "--compare-embeddings measures distances to the Swiss roll: leave out --data and --dataset.")
        }

        let synthetic = SyntheticDataset.named(dataset)
        try OptionCheck.require(
            synthetic != nil,
            "--dataset must be one of \(SyntheticDataset.names.joined(separator: ", ")); got '\(dataset)'.")
        let training: PointSet
        if let data {
            do { training = try PointSet(contentsOf: data) } catch let error as PointFileError {
                throw ValidationError("--data: \(error.description)")
            }
            try OptionCheck.require(
                training.dimension <= DatasetOptions.dimensionLimit,
                "--data: the points are \(training.dimension)-D; "
                    + "at most \(DatasetOptions.dimensionLimit) coordinates are allowed.")
        } else {
            training = synthetic!.generate(
                count: trainingPoints, seed: runOptions.seed, stream: DatasetOptions.trainingStream)
        }

        let resumed: TrainingState?
        if let resume {
            do { resumed = try NetworkCheckpoint.load(from: resume) } catch let error as CheckpointError {
                throw ValidationError("--resume: \(error.description)")
            }
        } else {
            resumed = nil
        }
        let architecture: NetworkArchitecture
        let configuration: TrainingConfiguration
        if let resumed {
            let saved = resumed.network.architecture
            let savedConfiguration = resumed.configuration
            func agree<Value: Equatable>(_ given: Value?, _ stored: Value, _ option: String) throws {
                if let given {
                    try OptionCheck.require(
                        given == stored,
                        "\(option) \(given) differs from the checkpoint's \(stored) (--resume \(resume!)).")
                }
            }
            try agree(width, saved.width, "--width")
            try agree(depth, saved.depth, "--depth")
            try agree(embedding, saved.embedding, "--embedding")
            try agree(activation, saved.activation, "--activation")
            try agree(batch, savedConfiguration.batchSize, "--batch")
            try agree(learningRate, savedConfiguration.learningRate, "--learning-rate")
            try agree(precision, savedConfiguration.precision, "--precision")
            try OptionCheck.require(
                saved.dimension == training.dimension,
                "--resume: the checkpoint's network is \(saved.dimension)-D, the training data \(training.dimension)-D."
            )
            if let savedData = resumed.trainingData {
                let current = TrainingDataFingerprint(training)
                try OptionCheck.require(
                    savedData == current,
                    "--resume \(resume!): the checkpoint was trained on other data (\(savedData)); this run's data is "
                        + "\(current). Give the same --data, or the same --dataset, --training-points and --seed."
                )
            }
            let scheduleSteps = resumed.network.schedule.stepCount
            try OptionCheck.require(
                samplingSteps <= scheduleSteps,
                "--sampling-steps \(samplingSteps) exceeds the \(scheduleSteps) steps of the "
                    + "noise schedule in --resume \(resume!) (from 1 to \(scheduleSteps)).")
            try OptionCheck.require(
                (steps ?? 2000) >= resumed.step,
                "--steps \(steps ?? 2000) is below the checkpoint's "
                    + "\(resumed.step) updates (--steps is the total count)."
            )
            architecture = saved
            configuration = savedConfiguration
        } else {
            architecture = NetworkArchitecture(
                dimension: training.dimension, width: width ?? 128, depth: depth ?? 3,
                activation: activation ?? .silu, embedding: embedding ?? .sinusoidal)
            configuration = TrainingConfiguration(
                batchSize: batch ?? 512, learningRate: learningRate ?? 1e-3, seed: runOptions.seed,
                precision: precision ?? .float64)
        }
        let totalSteps = steps ?? (compareEmbeddings ? 1500 : 2000)
        try Self.checkCost(
            architecture: architecture, batch: configuration.batchSize, steps: totalSteps,
            samples: samples, samplingSteps: samplingSteps, networks: compareEmbeddings ? 6 : 1,
            trainingValues: training.points.count, threads: runOptions.threads)
        return TrainExperiment(
            training: training, datasetName: dataset, dataset: data == nil ? synthetic : nil, dataPath: data,
            architecture: architecture, configuration: configuration, resumed: resumed, resumedFrom: resume,
            totalSteps: totalSteps, sampleCount: samples, samplingSteps: samplingSteps,
            noveltyThreshold: noveltyThreshold, checkpointPath: checkpoint, checkpointInterval: checkpointEvery,
            threads: runOptions.threads)
    }

    /// Refuses a network that would not fit in memory or a run that would take hours. With P parameters, B the
    /// batch, W × D the hidden layers and one gradient per worker thread:
    /// bytes ≈ 8 × ((5 + threads) P + 2 B (W D + d + F)) + 8 × the training values + the checkpoint text (about
    /// 3 P numbers of 25 characters) — weights, two Adam moments, the summed and per-thread gradients, and the
    /// activations with their derivatives; operations ≈ networks × (6 × steps × B + 2 × samples × sampling steps)
    /// × the multiply-adds of one pass (a backward pass costs twice a forward one). `--width 4096 --depth 64` has
    /// 10^9 parameters (over 70 GB); each of its updates costs 3 × 10^12 operations.
    static func checkCost(
        architecture: NetworkArchitecture, batch: Int, steps: Int, samples: Int, samplingSteps: Int,
        networks: Int, trainingValues: Int, threads: Int
    ) throws {
        let parameters = Double(architecture.parameterCount)
        let activations =
            Double(batch)
            * Double(
                architecture.width * architecture.depth + architecture.layerWidths[0]
                    + architecture.dimension)
        let bytes =
            8 * (Double(5 + threads) * parameters + 2 * activations) + 8 * Double(trainingValues)
            + 75 * parameters
        try OptionCheck.memory(
            bytes,
            subject: "--width \(architecture.width) --depth \(architecture.depth) "
                + "with --batch \(batch)",
            advice: "lower --width, --depth or --batch")
        let passes =
            Double(networks)
            * (6 * Double(steps) * Double(batch) + 2 * Double(samples) * Double(samplingSteps))
        try OptionCheck.work(
            passes * Double(architecture.multiplyAddsPerExample),
            subject: "train with --width \(architecture.width), --depth \(architecture.depth), --steps \(steps) "
                + "and --batch \(batch)",
            formula: "networks × (6 × steps × batch + 2 × samples × sampling steps) × multiply-adds per pass "
                + "(\(architecture.multiplyAddsPerExample))",
            advice: "lower --steps, --batch, --width, --depth or --samples"
        )
    }

    /// The file at `path` can be written: its directory exists and is writable, and it is not a directory, a
    /// device, a FIFO or a socket (never replaced: `InputFile.checkReplaceable`).
    static func checkWritable(_ path: String, option: String) throws {
        do { try InputFile.checkReplaceable(path, subject: "\(option) '\(path)'") } catch let error as InputFileError {
            throw ValidationError(error.description)
        }
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            try OptionCheck.require(!isDirectory.boolValue, "\(option) \(path) is a directory; give a file name.")
        }
        let directory = url.deletingLastPathComponent().path
        try OptionCheck.require(
            FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory.boolValue
                && access(directory, W_OK | X_OK) == 0,
            "\(option) \(path): the directory '\(directory)' does not exist or is not writable.")
    }
}

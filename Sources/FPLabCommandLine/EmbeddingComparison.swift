import Foundation
import FokkerPlanckLab

/// `fplab train --compare-embeddings`: the sinusoidal and the scalar time embedding trained on the Swiss roll
/// with the same architecture, batch, learning rate and number of updates, over three seeds (s, s + 1, s + 2:
/// each seed draws its own training set, initialization and minibatches; both embeddings of one seed share them,
/// and share the held-out examples, the fresh reference points and the sampling noise, so each metric's difference
/// is paired). For each metric: the mean over seeds ± its standard error (sd/√3), the mean paired difference
/// (sinusoidal − scalar) ± its standard error, and which embedding wins (lower is better for losses, sliced W2 and
/// distance to the roll; higher for coverage; novelty is reported, not ranked).
public struct EmbeddingComparison {
    public let experiment: TrainExperiment
    public static let seedCount = 3

    public init(experiment: TrainExperiment) {
        self.experiment = experiment
    }

    /// One trained network's measurements.
    public struct Run {
        public var embedding: TimeEmbedding
        public var seed: UInt64
        public var losses: [Double]
        public var evaluation: NetworkEvaluation
        public var trainingSeconds: Double
    }

    public func run(progress: ProgressReporter? = nil) throws -> EmbeddingComparisonOutcome {
        let clock = ContinuousClock.now
        let options = experiment.options
        var runs: [Run] = []
        let total = Double(2 * Self.seedCount)
        for seedIndex in 0..<Self.seedCount {
            let seed = experiment.configuration.seed &+ UInt64(seedIndex)
            let training = TrainExperiment.swissRoll(count: options.trainingPoints, seed: seed, stream: 0)
            for embedding in [TimeEmbedding.sinusoidal, .scalar] {
                let base = experiment.architecture
                let architecture = NetworkArchitecture(dimension: 2, width: base.width, depth: base.depth,
                                                       activation: base.activation, embedding: embedding)
                var configuration = experiment.configuration
                configuration.seed = seed
                let trainer = DenoisingTrainer(state: TrainingState(architecture: architecture, configuration: configuration),
                                               data: training.points, threads: options.runOptions.threads)
                let trainingClock = ContinuousClock.now
                let done = Double(runs.count)
                let status = trainer.train(steps: experiment.totalSteps) { step, loss in
                    progress?.update(fraction: (done + Double(step) / Double(experiment.totalSteps)) / total) {
                        String(format: "%@ seed %llu, step %d, loss %.4f", embedding.rawValue, seed, step, loss)
                    }
                }
                guard status == .completed else {
                    throw CommandLineError("--compare-embeddings: training \(embedding.rawValue) with seed \(seed) stopped: \(status); lower --learning-rate.")
                }
                let trainingSeconds = ForwardExperiment.seconds(since: trainingClock)
                let evaluation = try NetworkEvaluation.measure(network: trainer.state.network, training: training, dataset: .swissRoll(SwissRoll()),
                                                               options: options, seed: seed)
                runs.append(Run(embedding: embedding, seed: seed, losses: trainer.state.lossHistory,
                                evaluation: evaluation, trainingSeconds: trainingSeconds))
            }
        }
        progress?.finish()
        return EmbeddingComparisonOutcome(experiment: experiment, runs: runs, wallSeconds: ForwardExperiment.seconds(since: clock))
    }
}

/// What the embedding comparison measured, as table (2).
public struct EmbeddingComparisonOutcome {
    public let experiment: TrainExperiment
    public let runs: [EmbeddingComparison.Run]
    public let wallSeconds: Double

    /// Which way a metric improves.
    enum Preference { case lower, higher, none }

    /// (name, key, preference, value of a run) for every row of the table.
    var metrics: [(String, String, Preference, (EmbeddingComparison.Run) -> Double)] {
        var rows: [(String, String, Preference, (EmbeddingComparison.Run) -> Double)] = []
        for (index, bucket) in (runs.first?.evaluation.bucketLosses ?? []).enumerated() {
            rows.append(("held-out ε-loss, n \(bucket.steps.lowerBound)–\(bucket.steps.upperBound)",
                         "loss_\(bucket.steps.lowerBound)_\(bucket.steps.upperBound)", .lower, { $0.evaluation.bucketLosses[index].mean }))
        }
        rows.append(("held-out ε-loss, all n (bucket mean)", "loss_all", .lower, { run in
            run.evaluation.bucketLosses.reduce(0) { $0 + $1.mean * Double($1.steps.count) } / Double(run.evaluation.bucketLosses.reduce(0) { $0 + $1.steps.count })
        }))
        rows.append(("sliced W2 to fresh roll points", "sliced_wasserstein", .lower, { $0.evaluation.slicedWasserstein }))
        rows.append(("mean distance to the roll", "roll_distance", .lower, { $0.evaluation.rollDistance?.mean ?? .nan }))
        rows.append(("coverage along τ (30 bins)", "coverage", .higher, { $0.evaluation.coverage ?? .nan }))
        rows.append(("novelty fraction", "novelty_fraction", .none, { $0.evaluation.novelty.noveltyFraction }))
        rows.append(("training seconds", "training_seconds", .none, { $0.trainingSeconds }))
        return rows
    }

    /// Mean and standard error (sd/√n) of a list.
    static func meanAndError(_ values: [Double]) -> (Double, Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        guard values.count > 1 else { return (mean, .nan) }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        return (mean, (variance / Double(values.count)).squareRoot())
    }

    public var report: CommandReport {
        let options = experiment.options
        var table = ResultTable(columns: [
            .init("metric", key: "metric"),
            .init("sinusoidal", key: "sinusoidal", style: .general(significantDigits: 4)),
            .init("± SE", key: "sinusoidal_standard_error", style: .scientific(fractionDigits: 1)),
            .init("scalar", key: "scalar", style: .general(significantDigits: 4)),
            .init("± SE", key: "scalar_standard_error", style: .scientific(fractionDigits: 1)),
            .init("sin − scalar", key: "difference", style: .general(significantDigits: 3)),
            .init("± SE", key: "difference_standard_error", style: .scientific(fractionDigits: 1)),
            .init("better", key: "better"),
        ])
        let sinusoidal = runs.filter { $0.embedding == .sinusoidal }, scalar = runs.filter { $0.embedding == .scalar }
        for (name, _, preference, value) in metrics {
            let first = sinusoidal.map(value), second = scalar.map(value)
            let (firstMean, firstError) = Self.meanAndError(first), (secondMean, secondError) = Self.meanAndError(second)
            let (difference, differenceError) = Self.meanAndError(zip(first, second).map { $0 - $1 })
            var verdict = "—"
            if preference != .none && difference == 0 {
                verdict = "tie"
            } else if preference != .none && difference.isFinite {
                let sinusoidalWins = preference == .lower ? difference < 0 : difference > 0
                let significance = differenceError > 0 ? abs(difference) / differenceError : .infinity
                verdict = (sinusoidalWins ? "sinusoidal" : "scalar") + String(format: " (%.1f SE)", significance)
            }
            table.append([.text(name), .number(firstMean), .number(firstError), .number(secondMean), .number(secondError),
                          .number(difference), .number(differenceError), .text(verdict)])
        }
        let architecture = experiment.architecture, configuration = experiment.configuration
        let seeds = (0..<EmbeddingComparison.seedCount).map { "\(configuration.seed &+ UInt64($0))" }.joined(separator: ", ")
        let summary = [
            "train --compare-embeddings: sinusoidal (64 features) against scalar (n/N), \(architecture.depth)×\(architecture.width) \(architecture.activation.rawValue), \(experiment.totalSteps) updates of batch \(configuration.batchSize), Adam η \(configuration.learningRate.shortText)",
            "Swiss roll: \(options.trainingPoints) training points per seed, seeds \(seeds); \(options.samples) samples per network (DDPM bridge, \(options.samplingSteps) steps); means over seeds ± SE, differences paired by seed",
        ]
        let closing = [String(format: "wall %.3g s (%d networks, %d thread(s))", wallSeconds, runs.count, options.runOptions.threads)]
        var runJSON: [JSONValue] = []
        for run in runs {
            var members: [String: JSONValue] = ["embedding": .string(run.embedding.rawValue), "seed": .unsignedInteger(run.seed)]
            for (_, key, _, value) in metrics { members[key] = .number(value(run)) }
            members["final_loss"] = .number(run.losses.suffix(100).reduce(0, +) / Double(max(1, run.losses.suffix(100).count)))
            runJSON.append(.object(members))
        }
        let json: JSONValue = .object([
            "command": "train", "mode": "compare-embeddings", "version": .string(fokkerPlanckLabVersion),
            "width": .integer(architecture.width), "depth": .integer(architecture.depth), "activation": .string(architecture.activation.rawValue),
            "steps": .integer(experiment.totalSteps), "batch": .integer(configuration.batchSize), "learning_rate": .number(configuration.learningRate),
            "seed": .unsignedInteger(configuration.seed), "threads": .integer(options.runOptions.threads),
            "training_points": .integer(options.trainingPoints), "samples": .integer(options.samples),
            "comparison": table.jsonValue(), "runs": .array(runJSON), "wall_seconds": .number(wallSeconds),
        ])
        var files: [OutputFile] = []
        if options.outputOptions.outputDirectory != nil {
            files.append(OutputFile(name: "comparison.csv", contents: table.rendered(as: .csv)))
            files.append(OutputFile(name: "loss.svg", contents: TrainFigures.lossCurves(runs.map { ("\($0.embedding.rawValue), seed \($0.seed)", $0.losses) })))
            var lossCSV = "embedding,seed,step,loss\n"
            for run in runs { for (index, loss) in run.losses.enumerated() { lossCSV += "\(run.embedding.rawValue),\(run.seed),\(index + 1),\(loss)\n" } }
            files.append(OutputFile(name: "loss.csv", contents: lossCSV))
            if let first = runs.first(where: { $0.embedding == .sinusoidal }), let second = runs.first(where: { $0.embedding == .scalar }) {
                files.append(OutputFile(name: "samples.svg", contents: TrainFigures.scatter(
                    title: "samples, seed \(first.seed): sinusoidal and scalar embedding",
                    sets: [("fresh roll points", TrainExperiment.swissRoll(count: options.samples, seed: first.seed, stream: 2)),
                           ("sinusoidal", first.evaluation.samples), ("scalar", second.evaluation.samples)])))
            }
        }
        return CommandReport(summary: summary, table: table, closing: closing, json: json, files: files)
    }
}

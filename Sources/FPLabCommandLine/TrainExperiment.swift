import FokkerPlanckLab
import Foundation

/// One `fplab train` run with every default resolved (made by `Train.experiment()`).
public struct TrainExperiment {
    public let options: Train
    public let training: PointSet
    /// The synthetic dataset the training points were drawn from (nil for --data).
    public let dataset: SyntheticDataset?
    public let architecture: NetworkArchitecture
    public let configuration: TrainingConfiguration
    /// The state read with --resume.
    public let resumed: TrainingState?
    /// Updates in total (a resumed run continues up to it).
    public let totalSteps: Int

    /// Whether the training points are the Swiss roll (so the roll's geometry applies).
    public var isSwissRoll: Bool { dataset?.name == "swiss-roll" }

    /// Trains (from scratch or from the checkpoint) up to `totalSteps`, writing checkpoints as asked, then measures
    /// the network: held-out loss by time bucket and samples with their quality metrics.
    public func run(progress: ProgressReporter? = nil) throws -> TrainOutcome {
        let clock = ContinuousClock.now
        let state = resumed ?? TrainingState(architecture: architecture, configuration: configuration)
        let trainer = DenoisingTrainer(state: state, data: training.points, threads: options.runOptions.threads)
        let startStep = state.step
        let stepsToRun = totalSteps - state.step
        let trainingClock = ContinuousClock.now
        var checkpointError: Error?
        let status = trainer.train(steps: stepsToRun) { step, loss in
            if let every = options.checkpointEvery, let path = options.checkpoint, step % every == 0, step < totalSteps,
                checkpointError == nil
            {
                do { try NetworkCheckpoint.save(trainer.state, to: path) } catch { checkpointError = error }
            }
            progress?.update(fraction: Double(step - startStep) / Double(max(stepsToRun, 1))) {
                let elapsed = secondsElapsed(since: trainingClock)
                let rate = Double((step - startStep) * configuration.batchSize) / elapsed
                let remaining = Double((totalSteps - step) * configuration.batchSize) / rate
                return String(
                    format: "step %d/%d, loss %.4f, %.0f examples/s, ETA %.0f s", step, totalSteps, loss, rate,
                    remaining)
            }
        }
        progress?.finish()
        let trainingSeconds = secondsElapsed(since: trainingClock)
        if let checkpointError { throw ExperimentError("--checkpoint: \(checkpointError)") }
        if let path = options.checkpoint { try NetworkCheckpoint.save(trainer.state, to: path) }
        let network = trainer.state.network
        let evaluation = try NetworkEvaluation.measure(
            network: network, training: training, dataset: dataset, samples: options.samples,
            samplingSteps: options.samplingSteps, noveltyThreshold: options.noveltyThreshold,
            seed: configuration.seed, threads: options.runOptions.threads)
        return TrainOutcome(
            experiment: self, state: trainer.state, status: status, startStep: startStep,
            trainingSeconds: trainingSeconds, evaluation: evaluation,
            wallSeconds: secondsElapsed(since: clock))
    }
}

/// What `fplab train` measured.
public struct TrainOutcome {
    public let experiment: TrainExperiment
    public let state: TrainingState
    public let status: RunStatus
    public let startStep: Int
    public let trainingSeconds: Double
    public let evaluation: NetworkEvaluation
    public let wallSeconds: Double

    /// Examples per second over this run's updates.
    public var throughput: Double {
        Double((state.step - startStep) * state.configuration.batchSize) / max(trainingSeconds, 1e-9)
    }

    /// The mean minibatch loss over the last (up to) 100 updates.
    public var finalLoss: Double? {
        let tail = state.lossHistory.suffix(100)
        return tail.isEmpty ? nil : tail.reduce(0, +) / Double(tail.count)
    }

    public var report: CommandReport {
        let options = experiment.options
        let architecture = state.network.architecture
        let configuration = state.configuration
        var table = DataTable(columns: [
            .init("steps n", key: "steps"),
            .init("held-out ε-loss", key: "loss", style: .general(significantDigits: 5)),
            .init("± SE", key: "loss_standard_error", style: .scientific(fractionDigits: 2)),
            .init("examples", key: "examples"),
        ])
        for bucket in evaluation.bucketLosses {
            table.append([
                .text("\(bucket.steps.lowerBound)–\(bucket.steps.upperBound)"), .number(bucket.mean),
                .number(bucket.standardError), .integer(bucket.count),
            ])
        }
        let data =
            options.data.map { "\($0) (\(experiment.training.count) points, \(experiment.training.dimension)-D)" }
            ?? "\(options.dataset) (\(experiment.training.count) points, seed \(configuration.seed))"
        let summary = [
            "train: \(architecture.summary), \(architecture.parameterCount) parameters; "
                + "batch \(configuration.batchSize), Adam η \(configuration.learningRate.shortText), "
                + "seed \(configuration.seed), \(options.runOptions.threads) thread(s)",
            "data: \(data)"
                + (experiment.resumed != nil ? "; resumed from \(options.resume!) at update \(startStep)" : ""),
        ]
        let evaluation = self.evaluation
        var closing = [
            String(
                format:
                    "training: %@ after %d updates (%d this run) in %.3g s, "
                    + "%.0f examples/s; mean loss of the last 100 updates %@",
                status.description, state.step, state.step - startStep, trainingSeconds, throughput,
                finalLoss?.shortText ?? "—"),
            String(
                format: "samples: %d by the DDPM bridge in %d steps (%.3g s); sliced W2 to %@ %@; "
                    + "novelty %.3f ± %.3f (farther than %@ from every training point)",
                evaluation.samples.count, options.samplingSteps, evaluation.samplingSeconds,
                experiment.dataset != nil ? "fresh \(experiment.dataset!.name) points" : "the training points",
                NumberStyle.general(significantDigits: 4).format(evaluation.slicedWasserstein),
                evaluation.novelty.noveltyFraction, evaluation.novelty.fractionStandardError,
                options.noveltyThreshold.shortText),
        ]
        if let distance = evaluation.rollDistance, let coverage = evaluation.coverage {
            closing.append(
                String(
                    format: "roll: mean distance of the samples to the noise-free roll %@ ± %@; "
                        + "coverage along τ %.3f (30 bins)",
                    NumberStyle.general(significantDigits: 4).format(distance.mean),
                    NumberStyle.general(significantDigits: 2).format(distance.standardError), coverage))
        }
        if let checkpoint = options.checkpoint { closing.append("checkpoint: \(checkpoint) (update \(state.step))") }
        closing.append(String(format: "wall %.3g s", wallSeconds))
        var json: [String: JSONValue] = [
            "command": "train", "version": .string(fokkerPlanckLabVersion),
            "dataset": .string(options.data == nil ? options.dataset : "file"),
            "training_points": .integer(experiment.training.count),
            "dimension": .integer(architecture.dimension), "width": .integer(architecture.width),
            "depth": .integer(architecture.depth),
            "activation": .string(architecture.activation.rawValue),
            "embedding": .string(architecture.embedding.rawValue),
            "parameter_count": .integer(architecture.parameterCount), "batch": .integer(configuration.batchSize),
            "learning_rate": .number(configuration.learningRate), "seed": .unsignedInteger(configuration.seed),
            "threads": .integer(options.runOptions.threads), "steps": .integer(state.step),
            "start_step": .integer(startStep),
            "status": .string(status == .completed ? "completed" : "non-finite"),
            "status_detail": .string(status.description),
            "training_seconds": .number(trainingSeconds), "examples_per_second": .number(throughput),
            "final_loss": .number(finalLoss), "wall_seconds": .number(wallSeconds),
            "held_out_loss": table.jsonValue(),
            "samples": .integer(evaluation.samples.count), "sampling_steps": .integer(options.samplingSteps),
            "sliced_wasserstein": .number(evaluation.slicedWasserstein),
            "novelty_threshold": .number(options.noveltyThreshold),
            "novelty_fraction": .number(evaluation.novelty.noveltyFraction),
            "novelty_standard_error": .number(evaluation.novelty.fractionStandardError),
        ]
        if let data = options.data { json["data"] = .string(data) }
        if let resume = options.resume { json["resumed_from"] = .string(resume) }
        if let checkpoint = options.checkpoint { json["checkpoint"] = .string(checkpoint) }
        if let distance = evaluation.rollDistance {
            json["roll_distance"] = .number(distance.mean)
            json["roll_distance_standard_error"] = .number(distance.standardError)
        }
        if let coverage = evaluation.coverage { json["coverage"] = .number(coverage) }
        var files: [OutputFile] = []
        if options.outputOptions.outputDirectory != nil {
            var lossCSV = "step,loss\n"
            for (index, loss) in state.lossHistory.enumerated() { lossCSV += "\(index + 1),\(loss)\n" }
            files = [
                OutputFile(name: "loss.csv", contents: lossCSV),
                OutputFile(
                    name: "loss.svg",
                    contents: TrainFigures.lossCurves([(architecture.embedding.rawValue, state.lossHistory)])),
                OutputFile(name: "held_out_loss.csv", contents: table.rendered(as: .csv)),
                OutputFile(name: "samples.csv", contents: evaluation.samples.csvText),
            ]
            if architecture.dimension == 2 {
                files.append(
                    OutputFile(
                        name: "samples.svg",
                        contents: TrainFigures.scatter(
                            title: "training data and network samples (\(architecture.summary))",
                            sets: [("training data", experiment.training), ("network samples", evaluation.samples)])))
            }
        }
        return CommandReport(summary: summary, table: table, closing: closing, json: .object(json), files: files)
    }
}

/// The SVG figures of `fplab train`.
enum TrainFigures {
    /// Minibatch loss against update on log–log axes, one line per run (thinned to at most 2000 points a line).
    static func lossCurves(_ runs: [(label: String, losses: [Double])]) -> String {
        var plot = LinePlot(
            title: "denoising loss |ε̂ − ε|² per minibatch", xAxis: Axis("update", scale: .logarithmic),
            yAxis: Axis("loss", scale: .logarithmic))
        for (label, losses) in runs where !losses.isEmpty {
            let stride = max(1, losses.count / 2000)
            let indices = Array(Swift.stride(from: 0, to: losses.count, by: stride))
            plot.series.append(.init(label, x: indices.map { Double($0 + 1) }, y: indices.map { losses[$0] }))
        }
        return plot.svg()
    }

    /// 2-D point sets on equal axes.
    static func scatter(title: String, sets: [(label: String, points: PointSet)]) -> String {
        let plot = ScatterPlot(
            title: title, xAxis: Axis("x"), yAxis: Axis("y"),
            sets: sets.map { label, points in
                ScatterPlot.PointSet(label, interleaved: points.points, radius: 1.5)
            }, preservesAspectRatio: true)
        return plot.svg()
    }
}

import DataFiles
import Figures
import Foundation
import Memorization
import Reporting
import Safeguards
import ScoreNetworks

/// What `fplab train` measured.
public struct TrainOutcome: Sendable {
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

    /// The report: the held-out loss table, the training and sampling summary, the JSON manifest, and with
    /// `includingFiles` the loss and sample CSV files and figures (`--output`).
    public func report(includingFiles: Bool) -> CommandReport {
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
            experiment.dataPath.map {
                "\($0) (\(experiment.training.count) points, \(experiment.training.dimension)-D)"
            } ?? "\(experiment.datasetName) (\(experiment.training.count) points, seed \(configuration.seed))"
        let summary = [
            "train: \(architecture.summary), \(architecture.parameterCount) parameters; "
                + "batch \(configuration.batchSize), Adam η \(configuration.learningRate.shortText), "
                + "\(configuration.precision.rawValue), seed \(configuration.seed), \(experiment.threads) thread(s)",
            "data: \(data)"
                + (experiment.resumedFrom.map { "; resumed from \($0) at update \(startStep)" } ?? ""),
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
                evaluation.samples.count, experiment.samplingSteps, evaluation.samplingSeconds,
                experiment.dataset != nil ? "fresh \(experiment.dataset!.name) points" : "the training points",
                NumberStyle.general(significantDigits: 4).format(evaluation.slicedWasserstein),
                evaluation.novelty.noveltyFraction, evaluation.novelty.fractionStandardError,
                experiment.noveltyThreshold.shortText),
        ]
        if let distance = evaluation.rollDistance, let coverage = evaluation.coverage {
            closing.append(
                String(
                    format: "roll: mean distance of the samples to the noise-free roll %@ ± %@; "
                        + "coverage along τ %.3f (30 bins)",
                    NumberStyle.general(significantDigits: 4).format(distance.mean),
                    NumberStyle.general(significantDigits: 2).format(distance.standardError), coverage))
        }
        if let checkpoint = experiment.checkpointPath {
            closing.append("checkpoint: \(checkpoint) (update \(state.step))")
        }
        closing.append(String(format: "wall %.3g s", wallSeconds))
        var json: [String: JSONValue] = [
            "command": "train", "version": .string(fokkerPlanckLabVersion),
            "dataset": .string(experiment.dataPath == nil ? experiment.datasetName : "file"),
            "training_points": .integer(experiment.training.count),
            "dimension": .integer(architecture.dimension), "width": .integer(architecture.width),
            "depth": .integer(architecture.depth),
            "activation": .string(architecture.activation.rawValue),
            "embedding": .string(architecture.embedding.rawValue),
            "parameter_count": .integer(architecture.parameterCount), "batch": .integer(configuration.batchSize),
            "learning_rate": .number(configuration.learningRate), "seed": .unsignedInteger(configuration.seed),
            "precision": .string(configuration.precision.rawValue), "threads": .integer(experiment.threads),
            "steps": .integer(state.step),
            "start_step": .integer(startStep),
            "status": .string(status == .completed ? "completed" : "non-finite"),
            "status_detail": .string(status.description),
            "training_seconds": .number(trainingSeconds), "examples_per_second": .number(throughput),
            "final_loss": .number(finalLoss), "wall_seconds": .number(wallSeconds),
            "held_out_loss": table.jsonValue(),
            "samples": .integer(evaluation.samples.count), "sampling_steps": .integer(experiment.samplingSteps),
            "sliced_wasserstein": .number(evaluation.slicedWasserstein),
            "novelty_threshold": .number(experiment.noveltyThreshold),
            "novelty_fraction": .number(evaluation.novelty.noveltyFraction),
            "novelty_standard_error": .number(evaluation.novelty.fractionStandardError),
        ]
        if let data = experiment.dataPath { json["data"] = .string(data) }
        if let resume = experiment.resumedFrom { json["resumed_from"] = .string(resume) }
        if let checkpoint = experiment.checkpointPath { json["checkpoint"] = .string(checkpoint) }
        if let distance = evaluation.rollDistance {
            json["roll_distance"] = .number(distance.mean)
            json["roll_distance_standard_error"] = .number(distance.standardError)
        }
        if let coverage = evaluation.coverage { json["coverage"] = .number(coverage) }
        var files: [OutputFile] = []
        if includingFiles {
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

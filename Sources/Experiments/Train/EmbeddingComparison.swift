import DataFiles
import Figures
import Foundation
import Memorization
import ParticleSampling
import Reporting

/// `fplab train --compare-embeddings`: `EmbeddingComparisonStudy` on the training experiment's width, depth,
/// activation, batch, learning rate, updates, training points, samples and seed (three seeds: s, s + 1, s + 2),
/// reported as table (2). Six networks (two embeddings × three seeds), each drawing its own Swiss roll.
public struct EmbeddingComparison: Sendable {
    public let experiment: TrainExperiment

    public init(experiment: TrainExperiment) {
        self.experiment = experiment
    }

    /// The study the experiment describes.
    public var study: EmbeddingComparisonStudy {
        let architecture = experiment.architecture
        return EmbeddingComparisonStudy(
            width: architecture.width, depth: architecture.depth, activation: architecture.activation,
            configuration: experiment.configuration, updates: experiment.totalSteps,
            trainingPoints: experiment.training.count,
            samples: experiment.sampleCount, samplingSteps: experiment.samplingSteps,
            noveltyThreshold: experiment.noveltyThreshold, threads: experiment.threads)
    }

    /// Trains and measures the six networks; `progress` hears the fraction done and a line naming the network at
    /// work. A sampler that fails is an `ExperimentError` naming `--compare-embeddings`.
    public func run(progress: ((Double, String) -> Void)? = nil) throws -> EmbeddingComparisonOutcome {
        do {
            let result = try study.run { fraction, line in progress?(fraction, line) }
            return EmbeddingComparisonOutcome(experiment: experiment, result: result)
        } catch let error as SamplerError {
            throw ExperimentError("--compare-embeddings: \(error)")
        }
    }
}

/// What the embedding comparison measured, as table (2).
public struct EmbeddingComparisonOutcome: Sendable {
    public let experiment: TrainExperiment
    public let result: EmbeddingComparisonResult

    public var runs: [EmbeddingComparisonStudy.Run] { result.runs }

    /// Table (2), the run's summary and JSON manifest, and with `includingFiles` the comparison CSV, the loss
    /// curves and the first seed's samples of both embeddings (`--output`).
    public func report(includingFiles: Bool) -> CommandReport {
        var table = DataTable(columns: [
            .init("metric", key: "metric"),
            .init("sinusoidal", key: "sinusoidal", style: .general(significantDigits: 4)),
            .init("± SE", key: "sinusoidal_standard_error", style: .scientific(fractionDigits: 1)),
            .init("scalar", key: "scalar", style: .general(significantDigits: 4)),
            .init("± SE", key: "scalar_standard_error", style: .scientific(fractionDigits: 1)),
            .init("sin − scalar", key: "difference", style: .general(significantDigits: 3)),
            .init("± SE", key: "difference_standard_error", style: .scientific(fractionDigits: 1)),
            .init("better", key: "better"),
        ])
        let metrics = result.metrics
        for metric in metrics {
            let first = metric.sinusoidalSummary
            let second = metric.scalarSummary
            let difference = metric.difference
            var verdict = metric.better
            if verdict == "scalar" || verdict == "sinusoidal" {
                verdict += String(format: " (%.1f SE)", abs(metric.scalarAdvantage))
            }
            table.append([
                .text(metric.name), .number(first.mean), .number(first.standardError), .number(second.mean),
                .number(second.standardError),
                .number(difference.mean), .number(difference.standardError), .text(verdict),
            ])
        }
        let architecture = experiment.architecture
        let configuration = experiment.configuration
        let seeds = result.study.seeds.map(String.init).joined(separator: ", ")
        let summary = [
            "train --compare-embeddings: sinusoidal (64 features) against scalar (n/N), "
                + "\(architecture.depth)×\(architecture.width) \(architecture.activation.rawValue), "
                + "\(experiment.totalSteps) updates of batch \(configuration.batchSize), "
                + "Adam η \(configuration.learningRate.shortText), \(configuration.precision.rawValue)",
            "Swiss roll: \(experiment.training.count) training points per seed, seeds \(seeds); "
                + "\(experiment.sampleCount) samples per network (DDPM bridge, \(experiment.samplingSteps) steps); "
                + "means over seeds ± SE, differences paired by seed",
        ]
        let closing = [
            String(
                format: "wall %.3g s (%d networks, %d thread(s))", result.wallSeconds, runs.count,
                experiment.threads)
        ]
        var runJSON: [JSONValue] = []
        for (index, run) in runs.enumerated() {
            var members: [String: JSONValue] = [
                "embedding": .string(run.embedding.rawValue), "seed": .unsignedInteger(run.seed),
            ]
            for metric in metrics {
                members[metric.key] = .number(
                    (run.embedding == .sinusoidal ? metric.sinusoidal : metric.scalar)[index / 2])
            }
            members["final_loss"] = .number(
                run.losses.suffix(100).reduce(0, +) / Double(max(1, run.losses.suffix(100).count)))
            runJSON.append(.object(members))
        }
        let json: JSONValue = .object([
            "command": "train", "mode": "compare-embeddings", "version": .string(fokkerPlanckLabVersion),
            "width": .integer(architecture.width), "depth": .integer(architecture.depth),
            "activation": .string(architecture.activation.rawValue),
            "steps": .integer(experiment.totalSteps), "batch": .integer(configuration.batchSize),
            "learning_rate": .number(configuration.learningRate),
            "precision": .string(configuration.precision.rawValue), "seed": .unsignedInteger(configuration.seed),
            "threads": .integer(experiment.threads),
            "training_points": .integer(experiment.training.count), "samples": .integer(experiment.sampleCount),
            "comparison": table.jsonValue(), "runs": .array(runJSON), "wall_seconds": .number(result.wallSeconds),
        ])
        var files: [OutputFile] = []
        if includingFiles {
            files.append(OutputFile(name: "comparison.csv", contents: table.rendered(as: .csv)))
            files.append(
                OutputFile(
                    name: "loss.svg",
                    contents: TrainFigures.lossCurves(
                        runs.map { ("\($0.embedding.rawValue), seed \($0.seed)", $0.losses) })))
            var lossCSV = "embedding,seed,step,loss\n"
            for run in runs {
                for (index, loss) in run.losses.enumerated() {
                    lossCSV += "\(run.embedding.rawValue),\(run.seed),\(index + 1),\(loss)\n"
                }
            }
            files.append(OutputFile(name: "loss.csv", contents: lossCSV))
            if let first = runs.first(where: { $0.embedding == .sinusoidal }),
                let second = runs.first(where: { $0.embedding == .scalar })
            {
                files.append(
                    OutputFile(
                        name: "samples.svg",
                        contents: TrainFigures.scatter(
                            title: "samples, seed \(first.seed): sinusoidal and scalar embedding",
                            sets: [
                                (
                                    "fresh roll points",
                                    EmbeddingComparisonStudy.swissRoll(
                                        count: experiment.sampleCount, seed: first.seed, stream: 2)
                                ),
                                ("sinusoidal", first.evaluation.samples), ("scalar", second.evaluation.samples),
                            ])))
            }
        }
        return CommandReport(summary: summary, table: table, closing: closing, json: json, files: files)
    }
}

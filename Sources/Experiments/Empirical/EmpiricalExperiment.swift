import DataFiles
import Datasets
import DistributedRuns
import Figures
import Foundation
import Memorization
import MessagePassing
import Reporting

/// One `fplab empirical` run: the sharded collapse problem on the ranks of a communicator, every option resolved.
public struct EmpiricalExperiment: Sendable {
    public var problem: ShardedCollapseProblem
    public var communicator: any Communicator
    public var settings: RunSettings

    public init(problem: ShardedCollapseProblem, communicator: any Communicator, settings: RunSettings) {
        (self.problem, self.communicator, self.settings) = (problem, communicator, settings)
    }

    /// Bytes one rank holds at its peak: its shard (n d / R), the logits of one query chunk (`queryChunk` n / R),
    /// the trajectories, their noise and posterior means (3 M d), the recorded weights (M (K + 1)) and the limbs
    /// of one chunk (4 `queryChunk` (d + 1) integers), all 8 bytes.
    public static func bytesPerRank(_ problem: ShardedCollapseProblem, ranks: Int) -> Double {
        let shard = Double(problem.trainingCount) / Double(ranks) + Double(ShardedDatasetScore.dataBlock)
        let chunk = Double(ShardedDatasetScore.queryChunk)
        let trajectories = Double(problem.trajectories)
        let doubles =
            shard * Double(problem.dimension + 1) + chunk * shard + 3 * trajectories * Double(problem.dimension)
            + trajectories * Double(problem.steps + 1) + 4 * chunk * Double(problem.dimension + 1)
        return 8 * doubles
    }

    /// Floating-point operations of the whole run over all ranks: 4 n d a trajectory a time (two products).
    public static func operations(_ problem: ShardedCollapseProblem) -> Double {
        4 * Double(problem.trainingCount) * Double(problem.dimension) * Double(problem.trajectories)
            * Double(problem.steps + 1)
    }

    public func run(progress: ((Double) -> Void)? = nil) -> EmpiricalOutcome {
        let result = ShardedCollapseRun(problem: problem, communicator: communicator, threads: settings.threads)
            .run(progress: progress)
        var seconds = [result.wallSeconds, result.reductionSeconds]
        var largest = seconds
        communicator.sum(&seconds)
        communicator.maximum(&largest)
        return EmpiricalOutcome(
            experiment: self, result: result, meanSeconds: seconds.map { $0 / Double(communicator.size) },
            largestSeconds: largest)
    }
}

/// What `fplab empirical` measured (the same on every rank), with the ranks' timings.
public struct EmpiricalOutcome: Sendable {
    public let experiment: EmpiricalExperiment
    public let result: ShardedCollapseResult
    /// Mean over ranks of [wall seconds, reduction seconds].
    public let meanSeconds: [Double]
    /// Largest over ranks of the same.
    public let largestSeconds: [Double]

    /// The times of the table: about 12 of the grid's, evenly spaced in the step index, and the last.
    var tableIndices: [Int] {
        let count = result.times.count
        let stride = max(1, (count - 1) / 12)
        var indices = Array(Swift.stride(from: 0, to: count - 1, by: stride))
        indices.append(count - 1)
        return indices
    }

    /// The weight table (a row a listed time: fraction of trajectories above 1/2 with its Wilson 95 % interval,
    /// median and mean largest weight), the collapse summary (t_C, σ_C, median weight time with its
    /// distribution-free 95 % interval), the fingerprint of the ends, and with `includingFiles` the full weight
    /// table as CSV, the ends as `ends.npy` (M × d) and the figure `collapse.svg` (fraction above 1/2 against t, the
    /// predicted t_C marked).
    public func report(includingFiles: Bool) -> CommandReport {
        let problem = experiment.problem
        let prediction = problem.prediction
        let ranks = experiment.communicator.size
        var table = DataTable(
            "largest_weights", title: "Largest posterior weight max_i λ_i(x, t) of the trajectories",
            columns: [
                .init("t", key: "time", style: .general(significantDigits: 4)),
                .init("fraction > ½", key: "fraction_above_half", style: .general(significantDigits: 4)),
                .init("95 % low", key: "fraction_low", style: .general(significantDigits: 4)),
                .init("95 % high", key: "fraction_high", style: .general(significantDigits: 4)),
                .init("median weight", key: "median_weight", style: .general(significantDigits: 4)),
                .init("mean weight", key: "mean_weight", style: .general(significantDigits: 4)),
            ])
        var fullTable = table
        let trajectories = problem.trajectories
        func row(_ index: Int) -> [DataValue] {
            let weights = result.largestWeights[index]
            let above = weights.filter { $0 > 0.5 }.count
            let interval = WilsonInterval(successes: above, trials: trajectories, normalQuantile: 1.959963984540054)
            let sorted = weights.sorted()
            return [
                .number(result.times[index]), .number(Double(above) / Double(trajectories)),
                .number(interval.lower), .number(interval.upper), .number(sorted[sorted.count / 2]),
                .number(weights.reduce(0, +) / Double(trajectories)),
            ]
        }
        for index in tableIndices { table.append(row(index)) }
        if includingFiles { for index in result.times.indices { fullTable.append(row(index)) } }
        let crossed = result.weightTimes.compactMap { $0 }
        let median = crossed.isEmpty ? nil : MedianInterval(sample: crossed)
        let fingerprint = String(result.fingerprint, radix: 16)
        var closing = [
            "t_C = \(prediction.collapseTime.shortText) (α = ln n / d = \(prediction.alpha.shortText)), "
                + "σ_C = \(prediction.finiteDimensionSpread.shortText)",
            median.map {
                "median weight time \($0.median.shortText), 95 % interval [\($0.lower.shortText), "
                    + "\($0.upper.shortText)] (\(crossed.count) of \(trajectories) trajectories crossed ½)"
            } ?? "no trajectory's largest weight passed ½",
            "fingerprint of the ends (FNV-1a of their bits): \(fingerprint); the same on any rank or thread count",
            String(
                format: "%.2f s on %d rank(s) (largest over ranks %.2f s, of it in reductions %.2f s)",
                meanSeconds[0], ranks, largestSeconds[0], largestSeconds[1]),
        ]
        if crossed.count < trajectories {
            closing.append("\(trajectories - crossed.count) trajectories never passed ½: lower --final-time.")
        }
        let json: JSONValue = .object([
            "command": "empirical", "version": .string(fokkerPlanckLabVersion),
            "training_points": .integer(problem.trainingCount), "dimension": .integer(problem.dimension),
            "variance": .number(problem.dataVariance), "trajectories": .integer(trajectories),
            "steps": .integer(problem.steps), "horizon": .number(problem.horizon),
            "final_time": .number(problem.finalTime), "seed": .unsignedInteger(problem.seed),
            "ranks": .integer(ranks), "threads": .integer(experiment.settings.threads),
            "collapse_time": .number(prediction.collapseTime), "alpha": .number(prediction.alpha),
            "median_weight_time": median.map { .number($0.median) } ?? .null,
            "median_weight_time_low": median.map { .number($0.lower) } ?? .null,
            "median_weight_time_high": median.map { .number($0.upper) } ?? .null,
            "fingerprint": .string(fingerprint), "wall_seconds": .number(meanSeconds[0]),
            "largest_wall_seconds": .number(largestSeconds[0]), "reduction_seconds": .number(largestSeconds[1]),
            "weights": table.jsonValue(),
        ])
        var files: [OutputFile] = []
        if includingFiles {
            files = [
                OutputFile(name: "largest-weights.csv", contents: fullTable.rendered(as: .csv)),
                OutputFile(
                    name: "ends.npy",
                    data: NumpyArray(values: result.ends, shape: [trajectories, problem.dimension]).npyData),
                OutputFile(name: "collapse.svg", contents: collapseFigure),
            ]
        }
        let law = problem.dataVariance == 1 ? "I" : "\(problem.dataVariance.shortText) I"
        return CommandReport(
            summary: [
                "empirical: exact empirical-score reverse OU, n = \(problem.trainingCount) points of "
                    + "N(0, \(law)) in d = \(problem.dimension), M = \(trajectories) "
                    + "trajectories, \(problem.steps) geometric steps from T = \(problem.horizon.shortText) to "
                    + "\(problem.finalTime.shortText)",
                "data split over \(ranks) rank(s) (\(experiment.settings.threads) thread(s) each), seed "
                    + "\(problem.seed)",
            ],
            table: table, closing: closing, json: json, files: files)
    }

    /// The fraction of trajectories with largest weight above 1/2 against t (logarithmic), t_C as a vertical line.
    var collapseFigure: String {
        var plot = LinePlot(
            title: "Collapse: fraction of trajectories with max λ > ½",
            xAxis: Axis("t", scale: .logarithmic), yAxis: Axis("fraction"), marksPoints: true)
        let fractions = result.largestWeights.map { weights in
            Double(weights.filter { $0 > 0.5 }.count) / Double(weights.count)
        }
        plot.series.append(.init("trajectories", x: result.times, y: fractions))
        let collapse = experiment.problem.prediction.collapseTime
        plot.series.append(.init("t_C", x: [collapse, collapse], y: [0, 1], color: .darkGray, dash: .dashed))
        return plot.svg()
    }
}

import DataFiles
import Figures
import Foundation
import Memorization
import Reporting

/// What `fplab generate` measured.
public struct GenerateOutcome: Sendable {
    public let experiment: GenerateExperiment
    /// One row a method, in the order of `experiment.methods`, and its samples.
    public let rows: [GenerationMetrics]
    public let samples: [PointSet]
    public let wallSeconds: Double

    /// A row's name in file names: lower-cased, every character other than a letter or digit made '-'.
    public static func fileStem(_ name: String) -> String {
        name.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
    }

    /// Table (1), the run's summary and JSON manifest, and with `includingFiles` the table, training and sample
    /// files (.csv, .npy) and, in 2-D, one scatter plot a row (`--output`).
    public func report(includingFiles: Bool) -> CommandReport {
        let training = experiment.training
        var table = DataTable(columns: [
            .init("score", key: "score"),
            .init("score error", key: "score_error", style: .scientific(fractionDigits: 3)),
            .init("± SE", key: "score_error_standard_error", style: .scientific(fractionDigits: 1)),
            .init("memorized", key: "memorized_fraction", style: .general(significantDigits: 4)),
            .init("novelty", key: "novelty_fraction", style: .general(significantDigits: 4)),
            .init("± SE", key: "novelty_standard_error", style: .scientific(fractionDigits: 1)),
            .init("mean nearest", key: "mean_nearest_distance", style: .scientific(fractionDigits: 3)),
            .init("to curve", key: "manifold_distance", style: .scientific(fractionDigits: 3)),
            .init("sliced W2", key: "sliced_w2", style: .general(significantDigits: 4)),
            .init("coverage", key: "coverage", style: .general(significantDigits: 4)),
        ])
        for row in rows {
            table.append([
                .text(row.name), .number(row.scoreError.integral), .number(row.scoreError.standardError),
                .number(row.novelty.memorizedFraction), .number(row.novelty.noveltyFraction),
                .number(row.novelty.fractionStandardError),
                .number(row.novelty.meanNearestDistance), .number(row.manifoldDistance?.mean),
                .number(row.slicedWasserstein),
                .number(row.coverage),
            ])
        }
        let summary = [
            "generate: \(training.count) training points "
                + "(\(experiment.datasetDescription)), d = \(training.dimension), "
                + "\(experiment.particleCount) samples per score, \(experiment.stepCount) bridge steps "
                + "from T = \(experiment.horizon.shortText) (last at \(experiment.finalTime.shortText), "
                + "then 0), ε = \(experiment.epsilon.shortText)"
        ]
        let closing = [
            "score error: ∫ E|s − s_exact|² dt over [\(experiment.errorTimeMinimum.shortText), T] "
                + "(early stopping: over [t-min, T]); novelty: farther than ε from every training point",
            String(
                format: "wall %.3g s, seed %llu, %d thread(s)", wallSeconds, experiment.settings.seed,
                experiment.settings.threads),
        ]
        let json: [String: JSONValue] = [
            "command": "generate", "dataset": .string(experiment.datasetDescription),
            "training_count": .integer(training.count), "dimension": .integer(training.dimension),
            "score": .string(experiment.score.rawValue),
            "particles": .integer(experiment.particleCount), "steps": .integer(experiment.stepCount),
            "epsilon": .number(experiment.epsilon),
            "time": .number(experiment.horizon), "final_time": .number(experiment.finalTime),
            "start": .string(experiment.startLaw.rawValue),
            "seed": .unsignedInteger(experiment.settings.seed), "threads": .integer(experiment.settings.threads),
            "rows": table.jsonValue(), "wall_seconds": .number(wallSeconds), "version": .string(fokkerPlanckLabVersion),
        ]
        var files: [OutputFile] = []
        if includingFiles {
            files.append(OutputFile(name: "table.csv", contents: table.rendered(as: .csv)))
            files.append(OutputFile(name: "training.csv", contents: training.csvText))
            for (row, set) in zip(rows, samples) {
                let stem = "samples-" + Self.fileStem(row.name)
                files.append(OutputFile(name: stem + ".csv", contents: set.csvText))
                files.append(OutputFile(name: stem + ".npy", data: set.numpyData))
            }
            if let grid = imageGrid() {
                files.append(OutputFile(name: "images.svg", contents: grid.svg()))
            }
            if training.dimension == 2 {
                func scatter(_ set: PointSet, _ name: String) -> ScatterPlot.PointSet {
                    .init(name, interleaved: set.points)
                }
                for (row, set) in zip(rows, samples) {
                    let plot = ScatterPlot(
                        title:
                            "Samples: \(row.name) score (novelty "
                            + "\(String(format: "%.3f", row.novelty.noveltyFraction)))",
                        xAxis: Axis("x"), yAxis: Axis("y"),
                        sets: [scatter(training, "training data"), scatter(set, "\(row.name) samples")],
                        preservesAspectRatio: true)
                    let stem = Self.fileStem(row.name)
                    files.append(OutputFile(name: "scatter-\(stem).svg", contents: plot.svg()))
                }
            }
        }
        return CommandReport(summary: summary, table: table, closing: closing, json: .object(json), files: files)
    }

    /// Images shown a row of `imageGrid()`.
    public static let imagesPerRow = 12

    /// For square images (d = k^2, 4 <= k <= 32, as the 8 x 8 digits): the first training images, then for each
    /// score its first samples and, under them, the training image nearest to each (exact search): a memorized
    /// sample repeats its neighbour, a novel one does not. Grey levels span the training set's range. nil otherwise.
    public func imageGrid() -> ImageGrid? {
        let training = experiment.training
        let side = Int(Double(training.dimension).squareRoot().rounded())
        guard side * side == training.dimension, (4...32).contains(side), training.count >= 1 else { return nil }
        let (low, high) = (training.points.min()!, training.points.max()!)
        guard low < high else { return nil }
        func images(_ set: PointSet, _ indices: [Int]) -> [[Double]] {
            indices.map { Array(set.points[($0 * set.dimension)..<(($0 + 1) * set.dimension)]) }
        }
        var gridRows = [
            ImageGrid.Row("training", images: images(training, Array(0..<min(Self.imagesPerRow, training.count))))
        ]
        let search = DenseNeighbourSearch(reference: training)
        for (row, set) in zip(rows, samples) where set.count > 0 {
            let shown = Array(0..<min(Self.imagesPerRow, set.count))
            let queries = PointSet(points: images(set, shown).flatMap { $0 }, dimension: set.dimension)
            let nearest =
                training.count >= 2 ? search.twoNearest(of: queries).map(\.nearestIndex) : shown.map { _ in 0 }
            gridRows.append(.init("\(row.name): samples", images: images(set, shown)))
            gridRows.append(.init("nearest training image", images: images(training, nearest)))
        }
        return ImageGrid(
            rows: gridRows, side: side, valueRange: low...high,
            title: "Samples and their nearest training images (\(experiment.datasetDescription))")
    }
}

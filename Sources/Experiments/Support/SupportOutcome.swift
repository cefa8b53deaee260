import DataFiles
import Foundation
import Reconstruction
import Reporting

/// What `fplab support` measured, and its report in every output format.
public struct SupportOutcome {
    public let experiment: SupportExperiment
    public let result: SupportContainment.Result
    /// Everything from the prediction on (each run's own time is in its history).
    public let wallSeconds: Double

    /// How the grid or particle runs that stopped early ended ("grid: blew up at …"); nil when none did.
    public var stopReason: String? {
        let stopped = [("grid", result.grid), ("particles", result.particles)].compactMap { name, history in
            history.flatMap { $0.status.isCompleted ? nil : "\(name): \($0.statusDetail)" }
        }
        return stopped.isEmpty ? nil : stopped.joined(separator: "; ")
    }

    /// One row per region: prediction, grid mass and its deviation, particle mass ± SE and its deviation in SE.
    public var table: DataTable {
        var table = DataTable(columns: [
            .init("region", key: "region"),
            .init("predicted", key: "predicted_mass", style: .general(significantDigits: 7)),
            .init("grid", key: "grid_mass", style: .general(significantDigits: 7)),
            .init("grid − predicted", key: "grid_deviation", style: .scientific(fractionDigits: 2)),
            .init("particles", key: "particle_mass", style: .general(significantDigits: 6)),
            .init("± SE", key: "particle_standard_error", style: .scientific(fractionDigits: 2)),
            .init(
                "(particles − predicted)/SE", key: "particle_deviation_in_standard_errors",
                style: .general(significantDigits: 3)),
        ])
        let pieces = experiment.containment.data.pieces
        for (index, piece) in pieces.enumerated() {
            let predicted = result.prediction[index]
            let gridMass = result.grid?.finalPieceMasses[index]
            let particleMass = result.particles?.finalPieceMasses[index]
            let error = result.particles?.finalStandardErrors?[index]
            table.append([
                .text("[\(piece.lower.shortText), \(piece.upper.shortText)]"), .number(predicted),
                .number(gridMass), .number(gridMass.map { $0 - predicted }), .number(particleMass), .number(error),
                .number(particleMass.flatMap { mass in error.map { (mass - predicted) / $0 } }),
            ])
        }
        let gridLast = result.grid?.points.last
        let particleLast = result.particles?.points.last
        table.append([
            .text("gap (-1, 1)"), .number(0), .number(gridLast?.gapMass), .number(gridLast?.gapMass),
            .number(particleLast?.gapMass), .missing, .missing,
        ])
        table.append([
            .text("|x| > 2"), .number(0), .number(gridLast?.outerMass), .number(gridLast?.outerMass),
            .number(particleLast?.outerMass), .missing, .missing,
        ])
        return table
    }

    /// Mass in the gap and beyond the ends against reverse time, grid and particles.
    public var historyTable: DataTable {
        var table = DataTable(columns: [
            .init("run", key: "run"),
            .init("reverse time s", key: "reverse_time", style: .general(significantDigits: 8)),
            .init("gap mass", key: "gap_mass", style: .scientific(fractionDigits: 3)),
            .init("outer mass", key: "outer_mass", style: .scientific(fractionDigits: 3)),
        ])
        for (name, history) in [("grid", result.grid), ("particles", result.particles)] {
            for point in history?.points ?? [] {
                table.append([
                    .text(name), .number(point.reverseTime), .number(point.gapMass), .number(point.outerMass),
                ])
            }
        }
        return table
    }

    /// The regions table, the summary and the JSON; with `includingFiles` the CSV, Markdown and SVG files of an
    /// output folder.
    public func report(includingFiles: Bool) -> CommandReport {
        let experiment = self.experiment.containment
        let settings = self.experiment.settings
        let grid = experiment.grid
        var summary = [
            "support: data \(experiment.data.summary), model \(experiment.model.summary), "
                + "T = \(experiment.horizon.shortText), start N(0, 1)",
            "grid: \(grid.count) cells on [-\(grid.halfWidth.shortText), \(grid.halfWidth.shortText)], "
                + "\(experiment.method.name), \(experiment.steps.summary)",
            "particles: \(experiment.particleCount), \(experiment.particleIntegrator.rawValue), "
                + "\(experiment.particleSteps) geometric steps",
            "t → 0: \(experiment.finish.sentence(minimumTime: experiment.minimumTime))",
        ]
        summary.append(
            "prediction by quadrature: h-reweighting \(result.prediction.map(\.shortText).joined(separator: ", ")); "
                + "Bayes form \(result.predictionByPosterior.map(\.shortText).joined(separator: ", "))"
        )
        var closing: [String] = []
        if let points = result.grid?.points, points.count >= 2, experiment.finish == .posteriorMeanMap {
            closing.append(
                "grid at t_min, before the map: gap mass \(points[points.count - 2].gapMass.shortText), "
                    + "outer mass \(points[points.count - 2].outerMass.shortText)"
            )
        }
        for (name, history) in [("grid", result.grid), ("particles", result.particles)] {
            if let history {
                closing.append(String(format: "%@: %@ (%.3g s)", name, history.statusDetail, history.wallSeconds))
            }
        }
        closing.append(
            String(
                format: "wall %.3g s, seed %llu, %d thread(s)", wallSeconds, settings.seed, settings.threads))
        var json: [String: JSONValue] = [
            "command": "support", "version": .string(fokkerPlanckLabVersion), "data": .string(experiment.data.summary),
            "time": .number(experiment.horizon), "t_min": .number(experiment.minimumTime),
            "points": .integer(grid.count),
            "half_width": .number(grid.halfWidth), "solver": .string("\(experiment.method.name)"),
            "grid_steps": .string(experiment.steps.summary),
            "particles": .integer(experiment.particleCount), "particle_steps": .integer(experiment.particleSteps),
            "integrator": .string(experiment.particleIntegrator.rawValue),
            "finish": .string(experiment.finish.rawValue),
            "finish_detail": .string(experiment.finish.sentence(minimumTime: experiment.minimumTime)),
            "predicted_masses": .array(result.prediction.map { .number($0) }),
            "predicted_masses_bayes": .array(result.predictionByPosterior.map { .number($0) }),
            "regions": table.jsonValue(), "history": historyTable.jsonValue(), "wall_seconds": .number(wallSeconds),
        ]
        json.merge(experiment.model.manifestEntries) { current, _ in current }
        json.merge(settings.manifestEntries) { current, _ in current }
        for (name, history) in [("grid", result.grid), ("particles", result.particles)] {
            json["\(name)_status"] = .string(history?.status.name ?? "not run")
        }
        var files: [OutputFile] = []
        if includingFiles {
            files = [
                OutputFile(name: "regions.csv", contents: table.rendered(as: .csv)),
                OutputFile(name: "regions.md", contents: table.rendered(as: .markdown)),
                OutputFile(name: "history.csv", contents: historyTable.rendered(as: .csv)),
                OutputFile(name: "outside-mass.svg", contents: outsideMassFigure.svg()),
            ]
            if let densityFigure {
                files.append(OutputFile(name: "density.svg", contents: densityFigure.svg()))
            }
        }
        return CommandReport(summary: summary, table: table, closing: closing, json: .object(json), files: files)
    }
}

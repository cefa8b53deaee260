import DataFiles
import Foundation
import GridFields
import Reconstruction
import Reporting

/// What `fplab reverse` measured, and its report in every output format.
public struct ReverseOutcome {
    public let experiment: ReverseExperiment
    public let result: ContrastResult
    public let wallSeconds: Double

    /// The table: one row per method.
    public var table: DataTable {
        var table = DataTable(columns: [
            .init("method", key: "method"),
            .init("L1", key: "l1_error", style: .scientific(fractionDigits: 3)),
            .init("TV", key: "tv_distance", style: .scientific(fractionDigits: 3)),
            .init("KL", key: "kl_divergence", style: .scientific(fractionDigits: 3)),
            .init("W1", key: "w1_distance", style: .scientific(fractionDigits: 3)),
            .init("max error", key: "max_error", style: .scientific(fractionDigits: 3)),
            .init("mass", key: "mass", style: .general(significantDigits: 8)),
            .init("min density", key: "min_density", style: .scientific(fractionDigits: 2)),
            .init("status", key: "status"),
            .init("blow-up s", key: "blow_up_time", style: .general(significantDigits: 4)),
            .init("wall s", key: "wall_seconds", style: .general(significantDigits: 3)),
        ])
        for row in result.rows {
            let comparison = row.comparison
            table.append([
                .text(row.method.rawValue), .number(comparison?.l1Distance), .number(comparison?.totalVariation),
                .number(comparison?.klDivergence), .number(comparison?.wassersteinDistance),
                .number(comparison?.maximumError),
                .number(comparison?.mass), .number(comparison?.minimumDensity), .text(row.status.name),
                .number(row.blowUpTime),
                .number(row.wallSeconds),
            ])
        }
        return table
    }

    /// One row per (method, reverse time): the error histories, for a plot on a log scale.
    public var historyTable: DataTable {
        var table = DataTable(columns: [
            .init("method", key: "method"),
            .init("reverse time s", key: "reverse_time", style: .general(significantDigits: 8)),
            .init("L1 error", key: "l1_error", style: .scientific(fractionDigits: 4)),
        ])
        for row in result.rows {
            for point in row.history {
                table.append([.text(row.method.rawValue), .number(point.reverseTime), .number(point.l1Error)])
            }
        }
        return table
    }

    /// How the pde, sde and flow runs that stopped early ended ("pde: blew up at …; sde: …"); nil when none did
    /// (the naive inversion's blow-up is the measurement, not a stop).
    public var stopReason: String? {
        let stopped = result.rows.filter { $0.method != .naive && !$0.status.isCompleted }
        return stopped.isEmpty
            ? nil : stopped.map { "\($0.method.rawValue): \($0.statusDetail)" }.joined(separator: "; ")
    }

    /// The contrast table, the summary and the rows and histories in JSON; with `includingConfiguration` the JSON
    /// also holds the run's configuration (model, grid, times, methods, seed), with `includingFiles` the CSV,
    /// Markdown and SVG files of an output folder.
    public func report(includingConfiguration: Bool, includingFiles: Bool) -> CommandReport {
        let contrast = experiment.contrast
        let grid = contrast.grid
        let summary = [
            "reverse: model \(contrast.model.summary), grid \(grid.summary) "
                + "(periodic), T = \(contrast.horizon.shortText), "
                + "t_min = \(contrast.minimumTime.shortText), noise δ = \(contrast.noiseLevel.shortText) "
                + "(L2 norm, seed \(contrast.seed)), score \(contrast.score.rawValue)",
            "ρ0: \(experiment.mixtureSpecification); ρ_T from the "
                + "spectral solver (L1 to the exact mixture \(result.forwardError.shortText))",
            "pde: \(contrast.pdeMethod.name), \(result.pdeSteps); sde, flow: \(contrast.particleCount) "
                + "particles, \(contrast.particleSteps) geometric steps",
            "t → 0: \(result.finishSentence)",
        ]
        var closing = result.rows.map { "\($0.method.rawValue): \($0.statusDetail)" }
        closing.append(String(format: "wall %.3g s, %d thread(s)", wallSeconds, contrast.threads))
        var json = includingConfiguration ? configurationJSON : [:]
        guard case .array(let rowObjects) = table.jsonValue() else {
            preconditionFailure("a table renders as an array")
        }
        json["rows"] = .array(
            zip(rowObjects, result.rows).map { object, row in
                var members = object.members
                members["status_detail"] = .string(row.statusDetail)
                return .object(members)
            })
        json["history"] = historyTable.jsonValue()
        var files: [OutputFile] = []
        if includingFiles {
            files =
                [
                    OutputFile(name: "contrast.csv", contents: table.rendered(as: .csv)),
                    OutputFile(name: "contrast.md", contents: table.rendered(as: .markdown)),
                    OutputFile(name: "history.csv", contents: historyTable.rendered(as: .csv)),
                    OutputFile(name: "densities.csv", contents: densitiesCSV),
                    OutputFile(name: "error-history.svg", contents: errorFigure),
                ] + reconstructionFigures
        }
        return CommandReport(summary: summary, table: table, closing: closing, json: .object(json), files: files)
    }

    /// The run's configuration as manifest entries.
    var configurationJSON: [String: JSONValue] {
        let contrast = experiment.contrast
        var members: [String: JSONValue] = [
            "command": "reverse", "version": .string(fokkerPlanckLabVersion), "time": .number(contrast.horizon),
            "t_min": .number(contrast.minimumTime), "noise": .number(contrast.noiseLevel),
            "mixture": .string(experiment.mixtureSpecification),
            "methods": .array(contrast.methods.map { .string($0.rawValue) }), "score": .string(contrast.score.rawValue),
            "finish": .string(contrast.finish.rawValue), "finish_detail": .string(result.finishSentence),
            "pde_solver": .string(contrast.pdeMethod.name), "pde_steps": .string(result.pdeSteps),
            "particles": .integer(contrast.particleCount), "particle_steps": .integer(contrast.particleSteps),
            "forward_l1_error": .number(result.forwardError), "wall_seconds": .number(wallSeconds),
        ]
        for part in [
            contrast.model.manifestEntries, contrast.grid.manifestEntries, experiment.settings.manifestEntries,
        ] {
            members.merge(part) { current, _ in current }
        }
        return members
    }

    /// Cell centres, rho_0, rho_T (with noise) and every reconstruction, one cell a row.
    var densitiesCSV: String {
        let grid = result.initialDensity.grid
        let axes = grid.dimension == 1 ? ["x"] : ["x", "y"]
        let rows = result.rows.filter { $0.reconstruction != nil }
        var text = (axes + ["rho_0", "rho_T"] + rows.map { $0.method.rawValue }).joined(separator: ",") + "\n"
        for cell in 0..<grid.count {
            let fields =
                grid.point(at: cell).map { NumberStyle.fullPrecision.format($0) }
                + [result.initialDensity.values[cell], result.data.values[cell]].map {
                    NumberStyle.fullPrecision.format($0)
                }
                + rows.map { NumberStyle.fullPrecision.format($0.reconstruction!.values[cell]) }
            text += fields.joined(separator: ",") + "\n"
        }
        return text
    }
}

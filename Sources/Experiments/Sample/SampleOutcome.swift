import DataFiles
import DiffusionModels
import Foundation
import GridFields
import ParticleSampling
import Reporting

/// What `fplab sample` measured, and its report in every output format.
public struct SampleOutcome {
    public let experiment: SampleExperiment
    public let result: ParticleRunResult
    /// Everything from building the score on (the sampler's own time is `result.elapsedSeconds`).
    public let wallSeconds: Double

    /// Each coordinate's mean and variance with their standard errors; nil below two particles.
    public var moments: SampleMoments? {
        result.particleCount >= 2 ? SampleMoments(positions: result.positions, dimension: result.dimension) : nil
    }

    /// The final particles binned on the experiment's grid, when it records a histogram.
    public var histogram: ParticleHistogram? {
        guard experiment.recordsHistogram else { return nil }
        return ParticleHistogram(positions: result.positions, grid: experiment.grid)
    }

    /// The moments table beside the target law's, the summary, the JSON; with `includingFiles` (the files can be
    /// large: built only when they will be written) samples.csv, samples.npy, moments.csv and histogram.csv.
    public func report(includingFiles: Bool) -> CommandReport {
        let target = experiment.targetMixture
        var table = DataTable(columns: [
            .init("coordinate", key: "coordinate"),
            .init("mean", key: "mean", style: .general(significantDigits: 6)),
            .init("± SE", key: "mean_standard_error", style: .scientific(fractionDigits: 2)),
            .init("target mean", key: "target_mean", style: .general(significantDigits: 6)),
            .init("variance", key: "variance", style: .general(significantDigits: 6)),
            .init("± SE", key: "variance_standard_error", style: .scientific(fractionDigits: 2)),
            .init("target variance", key: "target_variance", style: .general(significantDigits: 6)),
        ])
        let moments = self.moments
        let dimension = result.dimension
        for axis in 0..<dimension {
            table.append([
                .text(dimension == 1 ? "x" : ["x", "y", "z"][min(axis, 2)]),
                .number(moments?.mean[axis]), .number(moments?.meanStandardError[axis]), .number(target?.mean[axis]),
                .number(moments?.variance[axis]), .number(moments?.varianceStandardError[axis]),
                .number(target.map { $0.covariance[axis * dimension + axis] }),
            ])
        }
        let times = experiment.timeGrid.times
        let settings = experiment.settings
        let flow = experiment.usesProbabilityFlow ? ", probability flow" : ""
        var summary = [
            "sample: \(experiment.direction.rawValue), model \(experiment.process.summary), "
                + "integrator \(experiment.integrator.rawValue)"
                + (experiment.direction == .reverse ? ", score \(experiment.scoreKind.rawValue)\(flow)" : "")
                + ", \(result.particleCount) particles, \(times.count - 1) steps "
                + "from t = \(times.first!.shortText) to \(times.last!.shortText)"
        ]
        if let data = experiment.dataPath {
            summary.append("data: \(data) (\(experiment.training!.count) points)")
        } else {
            summary.append("mixture: \(experiment.mixtureSpecification)")
        }
        var closing = [
            String(
                format: "status: %@ (sampling %.3g s, wall %.3g s, seed %llu, %d thread(s))",
                result.status.description, result.elapsedSeconds, wallSeconds, settings.seed, settings.threads)
        ]
        if let moments, !(moments.mean + moments.variance).allSatisfy(\.isFinite) {
            closing.append("moments: non-finite (the particles' mean or spread overflows a double); the table says so")
        }
        var json: [String: JSONValue] = [
            "command": "sample", "direction": .string(experiment.direction.rawValue),
            "integrator": .string(experiment.integrator.rawValue),
            "count": .integer(result.particleCount), "dimension": .integer(dimension),
            "steps": .integer(times.count - 1),
            "time": .number(experiment.horizon), "final_time": .number(times.last!),
            "seed": .unsignedInteger(settings.seed),
            "threads": .integer(settings.threads), "status": .string(result.status.name),
            "status_detail": .string(result.status.description), "sampling_seconds": .number(result.elapsedSeconds),
            "wall_seconds": .number(wallSeconds), "version": .string(fokkerPlanckLabVersion),
            "mean": .array((moments?.mean ?? []).map { .number($0) }),
            "mean_standard_error": .array((moments?.meanStandardError ?? []).map { .number($0) }),
            "variance": .array((moments?.variance ?? []).map { .number($0) }),
            "variance_standard_error": .array((moments?.varianceStandardError ?? []).map { .number($0) }),
        ]
        json.merge(experiment.process.manifestEntries) { current, _ in current }
        if experiment.direction == .reverse {
            json["score"] = .string(experiment.scoreKind.rawValue)
            json["probability_flow"] = .bool(experiment.usesProbabilityFlow)
            json["start"] = .string(experiment.start.rawValue)
        }
        if let data = experiment.dataPath {
            json["data"] = .string(data)
        } else {
            json["mixture"] = .string(experiment.mixtureSpecification)
        }
        if let target {
            json["target_mean"] = .array(target.mean.map { .number($0) })
            json["target_variance"] = .array((0..<dimension).map { .number(target.covariance[$0 * dimension + $0]) })
        }
        var files =
            includingFiles
            ? [
                OutputFile(
                    name: "samples.csv", contents: PointSet(points: result.positions, dimension: dimension).csvText),
                OutputFile(
                    name: "samples.npy", data: PointSet(points: result.positions, dimension: dimension).numpyData),
                OutputFile(name: "moments.csv", contents: table.rendered(as: .csv)),
            ] : []
        if let histogram {
            let density = histogram.density
            let errors = histogram.standardErrors
            var histogramJSON: [String: JSONValue] = [
                "grid": .object(experiment.grid.manifestEntries), "outside_count": .integer(histogram.outsideCount),
                "density": .array(density.values.map { .number($0) }),
                "standard_error": .array(errors.values.map { .number($0) }),
            ]
            var csv =
                (dimension == 1 ? "x" : "x,y") + ",density,standard_error" + (target != nil ? ",exact" : "") + "\n"
            let exact = target.map { $0.field(on: histogram.grid) }
            for cell in 0..<histogram.grid.count {
                let point = histogram.grid.point(at: cell).map { "\($0)" }.joined(separator: ",")
                csv +=
                    "\(point),\(density.values[cell]),\(errors.values[cell])"
                    + (exact.map { ",\($0.values[cell])" } ?? "") + "\n"
            }
            if includingFiles { files.append(OutputFile(name: "histogram.csv", contents: csv)) }
            if let exact {
                let distance = density.distanceL1(to: exact)
                histogramJSON["l1_to_exact"] = .number(distance)
                closing.append(
                    "histogram: \(histogram.grid.count) cells, L1 distance to the exact density "
                        + "\(distance.shortText), \(histogram.outsideCount) particles outside the box"
                )
            }
            json["histogram"] = .object(histogramJSON)
        }
        return CommandReport(summary: summary, table: table, closing: closing, json: .object(json), files: files)
    }
}

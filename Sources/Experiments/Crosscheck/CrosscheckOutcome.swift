import CrossChecks
import DataFiles
import Foundation
import Reporting

/// What `fplab crosscheck` measured, and its report in every output format.
public struct CrosscheckOutcome {
    public let experiment: CrosscheckExperiment
    /// One result per direction run, in order.
    public let results: [CrossCheckResult]
    public let wallSeconds: Double

    /// Why the run stopped early (a grid run that did not complete, particles that went non-finite), or nil.
    public var stopReason: String? {
        let reasons = results.compactMap { result -> String? in
            if !result.gridStatus.isCompleted { return "\(result.direction.rawValue) grid run: \(result.gridStatus)" }
            if result.particleStatus != .completed {
                return "\(result.direction.rawValue) particles: \(result.particleStatus)"
            }
            return nil
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    /// The agreement threshold of the summary lines: |TV - E TV| <= 4 SE.
    public static let standardErrorLimit = 4.0

    public var table: DataTable {
        var table = DataTable(columns: [
            .init("direction", key: "direction"),
            .init("time", key: "time"),
            .init("M", key: "particle_count"),
            .init("TV", key: "tv_distance", style: .scientific(fractionDigits: 3)),
            .init("expected TV", key: "expected_tv", style: .scientific(fractionDigits: 3)),
            .init("SE", key: "tv_standard_error", style: .scientific(fractionDigits: 2)),
            .init("(TV−E)/SE", key: "standard_score", style: .general(significantDigits: 3)),
            .init("Hellinger", key: "hellinger_distance", style: .scientific(fractionDigits: 3)),
            .init("KL", key: "kl_divergence", style: .scientific(fractionDigits: 3)),
            .init("W1", key: "w1_distance", style: .scientific(fractionDigits: 3)),
            .init("KS", key: "ks_statistic", style: .scientific(fractionDigits: 3)),
            .init("KS p", key: "ks_p_value", style: .general(significantDigits: 3)),
            .init("χ²", key: "chi2_statistic", style: .general(significantDigits: 5)),
            .init("dof", key: "chi2_degrees_of_freedom"),
            .init("χ² p", key: "chi2_p_value", style: .general(significantDigits: 3)),
            .init("outside", key: "outside_count"),
        ])
        for row in results.flatMap(\.rows) {
            let discrepancy = row.discrepancy
            table.append([
                .text(row.direction.rawValue), .number(row.time), .integer(row.particleCount),
                .number(discrepancy.totalVariation), .number(discrepancy.expectedTotalVariation),
                .number(discrepancy.totalVariationStandardError), .number(discrepancy.standardScore),
                .number(discrepancy.hellinger), .number(discrepancy.klDivergence), .number(discrepancy.wasserstein),
                .number(discrepancy.kolmogorovSmirnovStatistic), .number(discrepancy.kolmogorovSmirnovPValue),
                .number(discrepancy.chiSquareStatistic), .integer(discrepancy.chiSquareDegreesOfFreedom),
                .number(discrepancy.chiSquarePValue), .integer(discrepancy.outsideCount),
            ])
        }
        return table
    }

    private var summary: [String] {
        let check = experiment.check
        let counts = check.particleCounts.map(String.init).joined(separator: ", ")
        return [
            "crosscheck: model \(check.model.summary), "
                + "solver \(check.method.solverName), grid \(check.grid.summary) "
                + "(\(check.grid.boundary.rawValue)), T = \(check.horizon.shortText), "
                + "t-min = \(check.minimumTime.shortText)",
            "mixture: \(experiment.mixtureSpecification)",
            "particles: M = \(counts) (nested prefixes of one run); forward \(check.forwardIntegrator.rawValue)"
                + (check.forwardIntegrator == .exact ? "" : " \(check.forwardSteps) steps")
                + ", reverse euler-maruyama \(check.reverseSteps) steps (geometric in t), exact mixture score",
            "cell masses: \(check.method.cellValueMeaning.massRule); one more bin for particles outside the box",
        ]
    }

    /// One line per direction: the fitted exponent, the largest standardized TV, and how the runs ended.
    func directionLine(_ result: CrossCheckResult) -> String {
        let exponent = result.decayExponent.map { String(format: "%.3f", $0) } ?? "—"
        let expected = result.expectedDecayExponent.map { String(format: "%.3f", $0) } ?? "—"
        let score = result.largestStandardScore
        let verdict = score <= Self.standardErrorLimit ? "within" : "NOT within"
        return
            "\(result.direction.rawValue): decay exponent of TV in M \(exponent) "
            + "(sampling level alone \(expected); theory −0.5); "
            + "largest |TV − E TV|/SE \(String(format: "%.2f", score)), \(verdict) 4 SE; grid \(result.gridStatus) "
            + String(
                format: "(%d steps, %.3g s), particles %@ (%.3g s)", result.gridStepCount, result.gridSeconds,
                result.particleStatus.description, result.particleSeconds)
    }

    private var closing: [String] {
        results.map(directionLine) + [
            String(
                format: "wall %.3g s, seed %llu, %d thread(s)", wallSeconds, experiment.check.seed,
                experiment.check.threads)
        ]
    }

    public var json: JSONValue {
        let check = experiment.check
        var members: [String: JSONValue] = [
            "command": "crosscheck",
            "version": .string(fokkerPlanckLabVersion),
            "mixture": .string(experiment.mixtureSpecification),
            "solver": .string(check.method.solverName),
            "boundary": .string(check.grid.boundary.rawValue),
            "cell_mass_rule": .string(check.method.cellValueMeaning.rawValue),
            "time": .number(check.horizon),
            "t_min": .number(check.minimumTime),
            "times": .array(check.times.map { .number($0) }),
            "particle_counts": .array(check.particleCounts.map { .integer($0) }),
            "forward_integrator": .string(check.forwardIntegrator.rawValue),
            "steps": .integer(check.reverseSteps),
            "wall_seconds": .number(wallSeconds),
            "rows": table.jsonValue(),
            "directions": .array(
                results.map { result in
                    .object([
                        "direction": .string(result.direction.rawValue),
                        "decay_exponent": .number(result.decayExponent),
                        "expected_decay_exponent": .number(result.expectedDecayExponent),
                        "largest_standard_score": .number(result.largestStandardScore),
                        "within_four_standard_errors": .bool(result.largestStandardScore <= Self.standardErrorLimit),
                        "comparison_times": .array(result.plannedTimes.map { .number($0) }),
                        "grid_status": .string(result.gridStatus.name),
                        "grid_status_detail": .string(result.gridStatus.description),
                        "grid_steps": .integer(result.gridStepCount),
                        "grid_seconds": .number(result.gridSeconds),
                        "particle_status": .string(result.particleStatus.name),
                        "particle_status_detail": .string(result.particleStatus.description),
                        "particle_seconds": .number(result.particleSeconds),
                    ])
                }),
        ]
        for part in [check.model.manifestEntries, check.grid.manifestEntries, experiment.settings.manifestEntries] {
            members.merge(part) { current, _ in current }
        }
        return .object(members)
    }

    public var report: CommandReport {
        let table = self.table
        var files = [
            OutputFile(name: "crosscheck.csv", contents: table.rendered(as: .csv)),
            OutputFile(name: "crosscheck.md", contents: table.rendered(as: .markdown)),
        ]
        for result in results where !result.comparisons.isEmpty {
            files.append(
                OutputFile(name: "decay-\(result.direction.rawValue).svg", contents: decayFigure(result).svg()))
            for (index, comparison) in result.comparisons.enumerated() {
                files.append(
                    OutputFile(
                        name: "density-\(result.direction.rawValue)-\(index + 1).svg",
                        contents: densityFigure(result.direction, comparison).svg()))
            }
        }
        return CommandReport(summary: summary, table: table, closing: closing, json: json, files: files)
    }
}

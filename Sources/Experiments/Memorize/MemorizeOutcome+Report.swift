import DataFiles
import Foundation
import Memorization
import Reporting

extension MemorizeOutcome {

    /// The sweep table, the headline fraction, the endpoint-frequency test and the Voronoi agreement, the JSON
    /// manifest, and with `includingFiles` the sweep, endpoint and Voronoi CSV files (`--output`).
    public func report(includingFiles: Bool) -> CommandReport {
        let training = experiment.training
        var table = DataTable(columns: [
            .init("integrator", key: "integrator"), .init("steps", key: "steps"),
            .init("h_last", key: "final_step_size", style: .general(significantDigits: 4)),
            .init("memorized", key: "memorized_fraction", style: .general(significantDigits: 5)),
            .init("± SE", key: "memorized_standard_error", style: .scientific(fractionDigits: 1)),
            .init("RMS distance", key: "rms_distance", style: .scientific(fractionDigits: 3)),
            .init("√(2 h d)", key: "predicted_spread", style: .scientific(fractionDigits: 3)),
            .init("max h/(2 tanh t)", key: "stability_ratio", style: .general(significantDigits: 4)),
            .init("status", key: "status"),
        ])
        for row in sweep {
            table.append([
                .text(row.integrator.rawValue), .integer(row.steps), .number(row.finalStepSize),
                .number(row.memorizedFraction),
                .number(row.novelty.fractionStandardError), .number(row.rootMeanSquareDistance),
                .number(row.integrator == .ddpm ? nil : row.predictedSpread), .number(row.stabilityRatio),
                .text(row.status.name),
            ])
        }
        let chi = frequencies.chiSquare
        let summary = [
            "memorize: \(training.count) training points "
                + "(\(experiment.datasetDescription)), d = \(training.dimension), "
                + "T = \(experiment.horizon.shortText), start \(experiment.startLaw.rawValue), "
                + "\(experiment.particleCount) runs, ε = \(experiment.epsilon.shortText)",
            String(
                format: "bridge, %d %@ steps (last %@): memorized fraction %.5f ± %.1e", experiment.stepCount,
                experiment.schedule.rawValue, headline.finalStepSize.shortText, headline.memorizedFraction,
                headline.novelty.fractionStandardError),
        ]
        let test =
            chi.isTest
            ? String(
                format: "chi-square %.4g on %d degrees of freedom, p = %.4g; largest |f - p|/SE %.3g",
                chi.statistic, chi.degreesOfFreedom, chi.pValue, frequencies.largestStandardizedDeviation)
            : "no chi-square test (the runs within --epsilon of a training point leave no degree of freedom)"
        var closing = [
            String(
                format: "endpoint frequencies (%@ prediction): %@; %d runs unassigned",
                frequencies.prediction.method, test, frequencies.unassigned)
        ]
        if frequencies.unassigned > 0 {
            let fraction = Double(frequencies.unassigned) / Double(frequencies.runCount)
            closing.append(
                "  \(frequencies.unassigned) of \(frequencies.runCount) runs "
                    + "(\(String(format: "%.3g", 100 * fraction)) %) "
                    + "ended farther than ε = \(experiment.epsilon.shortText) from every training point: the "
                    + "frequencies are of all runs and sum to \(String(format: "%.4g", 1 - fraction)). The last bridge "
                    + "step (\(headline.finalStepSize.shortText)) is too long for the posterior to settle on one "
                    + "point; "
                    + (experiment.schedule == .uniform
                        ? "use --schedule geometric (the default), or more --steps."
                        : "use more --steps, or a larger --epsilon if the training points are that close."))
        }
        if training.count <= 10 {
            closing.append(
                "  frequencies " + frequencies.frequencies.map { String(format: "%.4f", $0) }.joined(separator: ", ")
                    + "; predicted "
                    + frequencies.prediction.probabilities.map { String(format: "%.4f", $0) }.joined(separator: ", "))
        }
        for row in voronoi {
            closing.append(
                String(
                    format:
                        "Voronoi t* = %-8@ ends at nearest to e^t* x: %.4f ± %.1e; "
                        + "one-step <X0> agrees with the end: %.4f",
                    row.startTime.shortText, row.endsAtNearest, row.standardError(row.endsAtNearest),
                    row.oneStepAgreement))
        }
        closing.append(
            String(
                format: "wall %.3g s, seed %llu, %d thread(s)", wallSeconds, experiment.settings.seed,
                experiment.settings.threads))
        let voronoiJSON: [JSONValue] = voronoi.map { row in
            .object([
                "t_star": .number(row.startTime), "ends_at_nearest": .number(row.endsAtNearest),
                "ends_at_nearest_standard_error": .number(row.standardError(row.endsAtNearest)),
                "one_step_agreement": .number(row.oneStepAgreement),
                "one_step_at_nearest": .number(row.oneStepAtNearest),
                "runs": .integer(row.runCount),
            ])
        }
        let json: [String: JSONValue] = [
            "command": "memorize", "dataset": .string(experiment.datasetDescription),
            "training_count": .integer(training.count), "dimension": .integer(training.dimension),
            "time": .number(experiment.horizon), "start": .string(experiment.startLaw.rawValue),
            "particles": .integer(experiment.particleCount),
            "steps": .integer(experiment.stepCount), "epsilon": .number(experiment.epsilon),
            "schedule": .string(experiment.schedule.rawValue),
            "seed": .unsignedInteger(experiment.settings.seed), "threads": .integer(experiment.settings.threads),
            "memorized_fraction": .number(headline.memorizedFraction),
            "memorized_standard_error": .number(headline.novelty.fractionStandardError),
            "sweep": table.jsonValue(),
            "endpoint_frequencies": .array(frequencies.frequencies.map { .number($0) }),
            "endpoint_counts": .array(frequencies.counts.map { .integer($0) }),
            "unassigned": .integer(frequencies.unassigned),
            "predicted_frequencies": .array(frequencies.prediction.probabilities.map { .number($0) }),
            "predicted_standard_errors": .array(frequencies.prediction.standardErrors.map { .number($0) }),
            "prediction_method": .string(frequencies.prediction.method),
            "chi2_statistic": chi.isTest ? .number(chi.statistic) : .null,
            "chi2_degrees_of_freedom": .integer(chi.degreesOfFreedom),
            "chi2_p_value": chi.isTest ? .number(chi.pValue) : .null,
            "largest_standardized_deviation": .number(frequencies.largestStandardizedDeviation),
            "voronoi_agreement": .array(voronoiJSON),
            "wall_seconds": .number(wallSeconds), "version": .string(fokkerPlanckLabVersion),
        ]
        var files: [OutputFile] = []
        if includingFiles {
            var endpoints =
                (training.dimension == 1 ? "x" : (1...training.dimension).map { "x\($0)" }.joined(separator: ","))
                + ",count,frequency,predicted\n"
            for index in 0..<training.count {
                let point = (0..<training.dimension).map { "\(training.points[index * training.dimension + $0])" }
                    .joined(separator: ",")
                endpoints +=
                    "\(point),\(frequencies.counts[index]),\(frequencies.frequencies[index]),"
                    + "\(frequencies.prediction.probabilities[index])\n"
            }
            var voronoiCSV = "t_star,ends_at_nearest,standard_error,one_step_agreement,one_step_at_nearest,runs\n"
            for row in voronoi {
                voronoiCSV +=
                    "\(row.startTime),\(row.endsAtNearest),\(row.standardError(row.endsAtNearest)),"
                    + "\(row.oneStepAgreement),\(row.oneStepAtNearest),\(row.runCount)\n"
            }
            files = [
                OutputFile(name: "sweep.csv", contents: table.rendered(as: .csv)),
                OutputFile(name: "endpoints.csv", contents: endpoints),
                OutputFile(name: "voronoi.csv", contents: voronoiCSV),
            ]
        }
        return CommandReport(summary: summary, table: table, closing: closing, json: .object(json), files: files)
    }
}

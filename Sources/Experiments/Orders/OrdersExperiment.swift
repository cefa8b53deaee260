import CrossChecks
import DataFiles
import DiffusionModels
import Figures
import Foundation
import ParticleSampling
import Reporting

/// One `fplab orders` run: the discretization error of the reverse samplers (`SamplerOrderStudy`), every option
/// resolved.
public struct OrdersExperiment: Sendable {
    public var study: SamplerOrderStudy
    public var mixtureSpecification: String
    public var settings: RunSettings

    public init(study: SamplerOrderStudy, mixtureSpecification: String, settings: RunSettings) {
        self.study = study
        self.mixtureSpecification = mixtureSpecification
        self.settings = settings
    }

    /// The study's measurements; `progress` hears the fraction of runs done.
    public func run(progress: ((Double) -> Void)? = nil) throws -> OrdersOutcome {
        let clock = ContinuousClock.now
        let handler = progress.map { report in
            { (done: Int, total: Int) in report(Double(done) / Double(total)) }
        }
        let outcome = try study.run(progress: handler)
        return OrdersOutcome(experiment: self, outcome: outcome, wallSeconds: secondsElapsed(since: clock))
    }
}

/// What `fplab orders` measured.
public struct OrdersOutcome: Sendable {
    public let experiment: OrdersExperiment
    public let outcome: SamplerOrderOutcome
    public let wallSeconds: Double

    /// The first run that did not complete, as a sentence.
    public var stopReason: String? {
        outcome.measurements.first { !$0.status.isCompleted }.map {
            "\($0.sampler.rawValue), \($0.schedule.rawValue), \($0.stepCount) steps: \($0.status)"
        }
    }

    /// The error table (one row a run), the order table (one row a sampler and schedule); with `includingFiles`
    /// both as CSV, Markdown and LaTeX and the figure `errors.svg` (one panel a sampler would crowd: one file a
    /// sampler, `errors-<sampler>.svg`).
    public func report(includingFiles: Bool) -> CommandReport {
        let study = experiment.study
        var errors = DataTable(
            "errors", title: "Distance of each sampler's law at t_min to the exact one",
            columns: [
                .init("sampler", key: "sampler"), .init("schedule", key: "schedule"), .init("K", key: "steps"),
                .init("Cramér", key: "cramer", style: .general(significantDigits: 4)),
                .init("± SE", key: "cramer_standard_error", style: .general(significantDigits: 2)),
                .init("Cramér, scheme law", key: "scheme_cramer", style: .general(significantDigits: 4)),
                .init("W1", key: "wasserstein_1", style: .general(significantDigits: 4)),
                .init("W2", key: "wasserstein_2", style: .general(significantDigits: 4)),
                .init("TV", key: "total_variation", style: .general(significantDigits: 3)),
                .init("E TV exact", key: "sampling_level", style: .general(significantDigits: 3)),
                .init("(TV − E TV)/SE", key: "total_variation_standard_score", style: .general(significantDigits: 3)),
                .init("status", key: "status"),
            ])
        for row in outcome.measurements {
            let resolved = row.isResolved(floor: study.floor)
            let cramerError: DataValue =
                study.transportsQuantiles(row.sampler)
                ? .missing : (row.cramerStandardError.map { .number($0) } ?? .missing)
            var histogram: [DataValue] = [.missing, .missing, .missing]
            if let variation = row.totalVariation, let level = row.totalVariationLevel {
                histogram = [
                    .number(variation), .number(level.expectedTotalVariation),
                    .number(level.standardScore(of: variation)),
                ]
            }
            let status = row.status.isCompleted ? (resolved ? "resolved" : "below noise or floor") : row.status.name
            errors.append(
                [
                    .text(row.sampler.rawValue), .text(row.schedule.rawValue), .integer(row.stepCount),
                    row.cramer.map { .number($0) } ?? .missing, cramerError,
                    row.schemeLaw.map { .number($0.cramer) } ?? .missing,
                    (row.wasserstein1 ?? row.schemeLaw?.wasserstein1).map { .number($0) } ?? .missing,
                    (row.wasserstein2 ?? row.schemeLaw?.wasserstein2).map { .number($0) } ?? .missing,
                ] + histogram + [.text(status)])
        }
        var orders = DataTable(
            "orders", title: "Measured order p (Cramér ∝ K^−p) against the declared one",
            columns: [
                .init("sampler", key: "sampler"), .init("schedule", key: "schedule"),
                .init("declared", key: "declared_order"),
                .init("measured", key: "measured_order", style: .general(significantDigits: 3)),
                .init("± SE", key: "order_standard_error", style: .general(significantDigits: 2)),
                .init("last local", key: "last_local_order", style: .general(significantDigits: 3)),
                .init("scheme law", key: "scheme_law_order", style: .general(significantDigits: 3)),
                .init("its last local", key: "scheme_law_last_local_order", style: .general(significantDigits: 3)),
                .init("K used", key: "steps_used"),
            ])
        let fits = outcome.fits
        for fit in fits {
            let schemeFit = outcome.schemeLawFit(sampler: fit.sampler, schedule: fit.schedule)
            orders.append([
                .text(fit.sampler.rawValue), .text(fit.schedule.rawValue), .integer(fit.sampler.declaredOrder),
                fit.order.map { .number($0) } ?? .text("unresolved"),
                study.transportsQuantiles(fit.sampler)
                    ? .missing : (fit.orderStandardError.map { .number($0) } ?? .missing),
                fit.localOrders.last.map { .number($0) } ?? .missing,
                schemeFit?.order.map { .number($0) } ?? .missing,
                schemeFit?.localOrders.last.map { .number($0) } ?? .missing,
                .text(fit.stepCounts.map(String.init).joined(separator: " ")),
            ])
        }
        let (fewest, most) = (study.stepCounts.min() ?? 0, study.stepCounts.max() ?? 0)
        let best = study.samplers.map { sampler in
            "\(sampler.rawValue): \(outcome.bestSchedule(for: sampler, steps: fewest)?.rawValue ?? "-") at K = "
                + "\(fewest), \(outcome.bestSchedule(for: sampler, steps: most)?.rawValue ?? "-") at K = \(most)"
        }
        let summary = [
            "orders: \(study.model.summary), data \(experiment.mixtureSpecification), exact score, from the exact "
                + "law at T = \(study.horizon.shortText) to t_min = \(study.finalTime.shortText)",
            study.mixture.dimension == 1
                ? "Cramér distance (∫(F_K − F)² dx)^½ to the exact law at t_min: deterministic samplers transport "
                    + "\(study.quantileCount) start quantiles (no sampling error; W1 and W2 too), stochastic ones run "
                    + "\(study.particleCount) particles (sampling bias removed, SE from \(study.batchCount) batches)"
                : "sliced Cramér distance ((1/L) Σ_j ∫(F_K,e_j − F_e_j)² dx)^½ over L = \(study.sliceCount) "
                    + "directions e_j to the exact law at t_min, every sampler from \(study.particleCount) particles "
                    + "(sampling bias removed, SE from \(study.batchCount) batches)",
        ]
        let closing =
            ["best schedule (smallest resolved Cramér; - where none is resolved): " + best.joined(separator: "; ")]
            + [
                String(
                    format: "wall %.3g s, seed %llu, %d thread(s)", wallSeconds, experiment.settings.seed,
                    experiment.settings.threads)
            ]
        var json: [String: JSONValue] = [
            "command": "orders", "model": .string(study.model.name),
            "mixture": .string(experiment.mixtureSpecification),
            "horizon": .number(study.horizon), "final_time": .number(study.finalTime),
            "step_counts": .array(study.stepCounts.map { .integer($0) }), "particles": .integer(study.particleCount),
            "quantiles": .integer(study.quantileCount), "batches": .integer(study.batchCount),
            "dimension": .integer(study.mixture.dimension), "slices": .integer(study.sliceCount),
            "corrector_snr": .number(study.corrector.signalToNoise), "corrector_steps": .integer(study.corrector.steps),
            "rows": errors.jsonValue(), "orders": orders.jsonValue(), "wall_seconds": .number(wallSeconds),
            "version": .string(fokkerPlanckLabVersion),
        ]
        json.merge(experiment.settings.manifestEntries) { $1 }
        var files: [OutputFile] = []
        if includingFiles {
            files += TableFiles.tableFiles(errors, stem: "errors")
            files += TableFiles.tableFiles(orders, stem: "orders")
            for sampler in study.samplers {
                files.append(OutputFile(name: "errors-\(sampler.rawValue).svg", contents: errorPlot(sampler).svg()))
            }
        }
        return CommandReport(summary: summary, table: orders, closing: closing, json: .object(json), files: files)
    }

    /// The Cramér distance against K on log–log axes for `sampler`, one line a schedule, with a dashed line of the
    /// declared slope −p through the first schedule's first point.
    public func errorPlot(_ sampler: ReverseSampler) -> LinePlot {
        var plot = LinePlot(
            title: "\(sampler.rawValue): distance to the exact law against steps",
            xAxis: Axis("steps K", scale: .logarithmic),
            yAxis: Axis(
                experiment.study.mixture.dimension == 1 ? "Cramér distance" : "sliced Cramér distance",
                scale: .logarithmic),
            marksPoints: true)
        for (index, schedule) in experiment.study.schedules.enumerated() {
            let rows = outcome.measurements.filter {
                $0.sampler == sampler && $0.schedule == schedule && $0.cramer != nil
            }
            .sorted { $0.stepCount < $1.stepCount }
            guard !rows.isEmpty else { continue }
            plot.series.append(
                .init(
                    schedule.rawValue, x: rows.map { Double($0.stepCount) }, y: rows.map { $0.cramer! },
                    color: Palette.color(at: index)))
            if index == 0 {
                plot.referenceLines.append(
                    .powerLaw(
                        exponent: -Double(sampler.declaredOrder),
                        through: (Double(rows[0].stepCount), rows[0].cramer!),
                        label: "slope −\(sampler.declaredOrder)", color: Palette.color(at: index), dash: .dashed))
            }
        }
        return plot
    }
}

import Datasets
import Figures
import Foundation
import Memorization
import ParticleSampling

/// The claims about finite data: the exact score memorizes, reaches each training point as often as predicted,
/// converges to Voronoi cells, and only imperfect scores generalize (THEORY §5–7).
extension VerificationSuite {
    static let memorization = Claim(
        name: "memorization",
        statement: "With the exact score of data {0, 2, 2.5}, the bridge update from N(0, 1) (T = 1, 1000 steps) ends within 1e-3 of a training point in at least 99.9 % of runs."
    ) { settings, record in
        let setup = FiniteDataSetup(training: PointSet(points: [0, 2, 2.5], dimension: 1), horizon: 1, seed: settings.seed, threads: settings.threads)
        let count = settings.quick ? 4000 : 10_000
        let study = MemorizationStudy(setup: setup, count: count, threshold: 1e-3)
        // The headline run (bridge, 1000 uniform steps) first; the rest of the sweep is recorded for the figure.
        let stepSweep = [10, 100, 1000]
        let finalSteps = [1e-2, 1e-4]
        let plan: [(ParticleIntegrator, Int, Double?)] = stepSweep.reversed().flatMap { steps in [(.ddpm, steps, nil), (.eulerMaruyama, steps, nil)] }
            + finalSteps.flatMap { final in [(ParticleIntegrator.ddpm, 1000, Optional(final)), (.eulerMaruyama, 1000, final)] }
        record.parameter("training_points", "0, 2, 2.5")
        record.parameter("final_time", 1.0)
        record.parameter("particles", count)
        record.parameter("threshold", 1e-3)
        record.parameter("step_counts", list: stepSweep)
        record.parameter("final_step_sizes_at_1000_steps", list: finalSteps)
        var table = DataTable("sweep", title: "Memorized fraction of the exact-score reverse runs, one (integrator, step count, final step) a row.", columns: [
            .init("integrator", "ddpm (the bridge update) or euler-maruyama", tolerance: .exact),
            .init("step_count", "K, reverse steps from T to 0", tolerance: .exact),
            .init("final_step_size", "h_last, the width of the step ending at t = 0", tolerance: .roundOff(1e-15)),
            .init("memorized_fraction", "fraction of runs ending within 1e-3 of a training point", tolerance: .standardErrors(4, column: "standard_error")),
            .init("standard_error", "binomial SE of the fraction", tolerance: .within(relative: 0.1, absolute: 1e-4)),
            .init("rms_distance", "root mean square distance to the nearest training point", tolerance: .within(relative: 0.1, absolute: 1e-6)),
            .init("predicted_spread", "Euler–Maruyama's end spread (2 h_last d)^½ (0 for the bridge)", tolerance: .roundOff(1e-15)),
            .init("stability_ratio", "max over steps of h / (2 tanh t); above 1 Euler–Maruyama amplifies", tolerance: .roundOff(1e-15)),
            .init("status", "completed or non-finite", tolerance: .exact),
        ])
        var measurements: [MemorizationMeasurement] = []
        for (integrator, steps, finalStepSize) in plan {
            let measured = try study.measure(integrator: integrator, steps: steps, finalStepSize: finalStepSize)
            measurements.append(measured)
            table.append(integrator.rawValue, steps, measured.finalStepSize, measured.memorizedFraction, measured.novelty.fractionStandardError,
                         measured.rootMeanSquareDistance, measured.predictedSpread, measured.stabilityRatio, measured.status.name)
        }
        record.tables.append(table)
        var plot = LinePlot(title: "Memorization against the final step", xAxis: Axis("final step size h_last", scale: .logarithmic),
                            yAxis: Axis("memorized fraction", limits: 0...1.05), marksPoints: true)
        for (integrator, name) in [(ParticleIntegrator.ddpm, "bridge (DDPM)"), (.eulerMaruyama, "Euler–Maruyama")] {
            let rows = measurements.filter { $0.integrator == integrator }.sorted { $0.finalStepSize < $1.finalStepSize }
            plot.series.append(.init(name, x: rows.map(\.finalStepSize), y: rows.map(\.memorizedFraction)))
        }
        record.figures.append(DataFigure("memorized_fraction", caption: "Fraction of runs ending within 1e-3 of a training point against the last step's width: the bridge update memorizes fully once h_last is small enough for its last step to return a single training point (weights e^(−gap²/(4 h_last))), while Euler–Maruyama stays near 0 because its last step adds noise of size (2 h_last)^½, far above 1e-3.", figure: plot))
        record.summary = "The exact finite-data score of {0, 2, 2.5} drives reverse runs from N(0, 1) at T = 1 to t = 0, with the bridge (DDPM) update and with Euler–Maruyama, on uniform grids of 10, 100 and 1000 steps and on 1000-step grids whose last step is 1e-2 or 1e-4 wide; each end is memorized when within 1e-3 of a training point. The claim's check is the bridge run on 1000 uniform steps."
        return [.atLeast("fraction within 1e-3 of a training point", measurements[0].memorizedFraction, 0.999, settings: settings)]
    }

    static let endpointFrequencies = Claim(
        name: "endpoint-frequencies",
        statement: "With the exact score of data {0, 2, 2.5}, reverse diffusion from μ ends at training point i with frequency E_μ[λ_i(Y, T)] (χ² test; uniform 1/N for μ = ρ_T)."
    ) { settings, record in
        let data = PointSet(points: [0, 2, 2.5], dimension: 1)
        let count = settings.quick ? 3000 : 12_000
        record.parameter("training_points", "0, 2, 2.5")
        record.parameter("final_time", 1.0)
        record.parameter("runs", count)
        record.parameter("steps", 1000)
        record.parameter("threshold", 1e-3)
        record.parameter("start_laws", list: StartLaw.allCases.map(\.rawValue))
        var points = DataTable("frequencies", title: "How often the runs end at each training point against the prediction E_μ λ_i, one (start law, training point) a row.", columns: [
            .init("start_law", "μ: gaussian N(0, 1) or rho-t (ρ_T)", tolerance: .exact),
            .init("training_point", "x_i", tolerance: .exact),
            .init("count", "runs ending within 1e-3 of x_i (compared through frequency)", tolerance: .ignored),
            .init("frequency", "count / runs", tolerance: .standardErrors(4, column: "standard_error")),
            .init("predicted", "E_μ λ_i(Y, T) by quadrature (1-D) or Monte Carlo", tolerance: .roundOff(1e-12)),
            .init("prediction_standard_error", "Monte Carlo SE of the prediction (0 for quadrature)", tolerance: .roundOff(1e-12)),
            .init("standard_error", "(p (1 − p) / runs + SE(p)²)^½", tolerance: .roundOff(1e-12)),
            .init("standard_score", "(frequency − predicted) / standard_error", tolerance: .within(relative: 0, absolute: 8)),
        ])
        var tests = DataTable("chi_square", title: "Pearson's χ² test of the endpoint counts, one start law a row.", columns: [
            .init("start_law", "μ", tolerance: .exact),
            .init("runs", "reverse runs", tolerance: .exact),
            .init("unassigned", "runs ending farther than 1e-3 from every training point", tolerance: .within(relative: 0, absolute: 5)),
            .init("statistic", "χ²", tolerance: .within(relative: 0.1, absolute: 0.5)),
            .init("degrees_of_freedom", "bins (pooled) − 1", tolerance: .exact),
            .init("p_value", "χ² p-value", tolerance: .within(relative: 0, absolute: 0.05)),
            .init("largest_standard_score", "largest |frequency − predicted| / SE", tolerance: .within(relative: 0, absolute: 8)),
        ])
        var checks: [Check] = []
        for law in StartLaw.allCases {
            let setup = FiniteDataSetup(training: data, horizon: 1, startLaw: law, seed: settings.seed, threads: settings.threads)
            let frequencies = try EndpointFrequencyStudy(setup: setup, count: count, steps: 1000, threshold: 1e-3).run()
            for index in data.points.indices {
                let (probability, predictionError) = (frequencies.prediction.probabilities[index], frequencies.prediction.standardErrors[index])
                let standardError = (probability * (1 - probability) / Double(frequencies.runCount) + predictionError * predictionError).squareRoot()
                points.append(law.rawValue, data.points[index], frequencies.counts[index], frequencies.frequencies[index], probability, predictionError,
                              standardError, standardError > 0 ? (frequencies.frequencies[index] - probability) / standardError : 0.0)
            }
            tests.append(law.rawValue, frequencies.runCount, frequencies.unassigned, frequencies.chiSquare.statistic, frequencies.chiSquare.degreesOfFreedom,
                         frequencies.chiSquare.pValue, frequencies.largestStandardizedDeviation)
            checks.append(.atMost("largest |frequency − E_μ λ_i| / SE, μ = \(law.rawValue)", frequencies.largestStandardizedDeviation, 4, settings: settings))
            checks.append(.atLeast("χ² p-value, μ = \(law.rawValue)", frequencies.chiSquare.pValue, 0.01, settings: settings))
            if law == .rhoT {
                let spread = frequencies.prediction.probabilities.map { abs($0 - 1.0 / 3) }.max()!
                checks.append(.atMost("largest |E_ρT λ_i − 1/N| (quadrature)", spread, 1e-8, settings: settings))
            }
        }
        record.tables += [points, tests]
        record.summary = "For each start law μ (N(0, 1) and ρ_T) the bridge update with the exact score of {0, 2, 2.5} runs 1000 steps from T = 1 to 0; each end within 1e-3 of a training point is counted there, and the frequencies are compared with the prediction E_μ λ_i(Y, T) point by point (binomial plus prediction SE) and by Pearson's χ² test."
        return checks
    }

    static let voronoiLimit = Claim(
        name: "voronoi-limit",
        statement: "Started at x ~ ρ_t*, exact reverse diffusion ends at the training point nearest to e^t* x with a frequency that rises to 1 as t* → 0 (20 points in [−1, 1]²)."
    ) { settings, record in
        let points = SyntheticDataset.uniformSquare(halfWidth: 1).generate(count: 20, seed: 12)
        let count = settings.quick ? 1000 : 4000
        let startTimes = [0.5, 0.1, 0.01, 1e-3, 1e-4, 1e-5]
        let study = VoronoiStudy(setup: FiniteDataSetup(training: points, seed: settings.seed, threads: settings.threads), count: count, steps: 100)
        record.parameter("training_points", "20 uniform in [−1, 1]² (seed 12)")
        record.parameter("runs", count)
        record.parameter("steps", 100)
        record.parameter("start_times", list: startTimes)
        let measurements = try startTimes.map { try study.measure(startTime: $0) }
        var table = DataTable("fractions", title: "Voronoi fractions of the exact reverse runs started at ρ_t*, one start time a row.", columns: [
            .init("start_time", "t*", tolerance: .exact),
            .init("inverse_start_time", "1 / t*", tolerance: .exact),
            .init("runs", "reverse runs", tolerance: .exact),
            .init("voronoi_fraction", "fraction of runs ending at the training point nearest to e^t* x", tolerance: .standardErrors(4, column: "voronoi_standard_error")),
            .init("voronoi_standard_error", "binomial SE of that fraction", tolerance: .within(relative: 0.2, absolute: 1e-3)),
            .init("one_step_agreement", "fraction whose one-step prediction <X0>(x, t*) is nearest to the run's end", tolerance: .standardErrors(4, column: "one_step_standard_error")),
            .init("one_step_standard_error", "binomial SE of that fraction", tolerance: .within(relative: 0.2, absolute: 1e-3)),
            .init("one_step_at_nearest", "fraction whose one-step prediction is nearest to the same point as e^t* x", tolerance: .within(relative: 0, absolute: 0.05)),
        ])
        for measured in measurements {
            table.append(measured.startTime, 1 / measured.startTime, measured.runCount, measured.endsAtNearest, measured.standardError(measured.endsAtNearest),
                         measured.oneStepAgreement, measured.standardError(measured.oneStepAgreement), measured.oneStepAtNearest)
        }
        record.tables.append(table)
        let inverse = measurements.map { 1 / $0.startTime }
        let plot = LinePlot(title: "Voronoi limit", xAxis: Axis("1 / t*", scale: .logarithmic), yAxis: Axis("fraction", limits: 0...1.05),
                            series: [.init("ends at the point nearest e^t* x", x: inverse, y: measurements.map(\.endsAtNearest)),
                                     .init("one-step <X0> agreement", x: inverse, y: measurements.map(\.oneStepAgreement), dash: .dashed)],
                            referenceLines: [.horizontal(1, label: "1")], marksPoints: true)
        record.figures.append(DataFigure("voronoi_fraction", caption: "Fraction of runs ending at the training point nearest to e^t* x against 1/t* (log axis), with the one-step prediction's agreement: both rise to 1 as t* → 0.", figure: plot))
        record.summary = "For 20 training points uniform in [−1, 1]² the exact reverse process starts at x ~ ρ_t* for six start times t* and runs 100 bridge steps to 0; the fraction of runs ending at the training point nearest to e^t* x, and the fraction whose one-step prediction <X0>(x, t*) names the run's end, are measured with binomial SEs."
        // Largest drop between successive t* in units of the combined binomial SE (negative: a rise).
        let worstDrop = zip(measurements, measurements.dropFirst()).map { coarse, fine in
            let error = (pow(coarse.standardError(coarse.endsAtNearest), 2) + pow(fine.standardError(fine.endsAtNearest), 2)).squareRoot()
            return (coarse.endsAtNearest - fine.endsAtNearest) / max(error, 1e-3)
        }.max()!
        return [.atMost("largest drop of the Voronoi fraction as t* decreases (combined SEs)", worstDrop, 3, settings: settings),
                .atLeast("Voronoi fraction at t* = 1e-5", measurements.last!.endsAtNearest, 0.99, settings: settings),
                .atLeast("one-step <X0> agreement at t* = 1e-5", measurements.last!.oneStepAgreement, 0.99, settings: settings),
                .atMost("Voronoi fraction at t* = 0.5 (far from the limit)", measurements.first!.endsAtNearest, 0.9, settings: settings)]
    }

    static let scoreErrorNovelty = Claim(
        name: "score-error-novelty",
        statement: "On the Swiss roll the exact score memorizes, while the smoothed score (b = 0.05) and early stopping (t_min = 1e-3) generate novel samples (farther than 1e-3 from every training point)."
    ) { settings, record in
        let training = SwissRoll().sample(count: 200, seed: 21)
        let setup = FiniteDataSetup(training: training, seed: settings.seed, threads: settings.threads)
        let count = settings.quick ? 500 : 2000
        let study = ImperfectScoreStudy(setup: setup, count: count, steps: 150, threshold: 1e-3)
        record.parameter("training_points", "200 Swiss-roll points (seed 21)")
        record.parameter("samples", count)
        record.parameter("steps", 150)
        record.parameter("threshold", 1e-3)
        record.parameter("bandwidth", 0.05)
        record.parameter("early_stop_time", 1e-3)
        let rows = try study.table([.exact(training), .smoothed(training, bandwidth: 0.05), .earlyStop(training, timeMinimum: 1e-3)])
        var table = DataTable("scores", title: "Score error against novelty on the Swiss roll, one generation method a row.", columns: [
            .init("method", "the score and where the run stops", tolerance: .exact),
            .init("score_error", "time-integrated score error against the exact score (Monte Carlo)", tolerance: .standardErrors(4, column: "score_error_standard_error")),
            .init("score_error_standard_error", "its Monte Carlo SE", tolerance: .within(relative: 0.2, absolute: 1e-9)),
            .init("novelty_fraction", "fraction of samples farther than 1e-3 from every training point", tolerance: .standardErrors(4, column: "fraction_standard_error")),
            .init("memorized_fraction", "1 − novelty_fraction", tolerance: .standardErrors(4, column: "fraction_standard_error")),
            .init("fraction_standard_error", "binomial SE of either fraction", tolerance: .within(relative: 0.2, absolute: 1e-3)),
            .init("mean_nearest_distance", "mean distance to the nearest training point", tolerance: .within(relative: 0.1, absolute: 1e-6)),
            .init("status", "completed or non-finite", tolerance: .exact),
        ])
        for row in rows {
            table.append(row.name, row.scoreError.integral, row.scoreError.standardError, row.novelty.noveltyFraction, row.novelty.memorizedFraction,
                         row.novelty.fractionStandardError, row.novelty.meanNearestDistance, row.status.name)
        }
        record.tables.append(table)
        record.summary = "From 200 Swiss-roll training points, the bridge update runs 150 steps with the exact finite-data score, with the kernel-smoothed score (bandwidth 0.05) and with the exact score stopped at t_min = 1e-3; for each method the time-integrated score error (with its Monte Carlo SE) is set against the fraction of novel samples (farther than 1e-3 from every training point) and the mean distance to the nearest training point."
        let exact = rows[0].novelty
        var checks: [Check] = [.atMost("exact score: novelty fraction", exact.noveltyFraction, 0.02, settings: settings)]
        for row in rows.dropFirst() {
            let excess = (row.novelty.noveltyFraction - exact.noveltyFraction) / max(row.novelty.fractionStandardError, 1e-3)
            checks.append(.atLeast("\(row.name): novelty above the exact score's, in SEs", excess, 10, settings: settings))
        }
        checks.append(.atLeast("smoothed score: integrated score error", rows[1].scoreError.integral, 10 * rows[1].scoreError.standardError, settings: settings))
        return checks
    }
}

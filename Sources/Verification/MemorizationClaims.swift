import DataFiles
import Datasets
import Figures
import Foundation
import Memorization
import ParticleSampling
import SampleStatistics

/// The claims about finite data: the exact score memorizes, reaches each training point as often as predicted,
/// converges to Voronoi cells, and only imperfect scores generalize (THEORY §5–7).
extension VerificationSuite {
    static let memorization = Claim(
        name: "memorization",
        statement:
            "With the exact score of data {0, 2, 2.5}, the bridge update from N(0, 1) (T = 1, 1000 steps) ends within "
            + "1e-3 of a training point in at least 99.9 % of runs.",
        bounds: [
            "Memorized fraction ≥ 0.999: under the exact law at the last step's start (x ≈ N(e^−h x_i, 1 − e^−2h), "
                + "h = 1e-3) a run misses only if the last step blends x_i with its neighbour at gap Δ = 0.5 by a "
                + "weight above 1e-3/Δ, i.e. Δσz ≥ e^−h Δ²/2 − 2 sinh(h) ln(Δ/1e-3), z ≥ 5.03, probability 2.4e-7 a "
                + "run; the bridge chain's law at h is not exactly that one (the update is exact in law for one Dirac "
                + "point only, not for a mixture), so the bound allows a miss probability up to about 1e-3: "
                + "4 misses in 4000 runs, 10 in 10 000 (the full run has 1)."
        ],
        controls: [.scaledScore(1.1), .shiftedParticles(2e-3)]
    ) { settings, record in
        let setup = finiteDataSetup(PointSet(points: [0, 2, 2.5], dimension: 1), settings: settings)
        let count = settings.quick ? 4000 : 10_000
        let study = MemorizationStudy(setup: setup, count: count, threshold: 1e-3)
        // The headline run (bridge, 1000 uniform steps) first; the rest of the sweep is recorded for the figure.
        let stepSweep = [10, 100, 1000]
        let finalSteps = [1e-2, 1e-4]
        let plan: [(ParticleIntegrator, Int, Double?)] =
            stepSweep.reversed().flatMap { steps in [(.ddpm, steps, nil), (.eulerMaruyama, steps, nil)] }
            + finalSteps.flatMap { final in
                [(ParticleIntegrator.ddpm, 1000, Optional(final)), (.eulerMaruyama, 1000, final)]
            }
        record.parameter("training_points", "0, 2, 2.5")
        record.parameter("final_time", 1.0)
        record.parameter("particles", count)
        record.parameter("threshold", 1e-3)
        record.parameter("step_counts", list: stepSweep)
        record.parameter("final_step_sizes_at_1000_steps", list: finalSteps)
        var table = DataTable(
            "sweep",
            title:
                "Memorized fraction of the exact-score reverse runs, one (integrator, step count, final step) a row.",
            columns: [
                .init("integrator", "ddpm (the bridge update) or euler-maruyama", tolerance: .exact),
                .init("step_count", "K, reverse steps from T to 0", tolerance: .exact),
                .init("final_step_size", "h_last, the width of the step ending at t = 0", tolerance: .roundOff(1e-15)),
                .init(
                    "memorized_fraction", "fraction of runs ending within 1e-3 of a training point",
                    tolerance: .standardErrors(4, column: "standard_error")),
                .init(
                    "standard_error", "binomial SE of the fraction", tolerance: .within(relative: 0.1, absolute: 1e-4)),
                .init(
                    "rms_distance", "root mean square distance to the nearest training point",
                    tolerance: .within(relative: 0.1, absolute: 1e-6)),
                .init(
                    "predicted_spread", "Euler–Maruyama's end spread (2 h_last d)^½ (0 for the bridge)",
                    tolerance: .roundOff(1e-15)),
                .init(
                    "stability_ratio", "max over steps of h / (2 tanh t); above 1 Euler–Maruyama amplifies",
                    tolerance: .roundOff(1e-15)),
                .init("status", "completed or non-finite", tolerance: .exact),
            ])
        var measurements: [MemorizationMeasurement] = []
        for (integrator, steps, finalStepSize) in plan {
            let measured = try study.measure(integrator: integrator, steps: steps, finalStepSize: finalStepSize)
            measurements.append(measured)
            table.append(
                integrator.rawValue, steps, measured.finalStepSize, measured.memorizedFraction,
                measured.novelty.fractionStandardError,
                measured.rootMeanSquareDistance, measured.predictedSpread, measured.stabilityRatio, measured.status.name
            )
        }
        record.tables.append(table)
        var plot = LinePlot(
            title: "Memorization against the final step", xAxis: Axis("final step size h_last", scale: .logarithmic),
            yAxis: Axis("memorized fraction", limits: 0...1.05), marksPoints: true)
        for (integrator, name) in [(ParticleIntegrator.ddpm, "bridge (DDPM)"), (.eulerMaruyama, "Euler–Maruyama")] {
            let rows = measurements.filter { $0.integrator == integrator }.sorted {
                $0.finalStepSize < $1.finalStepSize
            }
            plot.series.append(.init(name, x: rows.map(\.finalStepSize), y: rows.map(\.memorizedFraction)))
        }
        record.figures.append(
            DataFigure(
                "memorized_fraction",
                caption:
                    "Fraction of runs ending within 1e-3 of a training point against the last step's width: "
                    + "the bridge update memorizes fully once h_last is small enough for its last step to return a "
                    + "single training point (weights e^(−gap²/(4 h_last))), while Euler–Maruyama stays near 0 "
                    + "because its last step adds noise of size (2 h_last)^½, far above 1e-3.",
                figure: plot))
        record.summary =
            "The exact finite-data score of {0, 2, 2.5} drives reverse runs from N(0, 1) at T = 1 to t = 0, "
            + "with the bridge (DDPM) update and with Euler–Maruyama, on uniform grids of 10, 100 and 1000 steps "
            + "and on 1000-step grids whose last step is 1e-2 or 1e-4 wide; each end is memorized when within 1e-3 "
            + "of a training point. The claim's check is the bridge run on 1000 uniform steps."
        return [
            .atLeast(
                "fraction within 1e-3 of a training point", measurements[0].memorizedFraction, 0.999, settings: settings
            )
        ]
    }

    static let endpointFrequencies = Claim(
        name: "endpoint-frequencies",
        statement:
            "With the exact score of data {0, 2, 2.5}, reverse diffusion from μ ends at training point i with "
            + "frequency E_μ[λ_i(Y, T)] (χ² test; uniform 1/N for μ = ρ_T), at 1000 bridge steps and at 4000 "
            + "(independent runs); the χ² homogeneity test of the 1000- and 4000-step counts finds no difference "
            + "at the 1 % level, where a discretization bias of the 1000-step runs would show.",
        bounds: [
            "<X0> within 1e-12 relative of the softmax written out in the claim: both are log-sum-exp over three "
                + "points, a few ε apart (the weights' exponents are at most 30 in size at t = 0.01, "
                + "where exp loses nothing after the shift by the largest).",
            "|frequency − E_μ λ_i| / SE ≤ 4: SE² = p(1 − p)/M + SE(p)² is the binomial SE (the prediction is "
                + "quadrature, SE(p) = 0); |Z| > 4 has probability 6.3e-5 under the theory, below 1e-3 over the 12 "
                + "values.",
            "χ² p-value ≥ 0.01: Pearson's test of the assigned counts against p_i times their total "
                + "(2 degrees of freedom) falsely fails with probability 1 % per run.",
            "Step refinement: the 1000-step and 4000-step counts of one start law are compared by the χ² homogeneity "
                + "test of the 2 × 3 table (2 degrees of freedom), p ≥ 0.01; a discretization bias of the 1000-step "
                + "runs that the 4000-step runs lack would show here, chance alone fails it 1 % of the time.",
            "|E_ρT λ_i − 1/N| ≤ 1e-8: E_ρT λ_i = 1/N exactly (ρ_T λ_i is the i-th component of the mixture); "
                + "the midpoint rule on 20 001 nodes over ±12 s of these analytic integrands errs far below 1e-8 (the "
                + "tails beyond 12 s weigh below 1e-32).",
        ],
        controls: [.shiftedParticles(2e-3), .scaledScore(1.1), .diffusionScale(1.2, grid: false)]
    ) { settings, record in
        let data = PointSet(points: [0, 2, 2.5], dimension: 1)
        let count = settings.quick ? 3000 : 12_000
        record.parameter("training_points", "0, 2, 2.5")
        record.parameter("final_time", 1.0)
        record.parameter("runs", count)
        record.parameter("steps", 1000)
        record.parameter("threshold", 1e-3)
        record.parameter("start_laws", list: StartLaw.allCases.map(\.rawValue))
        var points = DataTable(
            "frequencies",
            title:
                "How often the runs end at each training point against the prediction E_μ λ_i, "
                + "one (start law, training point) a row.",
            columns: [
                .init("start_law", "μ: gaussian N(0, 1) or rho-t (ρ_T)", tolerance: .exact),
                .init("training_point", "x_i", tolerance: .exact),
                .init("count", "runs ending within 1e-3 of x_i (compared through frequency)", tolerance: .ignored),
                .init("frequency", "count / runs", tolerance: .standardErrors(4, column: "standard_error")),
                .init("predicted", "E_μ λ_i(Y, T) by quadrature (1-D) or Monte Carlo", tolerance: .roundOff(1e-12)),
                .init(
                    "prediction_standard_error", "Monte Carlo SE of the prediction (0 for quadrature)",
                    tolerance: .roundOff(1e-12)),
                .init("standard_error", "(p (1 − p) / runs + SE(p)²)^½", tolerance: .roundOff(1e-12)),
                .init(
                    "standard_score", "(frequency − predicted) / standard_error",
                    tolerance: .within(relative: 0, absolute: 8)),
            ])
        var tests = DataTable(
            "chi_square", title: "Pearson's χ² test of the endpoint counts, one start law a row.",
            columns: [
                .init("start_law", "μ", tolerance: .exact),
                .init("runs", "reverse runs", tolerance: .exact),
                .init(
                    "unassigned", "runs ending farther than 1e-3 from every training point",
                    tolerance: .within(relative: 0, absolute: 5)),
                .init("statistic", "χ²", tolerance: .within(relative: 0.1, absolute: 0.5)),
                .init("degrees_of_freedom", "bins (pooled) − 1", tolerance: .exact),
                .init("p_value", "χ² p-value", tolerance: .within(relative: 0, absolute: 0.05)),
                .init(
                    "largest_standard_score", "largest |frequency − predicted| / SE",
                    tolerance: .within(relative: 0, absolute: 8)),
            ])
        var refinement = DataTable(
            "refinement",
            title: "The step refinement: 1000 against 4000 bridge steps (independent runs), one start law a row.",
            columns: [
                .init("start_law", "μ", tolerance: .exact),
                .init(
                    "largest_standard_score_1000", "largest |frequency − predicted| / SE, 1000 steps",
                    tolerance: .within(relative: 0, absolute: 8)),
                .init(
                    "largest_standard_score_4000", "the same, 4000 steps",
                    tolerance: .within(relative: 0, absolute: 8)),
                .init(
                    "p_value_1000", "χ² p-value against the prediction, 1000 steps",
                    tolerance: .within(relative: 0, absolute: 0.05)),
                .init(
                    "p_value_4000", "χ² p-value against the prediction, 4000 steps",
                    tolerance: .within(relative: 0, absolute: 0.05)),
                .init(
                    "homogeneity_statistic", "χ² of the 2 × 3 table (1000-step counts, 4000-step counts)",
                    tolerance: .within(relative: 0.1, absolute: 0.5)),
                .init(
                    "homogeneity_p_value", "its p-value (2 degrees of freedom)",
                    tolerance: .within(relative: 0, absolute: 0.05)),
            ])
        record.parameter("refined_steps", 4000)
        var checks: [Check] = []
        for law in StartLaw.allCases {
            let setup = finiteDataSetup(data, startLaw: law, settings: settings)
            let frequencies = try EndpointFrequencyStudy(setup: setup, count: count, steps: 1000, threshold: 1e-3).run()
            let refined = try EndpointFrequencyStudy(
                setup: setup, count: count, steps: 4000, threshold: 1e-3, seedOffset: 7
            ).run()
            let homogeneity = EndpointFrequencyStudy.homogeneityTest(frequencies.counts, refined.counts)
            refinement.append(
                law.rawValue, frequencies.largestStandardizedDeviation, refined.largestStandardizedDeviation,
                frequencies.chiSquare.pValue, refined.chiSquare.pValue, homogeneity?.statistic ?? .nan,
                homogeneity?.pValue ?? .nan)
            for index in data.points.indices {
                let (probability, predictionError) = (
                    frequencies.prediction.probabilities[index], frequencies.prediction.standardErrors[index]
                )
                let standardError =
                    (probability * (1 - probability) / Double(frequencies.runCount) + predictionError * predictionError)
                    .squareRoot()
                points.append(
                    law.rawValue, data.points[index], frequencies.counts[index], frequencies.frequencies[index],
                    probability, predictionError,
                    standardError,
                    standardError > 0 ? (frequencies.frequencies[index] - probability) / standardError : 0.0)
            }
            tests.append(
                law.rawValue, frequencies.runCount, frequencies.unassigned, frequencies.chiSquare.statistic,
                frequencies.chiSquare.degreesOfFreedom,
                frequencies.chiSquare.pValue, frequencies.largestStandardizedDeviation)
            checks.append(
                .atMost(
                    "largest |frequency − E_μ λ_i| / SE, μ = \(law.rawValue)", frequencies.largestStandardizedDeviation,
                    4, settings: settings))
            checks.append(
                .atLeast(
                    "χ² p-value, μ = \(law.rawValue)", testedPValue(frequencies.chiSquare), 0.01, settings: settings))
            checks.append(
                .atMost(
                    "largest |frequency − E_μ λ_i| / SE, 4000 steps, μ = \(law.rawValue)",
                    refined.largestStandardizedDeviation, 4,
                    settings: settings))
            checks.append(
                .atLeast(
                    "χ² p-value, 4000 steps, μ = \(law.rawValue)", testedPValue(refined.chiSquare), 0.01,
                    settings: settings))
            checks.append(
                .atLeast(
                    "χ² homogeneity p-value, 1000 against 4000 steps, μ = \(law.rawValue)",
                    homogeneity.map(testedPValue) ?? .nan, 0.01,
                    settings: settings))
            if law == .rhoT {
                let spread = frequencies.prediction.probabilities.map { abs($0 - 1.0 / 3) }.max()!
                checks.append(.atMost("largest |E_ρT λ_i − 1/N| (quadrature)", spread, 1e-8, settings: settings))
            }
        }
        // The posterior mean the runs use, against THEORY §7's softmax written out here:
        // <X0>(x, t) = Σ λ_i x_i, λ = softmax((x x_i − e^(−t) x_i²/2) / (2 sinh t)), by log-sum-exp.
        let runScore = settings.subjects.score(finiteDataSetup(data, settings: settings).samplerExactScore)
        var softmaxGap = 0.0
        for time in [1.0, 0.3, 0.1, 0.01] {
            for x in stride(from: -3.0, through: 4.0, by: 0.25) {
                let exponents = data.points.map { (x * $0 - exp(-time) * $0 * $0 / 2) / (2 * sinh(time)) }
                let top = exponents.max()!
                let weights = exponents.map { exp($0 - top) }
                let mean = zip(weights, data.points).reduce(0) { $0 + $1.0 * $1.1 } / weights.reduce(0, +)
                let gap = abs(runScore.posteriorMean(at: [x], time: time)[0] - mean) / max(abs(mean), 1)
                softmaxGap = worseOf(softmaxGap, gap)
            }
        }
        record.parameter("posterior_mean_gap_to_softmax", softmaxGap)
        checks.append(
            .atMost(
                "largest relative gap of the runs' <X0>(x, t) to the softmax of THEORY §7 (29 x × 4 t)", softmaxGap,
                1e-12,
                settings: settings))
        record.tables += [points, tests, refinement]
        record.summary =
            "For each start law μ (N(0, 1) and ρ_T) the bridge update with the exact score of {0, 2, 2.5} runs 1000 "
            + "steps from T = 1 to 0; each end within 1e-3 of a training point is counted there, "
            + "and the frequencies are compared with the prediction E_μ λ_i(Y, T) point by point "
            + "(binomial plus prediction SE) and by Pearson's χ² test. An independent set of runs with 4000 steps "
            + "repeats the comparison, and the χ² homogeneity test of the two count vectors separates a "
            + "discretization bias (which the refinement would change) from chance. The tables record only the "
            + "1000-step runs point by point."
        return checks
    }

    static let voronoiLimit = Claim(
        name: "voronoi-limit",
        statement:
            "Started at x ~ ρ_t*, exact reverse diffusion ends at the training point v(x) nearest to e^t* x with the "
            + "frequency E λ_v(x)(x, t*) of the softmax weights (written out in the claim), which rises to 1 as "
            + "t* → 0, and the one-step prediction <X0>(x, t*) names the end as often as E λ_w(x) predicts, "
            + "w(x) the point nearest to <X0> (20 points in [−1, 1]²).",
        bounds: [
            "|fraction − E λ_v| / SE ≤ 4 at each t*: given the start x the run ends at v(x) with probability "
                + "λ_v(x, t*) (THEORY §7), so the count is a sum of independent Bernoulli(λ_v(x_k)) with "
                + "variance Σ λ(1 − λ); |Z| > 4 has probability 6.3e-5, below 1e-3 over the 7 comparisons (a zero "
                + "variance demands equality).",
            "Drop between successive t* ≤ 3 pooled SEs: the two-proportion z with the pooled binomial SE "
                + "((2 p̄(1 − p̄)/M)^½; equal counts give 0), one-sided, false alarm 1.35e-3 per pair; "
                + "the runs share start streams, which correlates them positively and makes the independent-sample SE "
                + "conservative.",
            "Rise from t* = 0.5 to t* = 1e-5 ≥ 3 pooled SEs: the same z, one-sided at 1.35e-3: the statement's 'rises "
                + "to 1' as a significant rise.",
        ],
        controls: [.shiftedParticles(0.5), .scaledScore(0.8)]
    ) { settings, record in
        let points = SyntheticDataset.uniformSquare(halfWidth: 1).generate(count: 20, seed: 12)
        let count = settings.quick ? 1000 : 4000
        let startTimes = [0.5, 0.1, 0.01, 1e-3, 1e-4, 1e-5]
        let setup = finiteDataSetup(points, settings: settings)
        let study = VoronoiStudy(setup: setup, count: count, steps: 100)
        record.parameter("training_points", "20 uniform in [−1, 1]² (seed 12)")
        record.parameter("runs", count)
        record.parameter("steps", 100)
        record.parameter("start_times", list: startTimes)
        let measurements = try startTimes.map { try study.measure(startTime: $0) }
        var table = DataTable(
            "fractions", title: "Voronoi fractions of the exact reverse runs started at ρ_t*, one start time a row.",
            columns: [
                .init("start_time", "t*", tolerance: .exact),
                .init("inverse_start_time", "1 / t*", tolerance: .exact),
                .init("runs", "reverse runs", tolerance: .exact),
                .init(
                    "voronoi_fraction", "fraction of runs ending at the training point nearest to e^t* x",
                    tolerance: .standardErrors(4, column: "voronoi_standard_error")),
                .init(
                    "voronoi_standard_error", "binomial SE of that fraction",
                    tolerance: .within(relative: 0.2, absolute: 1e-3)),
                .init(
                    "one_step_agreement", "fraction whose one-step prediction <X0>(x, t*) is nearest to the run's end",
                    tolerance: .standardErrors(4, column: "one_step_standard_error")),
                .init(
                    "one_step_standard_error", "binomial SE of that fraction",
                    tolerance: .within(relative: 0.2, absolute: 1e-3)),
                .init(
                    "one_step_at_nearest", "fraction whose one-step prediction is nearest to the same point as e^t* x",
                    tolerance: .within(relative: 0, absolute: 0.05)),
                .init(
                    "predicted_voronoi_fraction",
                    "E λ_v(x)(x, t*) over the same starts (softmax written out in the claim)",
                    tolerance: .roundOff(1e-12)),
                .init("predicted_standard_error", "(Σ λ_v (1 − λ_v))^½ / M", tolerance: .roundOff(1e-12)),
                .init(
                    "voronoi_standard_score", "(voronoi_fraction − predicted) / predicted SE",
                    tolerance: .within(relative: 0, absolute: 8)),
                .init(
                    "predicted_one_step_agreement", "E λ_w(x)(x, t*), w the point nearest to <X0>",
                    tolerance: .roundOff(1e-12)),
                .init(
                    "one_step_standard_score", "(one_step_agreement − predicted) / its SE",
                    tolerance: .within(relative: 0, absolute: 8)),
            ])
        let predictions = startTimes.map { time in
            voronoiPrediction(
                training: points,
                starts: setup.drawsFromForwardLaw(at: time, count: count, stream: FiniteDataSetup.startStream &+ 100),
                time: time)
        }
        for (measured, predicted) in zip(measurements, predictions) {
            table.append(
                measured.startTime, 1 / measured.startTime, measured.runCount, measured.endsAtNearest,
                measured.standardError(measured.endsAtNearest),
                measured.oneStepAgreement, measured.standardError(measured.oneStepAgreement), measured.oneStepAtNearest,
                predicted.voronoi.mean, predicted.voronoi.standardError,
                standardScore(measured.endsAtNearest, predicted.voronoi),
                predicted.oneStep.mean, standardScore(measured.oneStepAgreement, predicted.oneStep))
        }
        record.tables.append(table)
        let inverse = measurements.map { 1 / $0.startTime }
        let plot = LinePlot(
            title: "Voronoi limit", xAxis: Axis("1 / t*", scale: .logarithmic),
            yAxis: Axis("fraction", limits: 0...1.05),
            series: [
                .init("ends at the point nearest e^t* x", x: inverse, y: measurements.map(\.endsAtNearest)),
                .init("one-step <X0> agreement", x: inverse, y: measurements.map(\.oneStepAgreement), dash: .dashed),
            ],
            referenceLines: [.horizontal(1, label: "1")], marksPoints: true)
        record.figures.append(
            DataFigure(
                "voronoi_fraction",
                caption:
                    "Fraction of runs ending at the training point nearest to e^t* x against 1/t* (log axis), "
                    + "with the one-step prediction's agreement: both rise to 1 as t* → 0.",
                figure: plot))
        record.summary =
            "For 20 training points uniform in [−1, 1]² the exact reverse process starts at x ~ ρ_t* for six start "
            + "times t* and runs 100 bridge steps to 0; the fraction of runs ending at the training point nearest "
            + "to e^t* x, and the fraction whose one-step prediction <X0>(x, t*) names the run's end, "
            + "are measured with binomial SEs."
        // Largest drop between successive t* in units of the pooled binomial SE (negative: a rise).
        let worstDrop = zip(measurements, measurements.dropFirst()).map { coarse, fine in
            pooledDifferenceScore(coarse.endsAtNearest, fine.endsAtNearest, count: count)
        }.reduce(-Double.infinity) { $0.isNaN || $1.isNaN ? .nan : max($0, $1) }
        var checks: [Check] = zip(measurements, predictions).map { measured, predicted in
            .atMost(
                "|Voronoi fraction − E λ_v| / SE at t* = \(Check.format(measured.startTime))",
                abs(standardScore(measured.endsAtNearest, predicted.voronoi)), 4, settings: settings)
        }
        checks.append(
            .atMost(
                "|one-step agreement − E λ_w| / SE at t* = 1e-5",
                abs(standardScore(measurements.last!.oneStepAgreement, predictions.last!.oneStep)),
                4, settings: settings))
        checks.append(
            .atMost(
                "largest drop of the Voronoi fraction as t* decreases (pooled SEs)", worstDrop, 3, settings: settings))
        checks.append(
            .atLeast(
                "rise of the Voronoi fraction from t* = 0.5 to 1e-5 (pooled SEs)",
                pooledDifferenceScore(
                    measurements.last!.endsAtNearest, measurements.first!.endsAtNearest, count: count), 3,
                settings: settings))
        return checks
    }

    static let scoreErrorNovelty = Claim(
        name: "score-error-novelty",
        statement:
            "On the Swiss roll (200 training points) the exact score memorizes (no sample farther than δ, "
            + "a quarter of the median nearest-neighbour spacing, from every training point), while the smoothed "
            + "score (b = 0.05) and early stopping (t_min = 1e-3) generate novel samples, significantly more than "
            + "the exact score, that lie on average within the distance to the roll their own noise allows (b "
            + "(π/2)^½, resp. (1 − e^−t) max|x_i| + σ_t (π/2)^½, over the novel fraction).",
        bounds: [
            "δ = ¼ of the median nearest-neighbour distance of the training points: a sample within δ of x_i is a copy "
                + "at the data's resolution; it is far above the exact score's end spread (the last bridge step leaves "
                + "t_last = 1e-9, noise (2 t_last)^½ = 4.5e-5, and one-hot weights: neighbours are ≥ 150 such widths "
                + "apart), and below the noise of the imperfect methods (b = 0.05, σ_t = 0.045).",
            "Exact score: novel count ≤ 0: blending at the last steps needs a run within (2 sinh t)·O(1)/gap of a "
                + "Voronoi face at t ≤ 1e-4, i.e. a Gaussian deviation of gap/(2σ_t) ≥ 25 standard deviations; "
                + "the predicted novelty is 0 to double precision.",
            "Novelty of a method: its one-sided 99.9 % Wilson lower limit minus the exact score's 99.9 % Wilson upper "
                + "limit ≥ 0 (z = Φ⁻¹(0.999) = 3.090, no floor on any SE): a significant excess at 1e-3 each side.",
            "Quality: for the smoothed score the end law is the kernel density (1/N) Σ N(x_i, b² I), "
                + "and dist(y, roll) ≤ |y − x_i| = b|z| with E|z| = (π/2)^½ in 2-D; for early stopping y = e^−t "
                + "x_i + σ_t z, dist ≤ (1 − e^−t)|x_i| + σ_t|z|. Restricting the mean to the novel samples "
                + "(fraction f) can raise it at most by 1/f, so the bound is that mean over f, plus 4 SEs of the novel "
                + "samples' mean distance (one-sided 3e-5).",
            "Integrated score error of the smoothed score ≥ 4 Monte Carlo SEs: it is positive by construction "
                + "(a different score), and 4 SEs make the Monte Carlo estimate significantly nonzero "
                + "(one-sided 3e-5).",
        ],
        controls: [.scaledScore(0.5), .shiftedParticles(0.01)]
    ) { settings, record in
        let training = SwissRoll().sample(count: 200, seed: 21)
        let setup = finiteDataSetup(training, settings: settings)
        let count = settings.quick ? 500 : 2000
        let spacing = medianNearestNeighbourDistance(training)
        let threshold = spacing / 4
        let study = ImperfectScoreStudy(setup: setup, count: count, steps: 150, threshold: threshold)
        let (bandwidth, stopTime) = (0.05, 1e-3)
        record.parameter("training_points", "200 Swiss-roll points (seed 21)")
        record.parameter("samples", count)
        record.parameter("steps", 150)
        record.parameter("median_nearest_neighbour_distance", spacing)
        record.parameter("threshold", threshold)
        record.parameter("bandwidth", bandwidth)
        record.parameter("early_stop_time", stopTime)
        let methods: [GenerationMethod] = [
            .exact(training), .smoothed(training, bandwidth: bandwidth), .earlyStop(training, timeMinimum: stopTime),
        ]
        let largestNorm = (0..<training.count).map { (index: Int) -> Double in
            let (x, y) = (training.points[2 * index], training.points[2 * index + 1])
            return (x * x + y * y).squareRoot()
        }.max()!
        let noiseAtStop = (1 - exp(-2 * stopTime)).squareRoot()
        // The mean distance to the roll each method's own noise allows (all samples; see the bounds).
        let allowedDistances = [
            0, bandwidth * (Double.pi / 2).squareRoot(),
            (1 - exp(-stopTime)) * largestNorm + noiseAtStop * (Double.pi / 2).squareRoot(),
        ]
        let search = NearestNeighbourSearch(reference: training)
        var rows: [GenerationMetrics] = []
        var novelDistances: [(mean: Double, standardError: Double, count: Int)] = []
        for method in methods {
            let run = try study.samples(method)
            rows.append(study.metrics(method, samples: run))
            let samples = PointSet(
                points: run.positions.map { $0.isFinite ? $0 : .greatestFiniteMagnitude }, dimension: 2)
            let nearest = search.nearestDistances(of: samples, threads: settings.threads)
            let distances = nearest.indices.filter { !(nearest[$0] <= threshold) }.map { index in
                SwissRoll.distanceToCurve(x: samples.points[2 * index], y: samples.points[2 * index + 1])
            }
            novelDistances.append(meanAndError(distances))
        }
        var table = DataTable(
            "scores",
            title:
                "Score error against novelty and distance to the roll on the Swiss roll, one generation method a row.",
            columns: [
                .init("method", "the score and where the run stops", tolerance: .exact),
                .init(
                    "score_error", "time-integrated score error against the exact score (Monte Carlo)",
                    tolerance: .standardErrors(4, column: "score_error_standard_error")),
                .init(
                    "score_error_standard_error", "its Monte Carlo SE",
                    tolerance: .within(relative: 0.2, absolute: 1e-9)),
                .init(
                    "novelty_fraction", "fraction of samples farther than δ from every training point",
                    tolerance: .standardErrors(4, column: "fraction_standard_error")),
                .init(
                    "memorized_fraction", "1 − novelty_fraction",
                    tolerance: .standardErrors(4, column: "fraction_standard_error")),
                .init(
                    "fraction_standard_error", "binomial SE of either fraction",
                    tolerance: .within(relative: 0.2, absolute: 1e-3)),
                .init(
                    "novelty_wilson_lower", "one-sided 99.9 % Wilson lower limit of the novelty fraction",
                    tolerance: .within(relative: 0, absolute: 0.05)),
                .init(
                    "novelty_wilson_upper", "one-sided 99.9 % Wilson upper limit of the novelty fraction",
                    tolerance: .within(relative: 0, absolute: 0.05)),
                .init(
                    "mean_nearest_distance", "mean distance to the nearest training point",
                    tolerance: .within(relative: 0.1, absolute: 1e-6)),
                .init(
                    "novel_roll_distance", "mean distance of the novel samples to the noise-free roll (NaN: none)",
                    tolerance: .within(relative: 0.2, absolute: 1e-3)),
                .init(
                    "novel_roll_distance_standard_error", "SE of that mean",
                    tolerance: .within(relative: 0.5, absolute: 1e-3)),
                .init(
                    "allowed_roll_distance",
                    "the mean distance the method's noise allows, over the novel fraction (see bounds)",
                    tolerance: .within(relative: 0.05, absolute: 1e-3)),
                .init("status", "completed or non-finite", tolerance: .exact),
            ])
        let intervals = rows.map {
            WilsonInterval(
                fraction: $0.novelty.noveltyFraction, trials: count, normalQuantile: WilsonInterval.oneSided999)
        }
        let allowed = rows.indices.map { allowedDistances[$0] / rows[$0].novelty.noveltyFraction }
        for (index, row) in rows.enumerated() {
            table.append(
                row.name, row.scoreError.integral, row.scoreError.standardError, row.novelty.noveltyFraction,
                row.novelty.memorizedFraction,
                row.novelty.fractionStandardError, intervals[index].lower, intervals[index].upper,
                row.novelty.meanNearestDistance,
                novelDistances[index].mean, novelDistances[index].standardError, allowed[index], row.status.name)
        }
        record.tables.append(table)
        record.summary =
            "From 200 Swiss-roll training points, the bridge update runs 150 steps with the exact finite-data score, "
            + "with the kernel-smoothed score (bandwidth 0.05) and with the exact score stopped at t_min = 1e-3; "
            + "a sample is novel when farther than δ (a quarter of the training points' median nearest-neighbour "
            + "distance) from every training point. For each method the time-integrated score error "
            + "(with its Monte Carlo SE) is set against the novelty fraction with its Wilson limits, "
            + "and the novel samples' mean distance to the noise-free roll against the distance the method's own "
            + "noise allows: novelty that is only noise would exceed it."
        let exact = rows[0].novelty
        var checks: [Check] = [
            .atMost("exact score: novel samples (count)", exact.noveltyFraction * Double(count), 0, settings: settings)
        ]
        for index in 1..<rows.count {
            checks.append(
                .atLeast(
                    "\(rows[index].name): novelty 99.9 % lower limit − exact's 99.9 % upper limit",
                    intervals[index].lower - intervals[0].upper, 0, settings: settings))
            checks.append(
                .atMost(
                    "\(rows[index].name): mean distance of the novel samples to the roll",
                    novelDistances[index].mean, allowed[index] + 4 * novelDistances[index].standardError,
                    settings: settings))
        }
        checks.append(
            .atLeast(
                "smoothed score: integrated score error / its SE",
                rows[1].scoreError.integral / rows[1].scoreError.standardError, 4,
                settings: settings))
        return checks
    }

    /// The setup of a finite-data claim with the components under test taken from `settings.subjects`.
    static func finiteDataSetup(_ training: PointSet, startLaw: StartLaw = .gaussian, settings: VerificationSettings)
        -> FiniteDataSetup
    {
        let subjects = settings.subjects
        return FiniteDataSetup(
            training: training, horizon: 1, startLaw: startLaw, seed: settings.seed, threads: settings.threads,
            samplerProcess: subjects.particleProcess, scoreTransform: subjects.score, endTransform: subjects.particles)
    }

    /// A χ² test's p-value, NaN when no degree of freedom is left (nothing was tested: the check must fail).
    static func testedPValue(_ test: ChiSquareTest) -> Double { test.degreesOfFreedom > 0 ? test.pValue : .nan }

    /// (measured − predicted mean) / predicted SE; 0 when both agree exactly, ∞ when the SE is 0 and they differ.
    static func standardScore(_ measured: Double, _ predicted: (mean: Double, standardError: Double)) -> Double {
        if measured == predicted.mean { return 0 }
        return predicted.standardError > 0 ? (measured - predicted.mean) / predicted.standardError : .infinity
    }

    /// The two-proportion z of first − second over `count` runs each, with the pooled SE (2 p̄ (1 − p̄) / count)^½;
    /// 0 for equal fractions (the pooled SE is then 0 only when both are 0 or 1).
    static func pooledDifferenceScore(_ first: Double, _ second: Double, count: Int) -> Double {
        if first == second { return 0 }
        let pooled = (first + second) / 2
        return (first - second) / (2 * pooled * (1 - pooled) / Double(count)).squareRoot()
    }

    /// The Voronoi oracle, independent of the library's finite-data score: for each start x (flat, 2-D) the weights
    /// λ_i(x, t) = softmax_i((<x, x_i> − e^−t |x_i|²/2) / (2 sinh t)) by log-sum-exp, v = argmin |e^t x − x_i| and
    /// w = argmin |Σ λ_j x_j − x_i| by brute force; the means of λ_v and λ_w with SEs (Σ λ(1 − λ))^½ / M.
    static func voronoiPrediction(training: PointSet, starts: [Double], time: Double)
        -> (voronoi: (mean: Double, standardError: Double), oneStep: (mean: Double, standardError: Double))
    {
        let dimension = training.dimension
        let trainingCount = training.count
        let count = starts.count / dimension
        func nearest(_ point: [Double]) -> Int {
            (0..<trainingCount).min { first, second in
                let a = (0..<dimension).reduce(0.0) { $0 + pow(point[$1] - training.points[first * dimension + $1], 2) }
                let b = (0..<dimension).reduce(0.0) {
                    $0 + pow(point[$1] - training.points[second * dimension + $1], 2)
                }
                return a < b
            }!
        }
        var (voronoiSum, voronoiVariance, oneStepSum, oneStepVariance) = (0.0, 0.0, 0.0, 0.0)
        for index in 0..<count {
            let x = Array(starts[(index * dimension)..<((index + 1) * dimension)])
            let logits = (0..<trainingCount).map { point -> Double in
                let xi = training.points[(point * dimension)..<((point + 1) * dimension)]
                let inner = zip(x, xi).reduce(0) { $0 + $1.0 * $1.1 }
                let square = xi.reduce(0) { $0 + $1 * $1 }
                return (inner - exp(-time) * square / 2) / (2 * sinh(time))
            }
            let largest = logits.max()!
            let exponentials = logits.map { exp($0 - largest) }
            let total = exponentials.reduce(0, +)
            let weights = exponentials.map { $0 / total }
            let mean = (0..<dimension).map { axis in
                (0..<trainingCount).reduce(0.0) { $0 + weights[$1] * training.points[$1 * dimension + axis] }
            }
            let voronoi = weights[nearest(x.map { exp(time) * $0 })]
            let oneStep = weights[nearest(mean)]
            voronoiSum += voronoi
            voronoiVariance += voronoi * (1 - voronoi)
            oneStepSum += oneStep
            oneStepVariance += oneStep * (1 - oneStep)
        }
        let total = Double(count)
        return (
            (voronoiSum / total, voronoiVariance.squareRoot() / total),
            (oneStepSum / total, oneStepVariance.squareRoot() / total)
        )
    }

    /// The median over the points of the distance to the nearest other point (brute force, O(N² d)).
    static func medianNearestNeighbourDistance(_ points: PointSet) -> Double {
        let dimension = points.dimension
        let distances = (0..<points.count).map { first in
            (0..<points.count).filter { $0 != first }.map { second in
                (0..<dimension).reduce(0.0) {
                    $0 + pow(points.points[first * dimension + $1] - points.points[second * dimension + $1], 2)
                }.squareRoot()
            }.min()!
        }.sorted()
        let middle = distances.count / 2
        return distances.count % 2 == 1 ? distances[middle] : (distances[middle - 1] + distances[middle]) / 2
    }

    /// Mean and SE (sample standard deviation / √n) of a list; NaN for an empty list, SE NaN for one value.
    static func meanAndError(_ values: [Double]) -> (mean: Double, standardError: Double, count: Int) {
        guard !values.isEmpty else { return (.nan, .nan, 0) }
        let count = Double(values.count)
        let mean = values.reduce(0, +) / count
        guard values.count > 1 else { return (mean, .nan, 1) }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (count - 1)
        return (mean, (variance / count).squareRoot(), values.count)
    }
}

import CrossChecks
import DataFiles
import DensitySolvers
import DiffusionModels
import Figures
import Foundation
import GridFields
import ParticleSampling
import RandomStreams
import SampleStatistics
import Scores

/// The particle core's claims: the exact OU step, the Euler–Maruyama weak order, the Dirac bridge and the
/// reverse dynamics reproducing the mixture.
extension VerificationSuite {
    static let exactOrnsteinUhlenbeckStep = Claim(
        name: "sampler-exact-ou",
        statement:
            "Exact OU particles have mean e^(−t)x0, variance 1 − e^(−2t) and E He_n(X_t) = e^(−nt) He_n(x0) (n ≤ 4), "
            + "within 4 SE.",
        bounds: [
            "|z| ≤ 4 for each of the 4 Hermite means: by the central limit theorem each z is N(0, 1) (400 000 draws; "
                + "He_4 has finite variance), P(|z| > 4) = 6.3e-5, so the family of four fails by chance with "
                + "probability below 2.6e-4. The targets e^(−nt) He_n(x0) are the OU eigenfunction identity written in "
                + "the claim."
        ],
        controls: [.diffusionScale(1.03), .driftRate(1.03), .shiftedParticles(0.02)]
    ) { settings, record in
        let (start, time) = (1.3, 0.7)
        let count = settings.quick ? 100_000 : 400_000
        record.parameter("start", start)
        record.parameter("time", time)
        record.parameter("particles", count)
        let sampler = ParticleSampler(
            dynamics: .forward(settings.subjects.particleProcess(ornsteinUhlenbeck)), integrator: .exact,
            timeGrid: .uniform(from: 0, to: time, steps: 3), seed: settings.seed, threads: settings.threads)
        let samples = settings.subjects.particles(try sampler.run(initial: .dirac([start]), count: count).positions)
        var table = DataTable(
            "hermite_moments", title: "Sample means of Hermite polynomials against e^(−nt) He_n(x0), one order a row.",
            columns: [
                .init("order", "n", tolerance: .exact),
                .init(
                    "sample_mean", "mean of He_n(X_t) over the particles",
                    tolerance: .standardErrors(4, column: "standard_error")),
                .init(
                    "standard_error", "standard error of the sample mean",
                    tolerance: .within(relative: 1e-3, absolute: 0)),
                .init("exact", "e^(−nt) He_n(x0)"),
                .init(
                    "z", "|sample_mean − exact| / standard_error", tolerance: .within(relative: 1e-6, absolute: 1e-3)),
            ])
        var checks: [Check] = []
        for order in 1...4 {
            let values = samples.map { hermite(order, $0) }
            let mean = values.reduce(0, +) / Double(count)
            let standardError =
                (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(count - 1) / Double(count)).squareRoot()
            let exact = exp(-Double(order) * time) * hermite(order, start)
            table.append(order, mean, standardError, exact, abs(mean - exact) / standardError)
            checks.append(
                .atMost(
                    "|mean He_\(order) − e^(−\(order)t) He_\(order)(x0)| / SE", abs(mean - exact) / standardError, 4,
                    settings: settings))
        }
        record.tables.append(table)
        record.summary =
            "Particles start at x0 = 1.3 and take three exact OU steps to t = 0.7; the Hermite polynomials are the OU "
            + "eigenfunctions, so each sample mean has a closed-form target."
        return checks
    }

    static func hermite(_ order: Int, _ value: Double) -> Double {
        var (previous, current) = (0.0, 1.0)
        for index in 0..<order { (previous, current) = (current, value * current - Double(index) * previous) }
        return current
    }

    static let eulerMaruyamaWeakOrder = Claim(
        name: "euler-maruyama-weak-order",
        statement:
            "Euler–Maruyama for OU from x0 = 1 has the second moment its recursion gives, m_(k+1) = (1 − Δt)² "
            + "m_k + 2Δt, within 4 SE at Δt = 1/4 … 1/32, so its weak error against the exact E[X_1²] = 1 has the "
            + "recursion's order (≈ 1).",
        bounds: [
            "|z| ≤ 4 per step count: each sample mean of X_1² over 10^6 paths is normal to within the CLT, "
                + "P(|z| > 4) = 6.3e-5, family of four below 2.6e-4.",
            "measured order within 4 SE of the recursion's: the fitted slope is Σ a_i log e_i with least-squares "
                + "weights a_i, so its SE is (Σ a_i² SE_i² / e_i²)^½ by the delta method; the recursion's slope (1.07 "
                + "at these Δt, tending to 1) is the declared order's pre-asymptotic value.",
        ],
        controls: [.diffusionScale(1.03), .driftRate(0.97)]
    ) { settings, record in
        let exact = exp(-2.0) + (1 - exp(-2.0))
        let counts = [4, 8, 16, 32]
        let paths = settings.quick ? 400_000 : 1_000_000
        record.parameter("start", 1.0)
        record.parameter("final_time", 1.0)
        record.parameter("paths", paths)
        record.parameter("step_counts", list: counts)
        var table = DataTable(
            "weak_error",
            title: "Euler–Maruyama estimate of E[X_1²] for OU from x0 = 1 against its recursion, one step count a row.",
            columns: [
                .init("step_count", "time steps", tolerance: .exact), .init("time_step", "Δt"),
                .init(
                    "second_moment", "mean of X_1² over the paths",
                    tolerance: .standardErrors(4, column: "standard_error")),
                .init(
                    "standard_error", "standard error of second_moment", tolerance: .within(relative: 1e-3, absolute: 0)
                ),
                .init(
                    "recursion", "m_n from m_(k+1) = (1 − Δt)² m_k + 2Δt, m_0 = 1: Euler–Maruyama's exact second moment"
                ),
                .init(
                    "standard_score", "(second_moment − recursion) / standard_error",
                    tolerance: .within(relative: 0, absolute: 8)),
                .init("exact", "e^(−2) + (1 − e^(−2)) = 1, the SDE's E[X_1²]"),
                .init("weak_error", "|second_moment − exact|", tolerance: .standardErrors(4, column: "standard_error")),
            ])
        var errors: [Double] = []
        var errorsOfRecursion: [Double] = []
        var standardErrors: [Double] = []
        var scores: [Double] = []
        for steps in counts {
            let sampler = ParticleSampler(
                dynamics: .forward(settings.subjects.particleProcess(ornsteinUhlenbeck)), integrator: .eulerMaruyama,
                timeGrid: .uniform(from: 0, to: 1, steps: steps), seed: settings.seed, threads: settings.threads)
            let samples = settings.subjects.particles(try sampler.run(initial: .dirac([1]), count: paths).positions)
            let moment = samples.reduce(0) { $0 + $1 * $1 } / Double(paths)
            let spread = samples.reduce(0) { $0 + ($1 * $1 - moment) * ($1 * $1 - moment) } / Double(paths - 1)
            let standardError = (spread / Double(paths)).squareRoot()
            let step = 1 / Double(steps)
            var recursion = 1.0
            for _ in 0..<steps { recursion = (1 - step) * (1 - step) * recursion + 2 * step }
            let score = (moment - recursion) / standardError
            table.append(steps, step, moment, standardError, recursion, score, exact, abs(moment - exact))
            errors.append(abs(moment - exact))
            errorsOfRecursion.append(abs(recursion - exact))
            standardErrors.append(standardError)
            scores.append(abs(score))
        }
        let logSteps = counts.map { log(1 / Double($0)) }
        let meanLogStep = logSteps.reduce(0, +) / Double(counts.count)
        let weights = logSteps.map {
            ($0 - meanLogStep) / logSteps.reduce(0) { $0 + ($1 - meanLogStep) * ($1 - meanLogStep) }
        }
        let order = slope(sizes: counts.map { 1 / Double($0) }, errors: errors)
        let predictedOrder = slope(sizes: counts.map { 1 / Double($0) }, errors: errorsOfRecursion)
        let orderError = zip(weights, zip(standardErrors, errors)).reduce(0) { $0 + pow($1.0 * $1.1.0 / $1.1.1, 2) }
            .squareRoot()
        record.parameter("recursion_order", predictedOrder)
        record.parameter("order_standard_error", orderError)
        record.tables.append(table)
        record.figures.append(
            DataFigure(
                "weak_error", caption: "Weak error against Δt on log–log axes; the dashed line has slope 1.",
                figure: RecordFigures.convergence(
                    title: "Euler–Maruyama weak order", xLabel: "Δt", yLabel: "|E[X_1²] − exact|",
                    lines: [("Euler–Maruyama", counts.map { 1 / Double($0) }, errors, 1)])))
        record.summary =
            "Euler–Maruyama's second moment for OU obeys a closed recursion, so each step count has an exact target; "
            + "its bias against the SDE's E[X_1²] = 1 is large next to the sampling error at these step sizes, "
            + "so the slope of log error against log Δt estimates the weak order, compared with the recursion's "
            + "slope within its delta-method SE."
        return [
            .atMost(
                "largest |E[X_1²] − recursion| / SE over Δt = 1/4 … 1/32", largestValue(scores), 4, settings: settings),
            .near(
                "weak order (recursion's slope \(Check.format(predictedOrder)))", order, predictedOrder,
                within: 4 * orderError, settings: settings),
        ]
    }

    static let diracBridge = Claim(
        name: "dirac-bridge",
        statement:
            "For Dirac data x0 the DDPM update from N(0, I) at T = 1 follows the OU bridge: at t = 0.5 and 0.1 its "
            + "mean is sinh(T − t)/sinh(T) x0 and its variance (sinh t / sinh T)² + 2 sinh(t) "
            + "sinh(T − t)/sinh T (within 4 SE), and every coefficient (data weight, point weight, "
            + "noise scale) on the DDPM schedule is its sinh form of THEORY §5.",
        bounds: [
            "|z| ≤ 4 for 8 moments (2 times × 2 axes × mean and variance): each is normal by the CLT (20 000 "
                + "particles; the variance's SE from the sample fourth moment), P(|z| > 4) = 6.3e-5 each, "
                + "below 5.1e-4 for the family.",
            "relative gap ≤ 1e-12 per coefficient: both forms are a few operations on exp, expm1 and sinh, "
                + "each correct to about ε; the DDPM schedule's smallest step (1e-3 in t) loses at most "
                + "log10(t/Δt) ≈ 3 digits in sinh(t − s) against the variance difference, 1e-13 in all; "
                + "a factor 10 above it.",
        ],
        controls: [.diffusionScale(1.03), .scaledScore(1.05), .shiftedParticles(0.01)]
    ) { settings, record in
        let dataPoint = [0.7, -0.4]
        let process = settings.subjects.particleProcess(ornsteinUhlenbeck)
        let score = settings.subjects.score(FiniteDatasetScore(data: dataPoint, dimension: 2, model: process))
        let count = 20_000
        let horizon = 1.0
        record.parameter("data_point", "(0.7, -0.4)")
        record.parameter("particles", count)
        record.parameter("time_step", 0.05)
        var marginals = DataTable(
            "marginals",
            title: "Moments of the DDPM particles against the OU bridge law from N(0, I), one (time, axis) a row.",
            columns: [
                .init("time", "forward time t the run stops at", tolerance: .exact),
                .init("axis", "coordinate", tolerance: .exact),
                .init("mean", "sample mean", tolerance: .standardErrors(4, column: "mean_standard_error")),
                .init("mean_standard_error", "its SE", tolerance: .within(relative: 0.05, absolute: 0)),
                .init("bridge_mean", "sinh(T − t)/sinh(T) x0"),
                .init("variance", "sample variance", tolerance: .standardErrors(4, column: "variance_standard_error")),
                .init("variance_standard_error", "its SE", tolerance: .within(relative: 0.05, absolute: 0)),
                .init("bridge_variance", "(sinh t / sinh T)² + 2 sinh(t) sinh(T − t)/sinh T"),
            ])
        var scores: [Double] = []
        for (time, steps) in [(0.5, 10), (0.1, 18)] {
            let sampler = ParticleSampler(
                dynamics: .reverseSDE(process: process, score: score, form: .score), integrator: .ddpm,
                timeGrid: .uniform(from: horizon, to: time, steps: steps), seed: settings.seed,
                threads: settings.threads)
            let positions = settings.subjects.particles(
                try sampler.run(initial: .mixture(.standardNormal(dimension: 2)), count: count).positions)
            let moments = SampleMoments(positions: positions, dimension: 2)
            let spread = pow(sinh(time) / sinh(horizon), 2) + 2 * sinh(time) * sinh(horizon - time) / sinh(horizon)
            for axis in 0..<2 {
                let mean = sinh(horizon - time) / sinh(horizon) * dataPoint[axis]
                marginals.append(
                    time, axis == 0 ? "x" : "y", moments.mean[axis], moments.meanStandardError[axis], mean,
                    moments.variance[axis], moments.varianceStandardError[axis], spread)
                scores.append(abs(moments.mean[axis] - mean) / moments.meanStandardError[axis])
                scores.append(abs(moments.variance[axis] - spread) / moments.varianceStandardError[axis])
            }
        }
        let grid = TimeGrid.ddpmSchedule()
        let coefficients = DDPMCoefficients(model: process, timeGrid: grid)
        var table = DataTable(
            "coefficients",
            title:
                "DDPM bridge coefficients against their sinh forms, one step a row (every tenth step and the last; "
                + "the check covers every step).",
            columns: [
                .init("step", "step index on the DDPM schedule", tolerance: .exact), .init("time", "t_k"),
                .init("next_time", "t_(k+1)"),
                .init("data_weight", "coefficient of x0"), .init("data_weight_sinh", "sinh(t_k − t_(k+1)) / sinh(t_k)"),
                .init("point_weight", "coefficient of x_(t_k)"),
                .init("point_weight_sinh", "sinh(t_(k+1)) / sinh(t_k)"),
                .init("noise_scale", "standard deviation of the added noise"),
                .init("noise_scale_sinh", "(2 sinh(t_(k+1)) sinh(t_k − t_(k+1)) / sinh(t_k))^½"),
            ])
        var largest = 0.0
        for step in 0..<(grid.stepCount - 1) {
            let (now, next) = (grid.times[step], grid.times[step + 1])
            let forms = [
                sinh(now - next) / sinh(now), sinh(next) / sinh(now),
                (2 * sinh(next) * sinh(now - next) / sinh(now)).squareRoot(),
            ]
            let computed = [
                coefficients.dataWeights[step], coefficients.pointWeights[step], coefficients.noiseScales[step],
            ]
            for (value, form) in zip(computed, forms) {
                let gap = abs(value - form) / form
                largest = worseOf(largest, gap)
            }
            if step % 10 == 0 || step == grid.stepCount - 2 {
                table.append(step, now, next, computed[0], forms[0], computed[1], forms[1], computed[2], forms[2])
            }
        }
        let endSampler = ParticleSampler(
            dynamics: .reverseSDE(process: process, score: score, form: .score), integrator: .ddpm,
            timeGrid: .uniform(from: horizon, to: 0, steps: 20), seed: settings.seed, threads: settings.threads)
        let ends = SampleMoments(
            positions: settings.subjects.particles(
                try endSampler.run(initial: .mixture(.standardNormal(dimension: 2)), count: count).positions),
            dimension: 2)
        var endPoints = DataTable(
            "end_points",
            title:
                "Moments of the end points after the last step (recorded, not checked: with one data point the last "
                + "step returns x0 whatever came before).",
            columns: [
                .init("axis", "coordinate", tolerance: .exact),
                .init("mean", "sample mean (x0 on that axis)", tolerance: .roundOff(1e-14)),
                .init(
                    "variance", "sample variance (0 by construction)",
                    tolerance: .within(relative: 0, absolute: 1e-24)),
            ])
        for axis in 0..<2 { endPoints.append(axis == 0 ? "x" : "y", ends.mean[axis], ends.variance[axis]) }
        record.tables += [marginals, table, endPoints]
        record.summary =
            "Particles from N(0, I) in the plane take DDPM bridge steps of 0.05 with the score of one data point down "
            + "to t = 0.5 and t = 0.1; their means and variances are compared with the OU bridge law written out "
            + "in the claim, and the bridge coefficients on the DDPM schedule with their sinh forms. "
            + "The end points after the last step are recorded only."
        return [
            .atMost(
                "largest |moment − bridge law| / SE at t = 0.5, 0.1 (means and variances, both axes)",
                largestValue(scores), 4, settings: settings),
            .atMost("largest relative gap of a DDPM coefficient to its sinh form", largest, 1e-12, settings: settings),
        ]
    }

    static let reverseDynamicsReproduceMixture = Claim(
        name: "reverse-sde-mixture",
        statement:
            "With the exact score, from exact ρ_T, the reverse SDE and the probability-flow ODE return the data "
            + "mixture: mean and variance within 4 SE, and the Kolmogorov–Smirnov test against the mixture's "
            + "distribution function at p ≥ 1e-3.",
        bounds: [
            "|z| ≤ 4 for 4 moments (2 runs × mean and variance), CLT-normal, family-wise false-fail rate below 2.6e-4.",
            "histogram TV ≤ E TV + 4 SE: the binned end points against the closed-form cell masses of the law each run "
                + "produces (probability flow: ρ at t = 1e-4; DDPM: the <X0> map of it, per component "
                + "N(μ_k, m² σ_k⁴ / (m² σ_k² + v))); E TV and its SE are those of a multinomial histogram of the same "
                + "count (TV is a sum of many bins' deviations, close to normal); the integrators' own bias is not "
                + "allowed for and is measured to sit inside the band.",
            "histogram centre of mass within 4 h/(12 n)^½ of the binned particles' mean: binning moves each particle "
                + "to its cell centre by an offset close to uniform on [−h/2, h/2) (the density varies little across a "
                + "cell of h = 1/15; the offsets' mean is O(h² ∫ρ') = 0 to first order), variance h²/12, "
                + "so the difference of the means is normal with SD h/(12 n)^½.",
            "KS p ≥ 1e-3 for each run: under the hypothesis p is uniform, so the pair fails by chance with probability "
                + "2e-3. The runs stop at t = 1e-4 (probability flow) or map ρ_(1e-4) through <X0> (DDPM); "
                + "either shifts the narrow component's variance by 2e-4 / 0.04 = 0.5 %, a KS distance below 4e-4, "
                + "under a tenth of the test's resolution 1.95/√n at 10^5 particles.",
        ],
        controls: [
            .scaledScore(1.05), .diffusionScale(1.03), .shiftedParticles(0.02), .shiftedParticles(0.25 * 8 / 120),
        ]
    ) { settings, record in
        // The score is the true one; a defect in the process reaches the dynamics' drift and noise (the DDPM update
        // takes its coefficients from the score's model, the probability flow its drift f x − ½ g² s from the process).
        let process = settings.subjects.particleProcess(ornsteinUhlenbeck)
        let score = settings.subjects.score(ExactMixtureScore(mixture: paperMixture, model: ornsteinUhlenbeck))
        let count = settings.quick ? 30_000 : 100_000
        record.parameter("mixture", paperMixture.specification ?? "")
        record.parameter("particles", count)
        record.parameter("time_grid", "geometric from 1 to 1e-4, 400 steps")
        let runs: [(String, ParticleDynamics, ParticleIntegrator, TimeGrid)] = [
            (
                "reverse SDE, DDPM steps", .reverseSDE(process: process, score: score, form: .score), .ddpm,
                TimeGrid.geometric(from: 1, to: 1e-4, steps: 400).appending(0)
            ),
            (
                "probability flow, RK4", .probabilityFlow(process: process, score: score), .rungeKutta4,
                .geometric(from: 1, to: 1e-4, steps: 400)
            ),
        ]
        var table = DataTable(
            "moments", title: "Sample moments of the reverse runs against the data mixture, one run a row.",
            columns: [
                .init("run", "dynamics and integrator", tolerance: .exact),
                .init("mean", "sample mean", tolerance: .standardErrors(4, column: "mean_standard_error")),
                .init("mean_standard_error", "its standard error", tolerance: .within(relative: 1e-3, absolute: 0)),
                .init("data_mean", "mean of the mixture"),
                .init("variance", "sample variance", tolerance: .standardErrors(4, column: "variance_standard_error")),
                .init("variance_standard_error", "its standard error", tolerance: .within(relative: 1e-3, absolute: 0)),
                .init("data_variance", "variance of the mixture"),
            ])
        let histogramGrid = Grid(dimension: 1, points: 120, halfWidth: 4)
        let marginal = ClosedForms.ornsteinUhlenbeck(time: 1)
        let startLaw = GaussianMixture(
            components: paperMixture.components.map {
                .init(
                    weight: $0.weight, mean: $0.mean.map { marginal.scale * $0 },
                    covariance: [marginal.scale * marginal.scale * $0.covariance[0] + marginal.variance])
            })
        var binned = DataTable(
            "histogram_total_variation",
            title:
                "Total variation of each run's histogram (120 bins and the outside) from the closed-form cell masses "
                + "of the law it produces, against the multinomial sampling level, one run a row.",
            columns: [
                .init("run", "dynamics and integrator", tolerance: .exact),
                .init(
                    "total_variation", "½ Σ |histogram mass − exact mass|",
                    tolerance: .standardErrors(4, column: "standard_error")),
                .init(
                    "expected_total_variation", "E TV of a multinomial histogram of the same count",
                    tolerance: .roundOff(1e-12)),
                .init("standard_error", "SE of TV under multinomial sampling", tolerance: .roundOff(1e-12)),
                .init(
                    "histogram_mean", "Σ cell centre × cell mass / Σ cell mass",
                    tolerance: .within(relative: 0, absolute: 0.02)),
                .init(
                    "particle_mean", "mean of the particles inside the histogram's range",
                    tolerance: .within(relative: 0, absolute: 0.02)),
                .init(
                    "centring_score", "|histogram_mean − particle_mean| / (h / (12 n)^½)",
                    tolerance: .within(relative: 0, absolute: 8)),
            ])
        var tests = DataTable(
            "kolmogorov_smirnov",
            title:
                "Kolmogorov–Smirnov test of the end points against the mixture's distribution function, one run a row.",
            columns: [
                .init("run", "dynamics and integrator", tolerance: .exact),
                .init("statistic", "sup |F_n − F|", tolerance: .within(relative: 0.5, absolute: 2e-3)),
                .init(
                    "p_value", "asymptotic p-value (Stephens' correction)",
                    tolerance: .within(relative: 0, absolute: 0.5)),
            ])
        var densities: [[Double]] = []
        var checks: [Check] = []
        for (name, dynamics, integrator, grid) in runs {
            let sampler = ParticleSampler(
                dynamics: dynamics, integrator: integrator, timeGrid: grid, seed: settings.seed,
                threads: settings.threads)
            let samples = settings.subjects.particles(
                try sampler.run(initial: .mixture(startLaw), count: count).positions)
            let moments = SampleMoments(positions: samples, dimension: 1)
            let test = KolmogorovSmirnovTest(sample: samples) {
                ClosedForms.mixtureDistribution(paperMixture, scale: 1, variance: 0, at: $0)
            }
            tests.append(name, test.statistic, test.pValue)
            checks.append(
                .atLeast(
                    "KS p-value against the mixture, \(name)", test.pValue.isNaN ? 0 : test.pValue, 1e-3,
                    settings: settings))
            table.append(
                name, moments.mean[0], moments.meanStandardError[0], paperMixture.mean[0],
                moments.variance[0], moments.varianceStandardError[0], paperMixture.covariance[0])
            let histogram = ParticleHistogram(positions: samples, grid: histogramGrid).density.values
            densities.append(histogram)
            // The law each run produces, in closed form: the DDPM run ends with the <X0> map of ρ_(1e-4), the
            // probability flow at ρ_(1e-4) itself.
            let law = ClosedForms.ornsteinUhlenbeck(time: 1e-4)
            let expected =
                name.hasPrefix("reverse SDE")
                ? MixtureOracle.paper.mappedCellMasses(grid: histogramGrid, time: 1e-4)
                : MixtureOracle.cellMasses(
                    grid: histogramGrid,
                    laws: MixtureOracle.paper.components.map {
                        (
                            $0.weight, law.scale * $0.mean,
                            law.scale * law.scale * $0.deviation * $0.deviation + law.variance
                        )
                    })
            let width = histogramGrid.spacing(axis: 0)
            let masses = histogram.map { $0 * width }
            let outside = 1 - masses.reduce(0, +)
            let expectedOutside = max(1 - expected.reduce(0, +), 0)
            let totalVariation =
                0.5 * (zip(masses, expected).reduce(0) { $0 + abs($1.0 - $1.1) } + abs(outside - expectedOutside))
            let level = MultinomialSamplingLevel(binMasses: expected + [expectedOutside], particleCount: count)
            checks.append(
                .atMost(
                    "histogram TV to the closed-form cell masses, \(name) (E TV + 4 SE)", totalVariation,
                    level.expectedTotalVariation + 4 * level.totalVariationStandardError, settings: settings))
            // The histogram's centre of mass against the binned particles' own mean: binning moves each particle to
            // its cell centre, by an offset close to uniform on [−h/2, h/2), so the two means differ by about
            // h / (12 n)^½.
            let centres = histogramGrid.coordinates(axis: 0)
            let inside = samples.filter { abs($0) < histogramGrid.halfWidth }
            let binnedMean = zip(centres, masses).reduce(0) { $0 + $1.0 * $1.1 } / masses.reduce(0, +)
            let rawMean = inside.reduce(0, +) / Double(inside.count)
            let roundingError = width / (12 * Double(inside.count)).squareRoot()
            let centring = abs(binnedMean - rawMean) / roundingError
            binned.append(
                name, totalVariation, level.expectedTotalVariation, level.totalVariationStandardError, binnedMean,
                rawMean, centring)
            checks.append(
                .atMost(
                    "histogram centre of mass − particles' mean, in units of h / (12 n)^½, \(name)",
                    centring, 4, settings: settings))
            checks.append(
                .atMost(
                    "|mean − data mean| / SE, \(name)",
                    abs(moments.mean[0] - paperMixture.mean[0]) / moments.meanStandardError[0], 4, settings: settings))
            checks.append(
                .atMost(
                    "|variance − data variance| / SE, \(name)",
                    abs(moments.variance[0] - paperMixture.covariance[0]) / moments.varianceStandardError[0], 4,
                    settings: settings))
        }
        var histogram = DataTable(
            "histogram",
            title: "Histograms of the end points (120 bins on [−4, 4]) against the data density, one bin a row.",
            columns: [
                .init("x", "bin centre"),
                .init(
                    "reverse_sde", "histogram density of the reverse-SDE end points",
                    tolerance: .within(relative: 1e-9, absolute: 1e-12)),
                .init(
                    "probability_flow", "histogram density of the probability-flow end points",
                    tolerance: .within(relative: 1e-9, absolute: 1e-12)),
                .init("data", "the mixture density at the bin centre"),
            ])
        let exact = paperMixture.field(on: histogramGrid).values
        for (index, x) in histogramGrid.coordinates(axis: 0).enumerated() {
            histogram.append(x, densities[0][index], densities[1][index], exact[index])
        }
        record.tables += [table, tests, binned, histogram]
        record.figures.append(
            DataFigure(
                "histogram", caption: "End points of both reverse runs binned on [−4, 4] against the data density.",
                figure: RecordFigures.densities(
                    title: "Reverse dynamics with the exact score", x: histogram.numbers("x"),
                    lines: [
                        ("reverse SDE (DDPM)", histogram.numbers("reverse_sde"), .solid),
                        ("probability flow (RK4)", histogram.numbers("probability_flow"), .solid),
                        ("data mixture", histogram.numbers("data"), .dashed),
                    ])))
        record.summary =
            "Particles drawn from the exact ρ_1 run backward to t = 1e-4 with the exact score, by DDPM steps of the "
            + "reverse SDE and by RK4 on the probability-flow ODE; their mean and variance are compared with the "
            + "mixture's within 4 standard errors."
        return checks
    }
}

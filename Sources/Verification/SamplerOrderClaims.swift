import CrossChecks
import DataFiles
import DiffusionModels
import Figures
import Foundation
import ParticleSampling
import Scores

/// The claim that every reverse sampler, given the exact score, converges at its declared order.
extension VerificationSuite {
    static let samplerOrderDeterministicCounts = [8, 16, 32, 64, 128]
    static let samplerOrderStochasticCounts = [16, 32, 64]

    static let samplerOrders = Claim(
        name: "sampler-orders",
        statement:
            "With the exact score of the paper's 1-D mixture under OU, from the exact law at T = 1 down to "
            + "t_min = 1e-3 on geometric steps, the Cramér distance (∫(F_K − F)² dx)^½ of each sampler's law to the "
            + "exact law at t_min falls like K^−p with the sampler's declared order p: 1 for Euler–Maruyama, the "
            + "exponential integrator, DDPM and DDIM, 2 for Heun, 4 for RK4 (probability flow).",
        bounds: [
            "deterministic samplers (DDIM, Heun, RK4; 2000 start quantiles transported, so no sampling error): the "
                + "order fitted by least squares over the last three step counts within 2 |ℓ_last − ℓ_prev| of the "
                + "declared one, ℓ the local orders between consecutive counts: with error C h^p (1 + a h) the local "
                + "order at (K, 2K) is p + c/K, so the last one is as far from p as it moved from the one before, and "
                + "the fit over the last three (the mean of the last two local orders) 1.5 times that; the factor 2 "
                + "leaves room for the next term.",
            "stochastic samplers (Euler–Maruyama, exponential, DDPM; a million particles, 20 batches): the order "
                + "fitted over the three step counts 16, 32, 64 (K = 8 left out: the exponential integrator's h² term "
                + "still lifts its local order there to 1.2) within 4 SE + 2 max |ℓ_DDIM − 1|, SE by the delta "
                + "method from the batches' SEs (t with 19 degrees of freedom: P(|t| > 4) = 8e-4) and the second "
                + "term the pre-asymptotic drift of the first-order deterministic sampler on the same grid and counts "
                + "(its local orders against 1).",
            "every step count resolved: C² above 4 SE (stochastic) and C above 1e-11 (round-off).",
            "Euler–Maruyama, exponential and DDPM: the particles' unbiased C² within 4 SE of the C² of the scheme's "
                + "own law propagated exactly on 4000 nodes (SchemeLaw: the trapezoid rule's aliasing below 1e-17 "
                + "at σ/dx ≥ 1.4, checked; mass lost through the window below 1e-6, which moves C² by at most "
                + "2e-6 W1), at every step count; same t bound.",
        ],
        controls: [.scaledScore(1.02), .shiftedParticles(0.002)]
    ) { settings, record in
        let model = ornsteinUhlenbeck
        let process = settings.subjects.particleProcess(model)
        let score = settings.subjects.score(ExactMixtureScore(mixture: paperMixture, model: process))
        let particles = settings.quick ? 400_000 : 1_000_000
        let subjects = settings.subjects
        func study(_ samplers: [ReverseSampler], counts: [Int]) -> SamplerOrderStudy {
            SamplerOrderStudy(
                mixture: paperMixture, model: model, process: process, score: score, horizon: 1, finalTime: 1e-3,
                samplers: samplers, schedules: [.geometric], stepCounts: counts, particleCount: particles,
                quantileCount: 2000, batchCount: 20, seed: settings.seed, threads: settings.threads,
                endPositions: subjects.particles)
        }
        let deterministic = try study([.ddim, .heun, .rungeKutta4], counts: samplerOrderDeterministicCounts).run()
        let stochastic = try study([.eulerMaruyama, .exponential, .ddpm], counts: samplerOrderStochasticCounts).run()
        record.parameter("model", "ou")
        record.parameter("mixture", paperMixture.specification ?? "")
        record.parameter("horizon", 1.0)
        record.parameter("final_time", 1e-3)
        record.parameter("schedule", "geometric")
        record.parameter("quantiles", 2000)
        record.parameter("particles", particles)
        record.parameter("batches", 20)
        var errors = DataTable(
            "errors", title: "Cramér distance of each sampler's law at t_min to the exact law, one run a row.",
            columns: [
                .init("sampler", "sampler", tolerance: .exact), .init("steps", "K", tolerance: .exact),
                .init(
                    "cramer", "(∫(F_K − F)² dx)^½; stochastic: from the unbiased estimate of its square",
                    tolerance: .standardErrors(4, column: "cramer_se")),
                .init("cramer_se", "SE by the delta method from the batches (0: deterministic)", tolerance: .ignored),
                .init(
                    "scheme_cramer",
                    "the scheme's exact law on a grid (Euler–Maruyama, exponential, DDPM; NaN otherwise)",
                    tolerance: .roundOff(1e-9)),
                .init("wasserstein_1", "W1 (deterministic samplers; NaN otherwise)", tolerance: .roundOff(1e-9)),
                .init("wasserstein_2", "W2 (deterministic samplers; NaN otherwise)", tolerance: .roundOff(1e-9)),
            ])
        var orders = DataTable(
            "orders", title: "Measured against declared order, one sampler a row.",
            columns: [
                .init("sampler", "sampler", tolerance: .exact),
                .init("declared", "declared order p", tolerance: .exact),
                .init(
                    "measured", "least-squares order: last three K (deterministic), all four (stochastic)",
                    tolerance: .within(relative: 0, absolute: 0.02)),
                .init("measured_se", "its SE (0: deterministic)", tolerance: .ignored),
                .init(
                    "last_local", "local order between the last two K",
                    tolerance: .within(relative: 0, absolute: 0.05)),
                .init(
                    "allowance", "2 |ℓ_last − ℓ_prev| (deterministic), 4 SE + 2 max |ℓ_DDIM − 1| (stochastic)",
                    tolerance: .ignored),
            ])
        var checks: [Check] = []
        var lines: [(name: String, x: [Double], y: [Double], order: Double?)] = []
        var unresolved = 0
        // The pre-asymptotic drift of DDIM over the stochastic samplers' counts (its local orders against 1).
        let ddimRows = deterministic.measurements.filter {
            $0.sampler == .ddim && samplerOrderStochasticCounts.contains($0.stepCount)
        }
        let ddimDrift = SamplerOrderFit(measurements: ddimRows, floor: deterministic.study.floor).localOrders.reduce(
            0.0
        ) { max($0, abs($1 - 1)) }
        for outcome in [stochastic, deterministic] {
            for sampler in outcome.study.samplers {
                let rows = outcome.measurements.filter { $0.sampler == sampler }.sorted { $0.stepCount < $1.stepCount }
                var worstAgreement = 0.0
                for row in rows {
                    errors.append(
                        sampler.rawValue, row.stepCount, row.cramer ?? .nan, row.cramerStandardError ?? .nan,
                        row.schemeLaw?.cramer ?? .nan, row.wasserstein1 ?? .nan, row.wasserstein2 ?? .nan)
                    if !row.isResolved(floor: outcome.study.floor) { unresolved += 1 }
                    if SchemeLaw.supports(sampler) {
                        let gap =
                            abs((row.squaredCramer ?? .nan) - (row.schemeLaw?.squaredCramer ?? .nan))
                            / (row.squaredCramerStandardError ?? .nan)
                        worstAgreement = worseOf(worstAgreement, gap)
                    }
                }
                if SchemeLaw.supports(sampler) {
                    checks.append(
                        .atMost(
                            "\(sampler.rawValue): largest |C² of the particles − C² of the scheme's law| / SE",
                            worstAgreement, 4, settings: settings))
                }
                let used = sampler.isDeterministic ? Array(rows.suffix(3)) : rows
                let fit = SamplerOrderFit(measurements: used, floor: outcome.study.floor)
                let local = SamplerOrderFit(measurements: rows, floor: outcome.study.floor).localOrders
                let allowance: Double
                if sampler.isDeterministic {
                    allowance = local.count >= 2 ? 2 * abs(local[local.count - 1] - local[local.count - 2]) : .nan
                } else {
                    allowance = 4 * (fit.orderStandardError ?? .nan) + 2 * ddimDrift
                }
                let measured = fit.stepCounts.count == used.count ? (fit.order ?? .nan) : .nan
                orders.append(
                    sampler.rawValue, sampler.declaredOrder, measured, fit.orderStandardError ?? .nan,
                    local.last ?? .nan, allowance)
                checks.append(
                    .near(
                        "\(sampler.rawValue) order", measured, Double(sampler.declaredOrder), within: allowance,
                        settings: settings))
                lines.append(
                    (
                        sampler.rawValue, rows.map { Double($0.stepCount) }, rows.map { $0.cramer ?? .nan },
                        -Double(sampler.declaredOrder)
                    ))
            }
        }
        record.tables.append(errors)
        record.tables.append(orders)
        record.figures.append(
            DataFigure(
                "errors", caption: "Cramér distance to the exact law against K on log–log axes; dashed: slope −p.",
                figure: RecordFigures.convergence(
                    title: "Reverse samplers with the exact score", xLabel: "steps K", yLabel: "Cramér distance",
                    lines: lines)))
        record.summary =
            "Each sampler's error is measured against the exact mixture at t_min with the score and the start "
            + "law exact, so only the time discretization is left; the deterministic samplers carry quantiles (no "
            + "sampling error), the stochastic ones a million particles with the sampling bias removed."
        return checks + [.atMost("step counts not resolved", Double(unresolved), 0, settings: settings)]
    }
}

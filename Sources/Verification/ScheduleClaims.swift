import CrossChecks
import DataFiles
import DensitySolvers
import DiffusionModels
import Foundation
import GridFields
import ParticleSampling
import Scores

/// The claim that the SDEs users train with (sub-VP, cosine, EDM, β and σ tables) have the marginals the library
/// gives them, on the grid and in reverse, and that the DDPM chain tends to its VP SDE like 1/N.
extension VerificationSuite {
    /// One model of the claim with its definition written out again: f(t), g(t)², the times where they are not
    /// smooth (the reference integration splits there), the horizon, and the reverse sampler whose order is checked.
    struct ScheduleCase {
        var name: String
        var model: LinearSDE
        var driftRate: (Double) -> Double
        var squaredDiffusion: (Double) -> Double
        var breaks: [Double]
        var horizon: Double
        var sampler: ReverseSampler
        /// Where the reverse runs start (the horizon, but for the cosine schedule: before its clip's kink).
        var reverseHorizon: Double? = nil
    }

    static let scheduleStepCounts = [16, 32, 64, 128, 256, 512]

    static let scheduleBetaTable = NoiseScheduleTable(
        quantity: .beta, times: [0, 0.25, 0.5, 0.75, 1], values: [0.1, 2, 6, 12, 20])
    static let scheduleSigmaTable = NoiseScheduleTable(quantity: .sigma, times: [0, 0.5, 1], values: [0.01, 0.4, 1.2])

    /// The five models, each f and g² from its definition (THEORY §12), not from `LinearSDE`.
    static var scheduleCases: [ScheduleCase] {
        func linear(_ low: Double, _ high: Double) -> (Double) -> Double { { low + $0 * (high - low) } }
        func piecewise(_ times: [Double], _ values: [Double]) -> (Double) -> Double {
            { time in
                if time >= times[times.count - 1] { return values[values.count - 1] }
                let row = max(0, (times.lastIndex { $0 <= time }) ?? 0)
                let fraction = (time - times[row]) / (times[row + 1] - times[row])
                return values[row] + fraction * (values[row + 1] - values[row])
            }
        }
        let subBeta = linear(0.1, 20)
        let offset = 0.008
        let clip = 20.0
        let cosineBeta: (Double) -> Double = { time in
            min(clip, Double.pi * tan((time + offset) / (1 + offset) * Double.pi / 2) / (1 + offset))
        }
        let tableBeta = piecewise(scheduleBetaTable.times, scheduleBetaTable.values)
        let sigmaTimes = scheduleSigmaTable.times
        let sigmaValues = scheduleSigmaTable.values
        let sigma = piecewise(sigmaTimes, sigmaValues)
        let sigmaSlope: (Double) -> Double = { time in
            if time >= sigmaTimes[sigmaTimes.count - 1] { return 0 }
            let row = min(sigmaTimes.count - 2, max(0, (sigmaTimes.lastIndex { $0 <= time }) ?? 0))
            return (sigmaValues[row + 1] - sigmaValues[row]) / (sigmaTimes[row + 1] - sigmaTimes[row])
        }
        return [
            ScheduleCase(
                name: "sub-vp", model: .subVariancePreserving(betaMinimum: 0.1, betaMaximum: 20),
                driftRate: { -0.5 * subBeta($0) },
                squaredDiffusion: { subBeta($0) * (1 - exp(-2 * (0.1 * $0 + 0.5 * 19.9 * $0 * $0))) },
                breaks: [], horizon: 1, sampler: .rungeKutta4),
            ScheduleCase(
                name: "cosine", model: .cosine(offset: offset, betaClip: clip), driftRate: { -0.5 * cosineBeta($0) },
                squaredDiffusion: cosineBeta, breaks: [LinearSDE.cosineClipTime(offset: offset, betaClip: clip)],
                horizon: 1, sampler: .rungeKutta4, reverseHorizon: 0.9),
            ScheduleCase(
                name: "edm", model: .edm, driftRate: { _ in 0 }, squaredDiffusion: { 2 * $0 }, breaks: [],
                horizon: 1.2, sampler: .rungeKutta4),
            ScheduleCase(
                name: "beta-table", model: .tabulated(name: "beta-table", scheduleBetaTable),
                driftRate: { -0.5 * tableBeta($0) }, squaredDiffusion: tableBeta, breaks: scheduleBetaTable.times,
                horizon: 1, sampler: .heun),
            ScheduleCase(
                name: "sigma-table", model: .tabulated(name: "sigma-table", scheduleSigmaTable), driftRate: { _ in 0 },
                squaredDiffusion: { 2 * sigma($0) * sigmaSlope($0) }, breaks: sigmaTimes, horizon: 1, sampler: .ddim),
        ]
    }

    /// m(t) and v(t) of dX = f X dt + g dB from X_0 = 0 by RK4 on (ln m)' = f, v' = 2 f v + g², `steps` steps on
    /// each smooth piece between `breaks`: error O(h⁴) on each piece (about 1e-14 relative here at 20 000 steps a
    /// piece, h ≤ 5e-5), where a step across a kink of f or g² would cost O(h²).
    static func referenceMarginal(
        _ schedule: ScheduleCase, to time: Double, steps: Int = 20_000
    ) -> (scale: Double, variance: Double) {
        let nodes = [0] + schedule.breaks.filter { $0 > 0 && $0 < time } + [time]
        var (logScale, variance) = (0.0, 0.0)
        func derivative(_ t: Double, _ v: Double) -> (Double, Double) {
            let rate = schedule.driftRate(t)
            return (rate, 2 * rate * v + schedule.squaredDiffusion(t))
        }
        for piece in 0..<(nodes.count - 1) {
            let step = (nodes[piece + 1] - nodes[piece]) / Double(steps)
            for index in 0..<steps {
                // The midpoint of each step is inside the piece, so a kink at a node is never sampled across.
                let t = nodes[piece] + Double(index) * step
                let inside = { (value: Double) in min(max(value, t + 1e-15), t + step - 1e-15) }
                let k1 = derivative(inside(t), variance)
                let k2 = derivative(t + step / 2, variance + step / 2 * k1.1)
                let k3 = derivative(t + step / 2, variance + step / 2 * k2.1)
                let k4 = derivative(inside(t + step), variance + step * k3.1)
                logScale += step / 6 * (k1.0 + 2 * k2.0 + 2 * k3.0 + k4.0)
                variance += step / 6 * (k1.1 + 2 * k2.1 + 2 * k3.1 + k4.1)
            }
        }
        return (exp(logScale), variance)
    }

    static let schedulesExact = Claim(
        name: "linear-sde-schedules",
        statement:
            "sub-VP, the cosine schedule (β clipped at 20), EDM (σ = t) and a β(t) and a σ(t) table have the "
            + "marginals m(t), v(t) of their SDEs (integrated from f and g² written out again), the spectral solver "
            + "carries the paper's mixture to them, a reverse sampler meets its order on each with the exact score, "
            + "and the DDPM chain's ∏(1 − β_k) tends to its VP SDE's e^(−∫β) like 1/N with the predicted constant.",
        bounds: [
            "coefficients within 1e-10 relative at t = 0.1, 0.2, …, T: the reference is RK4 on 20 000 steps per smooth "
                + "piece (error h⁴ max|∂⁵| ≈ 1e-14 relative), the library a closed form; g² against the definition "
                + "within 1e-12 relative (a few operations apart). Cosine's m(t)² against Nichol and Dhariwal's "
                + "cos²(u(t))/cos²(u(0)) before the clip, also within 1e-12 relative.",
            "grid L∞ error at T ≤ 1e-11 + |ρ_K − ρ_(K/2)|: the spectral runs' round-off is about 1e-11 "
                + "(forward-spectral-exact), and IF-RK4 of order 4 has error e_K ≈ |ρ_K − ρ_(K/2)|/15 (Richardson), "
                + "so the difference bounds the error of the K-step run with a factor 15 to spare for the "
                + "pre-asymptotic terms.",
            "reverse order: the sampler's Cramér distance at t_min = 1e-3 over K = 16 … 512 geometric steps, the fit "
                + "over the last three within 2 |ℓ_last − ℓ_prev| of the declared order (the Richardson argument of "
                + "sampler-orders). RK4 on the smooth models (cosine from T = 0.9, before its clip at 0.9008); a step "
                + "across a kink of β (the β table's rows) has a quadrature error O(h² Δβ'), which caps any one-step "
                + "method at order 2, so Heun there; across a jump of g² (the σ table's rows: g² = 2σσ') the error is "
                + "O(h Δg²), order 1, so DDIM there.",
            "DDPM chain, β_k = (0.1 + 19.9 (k − 1)/(N − 1))/N: Σ β_k = ∫β exactly, so N (ln ∏(1 − β_k) + ∫β) = "
                + "−mean(β²)/2 − Σ_(j≥3) N Σ β_k^j/j lies in [−(b₀² + b₀b₁ + b₁²)/6 − B_N, −(b₀² + b₀b₁ + b₁²)/6] with "
                + "B_N = Δ²/(12(N − 1)) + b₁³/(3(N − b₁)) (the grid mean of t² is 1/3 + 1/(6(N − 1)); the tail is a "
                + "geometric series in b₁/N), b₀ = 0.1, b₁ = 20, Δ = 19.9.",
        ],
        controls: [.driftRate(1.01), .diffusionScale(1.01)]
    ) { settings, record in
        let grid = Grid(dimension: 1, points: 384, halfWidth: 12)
        record.parameter("mixture", paperMixture.specification ?? "")
        record.parameter("points", grid.shape[0])
        record.parameter("half_width", 12.0)
        record.parameter("beta_table", "t 0, 0.25, 0.5, 0.75, 1; beta 0.1, 2, 6, 12, 20")
        record.parameter("sigma_table", "t 0, 0.5, 1; sigma 0.01, 0.4, 1.2")
        record.parameter("cosine", "s = 0.008, beta clipped at 20")
        var coefficients = DataTable(
            "coefficients", title: "Each model's m(t), v(t), g(t)² against the reference, one (model, time) a row.",
            columns: [
                .init("model", "model", tolerance: .exact), .init("time", "t", tolerance: .exact),
                .init("mean_scale", "m(t) from the model", tolerance: .roundOff(1e-12)),
                .init("reference_mean_scale", "m(t) by RK4 from f", tolerance: .roundOff(1e-12)),
                .init("variance", "v(t) from the model", tolerance: .roundOff(1e-12)),
                .init("reference_variance", "v(t) by RK4 from f and g²", tolerance: .roundOff(1e-12)),
                .init("squared_diffusion", "g(t)² from the model", tolerance: .roundOff(1e-12)),
                .init("definition_squared_diffusion", "g(t)² from the definition", tolerance: .roundOff(1e-12)),
            ])
        var forward = DataTable(
            "forward", title: "Spectral runs to T against the reference mixture, one model a row.",
            columns: [
                .init("model", "model", tolerance: .exact), .init("time", "T", tolerance: .exact),
                .init("steps", "K (the solver's suggestion)", tolerance: .exact),
                .init("linf_error", "max |ρ_K − ρ_exact| at T", tolerance: .roundOff(1e-11)),
                .init("halving_difference", "max |ρ_K − ρ_(K/2)|", tolerance: .roundOff(1e-11)),
            ])
        var reverse = DataTable(
            "reverse", title: "Cramér distance of the reverse sampler's law at t_min = 1e-3, one (model, K) a row.",
            columns: [
                .init("model", "model", tolerance: .exact), .init("sampler", "sampler", tolerance: .exact),
                .init("steps", "K", tolerance: .exact),
                .init("cramer", "(∫(F_K − F)² dx)^½ against the exact law", tolerance: .roundOff(1e-9)),
            ])
        var checks: [Check] = []
        var largestCoefficientGap = 0.0
        var largestDefinitionGap = 0.0
        for schedule in scheduleCases {
            let process = settings.subjects.particleProcess(schedule.model)
            for time in stride(from: 0.1, through: schedule.horizon + 1e-9, by: 0.1) {
                let reference = referenceMarginal(schedule, to: time)
                let (scale, variance) = (process.meanScale(to: time), process.variance(to: time))
                let diffusion = process.diffusionScale(at: time)
                let definition = schedule.squaredDiffusion(time)
                coefficients.append(
                    schedule.name, time, scale, reference.scale, variance, reference.variance, diffusion * diffusion,
                    definition)
                largestCoefficientGap = worseOf(largestCoefficientGap, abs(scale - reference.scale) / reference.scale)
                largestCoefficientGap = worseOf(
                    largestCoefficientGap, abs(variance - reference.variance) / reference.variance)
                largestDefinitionGap = worseOf(
                    largestDefinitionGap, abs(diffusion * diffusion - definition) / max(definition, 1e-300))
            }
            // The grid: the paper's mixture carried to T, against the mixture with the reference marginal.
            let reference = referenceMarginal(schedule, to: schedule.horizon)
            let exact = ClosedForms.mixtureField(
                paperMixture, scale: reference.scale, variance: reference.variance, on: grid)
            let count = GridMethod.integratingFactorRK4.suggestedStepCount(
                process: schedule.model, grid: grid, endTime: schedule.horizon)
            let full = try spectralRun(
                paperMixture, model: schedule.model, grid: grid, time: schedule.horizon, steps: count,
                settings: settings
            ).finalDensity
            let half = try spectralRun(
                paperMixture, model: schedule.model, grid: grid, time: schedule.horizon, steps: max(1, count / 2),
                settings: settings
            ).finalDensity
            let error = full.distanceLInfinity(to: exact)
            let halving = full.distanceLInfinity(to: half)
            forward.append(schedule.name, schedule.horizon, count, error, halving)
            checks.append(
                .atMost(
                    "\(schedule.name): grid L∞ error at T = \(Check.format(schedule.horizon)) less "
                        + "|ρ_K − ρ_(K/2)|", error - halving, 1e-11, settings: settings))
            // Reverse: the declared order with the true score; a defect in the process reaches the dynamics.
            let score = settings.subjects.score(ExactMixtureScore(mixture: paperMixture, model: schedule.model))
            let study = SamplerOrderStudy(
                mixture: paperMixture, model: schedule.model, process: process, score: score,
                horizon: schedule.reverseHorizon ?? schedule.horizon, finalTime: 1e-3, samplers: [schedule.sampler],
                schedules: [.geometric],
                stepCounts: scheduleStepCounts, particleCount: 1000, quantileCount: 2000, batchCount: 20,
                seed: settings.seed, threads: settings.threads, endPositions: settings.subjects.particles)
            let rows = try study.run().measurements.sorted { $0.stepCount < $1.stepCount }
            for row in rows {
                reverse.append(schedule.name, schedule.sampler.rawValue, row.stepCount, row.cramer ?? .nan)
            }
            let fit = SamplerOrderFit(measurements: Array(rows.suffix(3)), floor: study.floor)
            let local = SamplerOrderFit(measurements: rows, floor: study.floor).localOrders
            let allowance = local.count >= 2 ? 2 * abs(local[local.count - 1] - local[local.count - 2]) : .nan
            let measured = fit.stepCounts.count == 3 ? (fit.order ?? .nan) : .nan
            checks.append(
                .near(
                    "\(schedule.name): \(schedule.sampler.rawValue) order over K = 128 … 512", measured,
                    Double(schedule.sampler.declaredOrder), within: allowance, settings: settings))
        }
        // Cosine against Nichol and Dhariwal's definition, before the clip (default clip 999 and the claim's 20).
        for clip in [999.0, 20.0] {
            let cosine = settings.subjects.particleProcess(.cosine(offset: 0.008, betaClip: clip))
            let clipTime = LinearSDE.cosineClipTime(offset: 0.008, betaClip: clip)
            let angle = { (time: Double) in (time + 0.008) / 1.008 * Double.pi / 2 }
            for time in stride(from: 0.05, to: min(clipTime, 0.99), by: 0.05) {
                let alphaBar = pow(cos(angle(time)) / cos(angle(0)), 2)
                let scale = cosine.meanScale(to: time)
                largestDefinitionGap = worseOf(largestDefinitionGap, abs(scale * scale - alphaBar) / alphaBar)
            }
        }
        checks.insert(
            .atMost(
                "largest relative gap of m(t), v(t) to RK4 of the definitions' f and g²", largestCoefficientGap, 1e-10,
                settings: settings), at: 0)
        checks.insert(
            .atMost(
                "largest relative gap of g(t)² and cosine's m(t)² to their definitions", largestDefinitionGap, 1e-12,
                settings: settings), at: 1)
        // The DDPM chain against its VP SDE.
        let variancePreserving = settings.subjects.particleProcess(
            .variancePreserving(betaMinimum: 0.1, betaMaximum: 20))
        let (low, high) = (0.1, 20.0)
        let width = high - low
        let limit = -(low * low + low * high + high * high) / 6
        var chain = DataTable(
            "ddpm_chain",
            title: "ln ∏(1 − β_k) of the N-step DDPM chain against the VP SDE's ln m(1)², one N a row.",
            columns: [
                .init("chain_steps", "N", tolerance: .exact),
                .init("chain_log_alpha_bar", "Σ ln(1 − β_k)", tolerance: .roundOff(1e-12)),
                .init("sde_log_alpha_bar", "ln m(1)² of VP(0.1, 20)", tolerance: .roundOff(1e-12)),
                .init("scaled_gap", "N × (chain − SDE)", tolerance: .roundOff(1e-9)),
                .init("limit", "−(b₀² + b₀b₁ + b₁²)/6", tolerance: .exact),
                .init("bound", "B_N = Δ²/(12(N − 1)) + b₁³/(3(N − b₁))", tolerance: .exact),
            ])
        for steps in [250, 1000, 4000] {
            var logAlphaBar = 0.0
            for index in 0..<steps {
                let beta = (low + width * Double(index) / Double(steps - 1)) / Double(steps)
                logAlphaBar += log1p(-beta)
            }
            let scale = variancePreserving.meanScale(to: 1)
            let sde = 2 * log(scale)
            let scaledGap = Double(steps) * (logAlphaBar - sde)
            let bound =
                width * width / (12 * Double(steps - 1)) + high * high * high / (3 * (Double(steps) - high))
            chain.append(steps, logAlphaBar, sde, scaledGap, limit, bound)
            checks.append(
                .near(
                    "DDPM chain, N = \(steps): N (ln ∏(1 − β_k) − ln m(1)²) + B_N/2 against −(b₀² + b₀b₁ + b₁²)/6",
                    scaledGap + bound / 2, limit, within: bound / 2, settings: settings))
        }
        record.tables += [coefficients, forward, reverse, chain]
        record.summary =
            "Each model's definition is written out again (f, g², the breaks of the tables and the clip) and "
            + "integrated by RK4 as the reference; the grid and the reverse sampler are then checked against the "
            + "mixture with those marginals, and the DDPM chain's product against VP's exponential."
        return checks
    }
}

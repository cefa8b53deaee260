import DensitySolvers
import DiffusionModels
import Foundation
import GridFields
import InverseHeat
import ParticleSampling
import RandomStreams

/// The claims about running diffusion backward: the naive inversion's blow-up, the regularized inversions'
/// bounds, and the score-guided reverse equation that does not blow up (THEORY §3, §8).
extension VerificationSuite {
    static let naiveInversionBlowUp = Claim(
        name: "naive-inversion-blowup",
        statement: "Naive backward OU inversion blows up at the time predicted from δ, k_max and the threshold (within a factor 2), sooner on finer grids and with more noise."
    ) { settings in
        let pointCounts = settings.quick ? [64, 128] : [64, 128, 256]
        let noiseLevels = [1e-2, 1e-6, 0]
        let measurements = try BlowUpSweep(equation: .ornsteinUhlenbeck, finalTime: 1, mixture: paperMixture, halfWidth: 10,
                                           pointCounts: pointCounts, noiseLevels: noiseLevels, seed: settings.seed).run()
        let ratios = measurements.map { $0.ratio ?? .nan }
        let worst = ratios.map { abs(log2($0)) }.max() ?? .nan
        var monotone = true
        for (index, measurement) in measurements.enumerated() {
            guard let time = measurement.measuredTime else { monotone = false; continue }
            // Larger delta (earlier in the list) blows up sooner; finer grids blow up sooner.
            if index % noiseLevels.count > 0, let previous = measurements[index - 1].measuredTime, previous > time { monotone = false }
            if index >= noiseLevels.count, let coarser = measurements[index - noiseLevels.count].measuredTime, coarser < time { monotone = false }
        }
        return [.atMost("largest |log2(measured / predicted blow-up time)| over N × δ", worst, 1, settings: settings),
                .atLeast("every run blew up, monotone in N and δ (1 = yes)", monotone && measurements.allSatisfy { $0.measuredTime != nil } ? 1 : 0, 1, settings: settings)]
    }

    static let regularizedInversionBounds = Claim(
        name: "regularized-inversion-hoelder",
        statement: "Spectral cutoff and quasi-boundary-value inversions stay under the Hölder bound 2 E^(1−t/T) δ^(t/T) at t = T/2."
    ) { settings in
        let grid = Grid(dimension: 1, points: 256, halfWidth: 10)
        let problem = try InverseHeatProblem(equation: .ornsteinUhlenbeck, grid: grid, finalTime: 1, initialData: .mixture(paperMixture), seed: settings.seed)
        let rows = try MethodComparison(problem: problem, noiseLevels: [1e-2, 1e-4, 1e-6], methods: [.cutoff, .quasiBoundaryValue]).run()
        let worst = rows.compactMap { $0.halfTimeCheck.map { $0.error / $0.bound } }.max() ?? .nan
        return [.atMost("largest error / Hölder bound at T/2, cutoff and quasi-boundary, δ = 1e-2 … 1e-6", worst, 1, settings: settings)]
    }

    static let logConvexity = Claim(
        name: "log-convexity",
        statement: "‖u(t)‖ ≤ ‖u(0)‖^(1−t/T) ‖u(T)‖^(t/T) for the heat equation, on random band-limited initial data."
    ) { settings in
        var generator = Xoshiro256StarStar(seed: settings.seed, stream: 11)
        let grid = Grid(dimension: 1, points: 64, halfWidth: Double.pi)
        var worst = -Double.infinity
        for _ in 0..<(settings.quick ? 30 : 100) {
            let initial = try InitialData.randomBandLimited(grid: grid, bandwidth: 1 + Int(generator.next() % 30),
                                                            decay: 4 * generator.nextUniform(), using: &generator)
            let problem = try InverseHeatProblem(equation: .heat(diffusivity: 1), grid: grid, finalTime: 0.2, initialData: initial)
            for sample in try LogConvexity.check(problem, times: [0.02, 0.05, 0.1, 0.15, 0.18]) {
                worst = max(worst, -sample.relativeSlack)
            }
        }
        return [.atMost("largest (‖u(t)‖ − bound) / bound", worst, 1e-12, settings: settings)]
    }

    static let reverseEquationRecovery = Claim(
        name: "reverse-pde-recovery",
        statement: "From the same ρ_T on the same grid, the score-guided reverse Fokker–Planck equation returns ρ_0 (t_min = 1e-6) while the naive inversion blows up."
    ) { settings in
        let grid = Grid(dimension: 1, points: 256, halfWidth: 10)
        let model = ornsteinUhlenbeck
        let process = ReverseTimeProcess(forward: model, score: ExactMixtureScore(mixture: paperMixture, model: model), horizon: 1)
        let solver = try SpectralFokkerPlanckSolver(process: process, initialDensity: paperMixture.evolved(under: model, to: 1).field(on: grid))
        let result = DensityRun(endTime: 1 - 1e-6, stepCount: settings.quick ? 3000 : 4000).run(solver)
        let problem = try InverseHeatProblem(equation: .ornsteinUhlenbeck, grid: grid, finalTime: 1, initialData: .mixture(paperMixture), seed: settings.seed)
        let naive = try InversionRun(method: .naive).run(problem)
        return [.atMost("L1 distance of the reverse-PDE result to ρ_0", result.status == .completed ? result.finalDensity.distanceL1(to: paperMixture.field(on: grid)) : .infinity, 1e-3, settings: settings),
                .atMost("naive inversion of the same data: blow-up time s (must be < T = 1)", naive.blowUpTime ?? .infinity, 1, settings: settings)]
    }
}

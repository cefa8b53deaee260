import DiffusionModels
import Foundation
import GridFields
import ParticleSampling
import Reconstruction

/// The claims about taking rho_T back to rho_0: the four-way contrast and support containment (THEORY §3, §4).
extension VerificationSuite {
    static let reverseContrast = Claim(
        name: "reverse-contrast",
        statement: "From the same ρ_T on the same grid (OU, T = 1, 256 cells), the naive inversion blows up before T, the reverse PDE returns ρ_0 within L1 1e-3 (t_min = 1e-5, <X0> map), and reverse-SDE and probability-flow particles return it at their histogram's sampling level."
    ) { settings in
        let particleCount = settings.quick ? 10_000 : 20_000
        let contrast = ReconstructionContrast(
            model: ornsteinUhlenbeck, mixture: paperMixture, grid: Grid(dimension: 1, points: 256, halfWidth: 10), horizon: 1,
            minimumTime: 1e-5, particleCount: particleCount, particleSteps: settings.quick ? 150 : 300, seed: settings.seed, threads: settings.threads)
        let result = try contrast.run()
        func row(_ method: ReconstructionMethod) -> ContrastRow { result.rows.first { $0.method == method }! }
        let level = DensityComparison.expectedSamplingL1(reference: result.initialDensity, particleCount: particleCount)
        return [
            .atMost("naive inversion: blow-up reverse time s (must be below T = 1)", row(.naive).blowUpTime ?? .infinity, 1, settings: settings),
            .atMost("reverse PDE: L1 distance to ρ_0", row(.pde).comparison?.l1Distance ?? .infinity, 1e-3, settings: settings),
            .atMost("reverse-SDE particles: L1 / expected sampling L1 (\(particleCount) particles)",
                    (row(.sde).comparison?.l1Distance ?? .infinity) / level, 1.5, settings: settings),
            .atMost("probability-flow particles: L1 / expected sampling L1", (row(.flow).comparison?.l1Distance ?? .infinity) / level, 1.5, settings: settings),
        ]
    }

    static let supportContainment = Claim(
        name: "support-containment",
        statement: "Started from N(0, 1) instead of ρ_T, the exact reverse dynamics of 0.3·U[−2,−1] + 0.7·U[1,2] leave no mass in the gap (−1, 1), and each interval receives the h-reweighting prediction ∫ h(x, 0) ρ_0 dx (grid within 1e-3, particles within 4 SE)."
    ) { settings in
        let particleCount = settings.quick ? 20_000 : 50_000
        let experiment = SupportContainment(steps: ReverseStepPlan(uniformSteps: 50, geometricSteps: 200), particleCount: particleCount,
                                            particleSteps: 100, seed: settings.seed, threads: settings.threads)
        let result = try experiment.run()
        let grid = result.grid!, particles = result.particles!
        let gridDeviation = zip(grid.finalPieceMasses, result.prediction).map { abs($0 - $1) }.max() ?? .infinity
        let particleDeviation = (0..<result.prediction.count).map {
            abs(particles.finalPieceMasses[$0] - result.prediction[$0]) / particles.finalStandardErrors![$0]
        }.max() ?? .infinity
        let routes = zip(result.prediction, result.predictionByPosterior).map { abs($0 - $1) }.max() ?? .infinity
        return [
            .atMost("grid (finite volumes, <X0> map at t_min = 1e-3): mass in (−1, 1)", grid.status == "completed" ? grid.points.last!.gapMass : .infinity, 1e-3, settings: settings),
            .atMost("particles (\(particleCount), DDPM update): mass in (−1, 1)", particles.points.last?.gapMass ?? .infinity, 1e-3, settings: settings),
            .atMost("grid: largest |interval mass − prediction|", gridDeviation, 1e-3, settings: settings),
            .atMost("particles: largest |interval mass − prediction| / SE", particleDeviation, 4, settings: settings),
            .atMost("prediction: h-reweighting against Bayes' form, largest difference", routes, 1e-9, settings: settings),
        ]
    }
}

import CrossChecks
import DiffusionModels
import GridFields

/// The claim that the grid and the particles, run on the same SDE, describe the same law: their difference is
/// sampling noise of the size multinomial statistics predict, and it falls like M^(-1/2).
extension VerificationSuite {
    static let gridParticleCrossCheck = Claim(
        name: "grid-particle-crosscheck",
        statement: "Grid densities and particle histograms of the same SDE, forward and reverse (exact score, t_min = 0.05), differ by the multinomial sampling level (|TV − E TV| ≤ 4 SE) and the TV decays like M^(−1/2)."
    ) { settings in
        let grid = Grid(dimension: 1, points: 256, halfWidth: 10)
        var forward = GridParticleCrossCheck(mixture: paperMixture, model: ornsteinUhlenbeck, grid: grid, times: [0.25, 0.5, 1],
                                             particleCounts: settings.quick ? [1000, 10_000, 100_000] : [1000, 10_000, 100_000, 1_000_000])
        var reverse = GridParticleCrossCheck(mixture: paperMixture, model: ornsteinUhlenbeck, grid: grid, times: [0.5, 0.2], minimumTime: 0.05,
                                             particleCounts: settings.quick ? [1000, 3000, 10_000] : [1000, 5000, 50_000])
        reverse.reverseSteps = settings.quick ? 200 : 400
        (forward.seed, forward.threads) = (settings.seed, settings.threads)
        (reverse.seed, reverse.threads) = (settings.seed, settings.threads)
        var checks: [Check] = []
        for (check, direction) in [(forward, CrossCheckDirection.forward), (reverse, .reverse)] {
            let result = try check.run(direction)
            let counts = check.particleCounts.map(String.init).joined(separator: ", ")
            let score = result.completed ? result.largestStandardScore : .infinity
            checks.append(.atMost("\(direction.rawValue): largest |TV − E TV| / SE, M = \(counts)", score, 4, settings: settings))
            checks.append(.near("\(direction.rawValue): decay exponent of TV in M", result.decayExponent ?? .nan, -0.5, within: 0.1, settings: settings))
        }
        return checks
    }
}

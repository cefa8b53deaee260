import CrossChecks
import DiffusionModels
import Foundation

/// One `fplab crosscheck` run, every default resolved: the cross-check `check` (mixture, model, grid and method,
/// horizon, comparison times, particle counts, integrators, steps, seed, threads) run in each of `directions`.
public struct CrosscheckExperiment: Sendable {
    public var check: GridParticleCrossCheck
    /// Forward, reverse, or both in that order.
    public var directions: [CrossCheckDirection]
    /// The text the mixture was read from, as given (reports quote it).
    public var mixtureSpecification: String

    public init(
        check: GridParticleCrossCheck, directions: [CrossCheckDirection] = [.forward, .reverse],
        mixtureSpecification: String? = nil
    ) {
        self.check = check
        self.directions = directions
        self.mixtureSpecification = mixtureSpecification ?? check.mixture.specification ?? ""
    }

    /// The check's seed and thread count.
    public var settings: RunSettings { RunSettings(seed: check.seed, threads: check.threads) }

    /// Runs the check in every direction, in order, and times it all; `progress` hears the fraction done (each
    /// direction an equal share).
    public func run(progress: ((Double) -> Void)? = nil) throws -> CrosscheckOutcome {
        let clock = ContinuousClock.now
        var results: [CrossCheckResult] = []
        for (index, direction) in directions.enumerated() {
            let share = 1 / Double(directions.count)
            results.append(
                try check.run(direction) { fraction in progress?((Double(index) + fraction) * share) })
        }
        return CrosscheckOutcome(experiment: self, results: results, wallSeconds: secondsElapsed(since: clock))
    }
}

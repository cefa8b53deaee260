import Foundation
import Reconstruction

/// One `fplab support` run, every default resolved: the support-containment experiment (interval data, its exact
/// reverse dynamics started from N(0, 1) on the grid and with particles, against the h-reweighting prediction).
public struct SupportExperiment {
    public var containment: SupportContainment

    public init(containment: SupportContainment) { self.containment = containment }

    /// The seed and the threads of the runs.
    public var settings: RunSettings { RunSettings(seed: containment.seed, threads: containment.threads) }

    /// Runs the prediction, the grid run and the particles, timing it all; `progress` hears the fraction done. An
    /// experiment that cannot be set up is an `ExperimentError` ("support: …").
    public func run(progress: ((Double) -> Void)? = nil) throws -> SupportOutcome {
        let clock = ContinuousClock.now
        let result: SupportContainment.Result
        do { result = try containment.run(progress: progress) } catch let error as ReconstructionError {
            throw ExperimentError("support: \(error.description)")
        }
        return SupportOutcome(experiment: self, result: result, wallSeconds: secondsElapsed(since: clock))
    }
}

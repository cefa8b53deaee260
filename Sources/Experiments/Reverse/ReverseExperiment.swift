import DiffusionModels
import Foundation
import Reconstruction

/// One `fplab reverse` run, every default resolved: the reconstruction contrast (the same rho_T, the mixture
/// evolved to T on a periodic grid plus white noise, taken back to t = 0 by the naive inversion, the reverse PDE,
/// reverse-SDE and probability-flow particles), and the text the mixture was read from.
public struct ReverseExperiment {
    public var contrast: ReconstructionContrast
    /// The text the mixture was read from, as given (reports quote it).
    public var mixtureSpecification: String

    public init(contrast: ReconstructionContrast, mixtureSpecification: String? = nil) {
        self.contrast = contrast
        self.mixtureSpecification = mixtureSpecification ?? contrast.mixture.specification ?? ""
    }

    /// The seed and the threads of the contrast.
    public var settings: RunSettings { RunSettings(seed: contrast.seed, threads: contrast.threads) }

    /// Runs every method of the contrast and times it all; `progress` hears the fraction done. A contrast that
    /// cannot be set up is an `ExperimentError` ("reverse: …").
    public func run(progress: ((Double) -> Void)? = nil) throws -> ReverseOutcome {
        let clock = ContinuousClock.now
        let result: ContrastResult
        do { result = try contrast.run(progress: progress) } catch let error as ReconstructionError {
            throw ExperimentError("reverse: \(error.description)")
        }
        return ReverseOutcome(experiment: self, result: result, wallSeconds: secondsElapsed(since: clock))
    }
}

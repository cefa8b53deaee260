import DataFiles
import DensitySolvers
import DiffusionModels
import InverseHeat
import ParticleSampling
import ScoreNetworks
import Scores

/// The components a claim puts to the test, handed to it so that a broken one can be handed instead.
///
/// In normal use every member is the identity: a claim runs the library's own processes, steppers, scores and
/// sampler output. A negative control (`PlantedDefect`) replaces one member by a plausible defect (a coefficient
/// 1 % off, a flipped score, a shifted histogram, the solver replaced by its oracle) and the claim must then fail.
/// The claims' oracles (closed forms written out in the claim, slow references) never pass through these members,
/// so a defect reaches the code under test only.
public struct ClaimSubjects: Sendable {
    /// The process a grid solver receives for the model a claim names.
    public var gridProcess: @Sendable (LinearSDE) -> LinearSDE = { $0 }
    /// The process a particle sampler (its dynamics and the scores it builds) receives for the model a claim names.
    public var particleProcess: @Sendable (LinearSDE) -> LinearSDE = { $0 }
    /// Wraps every grid stepper a claim builds (a forward or reverse Fokker–Planck solver).
    public var stepper: @Sendable (any DensityStepper) -> any DensityStepper = { $0 }
    /// Wraps every score a claim hands to a sampler or a reverse equation.
    public var score: @Sendable (any ScoreProvider) -> any ScoreProvider = { $0 }
    /// Transforms particle end positions (flat, point-major) before they are counted, binned or averaged.
    public var particles: @Sendable ([Double]) -> [Double] = { $0 }
    /// The equation an inversion (the naive backward stepper, a regularized reconstruction) inverts, for the
    /// equation of the problem a claim poses; the data and the oracles keep the problem's own.
    public var inversionEquation: @Sendable (BackwardEquation) -> BackwardEquation = { $0 }
    /// The training set a sample-memorization search measures samples against, and the one the regime studies'
    /// empirical scores receive.
    public var trainingSet: @Sendable (PointSet) -> PointSet = { $0 }
    /// Applied to every trained score network before it is evaluated or sampled from.
    public var network: @Sendable (ScoreNetwork) -> ScoreNetwork = { $0 }
    /// The Langevin corrector a predictor–corrector sampler receives.
    public var corrector: @Sendable (LangevinCorrector) -> LangevinCorrector = { $0 }

    public init() {}

    /// The library's own components.
    public static let library = ClaimSubjects()
}

/// A plausible defect planted in one component a claim tests; the claim is shown to fail under it.
///
/// Defects are values that replace a component (never code paths inside the library): `fplab verify --list
/// --verbose` and notebooks-data/REPORT.md list them claim by claim, and the negative-control tests run every
/// claim under each of its defects and require a failing verdict.
public struct PlantedDefect: Sendable {
    /// A short name for tables and test output, e.g. "drift-rate +2 %".
    public let name: String
    /// What is broken, in one sentence.
    public let description: String
    let plant: @Sendable (inout ClaimSubjects) -> Void

    public init(name: String, description: String, plant: @escaping @Sendable (inout ClaimSubjects) -> Void) {
        self.name = name
        self.description = description
        self.plant = plant
    }

    /// The settings with this defect planted.
    public func planted(in settings: VerificationSettings) -> VerificationSettings {
        var broken = settings
        plant(&broken.subjects)
        return broken
    }
}

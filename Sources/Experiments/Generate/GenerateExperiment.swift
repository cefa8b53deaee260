import DataFiles
import Datasets
import Foundation
import Memorization

/// One `fplab generate` run, every option resolved: `particleCount` samples per score drawn with the bridge
/// (ddpm) update in `stepCount` steps from `horizon` to 0 (geometric down to `finalTime`, then one step to 0),
/// for the exact finite-data score of `training`, the scores `score` chooses and the trained `networks`, each
/// measured by its score error and its novelty against the training set.
public struct GenerateExperiment: Sendable {
    public var training: PointSet
    /// The synthetic dataset the training points were drawn from (nil for listed or file points): sliced W2 is
    /// measured against fresh draws of it, and the Swiss roll's curve distance and coverage when it is the roll.
    public var law: SyntheticDataset?
    /// How the training set was given, for summaries and manifests ("swiss-roll", "file a.csv", "points 0,2").
    public var datasetDescription: String
    public var score: GenerateScoreChoice
    /// The smoothed score's kernel bandwidth, the biased score's constant, the noisy score's relative noise, and
    /// the early-stopping time.
    public var bandwidth: Double
    public var bias: Double
    public var noiseLevel: Double
    public var timeMinimum: Double
    /// Trained networks (from `--checkpoint`), measured after the named scores.
    public var networks: [GenerationMethod]
    /// Samples per score and bridge steps.
    public var particleCount: Int
    public var stepCount: Int
    /// The horizon T, the start law, and the memorization (novelty) radius ε.
    public var horizon: Double
    public var startLaw: StartLaw
    public var epsilon: Double
    /// The last positive time before the step to 0, and the lower end of the score error's time integral.
    public var finalTime: Double
    public var errorTimeMinimum: Double
    public var settings: RunSettings

    public init(
        training: PointSet, law: SyntheticDataset?, datasetDescription: String, score: GenerateScoreChoice,
        bandwidth: Double, bias: Double, noiseLevel: Double, timeMinimum: Double, networks: [GenerationMethod] = [],
        particleCount: Int, stepCount: Int, horizon: Double, startLaw: StartLaw, epsilon: Double, finalTime: Double,
        errorTimeMinimum: Double, settings: RunSettings = RunSettings()
    ) {
        self.training = training
        self.law = law
        self.datasetDescription = datasetDescription
        self.score = score
        self.bandwidth = bandwidth
        self.bias = bias
        self.noiseLevel = noiseLevel
        self.timeMinimum = timeMinimum
        self.networks = networks
        self.particleCount = particleCount
        self.stepCount = stepCount
        self.horizon = horizon
        self.startLaw = startLaw
        self.epsilon = epsilon
        self.finalTime = finalTime
        self.errorTimeMinimum = errorTimeMinimum
        self.settings = settings
    }

    public var isSwissRoll: Bool { if case .swissRoll = law { return true } else { return false } }

    /// The exact score first, then the chosen ones, then the networks.
    public var methods: [GenerationMethod] {
        var list: [GenerationMethod] = [.exact(training)]
        let choice = score
        if choice == .smoothed || choice == .all { list.append(.smoothed(training, bandwidth: bandwidth)) }
        if choice == .biased || choice == .all { list.append(.biased(training, bias: bias)) }
        if choice == .noisy || choice == .all {
            list.append(.noisy(training, level: noiseLevel, seed: settings.seed))
        }
        if choice == .earlyStop || choice == .all {
            list.append(.earlyStop(training, timeMinimum: timeMinimum))
        }
        return list + networks
    }

    public var study: ImperfectScoreStudy {
        let setup = FiniteDataSetup(
            training: training, horizon: horizon, startLaw: startLaw, seed: settings.seed, threads: settings.threads)
        let fresh = law?.generate(count: particleCount, seed: settings.seed, stream: 0x4652_4553_48)
        return ImperfectScoreStudy(
            setup: setup, count: particleCount, steps: stepCount, threshold: epsilon,
            freshData: fresh, isSwissRoll: isSwissRoll, errorTimeMinimum: errorTimeMinimum,
            finalTime: finalTime)
    }

    /// Draws and measures the samples of every method in turn; `progress` hears the fraction of methods done.
    public func run(progress: ((Double) -> Void)? = nil) throws -> GenerateOutcome {
        let clock = ContinuousClock.now
        let study = self.study
        let methods = self.methods
        var rows: [GenerationMetrics] = []
        var samples: [PointSet] = []
        for (index, method) in methods.enumerated() {
            progress?(Double(index) / Double(methods.count))
            let result = try study.samples(method)
            samples.append(PointSet(points: result.positions, dimension: training.dimension))
            rows.append(study.metrics(method, samples: result))
        }
        return GenerateOutcome(
            experiment: self, rows: rows, samples: samples, wallSeconds: secondsElapsed(since: clock))
    }
}

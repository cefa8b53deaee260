import DataFiles
import Datasets
import Foundation
import ParticleSampling
import ScoreNetworks

/// Table (2): the sinusoidal and the scalar time embedding (THEORY §9) trained on the Swiss roll with the same
/// width, depth, activation, batch, learning rate and number of updates, over `seedCount` seeds s, s + 1, ….
///
/// Each seed draws its own training set (stream 0), initialization and minibatches; both embeddings of one seed
/// share them, and share the held-out examples, the fresh reference points and the sampling noise, so every
/// metric's difference is paired. For each metric: the mean over seeds ± its standard error (sd/√n), the mean
/// paired difference (sinusoidal − scalar) ± its standard error, and which embedding wins (lower is better for
/// losses, sliced W2 and distance to the roll; higher for coverage; novelty and timings are reported, not ranked).
/// Cost: 2 · seedCount trainings of `updates` minibatches plus their evaluations (`NetworkEvaluation.measure`).
public struct EmbeddingComparisonStudy: Sendable {
    public var width: Int
    public var depth: Int
    public var activation: Activation
    /// Batch size and learning rate; its seed is the first seed.
    public var configuration: TrainingConfiguration
    public var updates: Int
    public var trainingPoints: Int
    public var samples: Int
    public var samplingSteps: Int
    public var noveltyThreshold: Double
    public var seedCount: Int
    public var threads: Int
    /// Applied to every trained network before it is measured (identity; a negative control hands in a broken one).
    public var trainedNetwork: @Sendable (ScoreNetwork) -> ScoreNetwork = { $0 }

    public init(
        width: Int = 128, depth: Int = 3, activation: Activation = .silu,
        configuration: TrainingConfiguration = TrainingConfiguration(),
        updates: Int = 1500, trainingPoints: Int = 2000, samples: Int = 2000, samplingSteps: Int = 250,
        noveltyThreshold: Double = 0.02, seedCount: Int = 3, threads: Int = 1
    ) {
        self.width = width
        self.depth = depth
        self.activation = activation
        self.configuration = configuration
        self.updates = updates
        self.trainingPoints = trainingPoints
        self.samples = samples
        self.samplingSteps = samplingSteps
        self.noveltyThreshold = noveltyThreshold
        self.seedCount = seedCount
        self.threads = threads
    }

    /// The seeds, in run order.
    public var seeds: [UInt64] { (0..<seedCount).map { configuration.seed &+ UInt64($0) } }

    /// Swiss-roll points of THEORY §9 from stream `stream` of `seed`.
    public static func swissRoll(count: Int, seed: UInt64, stream: UInt64) -> PointSet {
        SyntheticDataset.swissRoll(SwissRoll()).generate(count: count, seed: seed, stream: stream)
    }

    /// One trained network's measurements.
    public struct Run: Sendable {
        public var embedding: TimeEmbedding
        public var seed: UInt64
        /// The minibatch loss of every update.
        public var losses: [Double]
        public var evaluation: NetworkEvaluation
        public var trainingSeconds: Double
    }

    /// Trains and measures the 2 · seedCount networks, seed by seed (sinusoidal first). `progress` receives the
    /// fraction done and a line (embedding, seed, update, loss) now and then. Throws when a training stops on a
    /// non-finite loss.
    public func run(progress: ((Double, String) -> Void)? = nil) throws -> EmbeddingComparisonResult {
        let clock = ContinuousClock.now
        var runs: [Run] = []
        let total = Double(2 * seedCount)
        for seed in seeds {
            let training = Self.swissRoll(count: trainingPoints, seed: seed, stream: 0)
            for embedding in [TimeEmbedding.sinusoidal, .scalar] {
                let architecture = NetworkArchitecture(
                    dimension: 2, width: width, depth: depth, activation: activation, embedding: embedding)
                var configuration = self.configuration
                configuration.seed = seed
                let trainer = DenoisingTrainer(
                    state: TrainingState(architecture: architecture, configuration: configuration),
                    data: training.points, threads: threads)
                let trainingClock = ContinuousClock.now
                let done = Double(runs.count)
                let status = trainer.train(steps: updates) { step, loss in
                    progress?(
                        (done + Double(step) / Double(updates)) / total,
                        String(format: "%@ seed %llu, update %d, loss %.4f", embedding.rawValue, seed, step, loss))
                }
                guard status == .completed else {
                    throw SamplerError(
                        "training the \(embedding.rawValue) embedding with seed \(seed) "
                            + "stopped: \(status); lower the learning rate"
                    )
                }
                let trainingSeconds = (ContinuousClock.now - trainingClock) / .seconds(1)
                let evaluation = try NetworkEvaluation.measure(
                    network: trainedNetwork(trainer.state.network), training: training,
                    dataset: .swissRoll(SwissRoll()), samples: samples,
                    samplingSteps: samplingSteps, noveltyThreshold: noveltyThreshold, seed: seed, threads: threads)
                runs.append(
                    Run(
                        embedding: embedding, seed: seed, losses: trainer.state.lossHistory, evaluation: evaluation,
                        trainingSeconds: trainingSeconds))
            }
        }
        return EmbeddingComparisonResult(
            study: self, runs: runs, wallSeconds: (ContinuousClock.now - clock) / .seconds(1))
    }
}

/// Which way a metric improves.
public enum MetricPreference: String, Sendable {
    case lower, higher
    /// Reported, not ranked.
    case none
}

/// One row of table (2): a metric over the seeds for both embeddings and their paired difference.
public struct EmbeddingMetric: Sendable {
    /// In words, e.g. "held-out ε-loss, n 1–20".
    public var name: String
    /// snake_case, e.g. "loss_1_20".
    public var key: String
    public var preference: MetricPreference
    /// One value per seed, in seed order.
    public var sinusoidal: [Double]
    public var scalar: [Double]

    /// Mean and standard error (sd/√n; NaN for one value) of a list.
    public static func meanAndError(_ values: [Double]) -> (mean: Double, standardError: Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        guard values.count > 1 else { return (mean, .nan) }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        return (mean, (variance / Double(values.count)).squareRoot())
    }

    public var sinusoidalSummary: (mean: Double, standardError: Double) { Self.meanAndError(sinusoidal) }
    public var scalarSummary: (mean: Double, standardError: Double) { Self.meanAndError(scalar) }
    /// The mean paired difference sinusoidal − scalar and its standard error.
    public var difference: (mean: Double, standardError: Double) {
        Self.meanAndError(zip(sinusoidal, scalar).map { $0 - $1 })
    }

    /// How many standard errors the scalar embedding is ahead by: (sinusoidal − scalar)/SE for a lower-is-better
    /// metric, (scalar − sinusoidal)/SE for a higher-is-better one; negative when the sinusoidal one is ahead,
    /// ±∞ when every seed's difference is the same nonzero number, 0 for a tie, NaN when not ranked.
    public var scalarAdvantage: Double {
        guard preference != .none else { return .nan }
        let (mean, error) = difference
        let signed = preference == .lower ? mean : -mean
        if signed == 0 { return 0 }
        return error > 0 ? signed / error : (signed > 0 ? .infinity : -.infinity)
    }

    /// "scalar", "sinusoidal", "tie", or "—" for a metric that is not ranked.
    public var better: String {
        guard preference != .none else { return "—" }
        let advantage = scalarAdvantage
        if advantage == 0 { return "tie" }
        return advantage > 0 ? "scalar" : (advantage < 0 ? "sinusoidal" : "—")
    }
}

/// What the embedding comparison measured.
public struct EmbeddingComparisonResult: Sendable {
    public let study: EmbeddingComparisonStudy
    public let runs: [EmbeddingComparisonStudy.Run]
    public let wallSeconds: Double

    /// The rows of table (2): held-out loss per time bucket and over all n, sliced W2 to fresh roll points, mean
    /// distance to the roll, coverage along τ, novelty fraction, training seconds.
    public var metrics: [EmbeddingMetric] {
        let sinusoidal = runs.filter { $0.embedding == .sinusoidal }
        let scalar = runs.filter { $0.embedding == .scalar }
        func metric(
            _ name: String, _ key: String, _ preference: MetricPreference,
            _ value: (EmbeddingComparisonStudy.Run) -> Double
        ) -> EmbeddingMetric {
            EmbeddingMetric(
                name: name, key: key, preference: preference, sinusoidal: sinusoidal.map(value),
                scalar: scalar.map(value))
        }
        var rows: [EmbeddingMetric] = []
        for (index, bucket) in (runs.first?.evaluation.bucketLosses ?? []).enumerated() {
            let (lower, upper) = (bucket.steps.lowerBound, bucket.steps.upperBound)
            rows.append(
                metric("held-out ε-loss, n \(lower)–\(upper)", "loss_\(lower)_\(upper)", .lower) {
                    $0.evaluation.bucketLosses[index].mean
                })
        }
        rows.append(metric("held-out ε-loss, all n (bucket mean)", "loss_all", .lower) { $0.evaluation.heldOutLoss })
        rows.append(
            metric("sliced W2 to fresh roll points", "sliced_wasserstein", .lower) { $0.evaluation.slicedWasserstein })
        rows.append(
            metric("mean distance to the roll", "roll_distance", .lower) { $0.evaluation.rollDistance?.mean ?? .nan })
        rows.append(metric("coverage along τ (30 bins)", "coverage", .higher) { $0.evaluation.coverage ?? .nan })
        rows.append(metric("novelty fraction", "novelty_fraction", .none) { $0.evaluation.novelty.noveltyFraction })
        rows.append(metric("training seconds", "training_seconds", .none) { $0.trainingSeconds })
        return rows
    }

    /// The metric with key `key`.
    public func metric(_ key: String) -> EmbeddingMetric? { metrics.first { $0.key == key } }
}

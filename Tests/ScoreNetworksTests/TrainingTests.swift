import DataFiles
import Datasets
import DiffusionModels
import Foundation
import ParticleSampling
import RandomStreams
import Scores
import Testing

@testable import ScoreNetworks

/// Swiss-roll points (THEORY §9), flat.
func swissRollPoints(count: Int, seed: UInt64) -> [Double] {
    SwissRoll().sample(count: count, seed: seed).points
}

/// A small trainer on 300 Swiss-roll points.
func smallTrainer(
    embedding: TimeEmbedding = .scalar, width: Int = 32, depth: Int = 2, batch: Int = 128,
    seed: UInt64 = 7, threads: Int = 1, precision: TrainingPrecision = .float64
) -> DenoisingTrainer {
    let architecture = NetworkArchitecture(dimension: 2, width: width, depth: depth, embedding: embedding)
    let state = TrainingState(
        architecture: architecture,
        configuration: TrainingConfiguration(batchSize: batch, learningRate: 2e-3, seed: seed, precision: precision))
    return DenoisingTrainer(state: state, data: swissRollPoints(count: 300, seed: 1), threads: threads)
}

@Suite("Denoising training")
struct TrainingTests {
    /// The minibatch loss starts near E|ε|² = 2 (a fresh network's output is small) and must fall. The mean of
    /// the last 50 of 400 updates against the first 50: each mean has a standard error of about 0.03 (per-batch
    /// losses of 128 examples scatter by about 0.2), so requiring a drop of more than a third cannot pass by chance.
    @Test(arguments: [TimeEmbedding.scalar, .sinusoidal])
    func lossDecreases(_ embedding: TimeEmbedding) {
        let trainer = smallTrainer(embedding: embedding)
        #expect(trainer.train(steps: 400) == .completed)
        let history = trainer.state.lossHistory
        #expect(history.count == 400)
        let start = history.prefix(5).reduce(0, +) / 5
        let first = history.prefix(50).reduce(0, +) / 50
        let last = history.suffix(50).reduce(0, +) / 50
        #expect(start > 1.5, "the first losses are near E|ε|² = 2: \(start)")
        #expect(last < 0.66 * first, "first 50: \(first), last 50: \(last)")
        #expect(last < 0.5, "first 50: \(first), last 50: \(last)")
    }

    /// Blocks of 128 rows with their own streams and a fixed reduction order: 1, 2 and 3 threads give the same bits,
    /// in either precision.
    @Test(arguments: TrainingPrecision.allCases)
    func sameWeightsForAnyThreadCount(_ precision: TrainingPrecision) {
        let results = [1, 2, 3].map { threads -> TrainingState in
            let trainer = smallTrainer(batch: 384, threads: threads, precision: precision)
            _ = trainer.train(steps: 25)
            return trainer.state
        }
        #expect(results[0].network.parameters.map(\.bitPattern) == results[1].network.parameters.map(\.bitPattern))
        #expect(results[0].network.parameters.map(\.bitPattern) == results[2].network.parameters.map(\.bitPattern))
        #expect(results[0].lossHistory == results[1].lossHistory)
    }

    /// A run stopped, saved, loaded and continued equals the uninterrupted run bit for bit, in either precision (the
    /// checkpoint keeps it).
    @Test(arguments: TrainingPrecision.allCases)
    func resumedRunEqualsUninterruptedRun(_ precision: TrainingPrecision) throws {
        let uninterrupted = smallTrainer(precision: precision)
        _ = uninterrupted.train(steps: 30)
        let first = smallTrainer(precision: precision)
        _ = first.train(steps: 12)
        let restored = try NetworkCheckpoint.decode(NetworkCheckpoint.encode(first.state), name: "memory")
        let second = DenoisingTrainer(state: restored, data: swissRollPoints(count: 300, seed: 1), threads: 2)
        _ = second.train(steps: 18)
        #expect(second.state == uninterrupted.state)
        #expect(restored.configuration.precision == precision)
    }

    /// One update's minibatch gradient in float32 against float64 at the same θ and the same examples.
    /// Bound: float32's unit round-off is u = 2^-24 = 6.0e-8. Each gemm entry sums K terms (K <= 194 here:
    /// 2 + 64 inputs, then 128 = the width). The worst case (Higham's γ_K = K u ≈ 1.2e-5 per product, added over
    /// the 3 products of each of 3 layers, times the ratio of the terms' magnitudes to their sums) allows 1e-3,
    /// which a 1 % error in one activation derivative would pass (9.3e-4 measured). Rounding errors of long sums
    /// behave as independent and add like √K u instead (Higham and Mary's probabilistic bound, 2019: λ √K u with
    /// probability at least 1 − 2 exp(−λ²/2) per sum): with λ = 5, 5 √194 u = 4.2e-6 per product, the 9 products
    /// adding in quadrature (× 3), 1.3e-5, and the magnitude ratio of order one at initialization: 1e-5 relative
    /// in the 2-norm (1.2e-7 measured; the 1 % derivative error is 90 times above it). A gradient that is not in
    /// float32 at all (the same bits as float64) fails the lower bound: rounding θ and the inputs to float alone
    /// moves it by about u relative.
    @Test func float32GradientAgreesWithFloat64ToItsRoundOff() {
        let architecture = NetworkArchitecture(dimension: 2, width: 128, depth: 3, embedding: .sinusoidal)
        let network = ScoreNetwork(architecture: architecture, seed: 3)
        let data = swissRollPoints(count: 300, seed: 1)
        func gradient(_ workspace: PrecisionWorkspace) -> (loss: Double, gradient: [Double]) {
            let loss = workspace.gradient(parameters: network.parameters, data: data, step: 4, seed: 9, threads: 2)
            return (loss, workspace.totalGradient)
        }
        let double = gradient(.float64(TrainingWorkspace(network: network, batchSize: 256)))
        let single = gradient(.float32(TrainingWorkspace(network: network, batchSize: 256)))
        let norm = double.gradient.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let difference = zip(double.gradient, single.gradient).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            .squareRoot()
        #expect(norm > 0.1)
        #expect(difference / norm <= 1e-5, "relative difference \(difference / norm)")
        #expect(difference / norm >= 1e-9, "the float32 gradient has the float64 bits: not run in float32")
        #expect(abs(single.loss - double.loss) <= 1e-4 * double.loss, "losses \(single.loss), \(double.loss)")
    }

    /// 400 updates in float32 and in float64 from the same seed: the two runs see the same examples, drift apart by
    /// round-off only, and must reach the same loss level. The mean of the last 50 losses of each scatters by
    /// about 0.03 (see `lossDecreases`); the two means are paired (same minibatches), so a difference above 0.05
    /// (well over twice that SE even unpaired, √2 × 0.03 = 0.042) would mean float32 trains worse.
    @Test func float32TrainsAsFloat64Does() {
        let histories = TrainingPrecision.allCases.map { precision -> [Double] in
            let trainer = smallTrainer(precision: precision)
            #expect(trainer.train(steps: 400) == .completed)
            return trainer.state.lossHistory
        }
        let means = histories.map { $0.suffix(50).reduce(0, +) / 50 }
        #expect(abs(means[0] - means[1]) <= 0.05, "last-50 means \(means)")
        #expect(abs(histories[0][0] - histories[1][0]) <= 1e-4 * histories[0][0], "first losses differ")
    }
}

@Suite("Checkpoints")
struct CheckpointTests {
    func trainedState() -> TrainingState {
        let trainer = smallTrainer(embedding: .sinusoidal, width: 12)
        _ = trainer.train(steps: 5)
        return trainer.state
    }

    @Test func roundTripIsBitExact() throws {
        let state = trainedState()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "checkpoint-\(UUID().uuidString).fpnet"
        ).path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try NetworkCheckpoint.save(state, to: scratch)
        let loaded = try NetworkCheckpoint.load(from: scratch)
        #expect(loaded == state)
        #expect(loaded.network.parameters.map(\.bitPattern) == state.network.parameters.map(\.bitPattern))
        #expect(loaded.secondMoments.map(\.bitPattern) == state.secondMoments.map(\.bitPattern))
        #expect(loaded.lossHistory.map(\.bitPattern) == state.lossHistory.map(\.bitPattern))
        #expect(loaded.configuration.learningRate == state.configuration.learningRate)
    }

    /// A checkpoint written before the precision existed (no "precision" key) reads as float64; one that names an
    /// unknown precision is refused.
    @Test func configurationWithoutPrecisionReadsAsFloat64() throws {
        let json =
            #"{"batch_size":8,"learning_rate":0.001,"first_moment_decay":0.9,"#
            + #""second_moment_decay":0.999,"adam_epsilon":1e-08,"seed":3}"#
        let configuration = try JSONDecoder().decode(TrainingConfiguration.self, from: Data(json.utf8))
        #expect(configuration.precision == .float64 && configuration.batchSize == 8 && configuration.seed == 3)
        let single = TrainingConfiguration(batchSize: 8, precision: .float32)
        let decoded = try JSONDecoder().decode(TrainingConfiguration.self, from: JSONEncoder().encode(single))
        #expect(decoded == single)
        let unknown = json.replacingOccurrences(of: #""seed":3"#, with: #""seed":3,"precision":"float16""#)
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(TrainingConfiguration.self, from: Data(unknown.utf8))
        }
    }

    /// The trainer records its data; the checkpoint keeps the record; other data gives another fingerprint.
    @Test func trainingDataFingerprintIsKept() throws {
        let state = trainedState()
        let fingerprint = try #require(state.trainingData)
        #expect(fingerprint.dimension == state.network.architecture.dimension && fingerprint.hash.count == 16)
        let loaded = try NetworkCheckpoint.decode(NetworkCheckpoint.encode(state), name: "net.fpnet")
        #expect(loaded.trainingData == fingerprint)
        let data = [0.0, 1, 2, 3]
        #expect(TrainingDataFingerprint(data: data, dimension: 2) == TrainingDataFingerprint(data: data, dimension: 2))
        #expect(
            TrainingDataFingerprint(data: data, dimension: 2)
                != TrainingDataFingerprint(data: [0.0, 1, 2, 3.0000000000000004], dimension: 2))
        #expect(
            TrainingDataFingerprint(data: data, dimension: 2)
                != TrainingDataFingerprint(data: [2.0, 3, 0, 1], dimension: 2))
        // A checkpoint without the record (written before it existed) still reads, with none.
        var bare = state
        bare.trainingData = nil
        #expect(try NetworkCheckpoint.decode(NetworkCheckpoint.encode(bare), name: "net.fpnet").trainingData == nil)
    }

    @Test func truncatedOrCorruptFilesAreRefused() throws {
        let bytes = try NetworkCheckpoint.encode(trainedState())
        func message(_ data: Data) -> String? {
            do {
                _ = try NetworkCheckpoint.decode(data, name: "net.fpnet")
                return nil
            } catch let error as CheckpointError {
                return error.description
            } catch { return "\(error)" }
        }
        #expect(message(bytes) == nil)
        #expect(message(bytes.prefix(bytes.count - 1))?.contains("truncated") == true)
        #expect(message(bytes.prefix(bytes.count / 2))?.contains("truncated") == true)
        #expect(message(bytes.prefix(12))?.contains("not a network checkpoint") == true)
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0x10
        #expect(message(flipped)?.contains("corrupt") == true)
        #expect(message(bytes + Data([0]))?.contains("corrupt") == true)
        var wrongMagic = bytes
        wrongMagic[0] = 0x41
        #expect(message(wrongMagic)?.contains("not a network checkpoint") == true)
        #expect(message(Data("x,y\n1,2\n".utf8))?.contains("not a network checkpoint") == true)
    }
}

@Suite("Network score")
struct NetworkScoreTests {
    /// s(x, t) = −ε̂(x, n(t))/σ_t and ⟨X0⟩ = (x − σ_t ε̂)/e^(−t), at schedule times (integer n) and between them.
    @Test func scoreIsMinusPredictedNoiseOverSigma() {
        let network = ScoreNetwork(
            architecture: NetworkArchitecture(dimension: 2, width: 16, depth: 2, embedding: .sinusoidal), seed: 2)
        let score = NetworkScore(network: network)
        let points = [0.3, -0.7, 1.1, 0.2, -0.5, -0.4]
        for (time, step) in [
            (network.schedule.times[1], 1.0), (network.schedule.times[500], 500.0),
            (0.5 * (network.schedule.times[20] + network.schedule.times[21]), 20.5),
        ] {
            let noise = network.predictNoise(at: points, step: step)
            let sigma = (1 - exp(-2 * time)).squareRoot()
            let scores = score.score(at: points, time: time)
            let means = score.posteriorMean(at: points, time: time)
            for index in 0..<points.count {
                #expect(abs(scores[index] + noise[index] / sigma) <= 1e-12 * abs(noise[index] / sigma) + 1e-13)
                let tweedie = (points[index] - sigma * noise[index]) / exp(-time)
                #expect(abs(means[index] - tweedie) <= 1e-12 * max(1, abs(tweedie)))
            }
        }
    }
}

@Suite("Generalization")
struct GeneralizationTests {
}

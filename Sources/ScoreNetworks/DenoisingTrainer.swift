import Foundation
import ParallelLoops
import ParticleSampling
import RandomStreams
import Safeguards

/// The training hyperparameters (saved in checkpoints; a resumed run continues with the same ones).
///
/// Adam (Kingma and Ba 2015): m ← β₁ m + (1 − β₁) g, v ← β₂ v + (1 − β₂) g², θ ← θ − η m̂ / (√v̂ + ε_Adam) with
/// m̂ = m/(1 − β₁^k), v̂ = v/(1 − β₂^k) at update k = 1, 2, ….
public struct TrainingConfiguration: Sendable, Equatable, Codable {
    public var batchSize: Int
    public var learningRate: Double
    public var firstMomentDecay: Double
    public var secondMomentDecay: Double
    public var adamEpsilon: Double
    public var seed: UInt64

    public init(
        batchSize: Int = 512, learningRate: Double = 1e-3, firstMomentDecay: Double = 0.9,
        secondMomentDecay: Double = 0.999, adamEpsilon: Double = 1e-8, seed: UInt64 = 1
    ) {
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.firstMomentDecay = firstMomentDecay
        self.secondMomentDecay = secondMomentDecay
        self.adamEpsilon = adamEpsilon
        self.seed = seed
    }

    private enum CodingKeys: String, CodingKey {
        case batchSize = "batch_size"
        case learningRate = "learning_rate"
        case firstMomentDecay = "first_moment_decay"
        case secondMomentDecay = "second_moment_decay"
        case adamEpsilon = "adam_epsilon"
        case seed
    }
}

/// Everything a run needs to continue exactly where it stopped: the network, Adam's moments, the step count
/// and the loss of every step so far.
public struct TrainingState: Sendable, Equatable {
    public var network: ScoreNetwork
    public var configuration: TrainingConfiguration
    /// Adam's first and second moments m and v (one per parameter).
    public var firstMoments: [Double]
    public var secondMoments: [Double]
    /// Updates done so far.
    public var step: Int
    /// The minibatch loss of every update so far (before the update).
    public var lossHistory: [Double]
    /// The data the network is trained on (set by `DenoisingTrainer` when nil; stored in checkpoints).
    public var trainingData: TrainingDataFingerprint?

    /// A fresh run: the network initialized from `configuration.seed`, zero moments.
    public init(
        architecture: NetworkArchitecture, schedule: NoiseSchedule = NoiseSchedule(),
        configuration: TrainingConfiguration
    ) {
        self.init(
            network: ScoreNetwork(architecture: architecture, schedule: schedule, seed: configuration.seed),
            configuration: configuration,
            firstMoments: Array(repeating: 0, count: architecture.parameterCount),
            secondMoments: Array(repeating: 0, count: architecture.parameterCount), step: 0, lossHistory: [])
    }

    public init(
        network: ScoreNetwork, configuration: TrainingConfiguration, firstMoments: [Double], secondMoments: [Double],
        step: Int, lossHistory: [Double], trainingData: TrainingDataFingerprint? = nil
    ) {
        precondition(
            firstMoments.count == network.parameters.count && secondMoments.count == network.parameters.count,
            "TrainingState: one moment per parameter")
        self.network = network
        self.configuration = configuration
        self.firstMoments = firstMoments
        self.secondMoments = secondMoments
        self.step = step
        self.lossHistory = lossHistory
        self.trainingData = trainingData
    }
}

/// Denoising score matching with minibatches and Adam on a fixed training set.
///
/// One update: the batch of B examples is cut into blocks of `blockRows` rows; block b of update k draws from
/// random stream k · 2^20 + b of the seed: for each row a training point x_0 (uniform), a step n (uniform on
/// 1 … N) and ε ~ N(0, I); the row's input is [√ᾱ_n x_0 + √(1 − ᾱ_n) ε, emb(n)] (the embedding from a table of
/// the N integer steps) and its target ε. Each block runs its forward and backward pass into a gradient of its
/// own; the blocks' gradients are then summed in block order and Adam updates θ. Blocks are spread over
/// `threads` workers, and OpenBLAS runs single-threaded inside each, so every sum is done in the same order and
/// the same seed gives bit-identical weights for any thread count; a resumed run (state from a checkpoint)
/// continues exactly as an uninterrupted one.
/// Cost per update: about 3 B Σ in_l out_l multiply-adds (forward plus backward) and O(P) for Adam.
public final class DenoisingTrainer {
    /// Rows per block: fixed, so that the summation order does not depend on the thread count.
    public static let blockRows = 128

    public private(set) var state: TrainingState
    public let data: [Double]
    public let threads: Int
    private let workspace: TrainingWorkspace

    /// A trainer on `data` (flat, d per point, every value finite). The batch and the block layout come from the
    /// state's configuration.
    public init(state: TrainingState, data: [Double], threads: Int = 1) {
        let dimension = state.network.architecture.dimension
        precondition(
            !data.isEmpty && data.count % dimension == 0 && data.allSatisfy(\.isFinite),
            "DenoisingTrainer: data must be N x d finite values")
        precondition(state.configuration.batchSize >= 1, "DenoisingTrainer: batch size must be positive")
        var state = state
        if state.trainingData == nil { state.trainingData = TrainingDataFingerprint(data: data, dimension: dimension) }
        self.state = state
        self.data = data
        self.threads = max(1, threads)
        workspace = TrainingWorkspace(network: state.network, batchSize: state.configuration.batchSize)
    }

    /// Runs `steps` updates; `progress(update, loss)` is called after each. Stops early (state before the bad
    /// update) when the loss or a parameter is not finite.
    public func train(steps: Int, progress: ((_ step: Int, _ loss: Double) -> Void)? = nil) -> RunStatus {
        for _ in 0..<steps {
            guard let loss = update() else { return .nonFinite(time: nil, step: state.step + 1, particle: nil) }
            progress?(state.step, loss)
        }
        return .completed
    }

    /// One update; returns its minibatch loss, or nil (and leaves the state unchanged) when it is not finite.
    private func update() -> Double? {
        let configuration = state.configuration
        let loss = workspace.gradient(
            parameters: state.network.parameters, data: data, step: state.step,
            seed: configuration.seed, threads: threads)
        guard loss.isFinite else { return nil }
        var parameters = state.network.parameters
        let update = state.step + 1
        let (firstDecay, secondDecay) = (configuration.firstMomentDecay, configuration.secondMomentDecay)
        let firstCorrection = 1 / (1 - pow(firstDecay, Double(update)))
        let secondCorrection = 1 / (1 - pow(secondDecay, Double(update)))
        let (rate, epsilon) = (configuration.learningRate, configuration.adamEpsilon)
        var allFinite = true
        var (firstMoments, secondMoments) = (state.firstMoments, state.secondMoments)
        workspace.totalGradient.withUnsafeBufferPointer { gradient in
            firstMoments.withUnsafeMutableBufferPointer { first in
                secondMoments.withUnsafeMutableBufferPointer { second in
                    parameters.withUnsafeMutableBufferPointer { parameters in
                        for index in 0..<parameters.count {
                            let value = gradient[index]
                            first[index] = firstDecay * first[index] + (1 - firstDecay) * value
                            second[index] = secondDecay * second[index] + (1 - secondDecay) * value * value
                            parameters[index] -=
                                rate * (first[index] * firstCorrection)
                                / ((second[index] * secondCorrection).squareRoot() + epsilon)
                            if !parameters[index].isFinite { allFinite = false }
                        }
                    }
                }
            }
        }
        guard allFinite else { return nil }
        (state.firstMoments, state.secondMoments) = (firstMoments, secondMoments)
        state.network.parameters = parameters
        state.step = update
        state.lossHistory.append(loss)
        return loss
    }
}

/// The per-block passes and gradients of a trainer, allocated once. Each block is touched by one worker at a time.
final class TrainingWorkspace: @unchecked Sendable {
    let architecture: NetworkArchitecture
    let schedule: NoiseSchedule
    let batchSize: Int
    let blocks: ParallelBlocks
    private let passes: [NetworkPass]
    private let blockGradients: [UnsafeMutablePointer<Double>]
    private let blockTargets: [UnsafeMutablePointer<Double>]
    private let blockLosses: UnsafeMutablePointer<Double>
    private(set) var totalGradient: [Double]
    /// emb(n) for n = 0 … N, flat (F per step).
    private let embeddingTable: [Double]
    /// √ᾱ_n and √(1 − ᾱ_n) for n = 0 … N.
    private let signalScales: [Double]
    private let noiseScales: [Double]

    init(network: ScoreNetwork, batchSize: Int) {
        architecture = network.architecture
        schedule = network.schedule
        self.batchSize = batchSize
        blocks = ParallelBlocks(count: batchSize, blockSize: DenoisingTrainer.blockRows)
        let rows = min(batchSize, DenoisingTrainer.blockRows)
        passes = (0..<blocks.blockCount).map { _ in NetworkPass(architecture: network.architecture, rowCapacity: rows) }
        blockGradients = (0..<blocks.blockCount).map { _ in .allocate(capacity: network.architecture.parameterCount) }
        blockTargets = (0..<blocks.blockCount).map { _ in .allocate(capacity: rows * network.architecture.dimension) }
        blockLosses = .allocate(capacity: blocks.blockCount)
        totalGradient = Array(repeating: 0, count: network.architecture.parameterCount)
        let (embedding, schedule) = (network.architecture.embedding, network.schedule)
        embeddingTable = (0...schedule.stepCount).flatMap {
            embedding.features(step: Double($0), stepCount: schedule.stepCount)
        }
        signalScales = (0...schedule.stepCount).map { schedule.signalScale(step: $0) }
        noiseScales = (0...schedule.stepCount).map { schedule.noiseScale(step: $0) }
    }

    deinit {
        blockGradients.forEach { $0.deallocate() }
        blockTargets.forEach { $0.deallocate() }
        blockLosses.deallocate()
    }

    /// The minibatch loss of update `step` at `parameters`; ∂L/∂θ into `totalGradient`.
    func gradient(parameters: [Double], data: [Double], step: Int, seed: UInt64, threads: Int) -> Double {
        let work = ParallelBlocks(count: batchSize, blockSize: DenoisingTrainer.blockRows, threads: threads)
        parameters.withUnsafeBufferPointer { parameterBuffer in
            data.withUnsafeBufferPointer { dataBuffer in
                let shared = SharedInputs(parameters: parameterBuffer.baseAddress!, data: dataBuffer)
                work.forEach { block, range in
                    self.blockLosses[block] = self.blockGradient(
                        block: block, rows: range.count, inputs: shared,
                        stream: UInt64(step) << 20 | UInt64(block), seed: seed)
                }
            }
        }
        let count = totalGradient.count
        totalGradient.withUnsafeMutableBufferPointer { total in
            for index in 0..<count { total[index] = blockGradients[0][index] }
            for block in 1..<blocks.blockCount {
                let gradient = blockGradients[block]
                for index in 0..<count { total[index] += gradient[index] }
            }
        }
        return (0..<blocks.blockCount).reduce(0) { $0 + blockLosses[$1] } / Double(batchSize)
    }

    /// Block `block`: draws its examples, runs forward and backward, returns Σ |ε̂ − ε|² over its rows.
    private func blockGradient(block: Int, rows: Int, inputs: SharedInputs, stream: UInt64, seed: UInt64) -> Double {
        var generator = Xoshiro256StarStar(seed: seed, stream: stream)
        let pass = passes[block]
        let targets = blockTargets[block]
        let dimension = architecture.dimension
        let featureCount = architecture.embedding.featureCount
        let inputWidth = dimension + featureCount
        let pointCount = UInt64(inputs.data.count / dimension)
        let stepCount = UInt64(schedule.stepCount)
        let normals = Ziggurat.table
        let input = pass.input
        embeddingTable.withUnsafeBufferPointer { table in
            for row in 0..<rows {
                let point = Int(generator.next().multipliedFullWidth(by: pointCount).high)
                let step = 1 + Int(generator.next().multipliedFullWidth(by: stepCount).high)
                let (signal, noise) = (signalScales[step], noiseScales[step])
                for axis in 0..<dimension {
                    let epsilon = normals.normal(using: &generator)
                    targets[row * dimension + axis] = epsilon
                    input[row * inputWidth + axis] = signal * inputs.data[point * dimension + axis] + noise * epsilon
                }
                for feature in 0..<featureCount {
                    input[row * inputWidth + dimension + feature] = table[step * featureCount + feature]
                }
            }
        }
        pass.forward(parameters: inputs.parameters, rows: rows, keepDerivatives: true)
        // The residual overwrites the targets (they are not needed afterwards): ∂L/∂y = 2 (y − ε)/B.
        let sum = DenoisingObjective.residual(
            output: pass.output, targets: targets, count: rows * dimension,
            outputGradientScale: 2 / Double(batchSize), into: targets)
        pass.backward(parameters: inputs.parameters, outputGradient: targets, rows: rows, into: blockGradients[block])
        return sum
    }
}

/// The read-only inputs every block worker sees.
struct SharedInputs: @unchecked Sendable {
    let parameters: UnsafePointer<Double>
    let data: UnsafeBufferPointer<Double>
}

import Foundation
import ParallelLoops
import ParticleSampling
import RandomStreams
import Safeguards

/// The arithmetic of the forward and backward passes during training.
///
/// `float64` runs every product through dgemm; `float32` converts θ to float once per update and runs the passes
/// in single precision (sgemm, the float SiLU kernel), as PyTorch trains by default. In both, the blocks'
/// gradients are summed in float64 in block order and Adam's moments and θ stay float64, so checkpoints are the
/// same format and the same seed gives the same weights for any thread count in either precision. The two agree to
/// float32 round-off per update (relative 2^-24 per operation, about √(inner width) of them per product entry);
/// over many updates the runs drift apart as any two trainings differing by round-off do, so they are compared by
/// their losses, not their weights.
public enum TrainingPrecision: String, Sendable, Codable, CaseIterable {
    case float64
    case float32
}

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
    /// The passes' arithmetic (checkpoints written before it existed read as float64).
    public var precision: TrainingPrecision

    public init(
        batchSize: Int = 512, learningRate: Double = 1e-3, firstMomentDecay: Double = 0.9,
        secondMomentDecay: Double = 0.999, adamEpsilon: Double = 1e-8, seed: UInt64 = 1,
        precision: TrainingPrecision = .float64
    ) {
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.firstMomentDecay = firstMomentDecay
        self.secondMomentDecay = secondMomentDecay
        self.adamEpsilon = adamEpsilon
        self.seed = seed
        self.precision = precision
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            batchSize: try container.decode(Int.self, forKey: .batchSize),
            learningRate: try container.decode(Double.self, forKey: .learningRate),
            firstMomentDecay: try container.decode(Double.self, forKey: .firstMomentDecay),
            secondMomentDecay: try container.decode(Double.self, forKey: .secondMomentDecay),
            adamEpsilon: try container.decode(Double.self, forKey: .adamEpsilon),
            seed: try container.decode(UInt64.self, forKey: .seed),
            precision: try container.decodeIfPresent(TrainingPrecision.self, forKey: .precision) ?? .float64)
    }

    private enum CodingKeys: String, CodingKey {
        case batchSize = "batch_size"
        case learningRate = "learning_rate"
        case firstMomentDecay = "first_moment_decay"
        case secondMomentDecay = "second_moment_decay"
        case adamEpsilon = "adam_epsilon"
        case seed
        case precision
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
    private let workspace: PrecisionWorkspace
    /// Where each update writes θ, m and v before they are swapped into the state.
    private var nextParameters: [Double]
    private var nextFirstMoments: [Double]
    private var nextSecondMoments: [Double]

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
        let batchSize = state.configuration.batchSize
        switch state.configuration.precision {
        case .float64: workspace = .float64(TrainingWorkspace(network: state.network, batchSize: batchSize))
        case .float32: workspace = .float32(TrainingWorkspace(network: state.network, batchSize: batchSize))
        }
        let parameterCount = state.network.parameters.count
        nextParameters = Array(repeating: 0, count: parameterCount)
        nextFirstMoments = Array(repeating: 0, count: parameterCount)
        nextSecondMoments = Array(repeating: 0, count: parameterCount)
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
        let update = state.step + 1
        let (firstDecay, secondDecay) = (configuration.firstMomentDecay, configuration.secondMomentDecay)
        let firstCorrection = 1 / (1 - pow(firstDecay, Double(update)))
        let secondCorrection = 1 / (1 - pow(secondDecay, Double(update)))
        let (rate, epsilon) = (configuration.learningRate, configuration.adamEpsilon)
        var allFinite = true
        // The new θ, m and v go into the trainer's own arrays and are swapped in when every θ is finite: the
        // state's arrays are read, never copied (no copy-on-write of 3 P values per update).
        workspace.totalGradient.withUnsafeBufferPointer { gradient in
            state.firstMoments.withUnsafeBufferPointer { oldFirst in
                state.secondMoments.withUnsafeBufferPointer { oldSecond in
                    state.network.parameters.withUnsafeBufferPointer { oldParameters in
                        nextFirstMoments.withUnsafeMutableBufferPointer { first in
                            nextSecondMoments.withUnsafeMutableBufferPointer { second in
                                nextParameters.withUnsafeMutableBufferPointer { parameters in
                                    for index in 0..<parameters.count {
                                        let value = gradient[index]
                                        first[index] = firstDecay * oldFirst[index] + (1 - firstDecay) * value
                                        second[index] =
                                            secondDecay * oldSecond[index] + (1 - secondDecay) * value * value
                                        parameters[index] =
                                            oldParameters[index] - rate * (first[index] * firstCorrection)
                                            / ((second[index] * secondCorrection).squareRoot() + epsilon)
                                        if !parameters[index].isFinite { allFinite = false }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        guard allFinite else { return nil }
        swap(&state.firstMoments, &nextFirstMoments)
        swap(&state.secondMoments, &nextSecondMoments)
        swap(&state.network.parameters, &nextParameters)
        state.step = update
        state.lossHistory.append(loss)
        return loss
    }
}

/// A trainer's workspace in the precision of its configuration. An enum rather than an existential, so that each
/// case calls a concrete `TrainingWorkspace<Double>` or `<Float>` and the optimizer specializes the passes' loops
/// (through a protocol witness they would run generic, about three times slower).
enum PrecisionWorkspace {
    case float64(TrainingWorkspace<Double>)
    case float32(TrainingWorkspace<Float>)

    /// ∂L/∂θ of the last `gradient` call (float64, parameterCount entries).
    var totalGradient: [Double] {
        switch self {
        case .float64(let workspace): workspace.totalGradient
        case .float32(let workspace): workspace.totalGradient
        }
    }

    /// The minibatch loss of update `step` at `parameters`; ∂L/∂θ into `totalGradient`.
    func gradient(parameters: [Double], data: [Double], step: Int, seed: UInt64, threads: Int) -> Double {
        switch self {
        case .float64(let workspace):
            workspace.gradient(parameters: parameters, data: data, step: step, seed: seed, threads: threads)
        case .float32(let workspace):
            workspace.gradient(parameters: parameters, data: data, step: step, seed: seed, threads: threads)
        }
    }
}

/// The per-block passes and gradients of a trainer in the arithmetic of `Scalar`, allocated once. Each block is
/// touched by one worker at a time.
final class TrainingWorkspace<Scalar: NetworkScalar>: @unchecked Sendable {
    let architecture: NetworkArchitecture
    let schedule: NoiseSchedule
    let batchSize: Int
    let blocks: ParallelBlocks
    private let passes: [NetworkPass<Scalar>]
    private let blockGradients: [UnsafeMutablePointer<Scalar>]
    private let blockTargets: [UnsafeMutablePointer<Scalar>]
    private let blockLosses: UnsafeMutablePointer<Double>
    /// θ in `Scalar`, converted once per update.
    private let scalarParameters: UnsafeMutablePointer<Scalar>
    private(set) var totalGradient: [Double]
    /// emb(n) for n = 0 … N, flat (F per step).
    private let embeddingTable: [Scalar]
    /// √ᾱ_n and √(1 − ᾱ_n) for n = 0 … N.
    private let signalScales: [Double]
    private let noiseScales: [Double]

    init(network: ScoreNetwork, batchSize: Int) {
        architecture = network.architecture
        schedule = network.schedule
        self.batchSize = batchSize
        blocks = ParallelBlocks(count: batchSize, blockSize: DenoisingTrainer.blockRows)
        let rows = min(batchSize, DenoisingTrainer.blockRows)
        let parameterCount = network.architecture.parameterCount
        passes = (0..<blocks.blockCount).map { _ in
            NetworkPass<Scalar>(architecture: network.architecture, rowCapacity: rows)
        }
        blockGradients = (0..<blocks.blockCount).map { _ in .allocate(capacity: parameterCount) }
        blockTargets = (0..<blocks.blockCount).map { _ in .allocate(capacity: rows * network.architecture.dimension) }
        blockLosses = .allocate(capacity: blocks.blockCount)
        scalarParameters = .allocate(capacity: parameterCount)
        totalGradient = Array(repeating: 0, count: parameterCount)
        let (embedding, schedule) = (network.architecture.embedding, network.schedule)
        embeddingTable = (0...schedule.stepCount).flatMap {
            embedding.features(step: Double($0), stepCount: schedule.stepCount).map { Scalar($0) }
        }
        signalScales = (0...schedule.stepCount).map { schedule.signalScale(step: $0) }
        noiseScales = (0...schedule.stepCount).map { schedule.noiseScale(step: $0) }
    }

    deinit {
        blockGradients.forEach { $0.deallocate() }
        blockTargets.forEach { $0.deallocate() }
        blockLosses.deallocate()
        scalarParameters.deallocate()
    }

    /// The minibatch loss of update `step` at `parameters`; ∂L/∂θ into `totalGradient`.
    func gradient(parameters: [Double], data: [Double], step: Int, seed: UInt64, threads: Int) -> Double {
        for index in 0..<parameters.count { scalarParameters[index] = Scalar(parameters[index]) }
        let work = ParallelBlocks(count: batchSize, blockSize: DenoisingTrainer.blockRows, threads: threads)
        data.withUnsafeBufferPointer { dataBuffer in
            let shared = SharedInputs(parameters: UnsafePointer(scalarParameters), data: dataBuffer)
            work.forEach { block, range in
                self.blockLosses[block] = self.blockGradient(
                    block: block, rows: range.count, inputs: shared,
                    stream: UInt64(step) << 20 | UInt64(block), seed: seed)
            }
        }
        let count = totalGradient.count
        totalGradient.withUnsafeMutableBufferPointer { total in
            for index in 0..<count { total[index] = Double(blockGradients[0][index]) }
            for block in 1..<blocks.blockCount {
                let gradient = blockGradients[block]
                for index in 0..<count { total[index] += Double(gradient[index]) }
            }
        }
        return (0..<blocks.blockCount).reduce(0) { $0 + blockLosses[$1] } / Double(batchSize)
    }

    /// Block `block`: draws its examples, runs forward and backward, returns Σ |ε̂ − ε|² over its rows.
    private func blockGradient(
        block: Int, rows: Int, inputs: SharedInputs<Scalar>, stream: UInt64, seed: UInt64
    ) -> Double {
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
                    targets[row * dimension + axis] = Scalar(epsilon)
                    input[row * inputWidth + axis] = Scalar(
                        signal * inputs.data[point * dimension + axis] + noise * epsilon)
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
            outputGradientScale: Scalar(2 / Double(batchSize)), into: targets)
        pass.backward(parameters: inputs.parameters, outputGradient: targets, rows: rows, into: blockGradients[block])
        return sum
    }
}

/// The read-only inputs every block worker sees.
struct SharedInputs<Scalar>: @unchecked Sendable {
    let parameters: UnsafePointer<Scalar>
    let data: UnsafeBufferPointer<Double>
}

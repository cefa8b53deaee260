import Foundation
import RandomStreams

/// A noise-prediction network ε̂_θ(x, n): the MLP of `architecture` with its parameters, on a DDPM schedule.
///
/// Trained by denoising score matching (THEORY §6, §9): for data x_0, a step n and ε ~ N(0, I),
/// x_n = √ᾱ_n x_0 + √(1 − ᾱ_n) ε and the loss is E|ε̂_θ(x_n, n) − ε|² (summed over the d coordinates, averaged
/// over examples). The score it stands for is s(x, t_n) = −ε̂_θ(x, n)/σ_(t_n) (`NetworkScore`).
/// A value type: copies share nothing mutable; evaluation allocates its work space per call, so one network can be
/// evaluated from several threads at once.
public struct ScoreNetwork: Sendable, Equatable {
    public let architecture: NetworkArchitecture
    public let schedule: NoiseSchedule
    /// Every weight and bias, flat (see `NetworkArchitecture`).
    public var parameters: [Double]

    public init(architecture: NetworkArchitecture, schedule: NoiseSchedule = NoiseSchedule(), parameters: [Double]) {
        precondition(
            parameters.count == architecture.parameterCount,
            "ScoreNetwork: \(parameters.count) parameters for \(architecture.parameterCount)")
        self.architecture = architecture
        self.schedule = schedule
        self.parameters = parameters
    }

    /// A freshly initialized network: every W_l and b_l entry uniform on [−1/√in_l, 1/√in_l] (the usual default of
    /// deep-learning libraries for linear layers), drawn from stream 2^64 − 1 of `seed`.
    public init(architecture: NetworkArchitecture, schedule: NoiseSchedule = NoiseSchedule(), seed: UInt64) {
        var generator = Xoshiro256StarStar(seed: seed, stream: UInt64.max)
        var parameters = [Double](repeating: 0, count: architecture.parameterCount)
        let widths = architecture.layerWidths
        for layer in 0..<architecture.layerCount {
            let bound = 1 / Double(widths[layer]).squareRoot()
            let start = architecture.offsets(layer: layer).weights
            for index in start..<(start + (widths[layer] + 1) * widths[layer + 1]) {
                parameters[index] = bound * (2 * generator.nextUniform() - 1)
            }
        }
        self.init(architecture: architecture, schedule: schedule, parameters: parameters)
    }

    /// The input width d + F.
    public var inputWidth: Int { architecture.dimension + architecture.embedding.featureCount }

    // MARK: Evaluation

    /// ε̂(x, n) for every point of a block (flat, d per point) at one (possibly fractional) step n.
    /// Cost: the forward pass, Σ in_l out_l multiply-adds per point, in blocks of 1024 rows.
    public func predictNoise(
        at points: UnsafeBufferPointer<Double>, step: Double, into noise: UnsafeMutableBufferPointer<Double>
    ) {
        let dimension = architecture.dimension
        let features = architecture.embedding.features(step: step, stepCount: schedule.stepCount)
        let count = points.count / dimension
        let pass = NetworkPass<Double>(architecture: architecture, rowCapacity: min(count, 1024), backward: false)
        parameters.withUnsafeBufferPointer { parameters in
            for first in stride(from: 0, to: count, by: pass.rowCapacity) {
                let rows = min(pass.rowCapacity, count - first)
                let input = pass.input
                for row in 0..<rows {
                    for axis in 0..<dimension {
                        input[row * inputWidth + axis] = points[(first + row) * dimension + axis]
                    }
                    for (index, feature) in features.enumerated() {
                        input[row * inputWidth + dimension + index] = feature
                    }
                }
                pass.forward(parameters: parameters.baseAddress!, rows: rows, keepDerivatives: false)
                for index in 0..<(rows * dimension) { noise[first * dimension + index] = pass.output[index] }
            }
        }
    }

    /// ε̂(x, n) for points given as an array.
    public func predictNoise(at points: [Double], step: Double) -> [Double] {
        var result = [Double](repeating: 0, count: points.count)
        points.withUnsafeBufferPointer { input in
            result.withUnsafeMutableBufferPointer { predictNoise(at: input, step: step, into: $0) }
        }
        return result
    }

    // MARK: Loss and gradient on given inputs

    /// L(θ) = (1/R) Σ_rows |MLP(z_row) − target_row|² for R input rows z = [x, emb(n)] (flat, d + F per row) and
    /// targets (flat, d per row). The loss the trainer minimizes, on inputs the caller built.
    public func loss(inputs: [Double], targets: [Double]) -> Double {
        lossAndGradient(inputs: inputs, targets: targets, needsGradient: false).loss
    }

    /// L(θ) and ∂L/∂θ (backpropagation: one forward and one backward pass, every product a dgemm).
    public func lossAndGradient(inputs: [Double], targets: [Double]) -> (loss: Double, gradient: [Double]) {
        lossAndGradient(inputs: inputs, targets: targets, needsGradient: true)
    }

    private func lossAndGradient(inputs: [Double], targets: [Double], needsGradient: Bool) -> (
        loss: Double, gradient: [Double]
    ) {
        let rows = inputs.count / inputWidth
        precondition(
            rows >= 1 && inputs.count == rows * inputWidth && targets.count == rows * architecture.dimension,
            "ScoreNetwork.loss: R rows of d + F inputs and R rows of d targets")
        let pass = NetworkPass<Double>(architecture: architecture, rowCapacity: rows)
        for index in 0..<inputs.count { pass.input[index] = inputs[index] }
        var gradient = [Double](repeating: 0, count: needsGradient ? parameters.count : 0)
        let residual = UnsafeMutablePointer<Double>.allocate(capacity: targets.count)
        defer { residual.deallocate() }
        let loss = parameters.withUnsafeBufferPointer { parameters in
            pass.forward(parameters: parameters.baseAddress!, rows: rows, keepDerivatives: needsGradient)
            let sum = DenoisingObjective.residual(
                output: pass.output, targets: targets, count: targets.count,
                outputGradientScale: 2 / Double(rows), into: residual)
            if needsGradient {
                gradient.withUnsafeMutableBufferPointer {
                    pass.backward(
                        parameters: parameters.baseAddress!, outputGradient: residual, rows: rows, into: $0.baseAddress!
                    )
                }
            }
            return sum / Double(rows)
        }
        return (loss, gradient)
    }
}

/// The pieces of the DSM objective shared by training, held-out evaluation and the gradient check.
enum DenoisingObjective {
    /// Σ (y − target)² over `count` entries (each square in `Scalar`, the sum in float64), and scale (y − target)
    /// into `gradient` (∂L/∂y for L = scale/2 Σ (y − t)²).
    @inline(__always)
    static func residual<Scalar: NetworkScalar>(
        output: UnsafePointer<Scalar>, targets: UnsafePointer<Scalar>, count: Int,
        outputGradientScale: Scalar, into gradient: UnsafeMutablePointer<Scalar>
    ) -> Double {
        var sum = 0.0
        for index in 0..<count {
            let difference = output[index] - targets[index]
            sum += Double(difference * difference)
            gradient[index] = outputGradientScale * difference
        }
        return sum
    }
}

import Foundation
import ParticleSampling
import Scores

/// The forward and backward passes of the MLP on a block of rows, with the buffers they need allocated once.
///
/// Forward (rows = examples, row-major): z_0 = the input block (written by the caller into `input`),
/// a_l = z_l W_l + b_l and z_(l+1) = φ(a_l) for the hidden layers, y = z_depth W_depth + b_depth; with
/// `keepDerivatives` it stores φ'(a_l) for the backward pass. Backward, given G = ∂L/∂y: for l = depth … 0,
/// ∂L/∂W_l = z_lᵀ G, ∂L/∂b_l = Σ_rows G, then G ← (G W_lᵀ) ⊙ φ'(a_(l−1)). Every product is one dgemm; the
/// element-wise passes (bias, activation, its derivative) are fused loops over eight lanes.
/// Cost per row: Σ in_l out_l multiply-adds forward, twice that backward; memory O(rows Σ widths).
/// A pass is not thread-safe: each thread owns its own.
final class NetworkPass {
    let architecture: NetworkArchitecture
    let rowCapacity: Int
    /// z_0 … z_depth, each rowCapacity × width_l.
    private let activations: [UnsafeMutablePointer<Double>]
    /// φ'(a_l) for l < depth, each rowCapacity × width.
    private let derivatives: [UnsafeMutablePointer<Double>]
    /// y, rowCapacity × d.
    let output: UnsafeMutablePointer<Double>
    /// Two rowCapacity × width buffers for the backward pass's G.
    private let gradientBuffers: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>)
    private let widths: [Int]
    private let offsets: [(weights: Int, biases: Int)]

    init(architecture: NetworkArchitecture, rowCapacity: Int) {
        self.architecture = architecture
        self.rowCapacity = rowCapacity
        widths = architecture.layerWidths
        offsets = (0..<architecture.layerCount).map { architecture.offsets(layer: $0) }
        activations = widths.dropLast().map { UnsafeMutablePointer<Double>.allocate(capacity: rowCapacity * $0) }
        derivatives = (0..<architecture.depth).map { _ in
            UnsafeMutablePointer<Double>.allocate(capacity: rowCapacity * architecture.width)
        }
        output = UnsafeMutablePointer<Double>.allocate(capacity: rowCapacity * architecture.dimension)
        gradientBuffers = (
            UnsafeMutablePointer<Double>.allocate(capacity: rowCapacity * architecture.width),
            UnsafeMutablePointer<Double>.allocate(capacity: rowCapacity * architecture.width)
        )
    }

    deinit {
        activations.forEach { $0.deallocate() }
        derivatives.forEach { $0.deallocate() }
        output.deallocate()
        gradientBuffers.0.deallocate()
        gradientBuffers.1.deallocate()
    }

    /// The input block z_0 (rowCapacity × (d + F)), filled by the caller before `forward`.
    var input: UnsafeMutablePointer<Double> { activations[0] }

    /// y for the first `rows` rows of `input`, into `output`.
    func forward(parameters: UnsafePointer<Double>, rows: Int, keepDerivatives: Bool) {
        precondition(rows <= rowCapacity)
        for layer in 0..<architecture.layerCount {
            let (inWidth, outWidth) = (widths[layer], widths[layer + 1])
            let hidden = layer < architecture.depth
            let result = hidden ? activations[layer + 1] : output
            MatrixProducts.multiply(
                activations[layer], parameters + offsets[layer].weights, into: result,
                rows: rows, columns: outWidth, inner: inWidth)
            let biases = parameters + offsets[layer].biases
            if hidden {
                Self.biasAndActivation(
                    result, derivatives: keepDerivatives ? derivatives[layer] : nil, biases: biases,
                    rows: rows, columns: outWidth, activation: architecture.activation)
            } else {
                for row in 0..<rows {
                    for column in 0..<outWidth { result[row * outWidth + column] += biases[column] }
                }
            }
        }
    }

    /// ∂L/∂θ into `gradient` (overwritten, parameterCount entries) from ∂L/∂y for the rows of the last forward pass
    /// (which kept its derivatives).
    func backward(
        parameters: UnsafePointer<Double>, outputGradient: UnsafePointer<Double>, rows: Int,
        into gradient: UnsafeMutablePointer<Double>
    ) {
        var upstream = outputGradient
        var spare = (gradientBuffers.0, gradientBuffers.1)
        for layer in stride(from: architecture.depth, through: 0, by: -1) {
            let (inWidth, outWidth) = (widths[layer], widths[layer + 1])
            MatrixProducts.multiply(
                activations[layer], transposeLeft: true, upstream, into: gradient + offsets[layer].weights,
                rows: inWidth, columns: outWidth, inner: rows)
            let biasGradient = gradient + offsets[layer].biases
            for column in 0..<outWidth { biasGradient[column] = 0 }
            for row in 0..<rows {
                for column in 0..<outWidth { biasGradient[column] += upstream[row * outWidth + column] }
            }
            guard layer > 0 else { break }
            let next = spare.0
            MatrixProducts.multiply(
                upstream, parameters + offsets[layer].weights, transposeRight: true, into: next,
                rows: rows, columns: inWidth, inner: outWidth)
            let derivative = derivatives[layer - 1]
            for index in 0..<(rows * inWidth) { next[index] *= derivative[index] }
            upstream = UnsafePointer(next)
            spare = (spare.1, spare.0)
        }
    }

    /// z = φ(a + b) in place, row by row, and φ'(a + b) into `derivatives` when given.
    private static func biasAndActivation(
        _ values: UnsafeMutablePointer<Double>, derivatives: UnsafeMutablePointer<Double>?,
        biases: UnsafePointer<Double>, rows: Int, columns: Int, activation: Activation
    ) {
        let vectorColumns = columns / 8 * 8
        let raw = UnsafeMutableRawPointer(values)
        let rawBiases = UnsafeRawPointer(biases)
        let stride = MemoryLayout<Double>.stride
        for row in 0..<rows {
            let rowStart = row * columns
            var column = 0
            while column < vectorColumns {
                let byteOffset = (rowStart + column) * stride
                let preactivation =
                    raw.loadUnaligned(fromByteOffset: byteOffset, as: SIMD8<Double>.self)
                    + rawBiases.loadUnaligned(fromByteOffset: column * stride, as: SIMD8<Double>.self)
                let (value, slope) = Self.activate(preactivation, activation)
                raw.storeBytes(of: value, toByteOffset: byteOffset, as: SIMD8<Double>.self)
                if let derivatives {
                    UnsafeMutableRawPointer(derivatives).storeBytes(
                        of: slope, toByteOffset: byteOffset, as: SIMD8<Double>.self)
                }
                column += 8
            }
            if column < columns {
                // The last columns, padded to eight lanes.
                var preactivation = SIMD8<Double>()
                for lane in 0..<(columns - column) {
                    preactivation[lane] = values[rowStart + column + lane] + biases[column + lane]
                }
                let (value, slope) = Self.activate(preactivation, activation)
                for lane in 0..<(columns - column) {
                    values[rowStart + column + lane] = value[lane]
                    derivatives?[rowStart + column + lane] = slope[lane]
                }
            }
        }
    }

    /// φ(a) and φ'(a) on eight lanes. SiLU: σ from e^(−|a|) ≤ 1 (no overflow), σ = 1/(1 + e) for a ≥ 0 and
    /// e/(1 + e) otherwise.
    @inline(__always)
    private static func activate(_ preactivation: SIMD8<Double>, _ activation: Activation) -> (
        SIMD8<Double>, SIMD8<Double>
    ) {
        switch activation {
        case .silu:
            let exponential = vectorExponential(
                preactivation.replacing(with: -preactivation, where: preactivation .> 0))
            let reciprocal = 1 / (1 + exponential)
            let sigmoid = (exponential * reciprocal).replacing(with: reciprocal, where: preactivation .>= 0)
            let value = preactivation * sigmoid
            return (value, sigmoid + value * (1 - sigmoid))
        case .relu:
            let positive = preactivation .> 0
            return (
                SIMD8<Double>().replacing(with: preactivation, where: positive),
                SIMD8<Double>().replacing(with: 1, where: positive)
            )
        }
    }
}

import Foundation

/// The forward and backward passes of the MLP on a block of rows, with the buffers they need allocated once, in
/// the arithmetic of `Scalar` (float64 or float32; see `NetworkScalar`).
///
/// Forward (rows = examples, row-major): z_0 = the input block (written by the caller into `input`),
/// a_l = z_l W_l + b_l and z_(l+1) = φ(a_l) for the hidden layers, y = z_depth W_depth + b_depth; with
/// `keepDerivatives` it stores φ'(a_l) for the backward pass. Backward, given G = ∂L/∂y: for l = depth … 0,
/// ∂L/∂W_l = z_lᵀ G, ∂L/∂b_l = Σ_rows G, then G ← (G W_lᵀ) ⊙ φ'(a_(l−1)). Every product is one gemm; bias, SiLU
/// and its derivative are one fused C pass per layer (ReLU a plain loop).
/// Cost per row: Σ in_l out_l multiply-adds forward, twice that backward; memory O(rows Σ widths).
/// A pass is not thread-safe: each thread owns its own.
final class NetworkPass<Scalar: NetworkScalar> {
    let architecture: NetworkArchitecture
    let rowCapacity: Int
    /// z_0 … z_depth, each rowCapacity × width_l.
    private let activations: [UnsafeMutablePointer<Scalar>]
    /// φ'(a_l) for l < depth, each rowCapacity × width (none for a forward-only pass).
    private let derivatives: [UnsafeMutablePointer<Scalar>]
    /// y, rowCapacity × d.
    let output: UnsafeMutablePointer<Scalar>
    /// Two rowCapacity × width buffers for the backward pass's G (none for a forward-only pass).
    private let gradientBuffers: (UnsafeMutablePointer<Scalar>, UnsafeMutablePointer<Scalar>)
    /// Whether the pass holds the buffers of `keepDerivatives` and `backward`.
    let hasBackwardBuffers: Bool
    private let widths: [Int]
    private let offsets: [(weights: Int, biases: Int)]

    /// A pass for blocks of up to `rowCapacity` rows; `backward: false` makes a forward-only pass (evaluation,
    /// sampling) without the derivative and gradient buffers, 3 depth × rowCapacity × width values fewer.
    init(architecture: NetworkArchitecture, rowCapacity: Int, backward: Bool = true) {
        self.architecture = architecture
        self.rowCapacity = rowCapacity
        widths = architecture.layerWidths
        offsets = (0..<architecture.layerCount).map { architecture.offsets(layer: $0) }
        activations = widths.dropLast().map { UnsafeMutablePointer<Scalar>.allocate(capacity: rowCapacity * $0) }
        let backwardCapacity = backward ? rowCapacity * architecture.width : 0
        derivatives = (0..<architecture.depth).map { _ in
            UnsafeMutablePointer<Scalar>.allocate(capacity: backwardCapacity)
        }
        output = UnsafeMutablePointer<Scalar>.allocate(capacity: rowCapacity * architecture.dimension)
        gradientBuffers = (
            UnsafeMutablePointer<Scalar>.allocate(capacity: backwardCapacity),
            UnsafeMutablePointer<Scalar>.allocate(capacity: backwardCapacity)
        )
        hasBackwardBuffers = backward
    }

    deinit {
        activations.forEach { $0.deallocate() }
        derivatives.forEach { $0.deallocate() }
        output.deallocate()
        gradientBuffers.0.deallocate()
        gradientBuffers.1.deallocate()
    }

    /// The input block z_0 (rowCapacity × (d + F)), filled by the caller before `forward`.
    var input: UnsafeMutablePointer<Scalar> { activations[0] }

    /// y for the first `rows` rows of `input`, into `output`.
    func forward(parameters: UnsafePointer<Scalar>, rows: Int, keepDerivatives: Bool) {
        precondition(rows <= rowCapacity && (hasBackwardBuffers || !keepDerivatives))
        for layer in 0..<architecture.layerCount {
            let (inWidth, outWidth) = (widths[layer], widths[layer + 1])
            let hidden = layer < architecture.depth
            let result = hidden ? activations[layer + 1] : output
            Scalar.multiply(
                activations[layer], transposeLeft: false, parameters + offsets[layer].weights, transposeRight: false,
                into: result, rows: rows, columns: outWidth, inner: inWidth)
            let biases = parameters + offsets[layer].biases
            let slopes = keepDerivatives && hidden ? derivatives[layer] : nil
            switch (hidden, architecture.activation) {
            case (true, .silu):
                Scalar.biasAndSiLU(result, derivatives: slopes, biases: biases, rows: rows, columns: outWidth)
            case (true, .relu):
                for row in 0..<rows {
                    for column in 0..<outWidth {
                        let index = row * outWidth + column
                        let preactivation = result[index] + biases[column]
                        result[index] = preactivation > 0 ? preactivation : 0
                        slopes?[index] = preactivation > 0 ? 1 : 0
                    }
                }
            case (false, _):
                for row in 0..<rows {
                    for column in 0..<outWidth { result[row * outWidth + column] += biases[column] }
                }
            }
        }
    }

    /// ∂L/∂θ into `gradient` (overwritten, parameterCount entries) from ∂L/∂y for the rows of the last forward pass
    /// (which kept its derivatives).
    func backward(
        parameters: UnsafePointer<Scalar>, outputGradient: UnsafePointer<Scalar>, rows: Int,
        into gradient: UnsafeMutablePointer<Scalar>
    ) {
        precondition(hasBackwardBuffers, "NetworkPass: a forward-only pass has no backward pass")
        var upstream = outputGradient
        var spare = (gradientBuffers.0, gradientBuffers.1)
        for layer in stride(from: architecture.depth, through: 0, by: -1) {
            let (inWidth, outWidth) = (widths[layer], widths[layer + 1])
            Scalar.multiply(
                activations[layer], transposeLeft: true, upstream, transposeRight: false,
                into: gradient + offsets[layer].weights, rows: inWidth, columns: outWidth, inner: rows)
            let biasGradient = gradient + offsets[layer].biases
            for column in 0..<outWidth { biasGradient[column] = 0 }
            for row in 0..<rows {
                for column in 0..<outWidth { biasGradient[column] += upstream[row * outWidth + column] }
            }
            guard layer > 0 else { break }
            let next = spare.0
            Scalar.multiply(
                upstream, transposeLeft: false, parameters + offsets[layer].weights, transposeRight: true,
                into: next, rows: rows, columns: inWidth, inner: outWidth)
            let derivative = derivatives[layer - 1]
            for index in 0..<(rows * inWidth) { next[index] *= derivative[index] }
            upstream = UnsafePointer(next)
            spare = (spare.1, spare.0)
        }
    }
}

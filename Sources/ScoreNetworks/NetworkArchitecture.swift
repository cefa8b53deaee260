/// The shape of a noise-prediction MLP ε̂_θ(x, n) = MLP([x, emb(n)]).
///
/// Layers: input width d + F (F = the embedding's feature count), `depth` hidden layers of `width` units with the
/// activation φ, and a linear output layer of d units:
/// z_0 = [x, emb(n)], z_(l+1) = φ(z_l W_l + b_l) for l < depth, ε̂ = z_depth W_depth + b_depth.
/// Parameters are one flat array, layer by layer: W_l (row-major, in_l × out_l), then b_l (out_l).
public struct NetworkArchitecture: Sendable, Equatable, Codable {
    public let dimension: Int
    public let width: Int
    public let depth: Int
    public let activation: Activation
    public let embedding: TimeEmbedding

    public init(dimension: Int, width: Int, depth: Int, activation: Activation = .silu, embedding: TimeEmbedding) {
        precondition(
            dimension >= 1 && width >= 1 && depth >= 1,
            "NetworkArchitecture: dimension, width and depth must be positive")
        self.dimension = dimension
        self.width = width
        self.depth = depth
        self.activation = activation
        self.embedding = embedding
    }

    /// The widths of z_0 … z_depth and of the output: [d + F, width, …, width, d].
    public var layerWidths: [Int] {
        [dimension + embedding.featureCount] + Array(repeating: width, count: depth) + [dimension]
    }

    /// The number of affine layers (depth + 1).
    public var layerCount: Int { depth + 1 }

    /// Σ_l (in_l + 1) out_l.
    public var parameterCount: Int {
        let widths = layerWidths
        return (0..<layerCount).reduce(0) { $0 + (widths[$1] + 1) * widths[$1 + 1] }
    }

    /// Offsets of W_l and b_l in the flat parameter array.
    public func offsets(layer: Int) -> (weights: Int, biases: Int) {
        let widths = layerWidths
        var offset = 0
        for index in 0..<layer { offset += (widths[index] + 1) * widths[index + 1] }
        return (offset, offset + widths[layer] * widths[layer + 1])
    }

    /// Multiply-adds per example of one forward pass: Σ_l in_l out_l (a backward pass costs about twice as much).
    public var multiplyAddsPerExample: Int {
        let widths = layerWidths
        return (0..<layerCount).reduce(0) { $0 + widths[$1] * widths[$1 + 1] }
    }

    /// "3×128 silu, sinusoidal embedding" for tables.
    public var summary: String { "\(depth)×\(width) \(activation.rawValue), \(embedding.rawValue) embedding" }
}

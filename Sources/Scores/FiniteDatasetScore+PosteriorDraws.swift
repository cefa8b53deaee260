import CVectorMath

/// What the posterior weights lambda_i(x, t) of one point say: a training point drawn from them, the training point
/// of largest weight (its owner) and that weight.
public struct PosteriorDraw: Sendable, Equatable {
    /// The index i with sum_(j < i) lambda_j <= u < sum_(j <= i) lambda_j for the point's uniform u (the owner when
    /// no uniform is given).
    public var drawn: Int
    /// The index of the largest weight (the first of equal ones).
    public var owner: Int
    /// max_i lambda_i, in (1/N, 1].
    public var largestWeight: Double

    public init(drawn: Int, owner: Int, largestWeight: Double) {
        (self.drawn, self.owner, self.largestWeight) = (drawn, owner, largestWeight)
    }
}

extension FiniteDatasetScore {
    /// Points per block of `posteriorDraws` (a 32 x N logit block).
    static let drawBlock = 32

    /// For each point x at `time`, the weights lambda_i(x, t) = softmax_i(l_i), l_i = (m <x, x_i> - m^2 |x_i|^2 / 2)
    /// / (v + m^2 b^2) (the logits of the type's doc, bandwidth b included) summarized as a `PosteriorDraw`: the owner
    /// argmax_i l_i, the largest weight 1 / sum_i e^(l_i - max l), and with `uniforms` (one u in [0, 1) per point) the
    /// index drawn by inverting the cumulative weights at u. The inner products come from one dgemm per block of 32
    /// points for d >= `matrixProductDimension` and from a loop over the data's columns below it; the exponentials
    /// from `vector_math_softmax_row`, so the weights are those of the posterior mean's d >= 32 path.
    /// Cost O(N d) per point plus N exponentials and an O(N) scan; memory O(32 N).
    public func posteriorDraws(
        at points: UnsafeBufferPointer<Double>, time: Double, uniforms: UnsafeBufferPointer<Double>?,
        into draws: UnsafeMutableBufferPointer<PosteriorDraw>
    ) {
        let dimension = self.dimension
        let pointTotal = points.count / dimension
        precondition(draws.count == pointTotal && (uniforms == nil || uniforms!.count == pointTotal))
        let scale = model.meanScale(to: time)
        let variance = model.variance(to: time) + scale * scale * bandwidth * bandwidth
        let (inner, quadratic) = (scale / variance, scale * scale / variance)
        let count = pointCount
        let block = Self.drawBlock
        let logits = UnsafeMutablePointer<Double>.allocate(capacity: block * count)
        defer { logits.deallocate() }
        data.withUnsafeBufferPointer { data in
            halfSquaredNorms.withUnsafeBufferPointer { norms in
                for start in stride(from: 0, to: pointTotal, by: block) {
                    let rows = min(block, pointTotal - start)
                    let blockPoints = points.baseAddress! + start * dimension
                    if dimension >= Self.matrixProductDimension {
                        MatrixProducts.multiply(
                            blockPoints, data.baseAddress!, transposeRight: true, into: logits,
                            rows: rows, columns: count, inner: dimension)
                    } else {
                        innerProductsByColumns(blockPoints, rows: rows, into: logits)
                    }
                    for row in 0..<rows {
                        let weights = logits + row * count
                        let total = vector_math_softmax_row(weights, norms.baseAddress!, count, inner, quadratic)
                        var owner = 0
                        for index in 1..<max(count, 1) where weights[index] > weights[owner] { owner = index }
                        var drawn = owner
                        if let uniforms {
                            let target = uniforms[start + row] * total
                            var running = 0.0
                            drawn = count - 1
                            for index in 0..<count {
                                running += weights[index]
                                if target < running {
                                    drawn = index
                                    break
                                }
                            }
                        }
                        draws[start + row] = PosteriorDraw(drawn: drawn, owner: owner, largestWeight: 1 / total)
                    }
                }
            }
        }
    }

    /// G = P D^T (rows x N) for d < `matrixProductDimension`, one column of the data at a time (vector loads
    /// along the training points). Cost 2 rows N d flops.
    private func innerProductsByColumns(
        _ points: UnsafePointer<Double>, rows: Int, into products: UnsafeMutablePointer<Double>
    ) {
        let count = pointCount
        for row in 0..<rows {
            let output = products + row * count
            for index in 0..<count { output[index] = 0 }
            for axis in 0..<dimension {
                let coordinate = points[row * dimension + axis]
                columns[axis].withUnsafeBufferPointer { column in
                    for index in 0..<count { output[index] += coordinate * column[index] }
                }
            }
        }
    }
}

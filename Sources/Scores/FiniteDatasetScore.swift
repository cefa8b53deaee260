import CVectorMath
import DiffusionModels
import Foundation

/// The exact score of a finite dataset rho_0 = (1/N) sum_i delta(x_i) under a linear model (THEORY §7).
///
/// rho_t = (1/N) sum_i N(m x_i, v I), so <X0>(x, t) = sum_i lambda_i(x, t) x_i with softmax weights
/// lambda_i = softmax_i((m <x, x_i> - m^2 |x_i|^2 / 2) / v) (for OU: (<x, x_i> - e^-t |x_i|^2/2) / (2 sinh t)),
/// computed stably by log-sum-exp, and the score is Tweedie's (m <X0> - x) / v.
///
/// With a `bandwidth` b > 0 the data are smoothed first (a kernel density estimate, rho_0 = (1/N) sum N(x_i, b^2 I)):
/// the logits use v_b = v + m^2 b^2 and <X0> = (1 - m^2 b^2 / v_b) sum lambda_i x_i + (m b^2 / v_b) x, an imperfect
/// score on purpose (it generalizes: samples spread off the training points).
///
/// Cost: O(N d) per point, two passes over the data (the largest logit, then the weighted sums); memory O(N d)
/// for the data and O(block) work space: an N x M weight matrix is never formed. Blocks of points from the particle
/// core run on several threads.
///
/// Kernels by dimension: d <= 2 runs one fused C kernel per point (`vector_math_softmax_planar`: logits, largest,
/// exponentials and sums, eight training points a step); 3 <= d < 32 the eight-lane Swift loop below; d >= 32
/// computes the logits of `particleBlock` points against all N training points by one dgemm, the weights by
/// `vector_math_softmax_row`, and the weighted sums by a second dgemm (memory O(particleBlock x N)). The C kernels
/// give the same bits on every x86-64 CPU (AVX2 or not); the dgemm path gives the same bits for any thread count
/// (OpenBLAS on one thread, a fixed partition of each call's points into particle blocks) but follows the kernel
/// OpenBLAS picks for the CPU.
public struct FiniteDatasetScore: ScoreProvider {
    /// Training points, flat (d per point).
    public let data: [Double]
    public let dimension: Int
    public let model: LinearSDE
    public let bandwidth: Double
    public var name: String { bandwidth > 0 ? "empirical smoothed" : "empirical" }
    /// |x_i|^2 / 2 per training point.
    let halfSquaredNorms: [Double]
    /// The data by axis (column j holds coordinate j of every point), for vector loads.
    let columns: [[Double]]

    public var pointCount: Int { data.count / dimension }

    /// From this dimension on the logits and weighted sums go through dgemm.
    public static let matrixProductDimension = 32
    /// Points per dgemm block in the d >= `matrixProductDimension` path: a 32 x N logit block (2.5 MB at N = 10^4).
    static let particleBlock = 32

    public init(data: [Double], dimension: Int, model: LinearSDE = .ornsteinUhlenbeck, bandwidth: Double = 0) {
        precondition(bandwidth >= 0, "FiniteDatasetScore: bandwidth must be non-negative")
        self.bandwidth = bandwidth
        precondition(
            dimension >= 1 && !data.isEmpty && data.count % dimension == 0,
            "FiniteDatasetScore: data must be N x d with N >= 1")
        self.data = data
        self.dimension = dimension
        self.model = model
        halfSquaredNorms = stride(from: 0, to: data.count, by: dimension).map { start in
            0.5 * (0..<dimension).reduce(0) { $0 + data[start + $1] * data[start + $1] }
        }
        columns = (0..<dimension).map { axis in stride(from: axis, to: data.count, by: dimension).map { data[$0] } }
    }

    public func score(
        at points: UnsafeBufferPointer<Double>, time: Double, into scores: UnsafeMutableBufferPointer<Double>
    ) {
        posteriorMean(at: points, time: time, into: scores)
        scoreFromPosteriorMean(
            points: points, means: scores, scale: model.meanScale(to: time), variance: model.variance(to: time))
    }

    public func posteriorMean(
        at points: UnsafeBufferPointer<Double>, time: Double, into means: UnsafeMutableBufferPointer<Double>
    ) {
        let scale = model.meanScale(to: time)
        let smoothing = scale * scale * bandwidth * bandwidth
        let variance = model.variance(to: time) + smoothing
        let inner = scale / variance
        let quadratic = scale * scale / variance
        let dataWeight = 1 - smoothing / variance
        let pointWeight = scale * bandwidth * bandwidth / variance
        let dimension = self.dimension
        if dimension >= Self.matrixProductDimension {
            posteriorMeanByMatrixProducts(
                at: points, inner: inner, quadratic: quadratic, dataWeight: dataWeight, pointWeight: pointWeight,
                into: means)
            return
        }
        if dimension <= 2 {
            posteriorMeanPlanar(
                at: points, inner: inner, quadratic: quadratic, dataWeight: dataWeight, pointWeight: pointWeight,
                into: means)
        } else {
            posteriorMeanByLanes(
                at: points, inner: inner, quadratic: quadratic, dataWeight: dataWeight, pointWeight: pointWeight,
                into: means)
        }
    }

    /// The d <= 2 path: per point one call of the fused C kernel (`vector_math_softmax_planar`: logits, largest,
    /// exponentials and the sums sum_i e^(l_i - max l) and sum_i e^(l_i - max l) x_i, eight training points a step;
    /// AVX2 where the CPU has it, the same bits either way), then <X0> = dataWeight S / total + pointWeight x.
    /// In 1-D the second column is the first again with a zero coefficient, and its sum is dropped. The data
    /// pointers are taken once per call, so a point costs the kernel alone (no reference counting per point).
    private func posteriorMeanPlanar(
        at points: UnsafeBufferPointer<Double>, inner: Double, quadratic: Double, dataWeight: Double,
        pointWeight: Double, into means: UnsafeMutableBufferPointer<Double>
    ) {
        let dimension = self.dimension
        let planar = dimension == 2
        let output = UnsafeMutablePointer<Double>.allocate(capacity: 2)
        defer { output.deallocate() }
        halfSquaredNorms.withUnsafeBufferPointer { norms in
            columns[0].withUnsafeBufferPointer { xs in
                columns[planar ? 1 : 0].withUnsafeBufferPointer { ys in
                    for start in stride(from: 0, to: points.count, by: dimension) {
                        let first = inner * points[start]
                        let second = planar ? inner * points[start + 1] : 0
                        let total = vector_math_softmax_planar(
                            xs.baseAddress!, ys.baseAddress!, norms.baseAddress!, xs.count, first, second, quadratic,
                            output)
                        for axis in 0..<dimension {
                            means[start + axis] = dataWeight * output[axis] / total + pointWeight * points[start + axis]
                        }
                    }
                }
            }
        }
    }

    /// The 3 <= d < `matrixProductDimension` path, per point: sum_i e^(l_i - max l) and sum_i e^(l_i - max l) x_i
    /// with l_i = inner <x, x_i> - quadratic |x_i|^2/2, two passes over the data (the largest logit, then the
    /// weighted sums), eight training points per vector operation; then <X0> = dataWeight S / total + pointWeight x.
    /// Pointers and work space are taken once per call.
    private func posteriorMeanByLanes(
        at points: UnsafeBufferPointer<Double>, inner: Double, quadratic: Double, dataWeight: Double,
        pointWeight: Double, into means: UnsafeMutableBufferPointer<Double>
    ) {
        let dimension = self.dimension
        let count = pointCount
        let vectorCount = count / 8 * 8
        let scaledPoint = UnsafeMutablePointer<Double>.allocate(capacity: dimension)
        let sumLanes = UnsafeMutablePointer<SIMD8<Double>>.allocate(capacity: dimension)
        let sums = UnsafeMutablePointer<Double>.allocate(capacity: dimension)
        defer {
            scaledPoint.deallocate()
            sumLanes.deallocate()
            sums.deallocate()
        }
        halfSquaredNorms.withUnsafeBufferPointer { norms in
            withColumnPointers { columns in
                func logit(_ index: Int) -> Double {
                    var value = -quadratic * norms[index]
                    for axis in 0..<dimension { value += scaledPoint[axis] * columns[axis][index] }
                    return value
                }
                func load(_ pointer: UnsafePointer<Double>, _ index: Int) -> SIMD8<Double> {
                    UnsafeRawPointer(pointer + index).loadUnaligned(as: SIMD8<Double>.self)
                }
                func logits(_ index: Int) -> SIMD8<Double> {
                    var value = -quadratic * load(norms.baseAddress!, index)
                    for axis in 0..<dimension { value += scaledPoint[axis] * load(columns[axis], index) }
                    return value
                }
                for start in stride(from: 0, to: points.count, by: dimension) {
                    for axis in 0..<dimension { scaledPoint[axis] = inner * points[start + axis] }
                    // Pass 1: the largest logit.
                    var largestLanes = SIMD8<Double>(repeating: -.infinity)
                    var index = 0
                    while index < vectorCount {
                        let value = logits(index)
                        largestLanes = largestLanes.replacing(with: value, where: value .> largestLanes)
                        index += 8
                    }
                    var largest = largestLanes.max()
                    for rest in vectorCount..<count { largest = max(largest, logit(rest)) }
                    // Pass 2: weighted sums.
                    var totalLanes = SIMD8<Double>(repeating: 0)
                    for axis in 0..<dimension { sumLanes[axis] = SIMD8<Double>(repeating: 0) }
                    index = 0
                    while index < vectorCount {
                        let weight = vectorExponential(logits(index) - largest)
                        totalLanes += weight
                        for axis in 0..<dimension { sumLanes[axis] += weight * load(columns[axis], index) }
                        index += 8
                    }
                    var total = totalLanes.sum()
                    for axis in 0..<dimension { sums[axis] = sumLanes[axis].sum() }
                    for rest in vectorCount..<count {
                        let weight = exp(logit(rest) - largest)
                        total += weight
                        for axis in 0..<dimension { sums[axis] += weight * columns[axis][rest] }
                    }
                    for axis in 0..<dimension {
                        means[start + axis] = dataWeight * sums[axis] / total + pointWeight * points[start + axis]
                    }
                }
            }
        }
    }

    /// The d >= `matrixProductDimension` path: for each block of `particleBlock` points (B of them),
    /// G = P D^T (B x N, one dgemm, P the block's points, D the N x d data), each row turned into unnormalized
    /// weights e^(l_i - max l) with l_i = inner G_i - quadratic |x_i|^2/2 (`vector_math_softmax_row`), then
    /// S = W D (B x d, a second dgemm) and <X0> = dataWeight S / total + pointWeight x.
    /// Cost 4 B N d flops a block plus B N exponentials; memory B N doubles.
    private func posteriorMeanByMatrixProducts(
        at points: UnsafeBufferPointer<Double>, inner: Double, quadratic: Double, dataWeight: Double,
        pointWeight: Double, into means: UnsafeMutableBufferPointer<Double>
    ) {
        let dimension = self.dimension
        let count = pointCount
        let block = Self.particleBlock
        let weights = UnsafeMutablePointer<Double>.allocate(capacity: block * count)
        defer { weights.deallocate() }
        var totals = [Double](repeating: 0, count: block)
        data.withUnsafeBufferPointer { data in
            halfSquaredNorms.withUnsafeBufferPointer { norms in
                for start in stride(from: 0, to: points.count / dimension, by: block) {
                    let rows = min(block, points.count / dimension - start)
                    let blockPoints = points.baseAddress! + start * dimension
                    MatrixProducts.multiply(
                        blockPoints, data.baseAddress!, transposeRight: true, into: weights,
                        rows: rows, columns: count, inner: dimension)
                    for row in 0..<rows {
                        totals[row] = vector_math_softmax_row(
                            weights + row * count, norms.baseAddress!, count, inner, quadratic)
                    }
                    let blockMeans = means.baseAddress! + start * dimension
                    MatrixProducts.multiply(
                        weights, data.baseAddress!, into: blockMeans, rows: rows, columns: dimension, inner: count)
                    for row in 0..<rows {
                        for axis in 0..<dimension {
                            let index = row * dimension + axis
                            blockMeans[index] =
                                dataWeight * blockMeans[index] / totals[row] + pointWeight * blockPoints[index]
                        }
                    }
                }
            }
        }
    }

    /// Runs `body` with raw pointers to the data columns.
    @inline(__always)
    private func withColumnPointers<Result>(_ body: ([UnsafePointer<Double>]) -> Result) -> Result {
        var pointers: [UnsafePointer<Double>] = []
        pointers.reserveCapacity(dimension)
        func collect(_ axis: Int) -> Result {
            if axis == dimension { return body(pointers) }
            return columns[axis].withUnsafeBufferPointer { buffer in
                pointers.append(buffer.baseAddress!)
                return collect(axis + 1)
            }
        }
        return collect(0)
    }

    /// The softmax weights lambda_i(x, t) for one point (for endpoint predictions and tests).
    public func weights(at point: [Double], time: Double) -> [Double] {
        let scale = model.meanScale(to: time)
        let variance = model.variance(to: time) + scale * scale * bandwidth * bandwidth
        let logits = (0..<pointCount).map { index in
            let product = (0..<dimension).reduce(0) { $0 + point[$1] * data[index * dimension + $1] }
            return (scale * product - scale * scale * halfSquaredNorms[index]) / variance
        }
        let largest = logits.max()!
        let exponentials = logits.map { exp($0 - largest) }
        let total = exponentials.reduce(0, +)
        return exponentials.map { $0 / total }
    }
}

import DiffusionModels
import Foundation
import MessagePassing
import ParallelLoops
import Scores

/// The exact score of a finite data set (THEORY §7, as `FiniteDatasetScore`) with the training points split
/// across the ranks of a `Communicator`, so that n × d never has to fit one node.
///
/// rho_t = (1/n) sum_i N(m x_i, v I) gives <X0>(x, t) = sum_i e^(l_i) x_i / sum_i e^(l_i), with logits
/// l_i = (m/v) <x, x_i> - (m^2/v) |x_i|^2 / 2, and the score (m <X0> - x) / v. Per query point, in two collective
/// steps:
///
/// 1. every rank computes its shard's logits and their largest value; `Communicator.maximum` gives the largest
///    logit L over all n points (exact: the maximum does not depend on the order of the ranks);
/// 2. every rank sums T = sum_i e^(l_i - L) and S = sum_i e^(l_i - L) x_i over its shard, in the `ExactSum` limbs,
///    and `Communicator.sum` adds the limbs (exact integer sums). Then <X0> = S / T, and the largest posterior
///    weight max_i lambda_i = e^0 / T = 1 / T comes for free.
///
/// One pass with a merging operation ((L, T, S) pairs rescaled by e^(L_a - L)) would need one reduction instead of
/// two, but its result would depend on the order MPI merges the ranks; the two exact steps give the same bits for
/// any rank count and any thread count. What makes that true: the training points are cut into blocks of
/// `dataBlock` points (a rank owns whole blocks), the queries into chunks of `queryChunk` points, so every dgemm has
/// the same shape whatever R is; the exponential is `vectorExponential` for every weight (block tails are padded);
/// a block's T and S are summed in a fixed order inside the block and added to the limbs, where order no longer
/// matters.
///
/// Cost per query point: 4 n d / R flops (the logit and weighted-sum products) and n / R exponentials on each rank;
/// two reductions per chunk of `queryChunk` points, of 8 and 32 (d + 1) bytes a point. Memory on each rank:
/// n d / R doubles of data plus `queryChunk` × n / R logits.
public struct ShardedDatasetScore: Sendable {
    public let communicator: any Communicator
    public let dimension: Int
    /// n, over all ranks.
    public let trainingCount: Int
    public let model: LinearSDE
    public let threads: Int
    /// The training points this rank holds (indices into the whole set).
    public let ownedPoints: Range<Int>
    /// This rank's training points, flat (d per point).
    let shard: [Double]
    /// |x_i|^2 / 2 of this rank's points.
    let halfSquaredNorms: [Double]

    /// Training points a block: the unit of ownership and of one dgemm.
    public static let dataBlock = 2048
    /// Query points a chunk (one pair of reductions).
    public static let queryChunk = 256
    /// Training data must stay within this magnitude on every axis, so that block sums of e^(l - L) x stay inside
    /// `ExactSum.magnitudeLimit` (2^62 > `dataBlock` × 10^12).
    public static let coordinateLimit = 1e12

    /// The training points rank `rank` of `size` holds: whole blocks, `RankShares.range` of the block count.
    public static func ownedPoints(trainingCount: Int, rank: Int, size: Int) -> Range<Int> {
        let blocks = (trainingCount + dataBlock - 1) / dataBlock
        let owned = RankShares.range(of: blocks, rank: rank, size: size)
        return min(trainingCount, owned.lowerBound * dataBlock)..<min(trainingCount, owned.upperBound * dataBlock)
    }

    /// `shard`: this rank's training points (`ownedPoints(…)` of the communicator's rank), flat.
    public init(
        shard: [Double], trainingCount: Int, dimension: Int, model: LinearSDE = .ornsteinUhlenbeck,
        communicator: any Communicator, threads: Int = 1
    ) {
        let owned = Self.ownedPoints(trainingCount: trainingCount, rank: communicator.rank, size: communicator.size)
        precondition(dimension >= 1 && shard.count == owned.count * dimension, "ShardedDatasetScore: shard size")
        precondition(
            shard.allSatisfy { $0.isFinite && abs($0) <= Self.coordinateLimit }, "ShardedDatasetScore: data range")
        (self.shard, self.trainingCount, self.dimension, self.model) = (shard, trainingCount, dimension, model)
        (self.communicator, self.threads, ownedPoints) = (communicator, max(1, threads), owned)
        halfSquaredNorms = stride(from: 0, to: shard.count, by: dimension).map { start in
            var sum = 0.0
            for axis in 0..<dimension { sum += shard[start + axis] * shard[start + axis] }
            return 0.5 * sum
        }
    }

    /// What `posterior(at:time:)` returns for every query point.
    public struct Posterior: Sendable {
        /// <X0>(x, t), d per point.
        public var means: [Double]
        /// max_i lambda_i(x, t) = 1 / sum_i e^(l_i - L).
        public var largestWeights: [Double]
        /// Seconds this rank spent in the two reductions (waiting for the other ranks included).
        public var reductionSeconds: Double = 0
    }

    /// The posterior mean and largest weight at every point of `points` (flat, d per point). Collective: every
    /// rank calls it with the same points.
    public func posterior(at points: [Double], time: Double) -> Posterior {
        let count = points.count / dimension
        var result = Posterior(
            means: [Double](repeating: 0, count: points.count), largestWeights: [Double](repeating: 0, count: count))
        let scale = model.meanScale(to: time)
        let variance = model.variance(to: time)
        for start in stride(from: 0, to: count, by: Self.queryChunk) {
            let rows = min(Self.queryChunk, count - start)
            let chunk = Array(points[(start * dimension)..<((start + rows) * dimension)])
            let (means, largest, seconds) = chunkPosterior(
                chunk, rows: rows, inner: scale / variance, quadratic: scale * scale / variance)
            result.reductionSeconds += seconds
            for index in 0..<(rows * dimension) { result.means[start * dimension + index] = means[index] }
            for row in 0..<rows { result.largestWeights[start + row] = largest[row] }
        }
        return result
    }

    /// The score (m <X0> - x) / v at every point (collective).
    public func score(at points: [Double], time: Double) -> [Double] {
        let means = posterior(at: points, time: time).means
        let scale = model.meanScale(to: time)
        let variance = model.variance(to: time)
        return (0..<points.count).map { (scale * means[$0] - points[$0]) / variance }
    }

    /// One chunk of at most `queryChunk` points: both collective steps.
    private func chunkPosterior(
        _ chunk: [Double], rows: Int, inner: Double, quadratic: Double
    ) -> (means: [Double], largestWeights: [Double], reductionSeconds: Double) {
        let dimension = self.dimension
        let localCount = ownedPoints.count
        let blocks = ParallelBlocks(count: localCount, blockSize: Self.dataBlock, threads: threads)
        let limbsPerRow = (dimension + 1) * ExactSum.limbCount
        var largest = [Double](repeating: -.infinity, count: rows)
        var limbs = [Int64](repeating: 0, count: rows * limbsPerRow)
        var reductionSeconds = 0.0
        if localCount > 0 {
            let logits = UnsafeMutablePointer<Double>.allocate(capacity: rows * localCount)
            let blockLargest = UnsafeMutablePointer<Double>.allocate(capacity: rows * blocks.blockCount)
            let workerLimbs = UnsafeMutablePointer<Int64>.allocate(capacity: blocks.workerCount * rows * limbsPerRow)
            let sums = UnsafeMutablePointer<Double>.allocate(capacity: blocks.workerCount * rows * dimension)
            defer {
                logits.deallocate()
                blockLargest.deallocate()
                workerLimbs.deallocate()
                sums.deallocate()
            }
            workerLimbs.initialize(repeating: 0, count: blocks.workerCount * rows * limbsPerRow)
            let shared = (
                logits: SharedMutablePointer(base: logits), largest: SharedMutablePointer(base: blockLargest),
                limbs: SharedMutablePointer(base: workerLimbs), sums: SharedMutablePointer(base: sums)
            )
            shard.withUnsafeBufferPointer { shardBuffer in
                halfSquaredNorms.withUnsafeBufferPointer { normBuffer in
                    let data = SharedPointer(shardBuffer.baseAddress!)
                    let norms = SharedPointer(normBuffer.baseAddress!)
                    chunk.withUnsafeBufferPointer { chunkBuffer in
                        let queries = SharedPointer(chunkBuffer.baseAddress!)
                        // Step 1: logits of every block, and each block's largest logit per row.
                        blocks.forEach { block, range in
                            let width = range.count
                            let blockLogits = shared.logits.base + rows * range.lowerBound
                            MatrixProducts.multiply(
                                queries.base, data.base + range.lowerBound * dimension, transposeRight: true,
                                into: blockLogits, rows: rows, columns: width, inner: dimension)
                            for row in 0..<rows {
                                var rowLargest = -Double.infinity
                                for column in 0..<width {
                                    let value =
                                        inner * blockLogits[row * width + column]
                                        - quadratic * norms.base[range.lowerBound + column]
                                    blockLogits[row * width + column] = value
                                    rowLargest = max(rowLargest, value)
                                }
                                shared.largest[block * rows + row] = rowLargest
                            }
                        }
                    }
                    for block in 0..<blocks.blockCount {
                        for row in 0..<rows { largest[row] = max(largest[row], blockLargest[block * rows + row]) }
                    }
                    reductionSeconds += timed { communicator.maximum(&largest) }
                    let largestLogits = largest
                    // Step 2: the weights e^(l - L), each block's sums, into the worker's limbs.
                    blocks.forEachOnWorker { worker, _, range in
                        let width = range.count
                        let blockLogits = shared.logits.base + rows * range.lowerBound
                        let blockSums = shared.sums.base + worker * rows * dimension
                        let rowLimbs = shared.limbs.base + worker * rows * limbsPerRow
                        for row in 0..<rows {
                            let weights = blockLogits + row * width
                            Self.exponentiate(weights, count: width, shift: largestLogits[row])
                            var total = 0.0
                            for column in 0..<width { total += weights[column] }
                            ExactSum.add(total, to: rowLimbs + row * limbsPerRow)
                        }
                        MatrixProducts.multiply(
                            blockLogits, data.base + range.lowerBound * dimension, into: blockSums, rows: rows,
                            columns: dimension, inner: width)
                        for row in 0..<rows {
                            for axis in 0..<dimension {
                                ExactSum.add(
                                    blockSums[row * dimension + axis],
                                    to: rowLimbs + row * limbsPerRow + (axis + 1) * ExactSum.limbCount)
                            }
                        }
                    }
                }
            }
            for worker in 0..<blocks.workerCount {
                for index in 0..<(rows * limbsPerRow) {
                    limbs[index] &+= workerLimbs[worker * rows * limbsPerRow + index]
                }
            }
        } else {
            reductionSeconds += timed { communicator.maximum(&largest) }
        }
        reductionSeconds += timed { communicator.sum(&limbs) }
        var means = [Double](repeating: 0, count: rows * dimension)
        var largestWeights = [Double](repeating: 0, count: rows)
        limbs.withUnsafeBufferPointer { limbs in
            for row in 0..<rows {
                let base = limbs.baseAddress! + row * limbsPerRow
                let total = ExactSum.value(of: base)
                largestWeights[row] = 1 / total
                for axis in 0..<dimension {
                    means[row * dimension + axis] = ExactSum.value(of: base + (axis + 1) * ExactSum.limbCount) / total
                }
            }
        }
        return (means, largestWeights, reductionSeconds)
    }

    /// values[i] <- e^(values[i] - shift) for every i by `vectorExponential`, eight at a time; the tail is padded
    /// into one more vector, so every weight goes through the same function.
    @inline(__always)
    static func exponentiate(_ values: UnsafeMutablePointer<Double>, count: Int, shift: Double) {
        let vectorCount = count / 8 * 8
        var index = 0
        while index < vectorCount {
            let raw = UnsafeMutableRawPointer(values + index)
            let lanes = raw.loadUnaligned(as: SIMD8<Double>.self) - shift
            raw.storeBytes(of: vectorExponential(lanes), as: SIMD8<Double>.self)
            index += 8
        }
        if vectorCount < count {
            var lanes = SIMD8<Double>(repeating: -1000)
            for lane in 0..<(count - vectorCount) { lanes[lane] = values[vectorCount + lane] - shift }
            let weights = vectorExponential(lanes)
            for lane in 0..<(count - vectorCount) { values[vectorCount + lane] = weights[lane] }
        }
    }
}

/// Seconds `body` takes.
func timed(_ body: () -> Void) -> Double {
    let start = ContinuousClock.now
    body()
    return secondsSince(start)
}

/// Seconds from `start` until now (the one clock reading of this module's timings).
func secondsSince(_ start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

/// A read-only pointer that may cross into a parallel loop's closure (every worker only reads).
struct SharedPointer<Element>: @unchecked Sendable {
    let base: UnsafePointer<Element>
    init(_ base: UnsafePointer<Element>) { self.base = base }
}

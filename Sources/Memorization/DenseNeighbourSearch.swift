import DataFiles
import Foundation
import ParallelLoops
import Scores

/// The nearest and second-nearest reference points of every query, exactly, in any dimension, with the squared
/// distances of a block of queries to all references from one matrix product (for the memorized-sample criterion
/// of samples against training data in high d, where `NearestNeighbourSearch`'s buckets stop pruning).
///
/// Method, for a block of B queries q against the N references r: G = Q Rᵀ (B × N, one dgemm) and
/// s̃ = |q|² + |r|² − 2 G, the squared distances up to round-off. The formula cancels for close pairs (an exact copy
/// gives s = 0 from terms of size |q|²), so s̃ only selects candidates: with eps = 2^-53, each s̃ is within
/// δ = 2 (d + 2) eps (|q| + R)² of s (R = max |r|: the dot product's error is at most d eps |q| |r| by
/// Cauchy–Schwarz, each norm's d eps |q|², |r|², and the two additions one rounding each; the factor 2 is margin).
/// Two references have s <= s̃ + δ, so the true second-smallest distance is at most m₂ + δ, m₂ the second-smallest
/// s̃; every reference with s̃ <= m₂ + 2 δ is a candidate, and the candidates' distances are recomputed directly,
/// Σ_j (q_j − r_j)² in axis order (no cancellation). The two smallest of those, ties to the lower index, are
/// exactly what a direct search over all N would return, bit for bit.
///
/// Cost: 2 B N d flops a block (dgemm, `MatrixProducts`), two passes over the B × N block, O(d) per candidate
/// (a handful unless many references tie within δ); memory B × N doubles per worker (`queryBlock`: at most 32 MB,
/// and at least 32 rows). Queries are spread over `threads` workers in fixed blocks; the result does not depend on
/// the thread count.
public struct DenseNeighbourSearch: Sendable {
    public let reference: PointSet
    /// |r|² per reference point.
    let squaredNorms: [Double]
    /// max |r|.
    let largestNorm: Double

    /// Queries per matrix product for `referenceCount` references: as many as keep the block of distances within
    /// 2^22 doubles (32 MB), from 32 to 1024. OpenBLAS repacks the whole N × d reference matrix for every product,
    /// so taller blocks amortize that packing (at N = 10^4, d = 256 it took as long as the products with 32 rows).
    public static func queryBlock(referenceCount: Int) -> Int {
        min(1024, max(32, (1 << 22) / max(referenceCount, 1)))
    }

    /// The nearest and second-nearest reference points of one query: indices and Euclidean distances. With a
    /// single reference point the second is absent (index −1, distance +∞).
    public struct Neighbours: Sendable, Equatable {
        public var nearestIndex: Int
        public var nearestDistance: Double
        public var secondIndex: Int
        public var secondDistance: Double
    }

    /// Rows per block when set (the tests cut small sets into several blocks); `queryBlock` otherwise.
    let blockRowsOverride: Int?

    public init(reference: PointSet) { self.init(reference: reference, blockRows: nil) }

    init(reference: PointSet, blockRows: Int?) {
        blockRowsOverride = blockRows
        precondition(reference.count >= 1, "DenseNeighbourSearch: the reference set is empty")
        self.reference = reference
        let dimension = reference.dimension
        squaredNorms = (0..<reference.count).map { index in
            (0..<dimension).reduce(0) {
                $0 + reference.points[index * dimension + $1] * reference.points[index * dimension + $1]
            }
        }
        largestNorm = squaredNorms.max()!.squareRoot()
    }

    /// The two nearest reference points of every point of `queries` (same dimension).
    public func twoNearest(of queries: PointSet, threads: Int = 1) -> [Neighbours] {
        precondition(queries.dimension == reference.dimension, "DenseNeighbourSearch: dimensions differ")
        let count = queries.count
        guard count > 0 else { return [] }
        let referenceCount = reference.count
        let blockRows = blockRowsOverride ?? Self.queryBlock(referenceCount: referenceCount)
        let blocks = ParallelBlocks(count: count, blockSize: blockRows, threads: threads)
        let buffers = (0..<blocks.workerCount).map { _ in
            SharedMutablePointer(
                base: UnsafeMutablePointer<Double>.allocate(capacity: blockRows * referenceCount))
        }
        defer { buffers.forEach { $0.base.deallocate() } }
        var results = [Neighbours](
            repeating: Neighbours(nearestIndex: -1, nearestDistance: .nan, secondIndex: -1, secondDistance: .nan),
            count: count)
        queries.points.withUnsafeBufferPointer { queryPoints in
            reference.points.withUnsafeBufferPointer { referencePoints in
                results.withUnsafeMutableBufferPointer { output in
                    let shared = NeighbourInputs(
                        queries: queryPoints.baseAddress!, references: referencePoints.baseAddress!,
                        output: SharedMutablePointer(output))
                    blocks.forEachOnWorker { worker, _, range in
                        search(block: range, inputs: shared, products: buffers[worker].base)
                    }
                }
            }
        }
        return results
    }

    /// One block of queries: the product, the candidates per row, their direct distances.
    private func search(block range: Range<Int>, inputs: NeighbourInputs, products: UnsafeMutablePointer<Double>) {
        let dimension = reference.dimension
        let referenceCount = reference.count
        let rows = range.count
        let blockQueries = inputs.queries + range.lowerBound * dimension
        MatrixProducts.multiply(
            blockQueries, inputs.references, transposeRight: true, into: products, rows: rows,
            columns: referenceCount, inner: dimension)
        let epsilon = Double.ulpOfOne / 2
        squaredNorms.withUnsafeBufferPointer { norms in
            for row in 0..<rows {
                let query = blockQueries + row * dimension
                var querySquaredNorm = 0.0
                for axis in 0..<dimension { querySquaredNorm += query[axis] * query[axis] }
                let line = products + row * referenceCount
                // Pass 1: s̃ in place, and its two smallest values.
                var (smallest, second) = (Double.infinity, Double.infinity)
                for index in 0..<referenceCount {
                    let estimate = querySquaredNorm + norms[index] - 2 * line[index]
                    line[index] = estimate
                    if estimate < second {
                        if estimate < smallest { (smallest, second) = (estimate, smallest) } else { second = estimate }
                    }
                }
                let spread = querySquaredNorm.squareRoot() + largestNorm
                let allowance = 2 * Double(dimension + 2) * epsilon * spread * spread
                let threshold = (referenceCount == 1 ? smallest : second) + 2 * allowance
                // Pass 2: the candidates' direct distances, the two smallest kept (ties to the lower index).
                var best = (index: -1, squared: Double.infinity)
                var runnerUp = (index: -1, squared: Double.infinity)
                for index in 0..<referenceCount where line[index] <= threshold {
                    let point = inputs.references + index * dimension
                    var squared = 0.0
                    for axis in 0..<dimension {
                        let difference = query[axis] - point[axis]
                        squared += difference * difference
                    }
                    if squared < best.squared {
                        runnerUp = best
                        best = (index, squared)
                    } else if squared < runnerUp.squared {
                        runnerUp = (index, squared)
                    }
                }
                inputs.output[range.lowerBound + row] = Neighbours(
                    nearestIndex: best.index, nearestDistance: best.squared.squareRoot(),
                    secondIndex: runnerUp.index, secondDistance: runnerUp.squared.squareRoot())
            }
        }
    }
}

/// The pointers every block worker reads (queries, references) and writes (its own rows of the output).
private struct NeighbourInputs: @unchecked Sendable {
    let queries: UnsafePointer<Double>
    let references: UnsafePointer<Double>
    let output: SharedMutablePointer<DenseNeighbourSearch.Neighbours>
}

import DataFiles
import Foundation
import ParallelLoops

/// Exact nearest-neighbour queries against a fixed reference set, by a uniform grid of buckets.
///
/// The reference points are bucketed on their first k = min(d, 3) coordinates into n^k equal cells spanning their
/// bounding box, n = ceil((N/2)^(1/k)) (about two points a cell). A query scans the cells in rings of growing
/// Chebyshev index distance around its own (clamped) cell and stops once the distance from the query to every
/// cell outside the scanned box exceeds the best full d-dimensional distance found: since the leading-coordinate
/// distance bounds the full one from below, the answer is exact in any d. For well-spread data in d <= 3 a query
/// costs O(1) expected cells, so N queries against M points cost O((N + M) d) instead of the naive O(N M d);
/// building costs O(M d) (a counting sort). In d > 3 the pruning weakens with the unbucketed coordinates' spread.
public struct NearestNeighbourSearch: Sendable {
    public let reference: PointSet
    /// Bucketed coordinates (k) and cells per axis (n).
    let bucketAxes: Int
    let cellsPerAxis: Int
    let lower: [Double]
    let cellWidth: [Double]
    /// Reference indices ordered by cell; cell c holds order[cellStart[c] ..< cellStart[c + 1]].
    let order: [Int]
    let cellStart: [Int]

    public init(reference: PointSet) {
        precondition(reference.count >= 1, "NearestNeighbourSearch: the reference set is empty")
        self.reference = reference
        let dimension = reference.dimension
        let count = reference.count
        let axes = min(dimension, 3)
        bucketAxes = axes
        let perAxis = max(1, Int(ceil(pow(Double(count) / 2, 1 / Double(axes)))))
        cellsPerAxis = perAxis
        var lower = [Double](repeating: .infinity, count: axes)
        var upper = [Double](repeating: -.infinity, count: axes)
        for index in 0..<count {
            for axis in 0..<axes {
                let value = reference.points[index * dimension + axis]
                lower[axis] = min(lower[axis], value)
                upper[axis] = max(upper[axis], value)
            }
        }
        self.lower = lower
        cellWidth = (0..<axes).map { axis in max((upper[axis] - lower[axis]) / Double(perAxis), 1e-300) }
        let cellCount = Int(pow(Double(perAxis), Double(axes)))
        var counts = [Int](repeating: 0, count: cellCount + 1)
        var cells = [Int](repeating: 0, count: count)
        for index in 0..<count {
            var cell = 0
            for axis in (0..<axes).reversed() {
                let position = Int((reference.points[index * dimension + axis] - lower[axis]) / cellWidth[axis])
                cell = cell * perAxis + min(perAxis - 1, max(0, position))
            }
            cells[index] = cell
            counts[cell + 1] += 1
        }
        for cell in 0..<cellCount { counts[cell + 1] += counts[cell] }
        cellStart = counts
        var next = counts
        var order = [Int](repeating: 0, count: count)
        for index in 0..<count {
            order[next[cells[index]]] = index
            next[cells[index]] += 1
        }
        self.order = order
    }

    /// The nearest reference point to `point` (d coordinates): its index and Euclidean distance.
    public func nearest(to point: UnsafeBufferPointer<Double>) -> (index: Int, distance: Double) {
        let dimension = reference.dimension
        let axes = bucketAxes
        let perAxis = cellsPerAxis
        @inline(__always) func homeCell(_ axis: Int) -> Int {
            guard axis < axes else { return 0 }
            let position = ((point[axis] - lower[axis]) / cellWidth[axis]).rounded(.down)
            return Swift.min(perAxis - 1, Swift.max(0, Int(Swift.min(Double(perAxis), Swift.max(-1, position)))))
        }
        let home = (homeCell(0), homeCell(1), homeCell(2))
        var best = (index: -1, squared: Double.infinity)
        reference.points.withUnsafeBufferPointer { data in
            order.withUnsafeBufferPointer { order in
                cellStart.withUnsafeBufferPointer { cellStart in
                    var ring = 0
                    while true {
                        // Cells at Chebyshev index distance exactly `ring` from home, clipped to the grid.
                        let lowFirst = Swift.max(0, home.0 - ring)
                        let highFirst = Swift.min(perAxis - 1, home.0 + ring)
                        let lowSecond = axes > 1 ? Swift.max(0, home.1 - ring) : 0
                        let highSecond = axes > 1 ? Swift.min(perAxis - 1, home.1 + ring) : 0
                        let lowThird = axes > 2 ? Swift.max(0, home.2 - ring) : 0
                        let highThird = axes > 2 ? Swift.min(perAxis - 1, home.2 + ring) : 0
                        for third in lowThird...highThird {
                            for second in lowSecond...highSecond {
                                let outer = Swift.max(abs(third - home.2), abs(second - home.1))
                                for first in lowFirst...highFirst {
                                    if Swift.max(outer, abs(first - home.0)) != ring { continue }
                                    let cell = (third * perAxis + second) * perAxis + first
                                    for slot in cellStart[cell]..<cellStart[cell + 1] {
                                        let candidate = order[slot]
                                        var squared = 0.0
                                        for axis in 0..<dimension {
                                            let difference = data[candidate * dimension + axis] - point[axis]
                                            squared += difference * difference
                                        }
                                        if squared < best.squared || (squared == best.squared && candidate < best.index)
                                        {
                                            best = (candidate, squared)
                                        }
                                    }
                                }
                            }
                        }
                        // Lower bound on the distance to any point outside the scanned box.
                        var bound = Double.infinity
                        var coversAll = true
                        for axis in 0..<axes {
                            let center = axis == 0 ? home.0 : axis == 1 ? home.1 : home.2
                            if center - ring > 0 {
                                coversAll = false
                                bound = Swift.min(
                                    bound, point[axis] - (lower[axis] + Double(center - ring) * cellWidth[axis]))
                            }
                            if center + ring < perAxis - 1 {
                                coversAll = false
                                bound = Swift.min(
                                    bound, lower[axis] + Double(center + ring + 1) * cellWidth[axis] - point[axis])
                            }
                        }
                        if coversAll || (bound > 0 && bound * bound >= best.squared) { break }
                        ring += 1
                    }
                }
            }
        }
        return (best.index, best.squared.squareRoot())
    }

    /// Distance from every point of `queries` to its nearest reference point, in blocks over `threads` workers
    /// (the result does not depend on the thread count). Cost: N queries as above.
    public func nearestDistances(of queries: PointSet, threads: Int = 1) -> [Double] {
        precondition(
            queries.dimension == reference.dimension, "NearestNeighbourSearch: query and reference dimensions differ")
        let dimension = queries.dimension
        var distances = [Double](repeating: 0, count: queries.count)
        queries.points.withUnsafeBufferPointer { points in
            distances.withUnsafeMutableBufferPointer { output in
                let shared = SharedOutput(base: output.baseAddress!, input: points.baseAddress!)
                ParallelBlocks(count: queries.count, blockSize: 1024, threads: threads).forEach { _, range in
                    for index in range {
                        let point = UnsafeBufferPointer(start: shared.input + index * dimension, count: dimension)
                        shared.base[index] = nearest(to: point).distance
                    }
                }
            }
        }
        return distances
    }
}

/// Pointers that cross into the parallel loop; each worker writes a disjoint range.
struct SharedOutput: @unchecked Sendable {
    let base: UnsafeMutablePointer<Double>
    let input: UnsafePointer<Double>
}

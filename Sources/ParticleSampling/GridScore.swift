import DiffusionModels
import Foundation
import GridFields

/// The score of densities solved on a grid: s = grad log max(rho, floor), from snapshots rho(., t_j).
///
/// At each snapshot the gradient of log rho is taken by central differences at the cell centres (one-sided at
/// the walls; second order), then interpolated multilinearly in x and linearly in t between the two nearest
/// snapshot times. Where the density is below `floor` (relative to its maximum), or outside the box, the score
/// of the moment-matched Gaussian N(mean_t, Cov_t) is used instead, so particles in the far tails are pulled
/// back rather than left without a drift. Cost per point: O(2^d d) after O(N d) preparation per snapshot.
public struct GridScore: ScoreProvider {
    public let grid: Grid
    public let model: LinearSDE
    public let times: [Double]
    public var dimension: Int { grid.dimension }
    public var name: String { "grid" }
    /// Per snapshot, per axis, the score component at every cell (NaN where the floor applied).
    let components: [[[Double]]]
    /// Per snapshot, the fallback Gaussian's mean and precision matrix (row-major d x d).
    let fallbackMeans: [[Double]]
    let fallbackPrecisions: [[Double]]

    /// - Parameters:
    ///   - snapshots: (time, density) pairs on one grid, any order.
    ///   - relativeFloor: cells with rho < relativeFloor * max rho use the Gaussian fallback.
    public init(snapshots: [(time: Double, density: Field)], model: LinearSDE = .ornsteinUhlenbeck, relativeFloor: Double = 1e-10) {
        precondition(!snapshots.isEmpty, "GridScore: at least one snapshot")
        let sorted = snapshots.sorted { $0.time < $1.time }
        grid = sorted[0].density.grid
        self.model = model
        times = sorted.map(\.time)
        var components: [[[Double]]] = []
        var means: [[Double]] = [], precisions: [[Double]] = []
        for snapshot in sorted {
            precondition(snapshot.density.grid == sorted[0].density.grid, "GridScore: snapshots on different grids")
            components.append(Self.logGradient(snapshot.density, floor: relativeFloor * snapshot.density.maximum))
            means.append(snapshot.density.mean)
            let dimension = sorted[0].density.grid.dimension
            let covariance = snapshot.density.covariance
            // A density that is not a density (blown up, negative) has no covariance: fall back to unit precision.
            let identity = (0..<(dimension * dimension)).map { $0 % (dimension + 1) == 0 ? 1.0 : 0.0 }
            precisions.append(DenseAlgebra.positiveDefiniteInverse(covariance, dimension: dimension)?.inverse ?? identity)
        }
        self.components = components
        fallbackMeans = means
        fallbackPrecisions = precisions
    }

    /// Central differences of log rho along every axis; NaN where a stencil value is below the floor.
    static func logGradient(_ density: Field, floor: Double) -> [[Double]] {
        let grid = density.grid
        let logarithm = density.values.map { $0 > floor ? log($0) : Double.nan }
        return (0..<grid.dimension).map { axis in
            let length = grid.shape[axis], stride = grid.indexStride(axis: axis)
            let width = grid.spacing(axis: axis)
            var gradient = [Double](repeating: .nan, count: grid.count)
            guard length >= 3 else { return gradient }
            for index in 0..<grid.count {
                let position = (index / stride) % length
                if position == 0 {
                    gradient[index] = (-3 * logarithm[index] + 4 * logarithm[index + stride] - logarithm[index + 2 * stride]) / (2 * width)
                } else if position == length - 1 {
                    gradient[index] = (3 * logarithm[index] - 4 * logarithm[index - stride] + logarithm[index - 2 * stride]) / (2 * width)
                } else {
                    gradient[index] = (logarithm[index + stride] - logarithm[index - stride]) / (2 * width)
                }
            }
            return gradient
        }
    }

    public func score(at points: UnsafeBufferPointer<Double>, time: Double, into scores: UnsafeMutableBufferPointer<Double>) {
        let (lowerIndex, upperIndex, upperWeight) = bracket(time)
        let dimension = self.dimension
        var lower = [Double](repeating: 0, count: dimension), upper = lower
        for start in stride(from: 0, to: points.count, by: dimension) {
            let point = UnsafeBufferPointer(rebasing: points[start..<(start + dimension)])
            evaluate(snapshot: lowerIndex, at: point, into: &lower)
            evaluate(snapshot: upperIndex, at: point, into: &upper)
            for axis in 0..<dimension { scores[start + axis] = (1 - upperWeight) * lower[axis] + upperWeight * upper[axis] }
        }
    }

    /// s(x_i, t) at every cell centre x_i of the score's own grid, one array per axis, equal to
    /// `score(at:time:into:)` there bit for bit: the multilinear stencil of each centre is found once per axis
    /// (n positions, not N) and the corners are summed in the same order; cells where a corner is floored, and the
    /// last cell of every axis (outside the interpolation range), take the pointwise path with its Gaussian
    /// fallback. One pass per axis over flat arrays, no allocation per cell: cost O(2^d d N). The fast path of the
    /// score-guided reverse equation on the grid the score was read on.
    public func scoreAtCellCentres(time: Double, into output: [UnsafeMutableBufferPointer<Double>]) {
        let dimension = self.dimension
        precondition(output.count == dimension && output.allSatisfy { $0.count == grid.count }, "GridScore: one array of cells per axis")
        let (lowerIndex, upperIndex, upperWeight) = bracket(time)
        // Per axis and centre index (flat: axis offsets), the stencil's base cell and fraction as `evaluate` finds
        // them; `inRange` false outside the interpolation range.
        let offsets = (0..<dimension).map { axis in grid.shape[..<axis].reduce(0, +) }
        var bases: [Int] = [], fractions: [Double] = [], inRange: [Bool] = []
        for axis in 0..<dimension {
            for index in 0..<grid.shape[axis] {
                let position = (grid.coordinate(axis: axis, index: index) + grid.halfWidth) / grid.spacing(axis: axis) - 0.5
                let cell = position.rounded(.down)
                let valid = cell >= 0 && cell < Double(grid.shape[axis] - 1)
                bases.append(valid ? Int(cell) : 0)
                fractions.append(position - cell)
                inRange.append(valid)
            }
        }
        let strides = (0..<dimension).map { grid.indexStride(axis: $0) }
        let shape = grid.shape
        var needsFallback = [Bool](repeating: false, count: grid.count)
        for axis in 0..<dimension {
            let lowerField = components[lowerIndex][axis], upperField = components[upperIndex][axis]
            let target = output[axis]
            var indices = [Int](repeating: 0, count: dimension)
            for cell in 0..<grid.count {
                var usable = true, base = 0
                for inner in 0..<dimension {
                    let entry = offsets[inner] + indices[inner]
                    if !inRange[entry] { usable = false }
                    base += bases[entry] * strides[inner]
                }
                if usable {
                    var lowerSum = 0.0, upperSum = 0.0
                    for corner in 0..<(1 << dimension) {
                        var weight = 1.0, flat = base
                        for inner in 0..<dimension {
                            let fraction = fractions[offsets[inner] + indices[inner]]
                            let offset = (corner >> inner) & 1
                            weight *= offset == 1 ? fraction : 1 - fraction
                            flat += offset * strides[inner]
                        }
                        let lowerValue = lowerField[flat], upperValue = upperField[flat]
                        if lowerValue.isNaN || upperValue.isNaN { usable = false }
                        lowerSum += weight * lowerValue
                        upperSum += weight * upperValue
                    }
                    target[cell] = (1 - upperWeight) * lowerSum + upperWeight * upperSum
                }
                if !usable { needsFallback[cell] = true }
                // The next cell's indices (last axis fastest).
                var carry = dimension - 1
                while carry >= 0 {
                    indices[carry] += 1
                    if indices[carry] < shape[carry] { break }
                    indices[carry] = 0
                    carry -= 1
                }
            }
        }
        // The pointwise path, fallback included, where a stencil was not usable.
        var point = [Double](repeating: 0, count: dimension)
        var lower = point, upper = point
        for cell in 0..<grid.count where needsFallback[cell] {
            for axis in 0..<dimension { point[axis] = grid.coordinate(axis: axis, index: (cell / strides[axis]) % shape[axis]) }
            point.withUnsafeBufferPointer { centre in
                evaluate(snapshot: lowerIndex, at: centre, into: &lower)
                evaluate(snapshot: upperIndex, at: centre, into: &upper)
            }
            for axis in 0..<dimension { output[axis][cell] = (1 - upperWeight) * lower[axis] + upperWeight * upper[axis] }
        }
    }

    /// The snapshots bracketing forward time t and the weight of the upper one.
    private func bracket(_ time: Double) -> (lower: Int, upper: Int, upperWeight: Double) {
        let upperIndex = times.firstIndex { $0 >= time } ?? times.count - 1
        let lowerIndex = max(0, times[upperIndex] >= time && upperIndex > 0 ? upperIndex - 1 : upperIndex)
        let span = times[upperIndex] - times[lowerIndex]
        return (lowerIndex, upperIndex, span > 0 ? min(1, max(0, (time - times[lowerIndex]) / span)) : 1)
    }

    /// Multilinear interpolation of snapshot `snapshot` at one point; the Gaussian fallback outside the box or
    /// where any corner is floored.
    private func evaluate(snapshot: Int, at point: UnsafeBufferPointer<Double>, into result: inout [Double]) {
        // The stencil on the stack (no allocation per point).
        withUnsafeTemporaryAllocation(of: Int.self, capacity: dimension) { base in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: dimension) { fraction in
                evaluate(snapshot: snapshot, at: point, into: &result, base: base, fraction: fraction)
            }
        }
    }

    private func evaluate(snapshot: Int, at point: UnsafeBufferPointer<Double>, into result: inout [Double],
                          base: UnsafeMutableBufferPointer<Int>, fraction: UnsafeMutableBufferPointer<Double>) {
        let dimension = self.dimension
        var inside = true
        for axis in 0..<dimension {
            let width = grid.spacing(axis: axis)
            let position = (point[axis] + grid.halfWidth) / width - 0.5
            let cell = position.rounded(.down)
            if !(cell >= 0 && cell < Double(grid.shape[axis] - 1)) { inside = false; break }
            base[axis] = Int(cell)
            fraction[axis] = position - cell
        }
        if inside {
            for axis in 0..<dimension { result[axis] = 0 }
            let fields = components[snapshot]
            var usable = true
            for corner in 0..<(1 << dimension) {
                var weight = 1.0, flat = 0
                for axis in 0..<dimension {
                    let offset = (corner >> axis) & 1
                    weight *= offset == 1 ? fraction[axis] : 1 - fraction[axis]
                    flat += (base[axis] + offset) * grid.indexStride(axis: axis)
                }
                for axis in 0..<dimension {
                    let value = fields[axis][flat]
                    if value.isNaN { usable = false }
                    result[axis] += weight * value
                }
            }
            if usable { return }
        }
        // -Precision (x - mean).
        let mean = fallbackMeans[snapshot], precision = fallbackPrecisions[snapshot]
        for row in 0..<dimension {
            var sum = 0.0
            for column in 0..<dimension { sum += precision[row * dimension + column] * (point[column] - mean[column]) }
            result[row] = -sum
        }
    }
}

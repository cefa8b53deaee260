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
        // Bracketing snapshots and the interpolation weight.
        let upperIndex = times.firstIndex { $0 >= time } ?? times.count - 1
        let lowerIndex = max(0, times[upperIndex] >= time && upperIndex > 0 ? upperIndex - 1 : upperIndex)
        let span = times[upperIndex] - times[lowerIndex]
        let upperWeight = span > 0 ? min(1, max(0, (time - times[lowerIndex]) / span)) : 1
        let dimension = self.dimension
        var lower = [Double](repeating: 0, count: dimension), upper = lower
        for start in stride(from: 0, to: points.count, by: dimension) {
            let point = UnsafeBufferPointer(rebasing: points[start..<(start + dimension)])
            evaluate(snapshot: lowerIndex, at: point, into: &lower)
            evaluate(snapshot: upperIndex, at: point, into: &upper)
            for axis in 0..<dimension { scores[start + axis] = (1 - upperWeight) * lower[axis] + upperWeight * upper[axis] }
        }
    }

    /// Multilinear interpolation of snapshot `snapshot` at one point; the Gaussian fallback outside the box or
    /// where any corner is floored.
    private func evaluate(snapshot: Int, at point: UnsafeBufferPointer<Double>, into result: inout [Double]) {
        let dimension = self.dimension
        var base = [Int](repeating: 0, count: dimension)
        var fraction = [Double](repeating: 0, count: dimension)
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
            var usable = true
            for corner in 0..<(1 << dimension) {
                var weight = 1.0, flat = 0
                for axis in 0..<dimension {
                    let offset = (corner >> axis) & 1
                    weight *= offset == 1 ? fraction[axis] : 1 - fraction[axis]
                    flat += (base[axis] + offset) * grid.indexStride(axis: axis)
                }
                for axis in 0..<dimension {
                    let value = components[snapshot][axis][flat]
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

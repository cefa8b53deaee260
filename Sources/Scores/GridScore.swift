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
    /// Per snapshot, per axis, the score at every cell centre exactly as `score(at:)` gives it there (interpolation
    /// or fallback), when asked for at construction: d N more doubles per snapshot, and `scoreAtCellCentres` is
    /// then one blend per cell.
    private(set) var centreValues: [[[Double]]]?

    /// - Parameters:
    ///   - snapshots: (time, density) pairs on one grid, any order.
    ///   - relativeFloor: cells with rho < relativeFloor * max rho use the Gaussian fallback.
    ///   - storesCellCentreValues: also keep the score at every cell centre of every snapshot (d N doubles each),
    ///     for the reverse equation on this grid (`scoreAtCellCentres` becomes one blend per cell).
    public init(
        snapshots: [(time: Double, density: Field)], model: LinearSDE = .ornsteinUhlenbeck,
        relativeFloor: Double = 1e-10
    ) {
        self.init(snapshots: snapshots, model: model, relativeFloor: relativeFloor, storesCellCentreValues: false)
    }

    /// As `init(snapshots:model:relativeFloor:)`, keeping the centre values when `storesCellCentreValues`.
    public init(
        snapshots: [(time: Double, density: Field)], model: LinearSDE = .ornsteinUhlenbeck,
        relativeFloor: Double = 1e-10,
        storesCellCentreValues: Bool
    ) {
        precondition(!snapshots.isEmpty, "GridScore: at least one snapshot")
        let sorted = snapshots.sorted { $0.time < $1.time }
        grid = sorted[0].density.grid
        self.model = model
        times = sorted.map(\.time)
        var components: [[[Double]]] = []
        var means: [[Double]] = []
        var precisions: [[Double]] = []
        for snapshot in sorted {
            precondition(snapshot.density.grid == sorted[0].density.grid, "GridScore: snapshots on different grids")
            components.append(Self.logGradient(snapshot.density, floor: relativeFloor * snapshot.density.maximum))
            means.append(snapshot.density.mean)
            let dimension = sorted[0].density.grid.dimension
            let covariance = snapshot.density.covariance
            // A density that is not a density (blown up, negative) has no covariance: fall back to unit precision.
            let identity = (0..<(dimension * dimension)).map { $0 % (dimension + 1) == 0 ? 1.0 : 0.0 }
            precisions.append(
                DenseAlgebra.positiveDefiniteInverse(covariance, dimension: dimension)?.inverse ?? identity)
        }
        self.components = components
        fallbackMeans = means
        fallbackPrecisions = precisions
        if storesCellCentreValues {
            let snapshotCount = times.count
            centreValues = (0..<snapshotCount).map { valuesAtCellCentres(snapshot: $0) }
        }
    }

    /// Central differences of log rho along every axis; NaN where a stencil value is below the floor.
    static func logGradient(_ density: Field, floor: Double) -> [[Double]] {
        let grid = density.grid
        let logarithm = density.values.map { $0 > floor ? log($0) : Double.nan }
        return (0..<grid.dimension).map { axis in
            let length = grid.shape[axis]
            let stride = grid.indexStride(axis: axis)
            let width = grid.spacing(axis: axis)
            var gradient = [Double](repeating: .nan, count: grid.count)
            guard length >= 3 else { return gradient }
            for index in 0..<grid.count {
                let position = (index / stride) % length
                if position == 0 {
                    gradient[index] =
                        (-3 * logarithm[index] + 4 * logarithm[index + stride] - logarithm[index + 2 * stride])
                        / (2 * width)
                } else if position == length - 1 {
                    gradient[index] =
                        (3 * logarithm[index] - 4 * logarithm[index - stride] + logarithm[index - 2 * stride])
                        / (2 * width)
                } else {
                    gradient[index] = (logarithm[index + stride] - logarithm[index - stride]) / (2 * width)
                }
            }
            return gradient
        }
    }

    public func score(
        at points: UnsafeBufferPointer<Double>, time: Double, into scores: UnsafeMutableBufferPointer<Double>
    ) {
        let (lowerIndex, upperIndex, upperWeight) = bracket(time)
        let dimension = self.dimension
        var lower = [Double](repeating: 0, count: dimension)
        var upper = lower
        for start in stride(from: 0, to: points.count, by: dimension) {
            let point = UnsafeBufferPointer(rebasing: points[start..<(start + dimension)])
            evaluate(snapshot: lowerIndex, at: point, into: &lower)
            evaluate(snapshot: upperIndex, at: point, into: &upper)
            for axis in 0..<dimension {
                scores[start + axis] = (1 - upperWeight) * lower[axis] + upperWeight * upper[axis]
            }
        }
    }

    /// s(x_i, t) at every cell centre x_i of the score's own grid, one array per axis, equal to
    /// `score(at:time:into:)` there bit for bit: the blend (1 - w) a + w b of the two bracketing snapshots' values at
    /// the centres (`valuesAtCellCentres`, stored at construction when asked for, else computed here). Cost: O(d N)
    /// with stored values, O(2^d d N) without. The fast path of the score-guided reverse equation on the grid the
    /// score was read on.
    public func scoreAtCellCentres(time: Double, into output: [UnsafeMutableBufferPointer<Double>]) {
        let dimension = self.dimension
        precondition(
            output.count == dimension && output.allSatisfy { $0.count == grid.count },
            "GridScore: one array of cells per axis")
        let (lowerIndex, upperIndex, upperWeight) = bracket(time)
        let lowerValues = centreValues?[lowerIndex] ?? valuesAtCellCentres(snapshot: lowerIndex)
        let upperValues =
            upperIndex == lowerIndex
            ? lowerValues : (centreValues?[upperIndex] ?? valuesAtCellCentres(snapshot: upperIndex))
        for axis in 0..<dimension {
            let target = output[axis]
            lowerValues[axis].withUnsafeBufferPointer { lower in
                upperValues[axis].withUnsafeBufferPointer { upper in
                    for cell in 0..<target.count {
                        target[cell] = (1 - upperWeight) * lower[cell] + upperWeight * upper[cell]
                    }
                }
            }
        }
    }

    /// `scoreAtCellCentres(time:into:)` when `grid` is the score's own grid (same shape and half-width).
    public func score(
        atCellCentresOf grid: Grid, time: Double, into components: [UnsafeMutableBufferPointer<Double>]
    ) -> Bool {
        guard grid.shape == self.grid.shape, grid.halfWidth == self.grid.halfWidth else { return false }
        scoreAtCellCentres(time: time, into: components)
        return true
    }

    /// One snapshot's score at every cell centre, per axis, exactly as `evaluate` gives it there: the multilinear
    /// stencil of each centre is found once per axis (n positions, not N) and the corners are summed in the same
    /// order; where a corner is floored, or the stencil lies outside the interpolation range (the last cell of every
    /// axis), the Gaussian fallback. Passes over flat arrays (a usable mask, then one pass per axis), no allocation
    /// per cell: O(2^d d N).
    func valuesAtCellCentres(snapshot: Int) -> [[Double]] {
        let dimension = self.dimension
        // Per axis and centre index (flat: axis offsets), the stencil's base cell and fraction as `evaluate` finds
        // them; `inRange` false outside the interpolation range.
        let offsets = (0..<dimension).map { axis in grid.shape[..<axis].reduce(0, +) }
        var bases: [Int] = []
        var fractions: [Double] = []
        var inRange: [Bool] = []
        for axis in 0..<dimension {
            for index in 0..<grid.shape[axis] {
                let position =
                    (grid.coordinate(axis: axis, index: index) + grid.halfWidth) / grid.spacing(axis: axis) - 0.5
                let cell = position.rounded(.down)
                let valid = cell >= 0 && cell < Double(grid.shape[axis] - 1)
                bases.append(valid ? Int(cell) : 0)
                fractions.append(position - cell)
                inRange.append(valid)
            }
        }
        let strides = (0..<dimension).map { grid.indexStride(axis: $0) }
        let shape = grid.shape
        let coordinates = (0..<dimension).flatMap { grid.coordinates(axis: $0) }
        /// Calls `body(cell, indices, base)` for every cell in order, with the stencil's base (nil out of range).
        func forEachCell(_ body: (Int, [Int], Int?) -> Void) {
            var indices = [Int](repeating: 0, count: dimension)
            for cell in 0..<grid.count {
                var base: Int? = 0
                for inner in 0..<dimension {
                    let entry = offsets[inner] + indices[inner]
                    if !inRange[entry] {
                        base = nil
                        break
                    }
                    base! += bases[entry] * strides[inner]
                }
                body(cell, indices, base)
                var carry = dimension - 1
                while carry >= 0 {
                    indices[carry] += 1
                    if indices[carry] < shape[carry] { break }
                    indices[carry] = 0
                    carry -= 1
                }
            }
        }
        /// The corner-weighted sum of `field` over the stencil at `base`, in `evaluate`'s order.
        func interpolate(_ field: [Double], base: Int, indices: [Int]) -> Double {
            var sum = 0.0
            for corner in 0..<(1 << dimension) {
                var weight = 1.0
                var flat = base
                for inner in 0..<dimension {
                    let fraction = fractions[offsets[inner] + indices[inner]]
                    let offset = (corner >> inner) & 1
                    weight *= offset == 1 ? fraction : 1 - fraction
                    flat += offset * strides[inner]
                }
                sum += weight * field[flat]
            }
            return sum
        }
        // Pass 1, per snapshot: whether the stencil of each cell is usable (in range, no floored corner on any axis),
        // as `evaluate` decides it.
        func usableCells(_ snapshot: Int) -> [Bool] {
            var usable = [Bool](repeating: true, count: grid.count)
            for axis in 0..<dimension {
                let field = components[snapshot][axis]
                forEachCell { cell, indices, base in
                    guard let base else {
                        usable[cell] = false
                        return
                    }
                    if interpolate(field, base: base, indices: indices).isNaN { usable[cell] = false }
                }
            }
            return usable
        }
        let usable = usableCells(snapshot)
        /// The Gaussian fallback's component `row` at the cell with `indices`: -(P (x - mean))_row.
        func fallback(row: Int, indices: [Int]) -> Double {
            let mean = fallbackMeans[snapshot]
            let precision = fallbackPrecisions[snapshot]
            var sum = 0.0
            for column in 0..<dimension {
                sum +=
                    precision[row * dimension + column]
                    * (coordinates[offsets[column] + indices[column]] - mean[column])
            }
            return -sum
        }
        return (0..<dimension).map { axis in
            let field = components[snapshot][axis]
            var values = [Double](repeating: 0, count: grid.count)
            forEachCell { cell, indices, base in
                values[cell] =
                    usable[cell]
                    ? interpolate(field, base: base!, indices: indices) : fallback(row: axis, indices: indices)
            }
            return values
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

    private func evaluate(
        snapshot: Int, at point: UnsafeBufferPointer<Double>, into result: inout [Double],
        base: UnsafeMutableBufferPointer<Int>, fraction: UnsafeMutableBufferPointer<Double>
    ) {
        let dimension = self.dimension
        var inside = true
        for axis in 0..<dimension {
            let width = grid.spacing(axis: axis)
            let position = (point[axis] + grid.halfWidth) / width - 0.5
            let cell = position.rounded(.down)
            if !(cell >= 0 && cell < Double(grid.shape[axis] - 1)) {
                inside = false
                break
            }
            base[axis] = Int(cell)
            fraction[axis] = position - cell
        }
        if inside {
            for axis in 0..<dimension { result[axis] = 0 }
            let fields = components[snapshot]
            var usable = true
            for corner in 0..<(1 << dimension) {
                var weight = 1.0
                var flat = 0
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
        let mean = fallbackMeans[snapshot]
        let precision = fallbackPrecisions[snapshot]
        for row in 0..<dimension {
            var sum = 0.0
            for column in 0..<dimension { sum += precision[row * dimension + column] * (point[column] - mean[column]) }
            result[row] = -sum
        }
    }
}

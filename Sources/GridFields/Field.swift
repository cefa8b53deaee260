import Foundation

/// Values on the cells of a `Grid`, typically a probability density (cell-centre samples or cell averages).
///
/// Integrals use the midpoint rule: int f = h^d sum_i f_i, which is spectrally accurate for smooth densities
/// that are negligible at the box's edges. Every reduction below costs O(number of cells).
public struct Field: Sendable, Equatable {
    public let grid: Grid
    public var values: [Double]

    public init(grid: Grid, values: [Double]) {
        precondition(values.count == grid.count, "Field: \(values.count) values for a grid of \(grid.count) cells")
        self.grid = grid
        self.values = values
    }

    /// Samples `function` at every cell centre.
    public init(grid: Grid, sampling function: ([Double]) -> Double) {
        let points = grid.allPoints()
        let dimension = grid.dimension
        let values = (0..<grid.count).map { index in
            function(Array(points[(index * dimension)..<((index + 1) * dimension)]))
        }
        self.init(grid: grid, values: values)
    }

    /// The integral h^d sum_i f_i (the mass, for a density).
    public var integral: Double { values.reduce(0, +) * grid.cellVolume }

    public var minimum: Double { values.min() ?? .nan }
    public var maximum: Double { values.max() ?? .nan }

    /// True when every value is finite.
    public var isFinite: Bool { values.allSatisfy { $0.isFinite } }

    /// The mean vector int x f / int f.
    public var mean: [Double] {
        let mass = values.reduce(0, +)
        let points = grid.allPoints()
        let dimension = grid.dimension
        var sums = [Double](repeating: 0, count: dimension)
        for index in 0..<grid.count {
            for axis in 0..<dimension { sums[axis] += points[index * dimension + axis] * values[index] }
        }
        return sums.map { $0 / mass }
    }

    /// The covariance matrix int (x - mean)(x - mean)^T f / int f, row-major d x d.
    public var covariance: [Double] {
        let mass = values.reduce(0, +)
        let center = mean
        let points = grid.allPoints()
        let dimension = grid.dimension
        var sums = [Double](repeating: 0, count: dimension * dimension)
        for index in 0..<grid.count {
            for row in 0..<dimension {
                let deviationRow = points[index * dimension + row] - center[row]
                for column in 0..<dimension {
                    let deviationColumn = points[index * dimension + column] - center[column]
                    sums[row * dimension + column] += deviationRow * deviationColumn * values[index]
                }
            }
        }
        return sums.map { $0 / mass }
    }

    /// ||f||_1 = h^d sum |f_i|.
    public var normL1: Double { values.reduce(0) { $0 + abs($1) } * grid.cellVolume }
    /// ||f||_2 = (h^d sum f_i^2)^(1/2).
    public var normL2: Double { (values.reduce(0) { $0 + $1 * $1 } * grid.cellVolume).squareRoot() }
    /// ||f||_inf = max |f_i|.
    public var normLInfinity: Double { values.reduce(0) { max($0, abs($1)) } }

    /// ||f - g||_1.
    public func distanceL1(to other: Field) -> Double {
        checkSameGrid(other)
        return zip(values, other.values).reduce(0) { $0 + abs($1.0 - $1.1) } * grid.cellVolume
    }

    /// ||f - g||_2.
    public func distanceL2(to other: Field) -> Double {
        checkSameGrid(other)
        let sum = zip(values, other.values).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        return (sum * grid.cellVolume).squareRoot()
    }

    /// ||f - g||_inf.
    public func distanceLInfinity(to other: Field) -> Double {
        checkSameGrid(other)
        return zip(values, other.values).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    /// Kullback–Leibler divergence KL(f || reference) = int f log(f / reference), with a floor.
    ///
    /// Negative values (round-off of a spectral solution) count as 0; cells where f is 0 contribute nothing;
    /// both densities are raised to at least `floor` inside the logarithm, so a reference that vanishes where f
    /// does not gives a large but finite value. The default floor only guards against log(0).
    public func klDivergence(to reference: Field, floor: Double = 1e-300) -> Double {
        checkSameGrid(reference)
        var sum = 0.0
        for (value, referenceValue) in zip(values, reference.values) where value > 0 {
            sum += value * Foundation.log(max(value, floor) / max(referenceValue, floor))
        }
        return sum * grid.cellVolume
    }

    /// Differential entropy -int f log f, negative values counted as 0.
    public var entropy: Double {
        var sum = 0.0
        for value in values where value > 0 { sum -= value * Foundation.log(value) }
        return sum * grid.cellVolume
    }

    private func checkSameGrid(_ other: Field) {
        precondition(grid == other.grid, "Field: the two fields live on different grids")
    }
}

extension Field {
    /// The marginal over the last axis on the grid of the others: sum_k values[.., k] times the last axis's cell
    /// width (for a density, ∫ρ dz; for a 3-D field, the (x, y) plane). Needs at least two axes. Cost O(cells).
    public func marginalOverLastAxis() -> Field {
        precondition(grid.dimension >= 2, "Field.marginalOverLastAxis: at least two axes")
        let depth = grid.shape[grid.dimension - 1]
        let width = grid.spacing(axis: grid.dimension - 1)
        let planar = grid.count / depth
        let marginal = (0..<planar).map { cell in values[(cell * depth)..<((cell + 1) * depth)].reduce(0, +) * width }
        return Field(
            grid: Grid(shape: Array(grid.shape.dropLast()), halfWidth: grid.halfWidth, boundary: grid.boundary),
            values: marginal)
    }
}

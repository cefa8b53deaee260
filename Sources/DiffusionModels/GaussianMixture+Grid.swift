import Foundation
import GridFields
import ParallelLoops

extension GaussianMixture {
    /// The mixture's density sampled at the grid's cell centres, the rows (all axes but the last) split over
    /// `threads`.
    ///
    /// Each cell takes the operations of `density(at:)` in the same order — per component the deviation
    /// x - mu_k, the whitened vector L_k^-1 (x - mu_k) by forward substitution, its squared length summed from
    /// the first axis, log w_k - (d ln(2 pi) + ln det Sigma_k + quadratic) / 2; then log-sum-exp over the
    /// components from the largest term — so the field equals sampling `density(at:)` bit for bit, for any thread
    /// count, without allocating per cell. Cost: O(K d^2) per cell, one exp per component and a log per cell.
    public func field(on grid: Grid, threads: Int = 1) -> Field {
        precondition(
            grid.dimension == dimension, "GaussianMixture.field: grid is \(grid.dimension)-D, mixture \(dimension)-D")
        let evaluator = CellDensityEvaluator(mixture: self, grid: grid)
        var values = [Double](repeating: 0, count: grid.count)
        let columnCount = grid.shape[dimension - 1]
        let rowCount = grid.count / columnCount
        values.withUnsafeMutableBufferPointer { buffer in
            let output = SharedMutablePointer(base: buffer.baseAddress!)
            PointwiseBlocks(rowCount: rowCount, columnCount: columnCount, threads: threads).forEach { rows, columns in
                evaluator.evaluate(rows: rows, columns: columns, into: output.base)
            }
        }
        return Field(grid: grid, values: values)
    }

    /// The same values as `field(on:threads:)` (bit for bit) for the rows `rows` only (flat indices over all axes
    /// but the last: in 3-D the planes p0 ..< p1 along x are the rows p0 n1 ..< p1 n1), row-major: one rank's slab.
    public func values(on grid: Grid, rows: Range<Int>, threads: Int = 1) -> [Double] {
        precondition(grid.dimension == dimension, "GaussianMixture.values: grid and mixture dimensions differ")
        let evaluator = CellDensityEvaluator(mixture: self, grid: grid)
        let columnCount = grid.shape[dimension - 1]
        var values = [Double](repeating: 0, count: rows.count * columnCount)
        guard !rows.isEmpty else { return values }
        let first = rows.lowerBound
        values.withUnsafeMutableBufferPointer { buffer in
            let output = SharedMutablePointer(base: buffer.baseAddress!)
            PointwiseBlocks(rowCount: rows.count, columnCount: columnCount, threads: threads).forEach {
                block, columns in
                evaluator.evaluate(
                    rows: (block.lowerBound + first)..<(block.upperBound + first), columns: columns,
                    into: output.base - first * columnCount)
            }
        }
        return values
    }
}

/// The per-component constants and the grid's axes that `GaussianMixture.field(on:threads:)` reads per cell.
private struct CellDensityEvaluator: Sendable {
    let dimension: Int
    let componentCount: Int
    /// Flat per component: means (K x d), lower Cholesky factors (K x d x d), log w_k, d ln(2 pi) + ln det Sigma_k.
    let means: [Double]
    let factors: [Double]
    let logWeights: [Double]
    let normalizations: [Double]
    /// Cell centres per axis, and the grid's shape.
    let axes: [[Double]]
    let shape: [Int]

    init(mixture: GaussianMixture, grid: Grid) {
        dimension = mixture.dimension
        componentCount = mixture.components.count
        means = mixture.components.flatMap(\.mean)
        factors = mixture.components.flatMap(\.choleskyFactor)
        logWeights = mixture.components.map { Foundation.log($0.weight) }
        normalizations = mixture.components.map {
            Double(mixture.dimension) * Foundation.log(2 * Double.pi) + $0.logDeterminant
        }
        axes = (0..<grid.dimension).map { grid.coordinates(axis: $0) }
        shape = grid.shape
    }

    /// Writes the density of every cell in `rows` x `columns` (rows: flat indices over the leading axes).
    func evaluate(rows: Range<Int>, columns: Range<Int>, into output: UnsafeMutablePointer<Double>) {
        let (dimension, componentCount) = (self.dimension, self.componentCount)
        let columnCount = shape[dimension - 1]
        let point = UnsafeMutablePointer<Double>.allocate(capacity: dimension)
        let whitened = UnsafeMutablePointer<Double>.allocate(capacity: dimension)
        let logTerms = UnsafeMutablePointer<Double>.allocate(capacity: componentCount)
        defer {
            point.deallocate()
            whitened.deallocate()
            logTerms.deallocate()
        }
        for row in rows {
            var remainder = row
            for axis in stride(from: dimension - 2, through: 0, by: -1) {
                point[axis] = axes[axis][remainder % shape[axis]]
                remainder /= shape[axis]
            }
            for column in columns {
                point[dimension - 1] = axes[dimension - 1][column]
                for component in 0..<componentCount {
                    let meanBase = component * dimension
                    let factorBase = component * dimension * dimension
                    for axis in 0..<dimension {
                        var sum = point[axis] - means[meanBase + axis]
                        for inner in 0..<axis {
                            sum -= factors[factorBase + axis * dimension + inner] * whitened[inner]
                        }
                        whitened[axis] = sum / factors[factorBase + axis * dimension + axis]
                    }
                    var quadratic = 0.0
                    for axis in 0..<dimension { quadratic += whitened[axis] * whitened[axis] }
                    logTerms[component] = logWeights[component] + -0.5 * (normalizations[component] + quadratic)
                }
                var largest = logTerms[0]
                for component in 1..<max(componentCount, 1) where largest < logTerms[component] {
                    largest = logTerms[component]
                }
                let density: Double
                if largest == -.infinity {
                    density = 0
                } else {
                    var sum = 0.0
                    for component in 0..<componentCount { sum += Foundation.exp(logTerms[component] - largest) }
                    density = Foundation.exp(largest + Foundation.log(sum))
                }
                output[row * columnCount + column] = density
            }
        }
    }
}

import GridFields

/// Particles binned onto exactly the cells of a solver's grid, normalized as a density.
///
/// With M particles and n_i of them in cell i (volume |C|), the density estimate is p_i / |C| with
/// p_i = n_i / M, and its standard error sqrt(p_i (1 - p_i) / M) / |C| (binomial counts). Particles outside the
/// box are counted in `outsideCount` and make the histogram's mass less than 1. Cost O(M d).
public struct ParticleHistogram: Sendable {
    public let grid: Grid
    public let counts: [Int]
    public let particleCount: Int
    public let outsideCount: Int

    public init(positions: [Double], grid: Grid) {
        let dimension = grid.dimension
        precondition(
            positions.count % dimension == 0, "ParticleHistogram: positions are not a multiple of the dimension")
        self.grid = grid
        particleCount = positions.count / dimension
        var counts = [Int](repeating: 0, count: grid.count)
        var outside = 0
        let widths = (0..<dimension).map { grid.spacing(axis: $0) }
        let strides = (0..<dimension).map { grid.indexStride(axis: $0) }
        for particle in 0..<particleCount {
            var flat = 0
            var inside = true
            for axis in 0..<dimension {
                let coordinate = positions[particle * dimension + axis]
                let cell = ((coordinate + grid.halfWidth) / widths[axis]).rounded(.down)
                // NaN fails both comparisons and is counted outside.
                guard cell >= 0 && cell < Double(grid.shape[axis]) else {
                    inside = false
                    break
                }
                flat += Int(cell) * strides[axis]
            }
            if inside { counts[flat] += 1 } else { outside += 1 }
        }
        self.counts = counts
        outsideCount = outside
    }

    /// n_i / (M |C|).
    public var density: Field {
        let scale = 1 / (Double(particleCount) * grid.cellVolume)
        return Field(grid: grid, values: counts.map { Double($0) * scale })
    }

    /// sqrt(p_i (1 - p_i) / M) / |C| per cell.
    public var standardErrors: Field {
        let total = Double(particleCount)
        return Field(
            grid: grid,
            values: counts.map { count in
                let fraction = Double(count) / total
                return (fraction * (1 - fraction) / total).squareRoot() / grid.cellVolume
            })
    }
}

/// Per-coordinate sample mean and variance with their standard errors.
///
/// SE(mean) = sqrt(s^2 / M); SE(variance) = sqrt((m4 - s^4) / M) with m4 the fourth central moment (the
/// large-sample variance of the sample variance). Two passes, O(M d).
public struct SampleMoments: Sendable, Equatable {
    public let count: Int
    public let mean: [Double]
    public let variance: [Double]
    public let meanStandardError: [Double]
    public let varianceStandardError: [Double]

    public init(positions: [Double], dimension: Int) {
        let count = positions.count / dimension
        precondition(count >= 2, "SampleMoments: at least two samples")
        self.count = count
        var mean = [Double](repeating: 0, count: dimension)
        var second = [Double](repeating: 0, count: dimension)
        var fourth = [Double](repeating: 0, count: dimension)
        // Axis by axis with local sums: each sum still runs over the particles in order (the same bits as summing
        // particle by particle), and the running sums stay in registers.
        positions.withUnsafeBufferPointer { points in
            for axis in 0..<dimension {
                var sum = 0.0
                for particle in 0..<count { sum += points[particle * dimension + axis] }
                let center = sum / Double(count)
                var (squares, fourthPowers) = (0.0, 0.0)
                for particle in 0..<count {
                    let deviation = points[particle * dimension + axis] - center
                    let squared = deviation * deviation
                    squares += squared
                    fourthPowers += squared * squared
                }
                (mean[axis], second[axis], fourth[axis]) = (center, squares, fourthPowers)
            }
        }
        let variance = second.map { $0 / Double(count - 1) }
        self.mean = mean
        self.variance = variance
        meanStandardError = variance.map { ($0 / Double(count)).squareRoot() }
        varianceStandardError = (0..<dimension).map { axis in
            let centralFourth = fourth[axis] / Double(count)
            return (max(centralFourth - variance[axis] * variance[axis], 0) / Double(count)).squareRoot()
        }
    }
}

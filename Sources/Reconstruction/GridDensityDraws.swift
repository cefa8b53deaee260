import GridFields
import RandomStreams

/// Independent draws from the piecewise-constant law of a grid density: a cell with probability
/// max(rho_i, 0) / sum_j max(rho_j, 0) (negative values, from noise or round-off, count as 0), then a uniform
/// point inside it. One stream (`seed`, `stream`), drawn in order, so the points do not depend on any thread
/// count. Cost O(N) set-up and O(log N) a draw.
public struct GridDensityDraws: Sendable {
    public let grid: Grid
    /// Cumulative cell probabilities, the last one 1.
    let cumulative: [Double]

    public init(density: Field) throws {
        grid = density.grid
        var running = 0.0
        var cumulative = [Double](repeating: 0, count: density.values.count)
        for (index, value) in density.values.enumerated() {
            if value.isFinite && value > 0 { running += value }
            cumulative[index] = running
        }
        guard running > 0, running.isFinite else {
            throw ReconstructionError("the density has no positive finite mass to draw particles from")
        }
        self.cumulative = cumulative.map { $0 / running }
    }

    /// `count` points (flat, d per point).
    public func draw(count: Int, seed: UInt64, stream: UInt64) -> [Double] {
        var generator = Xoshiro256StarStar(seed: seed, stream: stream)
        let dimension = grid.dimension
        var points = [Double](repeating: 0, count: count * dimension)
        for particle in 0..<count {
            let target = generator.nextUniform()
            var low = 0
            var high = cumulative.count - 1
            while low < high {
                let middle = (low + high) / 2
                if cumulative[middle] <= target { low = middle + 1 } else { high = middle }
            }
            let indices = grid.indices(of: low)
            for axis in 0..<dimension {
                points[particle * dimension + axis] =
                    -grid.halfWidth + (Double(indices[axis]) + generator.nextUniform()) * grid.spacing(axis: axis)
            }
        }
        return points
    }
}

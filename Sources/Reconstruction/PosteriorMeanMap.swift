import Foundation
import GridFields
import ParticleSampling
import Scores

/// The exact denoiser x -> <X0>(x, t) = E[X0 | X_t = x] of a score provider, applied to particles and pushed
/// forward on a grid: the last step of a reverse run stopped at t_min > 0 (THEORY §3, §5: the DDPM update's last
/// step returns x0hat with no noise).
///
/// Why it exists: near t = 0 the reverse drift relaxes at rate 1/t (mean-field form (<X0> - x)/t), so the runs
/// stop at t_min; the map then sends every point to its posterior mean in one step instead of resolving that
/// relaxation. The law it produces is that of E[X0 | X_(t_min)], which differs from rho_0 by O(t_min) (for a
/// component N(mu, s^2) the variance s^2 becomes s^2 - v(t_min) + O(t_min^2)); its merit is that it puts no mass
/// where the posterior has none (outside the convex hull of the data's support near each point).
public enum PosteriorMeanMap {
    /// Sends every particle (flat, `dimension` per point) to <X0>(x, t), in blocks of 1024. Cost: one posterior
    /// mean evaluation per particle.
    public static func apply(to positions: inout [Double], dimension: Int, score: any ScoreProvider, time: Double) {
        let block = 1024 * dimension
        var output = [Double](repeating: 0, count: block)
        positions.withUnsafeMutableBufferPointer { all in
            output.withUnsafeMutableBufferPointer { means in
                for start in stride(from: 0, to: all.count, by: block) {
                    let end = min(start + block, all.count)
                    let input = UnsafeBufferPointer(rebasing: all[start..<end])
                    let target = UnsafeMutableBufferPointer(rebasing: means[0..<(end - start)])
                    score.posteriorMean(at: input, time: time, into: target)
                    for index in 0..<(end - start) { all[start + index] = target[index] }
                }
            }
        }
    }

    /// The push-forward of the cell density through x -> <X0>(x, t), deposited conservatively on the same grid.
    ///
    /// - 1-D: <X0> is non-decreasing (its derivative is m(t) Var[X0 | X_t = x] / v(t) >= 0), so cell i's mass
    ///   rho_i h goes, uniformly, onto the image interval [<X0>(e_i), <X0>(e_(i+1))] of its edges and is shared
    ///   among the target cells by exact overlap; an image shorter than 1e-12 h is a point mass in its cell.
    /// - d-D: each cell is cut into `subdivisions`^d sub-cells whose centres are mapped, and each carries its mass
    ///   share to the cell holding its image (first order in h / subdivisions where images cross faces; a
    ///   cloud-in-cell deposit would smear every cell over its neighbours, adding variance h^2/6 per axis).
    /// Mass is conserved exactly except what lands outside the box (`lostMass`). Signed values (noise, Gibbs
    /// undershoots) are carried as they are. Cost: (n + 1) (1-D) or N s^d (d-D) posterior means and O(N s^d).
    public static func pushForward(_ density: Field, score: any ScoreProvider, time: Double, subdivisions: Int = 4) -> (
        density: Field, lostMass: Double
    ) {
        let grid = density.grid
        precondition(
            score.dimension == grid.dimension,
            "PosteriorMeanMap: the score is \(score.dimension)-D, the grid \(grid.dimension)-D")
        return grid.dimension == 1
            ? pushForwardOneDimensional(density, score: score, time: time)
            : pushForwardBySubcells(density, score: score, time: time, subdivisions: max(1, subdivisions))
    }

    static func pushForwardOneDimensional(_ density: Field, score: any ScoreProvider, time: Double) -> (
        density: Field, lostMass: Double
    ) {
        let grid = density.grid
        let count = grid.shape[0]
        let width = grid.spacing(axis: 0)
        let left = -grid.halfWidth
        var edges = (0...count).map { left + Double($0) * width }
        PosteriorMeanMap.apply(to: &edges, dimension: 1, score: score, time: time)
        // Guard monotonicity against round-off in the score.
        for index in 1...count where edges[index] < edges[index - 1] { edges[index] = edges[index - 1] }
        var masses = [Double](repeating: 0, count: count)
        var lost = 0.0
        func cellPosition(_ x: Double) -> Double { (x - left) / width }
        for cell in 0..<count {
            let mass = density.values[cell] * width
            if mass == 0 { continue }
            let low = cellPosition(edges[cell])
            let high = cellPosition(edges[cell + 1])
            if high - low < 1e-12 {
                let target = Int(low.rounded(.down))
                if target >= 0 && target < count { masses[target] += mass } else { lost += mass }
                continue
            }
            let density = mass / (high - low)
            var position = low
            while position < high {
                let target = position.rounded(.down)
                let next = min(high, target + 1)
                let share = density * (next - position)
                if target >= 0 && target < Double(count) { masses[Int(target)] += share } else { lost += share }
                position = next
            }
        }
        return (Field(grid: grid, values: masses.map { $0 / width }), lost)
    }

    static func pushForwardBySubcells(_ density: Field, score: any ScoreProvider, time: Double, subdivisions: Int) -> (
        density: Field, lostMass: Double
    ) {
        let grid = density.grid
        let dimension = grid.dimension
        let subCellCount = Int(pow(Double(subdivisions), Double(dimension)))
        let widths = (0..<dimension).map { grid.spacing(axis: $0) }
        let strides = (0..<dimension).map { grid.indexStride(axis: $0) }
        var masses = [Double](repeating: 0, count: grid.count)
        var lost = 0.0
        var points = [Double](repeating: 0, count: subCellCount * dimension)
        for cell in 0..<grid.count {
            let mass = density.values[cell] * grid.cellVolume / Double(subCellCount)
            if mass == 0 { continue }
            let indices = grid.indices(of: cell)
            for sub in 0..<subCellCount {
                var remainder = sub
                for axis in 0..<dimension {
                    let offset = remainder % subdivisions
                    remainder /= subdivisions
                    points[sub * dimension + axis] =
                        -grid.halfWidth + (Double(indices[axis]) + (Double(offset) + 0.5) / Double(subdivisions))
                        * widths[axis]
                }
            }
            PosteriorMeanMap.apply(to: &points, dimension: dimension, score: score, time: time)
            for sub in 0..<subCellCount {
                // The sub-cell's mass goes to the cell holding its image (a point outside the box, or not finite,
                // is lost): a map that moves points by less than a sub-cell leaves the density as it was.
                var flat = 0
                var inside = true
                for axis in 0..<dimension {
                    let cell = ((points[sub * dimension + axis] + grid.halfWidth) / widths[axis]).rounded(.down)
                    guard cell >= 0 && cell < Double(grid.shape[axis]) else {
                        inside = false
                        break
                    }
                    flat += Int(cell) * strides[axis]
                }
                if inside { masses[flat] += mass } else { lost += mass }
            }
        }
        return (Field(grid: grid, values: masses.map { $0 / grid.cellVolume }), lost)
    }
}

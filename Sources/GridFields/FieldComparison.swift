import Foundation

/// Distances between probability densities on the same grid: total variation, Hellinger, Wasserstein-1.
extension Field {
    /// Total variation distance TV(f, g) = ½ ∫ |f − g| = ½ ||f − g||_1 (in [0, 1] for probability densities).
    /// Cost O(cells).
    public func totalVariationDistance(to other: Field) -> Double {
        0.5 * distanceL1(to: other)
    }

    /// Hellinger distance H(f, g) = (½ ∫ (√f − √g)²)^(1/2), in [0, 1] for probability densities; negative values
    /// (round-off of a spectral solution) count as 0. Cost O(cells).
    public func hellingerDistance(to other: Field) -> Double {
        precondition(grid == other.grid, "Field: the two fields live on different grids")
        var sum = 0.0
        for (value, otherValue) in zip(values, other.values) {
            let difference = max(value, 0).squareRoot() - max(otherValue, 0).squareRoot()
            sum += difference * difference
        }
        return (0.5 * sum * grid.cellVolume).squareRoot()
    }

    /// Wasserstein-1 distance between the two densities, each taken as a probability law: negative values are
    /// clipped to 0 and each field is normalized to mass 1 first. NaN when either field is not finite or has no
    /// positive mass.
    ///
    /// - 1-D, exact for the piecewise-constant densities the cell values define: W1 = ∫ |F − G| dx, with F − G
    ///   linear inside each cell, integrated in closed form (including a sign change inside a cell). Cost O(n).
    /// - 2-D and 3-D, sliced: the mean over `directions` fixed unit vectors θ of the exact 1-D W1 between the
    ///   projected laws, each cell's mass placed at θ·(cell centre) (sliced W1 ≤ W1; a shift by v gives
    ///   (2/π)|v| in 2-D, ½|v| in 3-D). Directions: angles π(j + ½)/K in 2-D; a Fibonacci lattice on the upper
    ///   half sphere in 3-D. Cost O(K · cells · log cells).
    public func wassersteinDistance(to other: Field, directions: Int = 64) -> Double {
        precondition(grid == other.grid, "Field: the two fields live on different grids")
        precondition(directions >= 1, "Field: at least one direction")
        guard isFinite, other.isFinite else { return .nan }
        let first = values.map { max($0, 0) }
        let second = other.values.map { max($0, 0) }
        let firstMass = first.reduce(0, +)
        let secondMass = second.reduce(0, +)
        guard firstMass > 0, secondMass > 0 else { return .nan }
        // Normalized cell masses and their difference.
        let difference = zip(first, second).map { $0.0 / firstMass - $0.1 / secondMass }
        if grid.dimension == 1 {
            return Self.oneDimensionalDistance(massDifference: difference, cellWidth: grid.spacing(axis: 0))
        }
        let centres = grid.allPoints()
        let dimension = grid.dimension
        var total = 0.0
        var projected = [Double](repeating: 0, count: grid.count)
        for direction in Self.directions(count: directions, dimension: dimension) {
            for cell in 0..<grid.count {
                var position = 0.0
                for axis in 0..<dimension { position += direction[axis] * centres[cell * dimension + axis] }
                projected[cell] = position
            }
            let order = projected.indices.sorted { projected[$0] < projected[$1] }
            var cumulative = 0.0
            var distance = 0.0
            for rank in 0..<(order.count - 1) {
                cumulative += difference[order[rank]]
                distance += abs(cumulative) * (projected[order[rank + 1]] - projected[order[rank]])
            }
            total += distance
        }
        return total / Double(directions)
    }

    /// ∫ |F − G| for piecewise-constant densities with cell mass differences d_i on cells of width h: D is linear
    /// between the cell edges, D_0 = 0, D_(i+1) = D_i + d_i.
    static func oneDimensionalDistance(massDifference: [Double], cellWidth: Double) -> Double {
        var left = 0.0
        var integral = 0.0
        for change in massDifference {
            let right = left + change
            if (left >= 0) == (right >= 0) {
                integral += 0.5 * (abs(left) + abs(right))
            } else {
                integral += 0.5 * (left * left + right * right) / (abs(left) + abs(right))
            }
            left = right
        }
        return integral * cellWidth
    }

    /// The fixed slicing directions (unit vectors).
    static func directions(count: Int, dimension: Int) -> [[Double]] {
        (0..<count).map { index in
            if dimension == 2 {
                let angle = Double.pi * (Double(index) + 0.5) / Double(count)
                return [cos(angle), sin(angle)]
            }
            // Fibonacci lattice on the upper half sphere: heights uniform in (0, 1), golden-angle azimuths.
            let height = (Double(index) + 0.5) / Double(count)
            let radius = (1 - height * height).squareRoot()
            let azimuth = Double(index) * Double.pi * (3 - 5.0.squareRoot())
            return [radius * cos(azimuth), radius * sin(azimuth), height]
        }
    }
}

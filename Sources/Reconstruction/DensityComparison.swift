import GridFields

/// How far a reconstruction is from the density it should be, on one grid: the table row of every method.
///
/// L1 = h^d sum |q_i - p_i|, total variation ½ L1, KL(p || q) with both raised to at least `klFloor` inside the
/// logarithm (a reconstruction that vanishes where p does not gives a large finite value), W1 (exact in 1-D from
/// the cell CDFs, sliced over `directions` fixed directions in 2-D; each field clipped at 0 and normalized),
/// max |q_i - p_i|, the mass and the minimum of q. Cost O(N) (W1 in 2-D: O(K N log N)).
public struct DensityComparison: Sendable, Equatable {
    public var l1Distance: Double
    public var totalVariation: Double
    public var klDivergence: Double
    public var wassersteinDistance: Double
    public var maximumError: Double
    public var mass: Double
    public var minimumDensity: Double

    /// The floor of the KL column: densities below 1e-12 count as 1e-12 inside the logarithm.
    public static let klFloor = 1e-12

    /// The L1 distance a histogram of M exact draws from `reference` is expected to have from it by sampling alone:
    /// sum_i E|p^_i - p_i| = sum_i sqrt(2 p_i (1 - p_i) / (pi M)) with p_i = h^d rho_i (the normal approximation
    /// of the binomial counts; good where M p_i >> 1, an overestimate of at most a few per cent elsewhere). The
    /// level a particle reconstruction cannot beat. Cost O(N).
    public static func expectedSamplingL1(reference: Field, particleCount: Int) -> Double {
        let count = Double(particleCount)
        return reference.values.reduce(0) { sum, value in
            let probability = min(max(value * reference.grid.cellVolume, 0), 1)
            return sum + (2 * probability * (1 - probability) / (Double.pi * count)).squareRoot()
        }
    }

    public init(_ reconstruction: Field, reference: Field, directions: Int = 64) {
        l1Distance = reconstruction.distanceL1(to: reference)
        totalVariation = reconstruction.totalVariationDistance(to: reference)
        klDivergence = reference.klDivergence(to: reconstruction, floor: Self.klFloor)
        wassersteinDistance = reconstruction.wassersteinDistance(to: reference, directions: directions)
        maximumError = reconstruction.distanceLInfinity(to: reference)
        mass = reconstruction.integral
        minimumDensity = reconstruction.minimum
    }
}

/// Conservative transfer of a cell density between two uniform grids of the same dimension: every source cell's
/// mass is shared among the target cells in proportion to their overlap (a product of 1-D overlaps, so the cost is
/// O(N_source x overlaps per cell)). Mass outside the target box is dropped and returned.
public enum GridRemap {
    public static func conservative(_ field: Field, onto target: Grid) -> (field: Field, lostMass: Double) {
        let source = field.grid
        precondition(source.dimension == target.dimension, "GridRemap: dimensions differ")
        let dimension = source.dimension
        // Per axis and source index: (target index, fraction of the source cell).
        let overlaps: [[[(Int, Double)]]] = (0..<dimension).map { axis in
            let width = source.spacing(axis: axis)
            let targetWidth = target.spacing(axis: axis)
            return (0..<source.shape[axis]).map { index in
                let low = -source.halfWidth + Double(index) * width
                let high = low + width
                let first = Int(((low + target.halfWidth) / targetWidth).rounded(.down))
                let last = Int(((high + target.halfWidth) / targetWidth).rounded(.up))
                var shares: [(Int, Double)] = []
                for candidate in max(first, 0)...max(min(last, target.shape[axis] - 1), max(first, 0)) {
                    guard candidate < target.shape[axis] else { continue }
                    let cellLow = -target.halfWidth + Double(candidate) * targetWidth
                    let overlap = min(high, cellLow + targetWidth) - max(low, cellLow)
                    if overlap > 0 { shares.append((candidate, overlap / width)) }
                }
                return shares
            }
        }
        var masses = [Double](repeating: 0, count: target.count)
        var total = 0.0
        for cell in 0..<source.count {
            let mass = field.values[cell] * source.cellVolume
            total += mass
            if mass == 0 { continue }
            let indices = source.indices(of: cell)
            // Walk the product of the per-axis share lists.
            var combination = [Int](repeating: 0, count: dimension)
            let lists = (0..<dimension).map { overlaps[$0][indices[$0]] }
            if lists.contains(where: \.isEmpty) { continue }
            while true {
                var fraction = 1.0
                var flat = 0
                for axis in 0..<dimension {
                    let (index, share) = lists[axis][combination[axis]]
                    fraction *= share
                    flat += index * target.indexStride(axis: axis)
                }
                masses[flat] += fraction * mass
                var axis = dimension - 1
                while axis >= 0 {
                    combination[axis] += 1
                    if combination[axis] < lists[axis].count { break }
                    combination[axis] = 0
                    axis -= 1
                }
                if axis < 0 { break }
            }
        }
        let kept = masses.reduce(0, +)
        return (Field(grid: target, values: masses.map { $0 / target.cellVolume }), total - kept)
    }
}

/// What happens at the edges of the box [-L, L]^d.
///
/// `periodic`: the box is a torus of period 2L (the spectral solver's setting; densities are assumed negligible
/// near the edges, which is the domain truncation every solver here makes). `reflecting`: no flux leaves the
/// box (the finite-volume solver's no-flux walls; cosine transforms for pure diffusion).
public enum Boundary: String, Sendable, CaseIterable, Codable {
    case periodic
    case reflecting
}

/// A uniform, cell-centred grid on the box [-L, L]^d, d = 1, 2 or 3.
///
/// Axis a has n_a cells of width h_a = 2L / n_a; cell i has centre x_i = -L + (i + 1/2) h_a. Values are stored
/// row-major, the last axis fastest: flat index = (i_0 n_1 + i_1) n_2 + i_2. Axis 0 is x, axis 1 is y.
public struct Grid: Sendable, Equatable, Codable {
    /// Cells per axis.
    public let shape: [Int]
    /// Half the side of the box, L.
    public let halfWidth: Double
    public let boundary: Boundary

    /// A grid with `points` cells on each of `dimension` axes.
    public init(dimension: Int, points: Int, halfWidth: Double, boundary: Boundary = .periodic) {
        self.init(shape: Array(repeating: points, count: dimension), halfWidth: halfWidth, boundary: boundary)
    }

    public init(shape: [Int], halfWidth: Double, boundary: Boundary = .periodic) {
        precondition((1...3).contains(shape.count), "Grid: dimension must be 1, 2 or 3")
        precondition(shape.allSatisfy { $0 >= 1 }, "Grid: every axis needs at least one cell")
        precondition(halfWidth > 0 && halfWidth.isFinite, "Grid: half-width must be positive and finite")
        self.shape = shape
        self.halfWidth = halfWidth
        self.boundary = boundary
    }

    /// Number of axes, d.
    public var dimension: Int { shape.count }

    /// Total number of cells, the product of the shape.
    public var count: Int { shape.reduce(1, *) }

    /// Cell width along `axis`, h = 2L / n.
    public func spacing(axis: Int) -> Double { 2 * halfWidth / Double(shape[axis]) }

    /// Cell volume, the product of the widths (the quadrature weight of every cell).
    public var cellVolume: Double { (0..<dimension).reduce(1.0) { $0 * spacing(axis: $1) } }

    /// The centre of cell `index` along `axis`.
    @inline(__always)
    public func coordinate(axis: Int, index: Int) -> Double {
        -halfWidth + (Double(index) + 0.5) * spacing(axis: axis)
    }

    /// All cell centres along `axis`.
    public func coordinates(axis: Int) -> [Double] {
        (0..<shape[axis]).map { coordinate(axis: axis, index: $0) }
    }

    /// Distance between consecutive flat indices along `axis`.
    public func indexStride(axis: Int) -> Int {
        shape[(axis + 1)...].reduce(1, *)
    }

    /// The per-axis indices of a flat index.
    public func indices(of flatIndex: Int) -> [Int] {
        var remainder = flatIndex
        var result = [Int](repeating: 0, count: dimension)
        for axis in stride(from: dimension - 1, through: 0, by: -1) {
            result[axis] = remainder % shape[axis]
            remainder /= shape[axis]
        }
        return result
    }

    /// The cell centre of a flat index.
    public func point(at flatIndex: Int) -> [Double] {
        let cell = indices(of: flatIndex)
        return (0..<dimension).map { coordinate(axis: $0, index: cell[$0]) }
    }

    /// Cell centres of every cell, flat: point j occupies entries j d ..< (j + 1) d.
    public func allPoints() -> [Double] {
        var result = [Double](repeating: 0, count: count * dimension)
        let axes = (0..<dimension).map { coordinates(axis: $0) }
        for flatIndex in 0..<count {
            var remainder = flatIndex
            for axis in stride(from: dimension - 1, through: 0, by: -1) {
                result[flatIndex * dimension + axis] = axes[axis][remainder % shape[axis]]
                remainder /= shape[axis]
            }
        }
        return result
    }
}

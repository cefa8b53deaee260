import GridFields

/// A process that can write its drift at every cell centre of a grid directly, faster than the pointwise block
/// evaluation (e.g. a drift read off a field stored on that very grid, where interpolation is the identity).
///
/// The spectral solver asks for it before each new stage time of a general (non-linear) drift; a process that
/// cannot serve the grid returns false and the solver falls back to `ForwardProcess.drift(atPoints:...)` at the
/// cell centres. The values must equal what the pointwise evaluation would give at the centres.
public protocol CellCentreDrift {
    /// Writes b_a(x_i, t) into `components[a][i]` for every cell i of `grid` (row-major, last axis fastest) and
    /// axis a; returns false, writing nothing, when the process cannot do this for `grid`.
    func drift(atCellCentresOf grid: Grid, time: Double, into components: [UnsafeMutableBufferPointer<Double>]) -> Bool
}

import GridFields

extension GaussianMixture {
    /// The mixture's density sampled at the grid's cell centres.
    public func field(on grid: Grid) -> Field {
        precondition(
            grid.dimension == dimension, "GaussianMixture.field: grid is \(grid.dimension)-D, mixture \(dimension)-D")
        return Field(grid: grid, sampling: { density(at: $0) })
    }
}

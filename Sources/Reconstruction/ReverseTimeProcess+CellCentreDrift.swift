import DensitySolvers
import GridFields
import ParticleSampling

/// The reverse drift b~(x, s) = g(t)^2 s(x, t) - f(t) x (t = T - s) written at every cell centre at once when the
/// score is a `GridScore` read on that very grid: the score is then its stored differences, linear in time, with
/// no interpolation in x (`GridScore.scoreAtCellCentres`). Cost O(N d) a stage time; any other score or grid
/// returns false and the solver evaluates the drift pointwise.
extension ReverseTimeProcess: CellCentreDrift {
    public func drift(atCellCentresOf grid: Grid, time: Double, into components: [UnsafeMutableBufferPointer<Double>])
        -> Bool
    {
        guard let gridScore = score as? GridScore, gridScore.grid.shape == grid.shape,
            gridScore.grid.halfWidth == grid.halfWidth
        else { return false }
        let forwardTime = self.forwardTime(time)
        let rate = forward.driftRate(at: forwardTime)
        let scale = forward.diffusionScale(at: forwardTime)
        gridScore.scoreAtCellCentres(time: forwardTime, into: components)
        let squaredScale = scale * scale
        for axis in 0..<grid.dimension {
            let coordinates = grid.coordinates(axis: axis)
            let stride = grid.indexStride(axis: axis)
            let length = grid.shape[axis]
            let output = components[axis]
            // Runs of `stride` cells share the coordinate of this axis.
            for runStart in Swift.stride(from: 0, to: grid.count, by: stride) {
                let shift = rate * coordinates[(runStart / stride) % length]
                for cell in runStart..<(runStart + stride) { output[cell] = squaredScale * output[cell] - shift }
            }
        }
        return true
    }
}

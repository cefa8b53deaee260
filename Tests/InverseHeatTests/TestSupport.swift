import DiffusionModels
import GridFields
import InverseHeat
import RandomStreams

/// The paper's default 1-D mixture (THEORY §2, `fplab forward`'s default) and the 2-D two-bump mixture.
let oneDimensionalMixture = GaussianMixture.paperOneDimensional
let twoDimensionalMixture = GaussianMixture.paperTwoDimensional

/// The default inverse problem: the 1-D mixture on n cells of [-10, 10], T = 1.
func mixtureProblem(
    _ equation: BackwardEquation, points: Int = 256, noise: Double = 0, finalTime: Double = 1, seed: UInt64 = 1
) throws -> InverseHeatProblem {
    try InverseHeatProblem(
        equation: equation, grid: Grid(dimension: 1, points: points, halfWidth: 10), finalTime: finalTime,
        initialData: .mixture(oneDimensionalMixture), noiseLevel: noise, seed: seed
    )
}

/// A problem whose initial data is random and band-limited (exact mode by mode), on the grid of time 0.
func bandLimitedProblem(
    _ equation: BackwardEquation, grid: Grid, finalTime: Double, bandwidth: Int, decay: Double = 0, seed: UInt64,
    noise: Double = 0
) throws -> InverseHeatProblem {
    // The data lives on the grid of time 0, which for OU is the data grid stretched by e^T.
    let stretched = Grid(
        shape: grid.shape, halfWidth: grid.halfWidth * equation.gridScale(reverseTime: finalTime), boundary: .periodic
    )
    var generator = Xoshiro256StarStar(seed: seed, stream: 7)
    let initial = try InitialData.randomBandLimited(
        grid: stretched, bandwidth: bandwidth, decay: decay, using: &generator)
    return try InverseHeatProblem(
        equation: equation, grid: grid, finalTime: finalTime, initialData: initial, noiseLevel: noise, seed: seed
    )
}

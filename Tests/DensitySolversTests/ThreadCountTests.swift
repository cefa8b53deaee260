import DiffusionModels
import Foundation
import GridFields
import Testing

@testable import DensitySolvers

@Suite struct ThreadCountTests {
    /// Grids large enough for the pointwise passes to be split (at least 2 x 2^14 coefficients): one and two
    /// threads give the same bits, for both methods, a linear and a general drift, in 1-D, 2-D and 3-D.
    /// (Each coefficient is computed alone whatever block it falls in. Below 2^17 points FFTW plans use one thread
    /// whatever was asked, `FFTWPlanner.threadedTransformMinimumPoints`; the 512² case is above it, where FFTW's
    /// two-thread plans must give the same bits as its one-thread plans.) Exact-linear is not a stepper of this
    /// solver: `ExactLinearPropagatorTests` checks its threads.
    @Test(arguments: GridMethod.allCases.filter { $0.isSpectral && $0.temporalOrder != nil })
    func oneAndTwoThreadsGiveTheSameBits(method: GridMethod) throws {
        let general = GeneralSDE(
            drift: { point, time, drift in
                drift[0] = -point[0] * point[0] * point[0] / 4 + 0.3 * point[point.count - 1] * (1 + time)
                for axis in 1..<point.count { drift[axis] = -point[axis] - 0.2 * point[0] }
            }, diffusionScale: { _ in 2.0.squareRoot() })
        let oneDimensional = GaussianMixture(components: [.init(weight: 1, mean: [0.5], standardDeviations: [0.7])])
        let threeDimensional = GaussianMixture(components: [
            .init(weight: 1, mean: [0.5, -0.5, 0.2], standardDeviations: [0.7, 0.8, 0.9])
        ])
        let cases: [(process: any ForwardProcess, mixture: GaussianMixture, grid: Grid)] = [
            (LinearSDE.ornsteinUhlenbeck, oneDimensional, Grid(dimension: 1, points: 1 << 16, halfWidth: 8)),
            (
                LinearSDE.variancePreserving(betaMinimum: 0.1, betaMaximum: 20), twoDimensionalMixture,
                Grid(dimension: 2, points: 256, halfWidth: 8)
            ),
            (general, twoDimensionalMixture, Grid(dimension: 2, points: 256, halfWidth: 8)),
            (LinearSDE.ornsteinUhlenbeck, threeDimensional, Grid(dimension: 3, points: 48, halfWidth: 6)),
            (LinearSDE.ornsteinUhlenbeck, twoDimensionalMixture, Grid(dimension: 2, points: 512, halfWidth: 8)),
        ]
        for (process, mixture, grid) in cases {
            let initial = mixture.field(on: grid)
            let densities = try [1, 2].map { threads in
                let solver = try SpectralFokkerPlanckSolver(
                    process: process, initialDensity: initial, method: method, threads: threads)
                for _ in 0..<3 { solver.step(by: 0.002) }
                return solver.currentDensity().values
            }
            #expect(densities[0] == densities[1], "\(grid.shape) \(process.name)")
        }
    }
}

import DensitySolvers
import DiffusionModels
import Foundation
import GridFields
import Testing

@testable import InverseHeat

/// The backward OU step (heat-equation link, stretched grid) and the heat step against the mixture oracle, the
/// stepped inversion against the one-shot multiplier, and the oracle sampler against `GaussianMixture`.
@Suite struct BackwardStepTests {
    /// Backward OU from rho(1) to rho(0.9) (the problem starts at the mixture evolved to 0.9, T = 0.1), 64 cells on
    /// [-10, 10], exact data: the result equals the oracle rho(0.9) sampled on the grid stretched by e^0.1. Round-off
    /// amplified by at most exp(k_max^2 tau(0.1)) = e^9.1 = 9e3, so about 1e-12; 1e-10 catches any wrong factor,
    /// grid or Jacobian by orders of magnitude.
    @Test func backwardOrnsteinUhlenbeckStepMatchesTheOracle() throws {
        let start = oneDimensionalMixture.evolved(under: .ornsteinUhlenbeck, to: 0.9)
        let problem = try InverseHeatProblem(
            equation: .ornsteinUhlenbeck, grid: Grid(dimension: 1, points: 64, halfWidth: 10), finalTime: 0.1,
            initialData: .mixture(start)
        )
        let result = try InversionRun(method: .naive, stepCount: 10).run(problem)
        #expect(result.status == .completed)
        #expect(result.history.allSatisfy { $0.relativeError < 1e-10 }, "\(result.history.map(\.relativeError))")
        let final = result.finalField
        #expect(abs(final.grid.halfWidth - 10 * exp(0.1)) < 1e-13)
        // The oracle directly (no periodization: the density is negligible at the box's edges).
        let oracle = oneDimensionalMixture.evolved(under: .ornsteinUhlenbeck, to: 0.9).field(on: final.grid)
        #expect(final.distanceL2(to: oracle) / oracle.normL2 < 1e-10)
        #expect(abs(final.integral - 1) < 1e-12, "the Jacobian e^(-d s) keeps the mass")
    }

    /// 2-D: the same on 48 x 48 cells of [-8, 8]^2.
    @Test func backwardOrnsteinUhlenbeckStepMatchesTheOracleInTwoDimensions() throws {
        let start = twoDimensionalMixture.evolved(under: .ornsteinUhlenbeck, to: 0.9)
        let problem = try InverseHeatProblem(
            equation: .ornsteinUhlenbeck, grid: Grid(dimension: 2, points: 48, halfWidth: 8), finalTime: 0.1,
            initialData: .mixture(start)
        )
        let result = try InversionRun(method: .naive, stepCount: 5).run(problem)
        #expect(result.status == .completed && result.finalRelativeError < 1e-10)
    }

    /// The forward direction of the link against the oracle: band-limited evolution of the samples of rho_0 (a
    /// resolved mixture, 128 cells on the stretched grid of time 0) equals the OU mixture at T on the data grid.
    @Test func forwardLinkMatchesTheOracle() throws {
        let wide = try GaussianMixture(specification: "0.4:-1:0.6;0.6:1.2:0.8", dimension: 1)
        let dataGrid = Grid(dimension: 1, points: 128, halfWidth: 10)
        let initialGrid = Grid(shape: [128], halfWidth: 10 * exp(0.5))
        let problem = try InverseHeatProblem(
            equation: .ornsteinUhlenbeck, grid: dataGrid, finalTime: 0.5,
            initialData: .bandLimited(values: wide.field(on: initialGrid).values)
        )
        for time in [0.1, 0.3, 0.5] {
            let evolved = try problem.exactField(atTime: time)
            let oracle = wide.evolved(under: .ornsteinUhlenbeck, to: time).field(on: evolved.grid)
            #expect(evolved.distanceLInfinity(to: oracle) < 1e-11, "t = \(time)")
        }
    }

    /// The stepped naive inversion equals the one-shot multiplier e^(|k|^2 tau(s)) J(s) (`SpectralReconstruction`
    /// with `.naive`) while round-off is small: a fast path checked against a slow one.
    @Test(arguments: [BackwardEquation.ornsteinUhlenbeck, .heat(diffusivity: 1)])
    func steppedInversionEqualsTheOneShotMultiplier(_ equation: BackwardEquation) throws {
        let problem = try mixtureProblem(equation, points: 128, noise: 1e-6, finalTime: 0.01)
        let data = try problem.data()
        let stepper = try NaiveBackwardStepper(equation: equation, data: data, finalTime: 0.01)
        for step in 1...7 { stepper.step(toReverseTime: 0.01 * Double(step) / 7) }
        let stepped = stepper.currentField()
        let oneShot = try SpectralReconstruction(equation: equation, data: data, finalTime: 0.01).field(
            .naive, atTime: 0)
        #expect(stepped.grid == oneShot.grid)
        #expect(stepped.distanceL2(to: oneShot) / oneShot.normL2 < 1e-12)
    }

    /// The heat step against the oracle: back over T = 0.1 with D = 1, exact data, 64 cells on [-12, 12] (round-off
    /// amplified by at most e^(k_max^2 T) = e^7).
    @Test func backwardHeatStepMatchesTheOracle() throws {
        let problem = try InverseHeatProblem(
            equation: .heat(diffusivity: 1), grid: Grid(dimension: 1, points: 64, halfWidth: 12), finalTime: 0.1,
            initialData: .mixture(oneDimensionalMixture.transformed(scale: 1, addedVariance: 1))
        )
        let result = try InversionRun(method: .naive, stepCount: 10).run(problem)
        #expect(result.status == .completed && result.finalRelativeError < 1e-10)
        let oracle = oneDimensionalMixture.transformed(scale: 1, addedVariance: 1).field(on: result.finalField.grid)
        #expect(result.finalField.distanceLInfinity(to: oracle) < 1e-10)
    }

    /// The oracle sampler (separable, periodized) against `GaussianMixture.density`, and its general path on a
    /// correlated 2-D component.
    @Test func mixtureSamplerAgreesWithTheMixtureDensity() {
        let correlated = GaussianMixture(components: [
            .init(weight: 0.6, mean: [0.5, -0.3], covariance: [0.5, 0.2, 0.2, 0.4]),
            .init(weight: 0.4, mean: [-1, 1], standardDeviations: [0.7, 0.3]),
        ])
        for (mixture, grid) in [
            (oneDimensionalMixture, Grid(dimension: 1, points: 100, halfWidth: 10)),
            (twoDimensionalMixture, Grid(dimension: 2, points: 30, halfWidth: 8)),
            (correlated, Grid(dimension: 2, points: 30, halfWidth: 8)),
        ] {
            var values = [Double](repeating: 0, count: grid.count)
            values.withUnsafeMutableBufferPointer { MixtureSampler.sample(mixture, on: grid, into: $0) }
            let reference = mixture.field(on: grid).values
            for (value, expected) in zip(values, reference) {
                #expect(abs(value - expected) <= 1e-14 * max(expected, 1e-3))
            }
        }
    }

    /// On a box too small for the density the periodization matters, and the sampled field is still the periodic
    /// heat solution: the naive step reproduces it (the unperiodized mixture would not be).
    @Test func periodizedOracleIsThePeriodicSolution() throws {
        let problem = try InverseHeatProblem(
            equation: .heat(diffusivity: 1), grid: Grid(dimension: 1, points: 16, halfWidth: 3), finalTime: 0.1,
            initialData: .mixture(GaussianMixture(components: [.init(weight: 1, mean: [2], standardDeviations: [1])]))
        )
        let result = try InversionRun(method: .naive, stepCount: 4).run(problem)
        #expect(result.finalRelativeError < 1e-10)
        let unperiodized = GaussianMixture(components: [.init(weight: 1, mean: [2], standardDeviations: [1])]).field(
            on: result.finalField.grid)
        #expect(result.finalField.distanceL2(to: unperiodized) / unperiodized.normL2 > 1e-3)
    }

    /// Bad problems are refused with one sentence each.
    @Test func badProblemsAreRefused() {
        let grid = Grid(dimension: 1, points: 16, halfWidth: 5)
        let data = InitialData.mixture(oneDimensionalMixture)
        #expect(throws: InverseHeatError.self) {
            try InverseHeatProblem(equation: .ornsteinUhlenbeck, grid: grid, finalTime: 0, initialData: data)
        }
        #expect(throws: InverseHeatError.self) {
            try InverseHeatProblem(
                equation: .ornsteinUhlenbeck, grid: grid, finalTime: 1, initialData: data, noiseLevel: -1)
        }
        #expect(throws: InverseHeatError.self) {
            try InverseHeatProblem(equation: .heat(diffusivity: 0), grid: grid, finalTime: 1, initialData: data)
        }
        #expect(throws: InverseHeatError.self) {
            try InversionRun(threshold: 0).run(
                InverseHeatProblem(equation: .ornsteinUhlenbeck, grid: grid, finalTime: 1, initialData: data))
        }
    }
}

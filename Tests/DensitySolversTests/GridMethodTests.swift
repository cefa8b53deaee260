import DiffusionModels
import Foundation
import GridFields
import Testing

@testable import DensitySolvers

@Suite struct GridMethodTests {
    /// The OU law of the paper mixture at t = 1, written out again: component k is N(e^-1 mu_k,
    /// e^-2 sigma_k^2 + 1 - e^-2).
    static func exactOrnsteinUhlenbeckDensity(at x: Double) -> Double {
        let scale = exp(-1.0)
        let variance = 1 - exp(-2.0)
        return [(0.3, -2.0, 0.2), (0.7, 1.5, 0.5)].reduce(0) { sum, component in
            let (weight, mean, deviation) = component
            let total = scale * scale * deviation * deviation + variance
            let offset = x - scale * mean
            return sum + weight * exp(-offset * offset / (2 * total)) / (2 * Double.pi * total).squareRoot()
        }
    }

    /// Every method solves the OU problem from the paper mixture to t = 1 on 256 cells of [-10, 10] with its own
    /// suggested step count (403 spectral, 100 finite-volume steps; a first-order method 20 times that, so that its
    /// time error falls under the space error and a defect in the drift shows), within a bound from its error model
    /// (measured errors in brackets):
    /// - if-rk4: 1e-10, the round-off of 403 steps of four FFT stages (3.2e-12);
    /// - strang: the splitting error C dt^2, dt = 1/403, with C ~ 0.04 (the temporal-order claim's table): 1e-6
    ///   allows C up to 0.16 (2.5e-7);
    /// - backward Euler, 2000 steps: the space error below plus the time error C dt, dt = 5e-4, C ~ 0.15 (1.6e-3 at
    ///   dt = 0.01): 5e-4 (2.7e-4; a drift 1 % off gives 1.9e-3);
    /// - TR-BDF2: the O(h^2) space error of the finite volumes, h = 20/256: h^2 max|rho''| / 24 ~ 1e-4 with
    ///   max|rho''| ~ 0.45, plus a time error C dt^2 ~ 1e-5: 5e-4 (2.0e-4);
    /// - exact-linear, one step: no time error; round-off of one evaluation, a few hundred ε times max rho ~ 1.4
    ///   (`ExactLinearPropagatorTests.roundOffBound`): 1e-13 (1.1e-16).
    /// A method added to `GridMethod` is run here without an edit (and fails until its bound is stated).
    @Test(arguments: GridMethod.allCases)
    func everyMethodSolvesTheOrnsteinUhlenbeckProblem(method: GridMethod) throws {
        let grid = Grid(dimension: 1, points: 256, halfWidth: 10, boundary: method.boundary)
        let problem = FokkerPlanckProblem(
            process: LinearSDE.ornsteinUhlenbeck, initialDensity: GaussianMixture.paperOneDimensional.field(on: grid),
            endTime: 1)
        let suggested = method.suggestedStepCount(process: LinearSDE.ornsteinUhlenbeck, grid: grid, endTime: 1)
        let steps = method.temporalOrder == 1 ? 20 * suggested : suggested
        let result = try solve(problem, method, options: SolveOptions(steps: method.temporalOrder == 1 ? steps : nil))
        #expect(result.status == .completed)
        #expect(result.finalTime == 1)
        let error = zip(grid.coordinates(axis: 0), result.finalDensity.values).map {
            abs($1 - Self.exactOrnsteinUhlenbeckDensity(at: $0))
        }.max()!
        let bound: Double =
            switch method {
            case .integratingFactorRK4: 1e-10
            case .strangSplitting: 1e-6
            case .backwardEuler, .trBDF2: 5e-4
            case .exactLinear: 1e-13
            }
        #expect(error <= bound, "\(method.name): error \(error)")
        #expect(result.stepsTaken == steps)
    }

    /// `solve` is the stepper of `makeStepper` driven by `DensityRun`: the same bits as building the two by hand.
    @Test(arguments: GridMethod.allCases)
    func solveIsTheStepperDrivenByTheRunLoop(method: GridMethod) throws {
        let grid = Grid(dimension: 1, points: 64, halfWidth: 8, boundary: method.boundary)
        let initial = GaussianMixture.paperOneDimensional.field(on: grid)
        let problem = FokkerPlanckProblem(
            process: LinearSDE.ornsteinUhlenbeck, initialDensity: initial, endTime: 0.5)
        let solved = try solve(problem, method, options: SolveOptions(steps: 30, snapshotTimes: [0.2]))
        let stepper: any DensityStepper =
            switch method {
            case .exactLinear:
                try ExactLinearPropagator(process: LinearSDE.ornsteinUhlenbeck, initialDensity: initial)
            case .integratingFactorRK4, .strangSplitting:
                try SpectralFokkerPlanckSolver(
                    process: LinearSDE.ornsteinUhlenbeck, initialDensity: initial, method: method)
            case .backwardEuler, .trBDF2:
                try FiniteVolumeFokkerPlanckSolver(
                    process: LinearSDE.ornsteinUhlenbeck, initialDensity: initial, method: method)
            }
        let byHand = DensityRun(endTime: 0.5, stepCount: 30, snapshotTimes: [0.2]).run(stepper)
        #expect(solved.finalDensity.values == byHand.finalDensity.values)
        #expect(solved.snapshots.map(\.diagnostics) == byHand.snapshots.map(\.diagnostics))
        #expect(stepper.methodName == method.name)
        #expect(stepper.temporalOrder == method.temporalOrder)
    }

    /// A method on a grid whose boundary is not its own is refused, and each solver refuses the other's methods.
    @Test func mismatchedBoundariesAndMethodsAreRefused() throws {
        let periodic = Grid(dimension: 1, points: 64, halfWidth: 8)
        let walled = Grid(dimension: 1, points: 64, halfWidth: 8, boundary: .reflecting)
        let mixture = GaussianMixture.paperOneDimensional
        #expect(throws: SolverError.self) {
            try solve(
                FokkerPlanckProblem(
                    process: LinearSDE.ornsteinUhlenbeck, initialDensity: mixture.field(on: periodic), endTime: 1),
                .trBDF2)
        }
        #expect(throws: SolverError.self) {
            try SpectralFokkerPlanckSolver(
                process: LinearSDE.ornsteinUhlenbeck, initialDensity: mixture.field(on: periodic), method: .trBDF2)
        }
        #expect(throws: SolverError.self) {
            try SpectralFokkerPlanckSolver(
                process: LinearSDE.ornsteinUhlenbeck, initialDensity: mixture.field(on: periodic),
                method: .exactLinear)
        }
        #expect(throws: SolverError.self) {
            try solve(
                FokkerPlanckProblem(
                    process: LinearSDE.ornsteinUhlenbeck, initialDensity: mixture.field(on: walled), endTime: 1),
                .exactLinear)
        }
        #expect(throws: SolverError.self) {
            try FiniteVolumeFokkerPlanckSolver(
                process: LinearSDE.ornsteinUhlenbeck, initialDensity: mixture.field(on: walled),
                method: .integratingFactorRK4)
        }
    }

    /// The names the command line and the tables use, and each solver's default.
    @Test func namesAndDefaults() {
        #expect(
            GridMethod.allCases.map(\.name) == [
                "spectral if-rk4", "spectral strang", "finite-volume backward-euler", "finite-volume tr-bdf2",
                "spectral exact-linear",
            ])
        #expect(GridMethod.allCases.map(\.temporalOrder) == [4, 2, 1, 2, nil])
        #expect(GridMethod.defaultMethod(solverName: "spectral") == .integratingFactorRK4)
        #expect(GridMethod.defaultMethod(solverName: "finite-volume") == .trBDF2)
        #expect(GridMethod.defaultMethod(solverName: "spline") == nil)
        #expect(
            GridMethod.methods(solverName: "spectral") == [.integratingFactorRK4, .strangSplitting, .exactLinear])
        #expect(GridMethod.methods(solverName: "finite-volume") == [.trBDF2, .backwardEuler])
    }
}

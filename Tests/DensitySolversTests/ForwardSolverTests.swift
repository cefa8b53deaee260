import DiffusionModels
import Foundation
import GridFields
import Testing

@testable import DensitySolvers

/// The paper's default 1-D mixture and the 2-D two-bump mixture used throughout.
let oneDimensionalMixture = GaussianMixture.paperOneDimensional
let twoDimensionalMixture = GaussianMixture.paperTwoDimensional

func solveSpectral(
    _ mixture: GaussianMixture, model: LinearSDE, grid: Grid, time: Double, steps: Int? = nil,
    method: GridMethod = .integratingFactorRK4, snapshots: [Double] = []
) throws -> RunResult {
    let solver = try SpectralFokkerPlanckSolver(process: model, initialDensity: mixture.field(on: grid), method: method)
    let stepCount = steps ?? SpectralFokkerPlanckSolver.suggestedStepCount(process: model, grid: grid, endTime: time)
    let stationary = model.stationaryDistribution(dimension: grid.dimension)?.field(on: grid)
    return DensityRun(endTime: time, stepCount: stepCount, snapshotTimes: snapshots, stationaryDensity: stationary).run(
        solver)
}

/// Least-squares slope of log(error) against log(step size).
func observedOrder(stepSizes: [Double], errors: [Double]) -> Double {
    let xs = stepSizes.map { log($0) }
    let ys = errors.map { log($0) }
    let meanX = xs.reduce(0, +) / Double(xs.count)
    let meanY = ys.reduce(0, +) / Double(ys.count)
    let covariance = zip(xs, ys).reduce(0) { $0 + ($1.0 - meanX) * ($1.1 - meanY) }
    let variance = xs.reduce(0) { $0 + ($1 - meanX) * ($1 - meanX) }
    return covariance / variance
}

@Suite struct SpectralSolverTests {
    /// 256 points, L = 10, t = 1, default step count (403 for this grid): L-infinity error <= 1e-10.
    @Test func oneDimensionalOrnsteinUhlenbeckMatchesTheExactMixture() throws {
        let grid = Grid(dimension: 1, points: 256, halfWidth: 10)
        #expect(
            SpectralFokkerPlanckSolver.suggestedStepCount(process: LinearSDE.ornsteinUhlenbeck, grid: grid, endTime: 1)
                == 403)
        let result = try solveSpectral(oneDimensionalMixture, model: .ornsteinUhlenbeck, grid: grid, time: 1)
        let exact = oneDimensionalMixture.evolved(under: .ornsteinUhlenbeck, to: 1).field(on: grid)
        #expect(result.status == .completed)
        #expect(result.finalDensity.distanceLInfinity(to: exact) <= 1e-10)
        #expect(abs(result.finalDensity.integral - 1) < 1e-13)
    }

    /// 128^2 points, L = 8, t = 1, default step count: L-infinity error <= 1e-9.
    @Test func twoDimensionalOrnsteinUhlenbeckMatchesTheExactMixture() throws {
        let grid = Grid(dimension: 2, points: 128, halfWidth: 8)
        let result = try solveSpectral(twoDimensionalMixture, model: .ornsteinUhlenbeck, grid: grid, time: 1)
        let exact = twoDimensionalMixture.evolved(under: .ornsteinUhlenbeck, to: 1).field(on: grid)
        #expect(result.status == .completed)
        #expect(result.finalDensity.distanceLInfinity(to: exact) <= 1e-9)
    }

    /// A 3-D grid runs through the same code: one Gaussian on 32^3, L = 6.
    @Test func threeDimensionalOrnsteinUhlenbeck() throws {
        let mixture = GaussianMixture(components: [
            .init(weight: 1, mean: [0.5, -0.5, 0.2], standardDeviations: [0.7, 0.8, 0.9])
        ])
        let grid = Grid(dimension: 3, points: 32, halfWidth: 6)
        let result = try solveSpectral(mixture, model: .ornsteinUhlenbeck, grid: grid, time: 0.5)
        let exact = mixture.evolved(under: .ornsteinUhlenbeck, to: 0.5).field(on: grid)
        #expect(result.finalDensity.distanceLInfinity(to: exact) <= 1e-8)
    }

    /// VP on [0, 1] equals OU run to tau = B(1)/2 = 5.025, and both equal the exact VP mixture.
    @Test func variancePreservingEqualsTimeChangedOrnsteinUhlenbeck() throws {
        let grid = Grid(dimension: 1, points: 256, halfWidth: 10)
        let variancePreserving = LinearSDE.variancePreserving(betaMinimum: 0.1, betaMaximum: 20)
        let viaVariancePreserving = try solveSpectral(
            oneDimensionalMixture, model: variancePreserving, grid: grid, time: 1)
        let viaOrnsteinUhlenbeck = try solveSpectral(
            oneDimensionalMixture, model: .ornsteinUhlenbeck, grid: grid, time: (0.1 + 0.5 * 19.9) / 2)
        #expect(viaVariancePreserving.finalDensity.distanceLInfinity(to: viaOrnsteinUhlenbeck.finalDensity) <= 1e-10)
        let exact = oneDimensionalMixture.evolved(under: variancePreserving, to: 1).field(on: grid)
        #expect(viaVariancePreserving.finalDensity.distanceLInfinity(to: exact) <= 1e-10)
        // Halfway in VP time, against the exact VP mixture (a time-dependent beta inside the step).
        let halfway = try solveSpectral(oneDimensionalMixture, model: variancePreserving, grid: grid, time: 0.5)
        #expect(
            halfway.finalDensity.distanceLInfinity(
                to: oneDimensionalMixture.evolved(under: variancePreserving, to: 0.5).field(on: grid)) <= 1e-10)
    }

    /// VE is pure diffusion: exact Gaussian N(m, s^2 + sigma(t)^2 - sigma(0)^2), with periodic (Fourier) and
    /// reflecting (cosine) bases.
    @Test(arguments: Boundary.allCases)
    func varianceExplodingMatchesItsExactGaussian(boundary: Boundary) throws {
        let model = LinearSDE.varianceExploding(sigmaMinimum: 0.01, sigmaMaximum: 2)
        let mixture = GaussianMixture(components: [.init(weight: 1, mean: [0.5], standardDeviations: [0.3])])
        let grid = Grid(dimension: 1, points: 256, halfWidth: 16, boundary: boundary)
        let result = try solveSpectral(mixture, model: model, grid: grid, time: 1, steps: 7)
        let variance = 0.09 + 4 - 1e-4
        let exact = Field(grid: grid) {
            exp(-($0[0] - 0.5) * ($0[0] - 0.5) / (2 * variance)) / (2 * Double.pi * variance).squareRoot()
        }
        #expect(result.finalDensity.distanceLInfinity(to: exact) <= 1e-12)
    }

    @Test func reflectingWallsWithADriftAreRefused() {
        let grid = Grid(dimension: 1, points: 32, halfWidth: 5, boundary: .reflecting)
        #expect(throws: SolverError.self) {
            try SpectralFokkerPlanckSolver(
                process: LinearSDE.ornsteinUhlenbeck, initialDensity: oneDimensionalMixture.field(on: grid))
        }
    }

    /// A general drift written as a closure gives the same answer as the linear fast path.
    @Test func generalDriftMatchesTheLinearFastPath() throws {
        let grid = Grid(dimension: 2, points: 48, halfWidth: 7)
        let general = GeneralSDE(
            driftIsTimeIndependent: true,
            drift: { point, _, drift in
                for axis in 0..<point.count { drift[axis] = -point[axis] }
            }, diffusionScale: { _ in 2.0.squareRoot() })
        let initial = twoDimensionalMixture.field(on: grid)
        let viaClosure = DensityRun(endTime: 0.5, stepCount: 120).run(
            try SpectralFokkerPlanckSolver(process: general, initialDensity: initial))
        let viaLinear = DensityRun(endTime: 0.5, stepCount: 120).run(
            try SpectralFokkerPlanckSolver(process: LinearSDE.ornsteinUhlenbeck, initialDensity: initial))
        #expect(viaClosure.finalDensity.distanceLInfinity(to: viaLinear.finalDensity) <= 1e-14)
    }
}

@Suite struct FiniteVolumeSolverTests {
    /// Backward Euler and TR-BDF2 keep every value non-negative at every step and conserve mass to 1e-12.
    @Test(arguments: GridMethod.allCases.filter { !$0.isSpectral })
    func positivityAndMassAtEveryStep(method: GridMethod) throws {
        let grid = Grid(dimension: 2, points: 64, halfWidth: 6, boundary: .reflecting)
        let initial = twoDimensionalMixture.field(on: grid)
        let solver = try FiniteVolumeFokkerPlanckSolver(
            process: LinearSDE.ornsteinUhlenbeck, initialDensity: initial, method: method)
        for _ in 0..<50 {
            solver.step(by: 0.04)
            let density = solver.currentDensity()
            #expect(density.minimum >= 0)
            #expect(abs(density.integral - initial.integral) < 1e-12)
        }
    }

    /// The sampled Gaussian is the exact discrete stationary state of the Scharfetter–Gummel OU operator.
    @Test(arguments: GridMethod.allCases.filter { !$0.isSpectral })
    func stationaryGaussianIsPreservedToRoundOff(method: GridMethod) throws {
        for dimension in [1, 2] {
            let grid = Grid(
                dimension: dimension, points: dimension == 1 ? 200 : 60, halfWidth: 7, boundary: .reflecting)
            let gaussian = GaussianMixture.standardNormal(dimension: dimension).field(on: grid)
            let solver = try FiniteVolumeFokkerPlanckSolver(
                process: LinearSDE.ornsteinUhlenbeck, initialDensity: gaussian, method: method)
            for _ in 0..<100 { solver.step(by: 0.05) }
            #expect(solver.currentDensity().distanceLInfinity(to: gaussian) <= 1e-14 * gaussian.maximum * 100)
        }
    }

    @Test func periodicGridIsRefused() {
        #expect(throws: SolverError.self) {
            try FiniteVolumeFokkerPlanckSolver(
                process: LinearSDE.ornsteinUhlenbeck,
                initialDensity: oneDimensionalMixture.field(on: Grid(dimension: 1, points: 16, halfWidth: 5)))
        }
    }

    /// VE (zero drift, time-dependent diffusion) against the exact Gaussian: the O(h^2) error of 1024 cells.
    @Test func varianceExplodingAgainstExactGaussian() throws {
        let model = LinearSDE.varianceExploding(sigmaMinimum: 0.01, sigmaMaximum: 2)
        let mixture = GaussianMixture(components: [.init(weight: 1, mean: [0.5], standardDeviations: [0.3])])
        let grid = Grid(dimension: 1, points: 1024, halfWidth: 16, boundary: .reflecting)
        let result = DensityRun(endTime: 1, stepCount: 400).run(
            try FiniteVolumeFokkerPlanckSolver(process: model, initialDensity: mixture.field(on: grid)))
        let exact = mixture.evolved(under: model, to: 1).field(on: grid)
        #expect(result.finalDensity.distanceLInfinity(to: exact) <= 1e-5)
    }

    /// The general-drift path (rates per grid line) equals the linear path for the OU drift.
    @Test func generalDriftMatchesTheLinearPath() throws {
        let grid = Grid(dimension: 2, points: 40, halfWidth: 6, boundary: .reflecting)
        let general = GeneralSDE(
            driftIsTimeIndependent: true,
            drift: { point, _, drift in
                for axis in 0..<point.count { drift[axis] = -point[axis] }
            }, diffusionScale: { _ in 2.0.squareRoot() })
        let initial = twoDimensionalMixture.field(on: grid)
        let viaClosure = DensityRun(endTime: 0.5, stepCount: 20).run(
            try FiniteVolumeFokkerPlanckSolver(process: general, initialDensity: initial))
        let viaLinear = DensityRun(endTime: 0.5, stepCount: 20).run(
            try FiniteVolumeFokkerPlanckSolver(process: LinearSDE.ornsteinUhlenbeck, initialDensity: initial))
        #expect(viaClosure.finalDensity.distanceLInfinity(to: viaLinear.finalDensity) <= 1e-14)
    }
}

/// Every stepper's declared order in time, measured against a 16x finer run of the same stepper on the same
/// grid (so the spatial error cancels).
enum StepperKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case spectralIntegratingFactorRK4, spectralStrang, finiteVolumeBackwardEuler, finiteVolumeTRBDF2
    var testDescription: String { rawValue }

    func makeStepper() throws -> any DensityStepper {
        let model = LinearSDE.ornsteinUhlenbeck
        switch self {
        case .spectralIntegratingFactorRK4, .spectralStrang:
            let grid = Grid(dimension: 1, points: 256, halfWidth: 10)
            return try SpectralFokkerPlanckSolver(
                process: model, initialDensity: oneDimensionalMixture.field(on: grid),
                method: self == .spectralStrang ? .strangSplitting : .integratingFactorRK4)
        case .finiteVolumeBackwardEuler, .finiteVolumeTRBDF2:
            let grid = Grid(dimension: 1, points: 256, halfWidth: 10, boundary: .reflecting)
            return try FiniteVolumeFokkerPlanckSolver(
                process: model, initialDensity: oneDimensionalMixture.field(on: grid),
                method: self == .finiteVolumeBackwardEuler ? .backwardEuler : .trBDF2)
        }
    }
}

@Test(arguments: StepperKind.allCases)
func declaredTemporalOrderIsObserved(kind: StepperKind) throws {
    let time = 1.0
    // Step counts where the error is well above round-off and in the asymptotic range.
    let stepCounts = kind == .spectralIntegratingFactorRK4 ? [20, 40, 80, 160] : [40, 80, 160, 320]
    let reference = DensityRun(endTime: time, stepCount: 16 * stepCounts.last!).run(try kind.makeStepper()).finalDensity
    var errors: [Double] = []
    for count in stepCounts {
        let result = DensityRun(endTime: time, stepCount: count).run(try kind.makeStepper())
        errors.append(result.finalDensity.distanceLInfinity(to: reference))
    }
    let declared = try #require(try kind.makeStepper().temporalOrder)
    let order = observedOrder(stepSizes: stepCounts.map { time / Double($0) }, errors: errors)
    #expect(abs(order - Double(declared)) <= 0.25, "\(kind): declared \(declared), observed \(order), errors \(errors)")
}

@Suite struct EntropyDecayTests {
    /// For rho_0 = N(a, 1) the bound is an equality: KL_t = e^(-2t) a^2 / 2 (to 1e-8 relative).
    @Test func equalityForAShiftedGaussian() throws {
        let grid = Grid(dimension: 1, points: 256, halfWidth: 10)
        let shifted = GaussianMixture(components: [.init(weight: 1, mean: [2], standardDeviations: [1])])
        let result = try solveSpectral(
            shifted, model: .ornsteinUhlenbeck, grid: grid, time: 2,
            snapshots: DensityRun.evenlySpacedTimes(count: 8, to: 2))
        for snapshot in result.snapshots {
            let expected = exp(-2 * snapshot.diagnostics.time) * 4 / 2
            let measured = snapshot.diagnostics.klToStationary!
            #expect(
                abs(measured - expected) / expected <= 1e-8,
                "t = \(snapshot.diagnostics.time): \(measured) vs \(expected)")
        }
    }
}

/// A stepper that leaks mass or produces NaN on purpose, to test the run loop's health check.
final class FaultyStepper: DensityStepper {
    enum Fault { case leak, notANumber }
    let grid = Grid(dimension: 1, points: 8, halfWidth: 1)
    let fault: Fault
    var time = 0.0
    var values = [Double](repeating: 0.5, count: 8)
    init(fault: Fault) { self.fault = fault }
    var temporalOrder: Int? { 1 }
    var methodName: String { "faulty" }
    func step(by timeStep: Double) {
        time += timeStep
        if time > 0.3 + 1e-12 {
            switch fault {
            case .leak: values[0] *= 0.99
            case .notANumber: values[3] = .nan
            }
        }
    }
    func currentDensity() -> Field { Field(grid: grid, values: values) }
    func health() -> StepperHealth {
        StepperHealth(
            mass: values.reduce(0, +) * grid.cellVolume, isFinite: values.allSatisfy { $0.isFinite }, amplitudeRatio: 1)
    }
}

@Suite struct RunLoopTests {
    /// Too few steps make the explicit drift unstable: the run stops with `blewUp` long before overflow.
    @Test func unstableSpectralStepsAreReportedAsBlowUp() throws {
        let grid = Grid(dimension: 1, points: 256, halfWidth: 10)
        let solver = try SpectralFokkerPlanckSolver(
            process: LinearSDE.ornsteinUhlenbeck, initialDensity: oneDimensionalMixture.field(on: grid))
        let result = DensityRun(endTime: 100, stepCount: 100).run(solver)
        guard case .blewUp(let time, let step, let ratio) = result.status else {
            Issue.record("expected blew-up, got \(result.status)")
            return
        }
        #expect(time <= 100 && step <= 100 && ratio > 1 + 1e-6)
        #expect(result.finalDensity.isFinite)
        // The same grid with the suggested steps stays healthy.
        let healthy = DensityRun(
            endTime: 3,
            stepCount: SpectralFokkerPlanckSolver.suggestedStepCount(
                process: LinearSDE.ornsteinUhlenbeck, grid: grid, endTime: 3)
        )
        .run(
            try SpectralFokkerPlanckSolver(
                process: LinearSDE.ornsteinUhlenbeck, initialDensity: oneDimensionalMixture.field(on: grid)))
        #expect(healthy.status == .completed)
    }

    @Test func zeroDurationReturnsTheInitialSnapshot() throws {
        let grid = Grid(dimension: 1, points: 64, halfWidth: 10)
        let solver = try SpectralFokkerPlanckSolver(
            process: LinearSDE.ornsteinUhlenbeck, initialDensity: oneDimensionalMixture.field(on: grid))
        let result = DensityRun(endTime: 0, stepCount: 10).run(solver)
        #expect(result.status == .completed && result.stepsTaken == 0 && result.snapshots.count == 1)
    }

    @Test func nonFiniteValuesStopTheRunWithTimeAndStep() {
        let result = DensityRun(endTime: 1, stepCount: 10).run(FaultyStepper(fault: .notANumber))
        #expect(result.status == .nonFinite(time: 0.4, step: 4))
        #expect(result.stepsTaken == 4)
    }

    @Test func massDriftBeyondTheBoundStopsTheRun() {
        let result = DensityRun(endTime: 1, stepCount: 10, massDriftTolerance: 1e-3).run(FaultyStepper(fault: .leak))
        guard case .massDrift(let time, let step, let drift) = result.status else {
            Issue.record("expected a mass-drift status, got \(result.status)")
            return
        }
        #expect(abs(time - 0.4) < 1e-12 && step == 4)
        // values[0] = 0.5 -> 0.495 in a cell of width 0.25: the mass drops by 0.00125.
        #expect(abs(drift - 0.00125) < 1e-12)
    }

    /// Snapshots fall exactly on the requested times and carry diagnostics against the oracle.
    @Test func snapshotsHitTheRequestedTimes() throws {
        let grid = Grid(dimension: 1, points: 256, halfWidth: 10)
        let solver = try SpectralFokkerPlanckSolver(
            process: LinearSDE.ornsteinUhlenbeck, initialDensity: oneDimensionalMixture.field(on: grid))
        let run = DensityRun(
            endTime: 1, stepCount: 400, snapshotTimes: [0.25, 0.5, 0.7],
            exactDensity: { oneDimensionalMixture.evolved(under: .ornsteinUhlenbeck, to: $0).field(on: grid) })
        let result = run.run(solver)
        #expect(result.snapshots.map(\.diagnostics.time) == [0, 0.25, 0.5, 0.7, 1])
        #expect(result.snapshots.allSatisfy { $0.diagnostics.l1Error! < 1e-9 })
        #expect(result.finalTime == 1)
    }
}

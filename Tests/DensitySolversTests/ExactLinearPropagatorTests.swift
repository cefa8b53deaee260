import DiffusionModels
import Foundation
import GridFields
import Testing

@testable import DensitySolvers

/// The exact linear propagator against the Gaussian-mixture marginals written out here, against IF-RK4, and its
/// structure (mass, step-count independence, refusals).
@Suite struct ExactLinearPropagatorTests {
    /// A mixture Σ w N(μ, diag σ²) given as (weight, means, deviations).
    typealias Components = [(weight: Double, mean: [Double], deviation: [Double])]

    static let line: Components = [(0.3, [-2], [0.2]), (0.7, [1.5], [0.5])]
    static let plane: Components = [(0.5, [-1.5, 0], [0.5, 0.5]), (0.5, [1.5, 1], [0.5, 0.5])]

    static func mixture(_ components: Components) -> GaussianMixture {
        GaussianMixture(
            components: components.map { .init(weight: $0.weight, mean: $0.mean, standardDeviations: $0.deviation) })
    }

    /// ρ_t(x) = Σ w Π_a N(x_a; m μ_a, m² σ_a² + v) at the cell centres, written out again.
    static func marginal(_ components: Components, scale: Double, variance: Double, on grid: Grid) -> Field {
        Field(grid: grid) { point in
            components.reduce(0) { total, component in
                var density = component.weight
                for axis in point.indices {
                    let spread = scale * scale * component.deviation[axis] * component.deviation[axis] + variance
                    let offset = point[axis] - scale * component.mean[axis]
                    density *= exp(-offset * offset / (2 * spread)) / (2 * Double.pi * spread).squareRoot()
                }
                return total + density
            }
        }
    }

    /// m and v of the three models from their definitions (THEORY §2): OU e^−t, 1 − e^−2t; VP with
    /// B = β_min t + (β_max − β_min) t²/2: e^(−B/2), 1 − e^−B; VE with σ = σ_min (σ_max/σ_min)^t: 1, σ² − σ_min².
    enum Model: String, CaseIterable, Sendable {
        case ou, vp, ve

        var process: LinearSDE {
            switch self {
            case .ou: return .ornsteinUhlenbeck
            case .vp: return .variancePreserving(betaMinimum: 0.1, betaMaximum: 20)
            case .ve: return .varianceExploding(sigmaMinimum: 0.01, sigmaMaximum: 2)
            }
        }

        /// VE stops at 0.6: later its spread (v(0.8) = 0.48) brings the periodic images of the tails to 1e-14 on the
        /// 2-D box, the size of the round-off bound.
        var time: Double { self == .vp ? 0.3 : self == .ve ? 0.6 : 1 }

        func coefficients(at time: Double) -> (scale: Double, variance: Double) {
            switch self {
            case .ou: return (exp(-time), 1 - exp(-2 * time))
            case .vp:
                let integrated = 0.1 * time + 0.5 * (20 - 0.1) * time * time
                return (exp(-integrated / 2), 1 - exp(-integrated))
            case .ve: return (1, 0.01 * 0.01 * (pow(2 / 0.01, 2 * time) - 1))
            }
        }
    }

    /// Round-off of one evaluation, per cell: each axis costs a Bluestein transform (three FFTs of length P and
    /// three chirp products, about (3 log₂ P + 4) ε relative) and the inverse one more log₂ N ε; times max ρ and a
    /// factor 10 from typical to worst cell. The spatial error is far below: the periodic images of the mixtures'
    /// tails add below 1e-14 (OU 2-D at t = 1 comes closest: 7.8 standard deviations from the edge, e^(−30) times
    /// its peak 0.09), their transforms at the grid's Nyquist wavenumber are below e^(−32) ≈ 1e-14 (σ = 0.2,
    /// k = π n / 2L = 40) times 1/(2L) per mode, and the midpoint rule's aliases at 2π/h below e^(−128).
    static func roundOffBound(grid: Grid, largestDensity: Double) -> Double {
        let perAxis = grid.shape.reduce(0.0) { total, length in
            total + 3 * log2(Double(2 * length + 1)) + 4
        }
        return 10 * (perAxis + log2(Double(grid.count))) * Double.ulpOfOne * largestDensity
    }

    static func grid(dimension: Int) -> Grid {
        dimension == 1 ? Grid(dimension: 1, points: 256, halfWidth: 10) : Grid(dimension: 2, points: 96, halfWidth: 8)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let model: Model
        let dimension: Int
        var testDescription: String { "\(model.rawValue) \(dimension)-D" }
    }

    static let cases = Model.allCases.flatMap { model in [1, 2].map { Case(model: model, dimension: $0) } }

    @Test(arguments: cases)
    func matchesTheMixtureMarginal(_ testCase: Case) throws {
        let grid = Self.grid(dimension: testCase.dimension)
        let components = testCase.dimension == 1 ? Self.line : Self.plane
        let propagator = try ExactLinearPropagator(
            process: testCase.model.process, initialDensity: Self.mixture(components).field(on: grid))
        let time = testCase.model.time
        propagator.step(by: time)
        let coefficients = testCase.model.coefficients(at: time)
        let exact = Self.marginal(components, scale: coefficients.scale, variance: coefficients.variance, on: grid)
        let error = propagator.currentDensity().distanceLInfinity(to: exact)
        let bound = Self.roundOffBound(grid: grid, largestDensity: exact.maximum)
        #expect(error <= bound, "\(testCase): error \(error), bound \(bound)")
    }

    /// From a start time s > 0 the propagator uses m(s, t), v(s, t): the OU mixture at s = 0.3 carried to t = 1.2.
    @Test func startsAtAnyTime() throws {
        let grid = Self.grid(dimension: 2)
        let start = Model.ou.coefficients(at: 0.3)
        let initial = Self.marginal(Self.plane, scale: start.scale, variance: start.variance, on: grid)
        let propagator = try ExactLinearPropagator(
            process: LinearSDE.ornsteinUhlenbeck, initialDensity: initial, startTime: 0.3)
        let end = Model.ou.coefficients(at: 1.2)
        let exact = Self.marginal(Self.plane, scale: end.scale, variance: end.variance, on: grid)
        let error = propagator.density(at: 1.2).distanceLInfinity(to: exact)
        #expect(error <= Self.roundOffBound(grid: grid, largestDensity: exact.maximum), "error \(error)")
        // At t = s the phases cancel and the cells come back.
        let identity = propagator.density(at: 0.3).distanceLInfinity(to: initial)
        #expect(identity <= Self.roundOffBound(grid: grid, largestDensity: initial.maximum), "identity \(identity)")
    }

    /// Exact in time: the run loop with 1, 7 or 1000 steps ends on the same bits, and the mass is the initial one
    /// to round-off (the k = 0 coefficient never changes: N ε of the cell sum, 256 · 2.2e-16 ≈ 6e-14, for the
    /// chirp-z's zero mode; 1e-13).
    @Test func anyStepCountGivesTheSameDensityAndMass() throws {
        let grid = Self.grid(dimension: 1)
        let initial = Self.mixture(Self.line).field(on: grid)
        let problem = FokkerPlanckProblem(process: LinearSDE.ornsteinUhlenbeck, initialDensity: initial, endTime: 1)
        let runs = try [1, 7, 1000].map { steps in
            try solve(problem, .exactLinear, options: SolveOptions(steps: steps, snapshotTimes: [0.25, 0.5]))
        }
        for run in runs {
            #expect(run.status == .completed)
            #expect(run.finalTime == 1)
            #expect(run.finalDensity.values == runs[0].finalDensity.values)
            for snapshot in run.snapshots { #expect(abs(snapshot.diagnostics.mass - initial.integral) <= 1e-13) }
        }
        #expect(runs.map(\.stepsTaken) == [3, 8, 1000])
    }

    /// Against IF-RK4 at twice its suggested step count (806 steps; its error there is round-off, about 4e-12 per
    /// the solver's note): the two routes agree to IF-RK4's round-off bound, 1e-10 (`GridMethodTests`).
    @Test func agreesWithIntegratingFactorRK4() throws {
        for dimension in [1, 2] {
            let grid = Self.grid(dimension: dimension)
            let initial = Self.mixture(dimension == 1 ? Self.line : Self.plane).field(on: grid)
            let problem = FokkerPlanckProblem(
                process: LinearSDE.variancePreserving(), initialDensity: initial, endTime: 0.3)
            let suggested = GridMethod.integratingFactorRK4.suggestedStepCount(
                process: problem.process, grid: grid, endTime: 0.3)
            let stepped = try solve(problem, .integratingFactorRK4, options: SolveOptions(steps: 2 * suggested))
            let exact = try solve(problem, .exactLinear)
            let difference = stepped.finalDensity.distanceLInfinity(to: exact.finalDensity)
            #expect(difference <= 1e-10, "\(dimension)-D: \(difference)")
        }
    }

    /// On rough data (every mode excited, the Nyquist modes included) the propagator is the formula it states,
    /// summed here term by term in O(N²) on a 2-D grid: ρ_t(x) = (2L)^(−2) Σ_j c_j ρ^_s(m k_j) e^(−v|k_j|²/2)
    /// e^(i k_j·x), ρ^_s(m k) = h² Σ_l ρ_s(x_l) e^(−i m k·x_l), j over −⌊n/2⌋ ... ⌊n/2⌋ per axis with weight c = ½
    /// at ±n/2 (n even), 1 elsewhere. Both routes are sums of N terms of size max|ρ| ≤ 1: round-off about N ε per
    /// value for the direct sum, far less for the fast one; 1e-13 for N ≤ 48.
    @Test(arguments: [[6, 8], [5, 7], [1, 16]])
    func isTheStatedFormulaOnRoughData(shape: [Int]) throws {
        let grid = Grid(shape: shape, halfWidth: 3)
        var state: UInt64 = 7
        let values = (0..<grid.count).map { _ -> Double in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        let process = LinearSDE.ornsteinUhlenbeck
        let time = 0.2
        let (scale, variance) = (exp(-time), 1 - exp(-2 * time))
        let propagated = try ExactLinearPropagator(
            process: process, initialDensity: Field(grid: grid, values: values)
        ).density(at: time)
        let unit = Double.pi / grid.halfWidth
        func frequencies(_ length: Int) -> [(Int, Double)] {
            (-(length / 2)...(length / 2)).map { ($0, length % 2 == 0 && abs($0) == length / 2 ? 0.5 : 1) }
        }
        let cellVolume = grid.cellVolume
        var largest = 0.0
        for target in 0..<grid.count {
            let point = grid.point(at: target)
            var (real, imaginary) = (0.0, 0.0)
            for (first, firstWeight) in frequencies(shape[0]) {
                for (second, secondWeight) in frequencies(shape[1]) {
                    let wavenumber = [unit * Double(first), unit * Double(second)]
                    var (transformReal, transformImaginary) = (0.0, 0.0)
                    for source in 0..<grid.count {
                        let cell = grid.point(at: source)
                        let angle = -scale * (wavenumber[0] * cell[0] + wavenumber[1] * cell[1])
                        transformReal += values[source] * cos(angle) * cellVolume
                        transformImaginary += values[source] * sin(angle) * cellVolume
                    }
                    let squared = wavenumber[0] * wavenumber[0] + wavenumber[1] * wavenumber[1]
                    let weight = firstWeight * secondWeight * exp(-variance * squared / 2)
                    let angle = wavenumber[0] * point[0] + wavenumber[1] * point[1]
                    real += weight * (transformReal * cos(angle) - transformImaginary * sin(angle))
                    imaginary += weight * (transformReal * sin(angle) + transformImaginary * cos(angle))
                }
            }
            let expected = real / (4 * grid.halfWidth * grid.halfWidth)
            #expect(abs(imaginary) <= 1e-13)
            largest = max(largest, abs(propagated.values[target] - expected))
        }
        #expect(largest <= 1e-13, "\(shape): \(largest)")
    }

    /// A process that is not a linear SDE, and a grid with walls, are refused.
    @Test func refusesWhatItCannotSolve() {
        let general = GeneralSDE(
            drift: { point, _, drift in drift[0] = -point[0] * point[0] * point[0] }, diffusionScale: { _ in 1 })
        let periodic = Grid(dimension: 1, points: 32, halfWidth: 6)
        let walled = Grid(dimension: 1, points: 32, halfWidth: 6, boundary: .reflecting)
        let mixture = Self.mixture(Self.line)
        #expect(throws: SolverError.self) {
            try ExactLinearPropagator(process: general, initialDensity: mixture.field(on: periodic))
        }
        #expect(throws: SolverError.self) {
            try ExactLinearPropagator(process: LinearSDE.ornsteinUhlenbeck, initialDensity: mixture.field(on: walled))
        }
    }

    /// One and two threads give the same bits on a 512² grid, where the batched Bluestein transforms are planned
    /// with FFTW's threads (above `FFTWPlanner.threadedTransformMinimumPoints` points).
    @Test func oneAndTwoThreadsGiveTheSameBits() throws {
        let grid = Grid(dimension: 2, points: 512, halfWidth: 8)
        let initial = Self.mixture(Self.plane).field(on: grid)
        let densities = try [1, 2].map { threads in
            try ExactLinearPropagator(
                process: LinearSDE.ornsteinUhlenbeck, initialDensity: initial, threads: threads
            ).density(at: 0.7).values
        }
        #expect(densities[0] == densities[1])
    }
}

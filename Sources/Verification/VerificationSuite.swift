import DensitySolvers
import DiffusionModels
import Foundation
import GridFields
import ParticleSampling
import RandomStreams

/// Every claim `fplab verify` checks, in reading order.
public enum VerificationSuite {
    public static let claims: [Claim] = [
        forwardSpectralExact, forwardTemporalOrders, forwardSpatialOrder, variancePreservingTimeChange,
        varianceExplodingExact, entropyDecay, finiteVolumeStructure, exactOrnsteinUhlenbeckStep,
        naiveInversionBlowUp, regularizedInversionBounds, logConvexity, reverseEquationRecovery,
        eulerMaruyamaWeakOrder, diracBridge, reverseDynamicsReproduceMixture, endpointFrequencies, networkGeneralizes,
    ]

    /// The claim called `name`, or nil.
    public static func claim(named name: String) -> Claim? { claims.first { $0.name == name } }

    static let paperMixture = try! GaussianMixture(specification: "0.3:-2:0.2;0.7:1.5:0.5", dimension: 1)
    static let planarMixture = try! GaussianMixture(specification: "0.5:-1.5,0:0.5;0.5:1.5,1:0.5", dimension: 2)
    static let ornsteinUhlenbeck = LinearSDE.ornsteinUhlenbeck

    static func spectralRun(_ mixture: GaussianMixture, model: LinearSDE, grid: Grid, time: Double, steps: Int? = nil,
                            method: SpectralFokkerPlanckSolver.Method = .integratingFactorRK4, snapshots: [Double] = []) throws -> RunResult {
        let solver = try SpectralFokkerPlanckSolver(process: model, initialDensity: mixture.field(on: grid), method: method)
        let count = steps ?? SpectralFokkerPlanckSolver.suggestedStepCount(process: model, grid: grid, endTime: time)
        let stationary = model.stationaryDistribution(dimension: grid.dimension)?.field(on: grid)
        return DensityRun(endTime: time, stepCount: count, snapshotTimes: snapshots, stationaryDensity: stationary).run(solver)
    }

    /// Least-squares slope of log(error) against log(size).
    static func slope(sizes: [Double], errors: [Double]) -> Double {
        let xs = sizes.map { log($0) }, ys = errors.map { log($0) }
        let meanX = xs.reduce(0, +) / Double(xs.count), meanY = ys.reduce(0, +) / Double(ys.count)
        let covariance = zip(xs, ys).reduce(0) { $0 + ($1.0 - meanX) * ($1.1 - meanY) }
        return covariance / xs.reduce(0) { $0 + ($1 - meanX) * ($1 - meanX) }
    }

    // MARK: Forward solvers

    static let forwardSpectralExact = Claim(
        name: "forward-spectral-exact",
        statement: "The spectral IF-RK4 solver reproduces the exact OU mixture to round-off level (1-D 256 cells, 2-D 128²)."
    ) { settings in
        let line = Grid(dimension: 1, points: 256, halfWidth: 10)
        let oneDimensional = try spectralRun(paperMixture, model: ornsteinUhlenbeck, grid: line, time: 1)
        var checks = [Check.atMost("L∞ error at t = 1, 1-D", oneDimensional.finalDensity.distanceLInfinity(
            to: paperMixture.evolved(under: ornsteinUhlenbeck, to: 1).field(on: line)), 1e-10, settings: settings)]
        let plane = Grid(dimension: 2, points: settings.quick ? 96 : 128, halfWidth: 8)
        let twoDimensional = try spectralRun(planarMixture, model: ornsteinUhlenbeck, grid: plane, time: 1)
        checks.append(.atMost("L∞ error at t = 1, 2-D", twoDimensional.finalDensity.distanceLInfinity(
            to: planarMixture.evolved(under: ornsteinUhlenbeck, to: 1).field(on: plane)), 1e-9, settings: settings))
        return checks
    }

    static let forwardTemporalOrders = Claim(
        name: "forward-temporal-orders",
        statement: "Each stepper's observed order in time equals its declared order (IF-RK4 4, Strang 2, backward Euler 1, TR-BDF2 2)."
    ) { settings in
        let cases: [(String, Int, [Int], () throws -> any DensityStepper)] = [
            ("spectral IF-RK4", 4, [20, 40, 80], {
                try SpectralFokkerPlanckSolver(process: ornsteinUhlenbeck, initialDensity: paperMixture.field(on: Grid(dimension: 1, points: 256, halfWidth: 10)))
            }),
            ("spectral Strang", 2, [40, 80, 160], {
                try SpectralFokkerPlanckSolver(process: ornsteinUhlenbeck, initialDensity: paperMixture.field(on: Grid(dimension: 1, points: 256, halfWidth: 10)), method: .strangSplitting)
            }),
            ("finite-volume backward Euler", 1, [40, 80, 160], {
                try FiniteVolumeFokkerPlanckSolver(process: ornsteinUhlenbeck, initialDensity: paperMixture.field(on: Grid(dimension: 1, points: 256, halfWidth: 10, boundary: .reflecting)), method: .backwardEuler)
            }),
            ("finite-volume TR-BDF2", 2, [40, 80, 160], {
                try FiniteVolumeFokkerPlanckSolver(process: ornsteinUhlenbeck, initialDensity: paperMixture.field(on: Grid(dimension: 1, points: 256, halfWidth: 10, boundary: .reflecting)), method: .trBDF2)
            }),
        ]
        return try cases.map { name, declared, counts, make in
            let reference = DensityRun(endTime: 1, stepCount: 16 * counts.last!).run(try make()).finalDensity
            let errors = try counts.map { DensityRun(endTime: 1, stepCount: $0).run(try make()).finalDensity.distanceLInfinity(to: reference) }
            let order = slope(sizes: counts.map { 1 / Double($0) }, errors: errors)
            return .near("order in time, \(name)", order, Double(declared), within: 0.25, settings: settings)
        }
    }

    static let forwardSpatialOrder = Claim(
        name: "forward-spatial-order",
        statement: "The Scharfetter–Gummel finite-volume solver converges at order 2 in space, conserving mass to 1e-12."
    ) { settings in
        let exact = paperMixture.evolved(under: ornsteinUhlenbeck, to: 1)
        var errors: [Double] = [], widths: [Double] = [], largestMassDrift = 0.0
        for points in settings.quick ? [100, 200, 400, 800] : [100, 200, 400, 800, 1600] {
            let grid = Grid(dimension: 1, points: points, halfWidth: 10, boundary: .reflecting)
            let initial = paperMixture.field(on: grid)
            let result = DensityRun(endTime: 1, stepCount: 400).run(try FiniteVolumeFokkerPlanckSolver(process: ornsteinUhlenbeck, initialDensity: initial))
            errors.append(result.finalDensity.distanceLInfinity(to: exact.field(on: grid)))
            widths.append(grid.spacing(axis: 0))
            largestMassDrift = max(largestMassDrift, abs(result.finalDensity.integral - initial.integral))
        }
        return [.near("order in space", slope(sizes: widths, errors: errors), 2, within: 0.2, settings: settings),
                .atMost("mass drift", largestMassDrift, 1e-12, settings: settings)]
    }

    static let variancePreservingTimeChange = Claim(
        name: "vp-time-change",
        statement: "VP on [0, 1] is OU run to τ = B(1)/2, and both match the exact VP mixture."
    ) { settings in
        let grid = Grid(dimension: 1, points: 256, halfWidth: 10)
        let variancePreserving = LinearSDE.variancePreserving()
        let viaVariancePreserving = try spectralRun(paperMixture, model: variancePreserving, grid: grid, time: 1).finalDensity
        let viaOrnsteinUhlenbeck = try spectralRun(paperMixture, model: ornsteinUhlenbeck, grid: grid, time: (0.1 + 0.5 * 19.9) / 2).finalDensity
        return [.atMost("L∞ difference VP(1) − OU(B(1)/2)", viaVariancePreserving.distanceLInfinity(to: viaOrnsteinUhlenbeck), 1e-10, settings: settings),
                .atMost("L∞ error VP against the exact mixture", viaVariancePreserving.distanceLInfinity(
                    to: paperMixture.evolved(under: variancePreserving, to: 1).field(on: grid)), 1e-10, settings: settings)]
    }

    static let varianceExplodingExact = Claim(
        name: "ve-exact",
        statement: "VE is pure diffusion: the spectral solver (Fourier and cosine bases) gives its exact Gaussian."
    ) { settings in
        let model = LinearSDE.varianceExploding(sigmaMinimum: 0.01, sigmaMaximum: 2)
        let gaussian = GaussianMixture(components: [.init(weight: 1, mean: [0.5], standardDeviations: [0.3])])
        return try Boundary.allCases.map { boundary in
            let grid = Grid(dimension: 1, points: 256, halfWidth: 16, boundary: boundary)
            let result = try spectralRun(gaussian, model: model, grid: grid, time: 1, steps: 7)
            return .atMost("L∞ error, \(boundary.rawValue) walls", result.finalDensity.distanceLInfinity(
                to: gaussian.evolved(under: model, to: 1).field(on: grid)), 1e-12, settings: settings)
        }
    }

    static let entropyDecay = Claim(
        name: "entropy-decay",
        statement: "KL(ρ_t‖γ) ≤ e^(−2t) KL(ρ_0‖γ), with equality for ρ_0 = N(a, 1)."
    ) { settings in
        let grid = Grid(dimension: 1, points: 256, halfWidth: 10)
        let result = try spectralRun(paperMixture, model: ornsteinUhlenbeck, grid: grid, time: 3,
                                     snapshots: DensityRun.evenlySpacedTimes(count: 30, to: 3))
        let initial = result.snapshots[0].diagnostics.klToStationary!
        let worstRatio = result.snapshots.dropFirst().map { snapshot in
            snapshot.diagnostics.klToStationary! / (exp(-2 * snapshot.diagnostics.time) * initial)
        }.max()!
        let shifted = GaussianMixture(components: [.init(weight: 1, mean: [2], standardDeviations: [1])])
        let equality = try spectralRun(shifted, model: ornsteinUhlenbeck, grid: grid, time: 2, snapshots: DensityRun.evenlySpacedTimes(count: 8, to: 2))
        let worstRelative = equality.snapshots.map { snapshot in
            let expected = 2 * exp(-2 * snapshot.diagnostics.time)
            return abs(snapshot.diagnostics.klToStationary! - expected) / expected
        }.max()!
        return [.atMost("largest KL_t / (e^(−2t) KL_0), mixture", worstRatio, 1 + 1e-12, settings: settings),
                .atMost("relative gap to e^(−2t) a²/2, N(2, 1)", worstRelative, 1e-8, settings: settings)]
    }

    static let finiteVolumeStructure = Claim(
        name: "finite-volume-structure",
        statement: "The finite-volume solver keeps densities non-negative, conserves mass and preserves the stationary Gaussian to round-off."
    ) { settings in
        let grid = Grid(dimension: 2, points: 64, halfWidth: 6, boundary: .reflecting)
        let initial = planarMixture.field(on: grid)
        let solver = try FiniteVolumeFokkerPlanckSolver(process: ornsteinUhlenbeck, initialDensity: initial, method: .backwardEuler)
        var smallest = Double.infinity, drift = 0.0
        for _ in 0..<50 {
            solver.step(by: 0.04)
            let density = solver.currentDensity()
            smallest = min(smallest, density.minimum)
            drift = max(drift, abs(density.integral - initial.integral))
        }
        let gaussian = GaussianMixture.standardNormal(dimension: 1).field(on: Grid(dimension: 1, points: 200, halfWidth: 7, boundary: .reflecting))
        let stationary = try FiniteVolumeFokkerPlanckSolver(process: ornsteinUhlenbeck, initialDensity: gaussian)
        for _ in 0..<100 { stationary.step(by: 0.05) }
        return [.atLeast("smallest density over 50 steps", smallest, 0, settings: settings),
                .atMost("mass drift over 50 steps", drift, 1e-12, settings: settings),
                .atMost("stationary Gaussian, relative change after 100 steps", stationary.currentDensity().distanceLInfinity(to: gaussian) / gaussian.maximum, 1e-13, settings: settings)]
    }

    // MARK: Particles

    static let exactOrnsteinUhlenbeckStep = Claim(
        name: "sampler-exact-ou",
        statement: "Exact OU particles have mean e^(−t)x0, variance 1 − e^(−2t) and E He_n(X_t) = e^(−nt) He_n(x0) (n ≤ 4), within 4 SE."
    ) { settings in
        let (start, time) = (1.3, 0.7)
        let count = settings.quick ? 100_000 : 400_000
        let sampler = ParticleSampler(dynamics: .forward(ornsteinUhlenbeck), integrator: .exact,
                                      timeGrid: .uniform(from: 0, to: time, steps: 3), seed: settings.seed, threads: settings.threads)
        let samples = try sampler.run(initial: .dirac([start]), count: count).positions
        var checks: [Check] = []
        for order in 1...4 {
            let values = samples.map { hermite(order, $0) }
            let mean = values.reduce(0, +) / Double(count)
            let standardError = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(count - 1) / Double(count)).squareRoot()
            checks.append(.atMost("|mean He_\(order) − e^(−\(order)t) He_\(order)(x0)| / SE", abs(mean - exp(-Double(order) * time) * hermite(order, start)) / standardError, 4, settings: settings))
        }
        return checks
    }

    static func hermite(_ order: Int, _ value: Double) -> Double {
        var (previous, current) = (0.0, 1.0)
        for index in 0..<order { (previous, current) = (current, value * current - Double(index) * previous) }
        return current
    }

    static let eulerMaruyamaWeakOrder = Claim(
        name: "euler-maruyama-weak-order",
        statement: "Euler–Maruyama has weak order 1 (error in E[X_T²] for OU over step sizes 1/4 … 1/32)."
    ) { settings in
        let exact = exp(-2.0) + (1 - exp(-2.0))
        let counts = [4, 8, 16, 32]
        let paths = settings.quick ? 400_000 : 1_000_000
        let errors = try counts.map { steps -> Double in
            let sampler = ParticleSampler(dynamics: .forward(ornsteinUhlenbeck), integrator: .eulerMaruyama,
                                          timeGrid: .uniform(from: 0, to: 1, steps: steps), seed: settings.seed, threads: settings.threads)
            let samples = try sampler.run(initial: .dirac([1]), count: paths).positions
            return abs(samples.reduce(0) { $0 + $1 * $1 } / Double(paths) - exact)
        }
        return [.near("weak order", slope(sizes: counts.map { 1 / Double($0) }, errors: errors), 1, within: 0.3, settings: settings)]
    }

    static let diracBridge = Claim(
        name: "dirac-bridge",
        statement: "For Dirac data the bridge (DDPM) update ends exactly at x0, and its coefficients are the sinh forms of THEORY §5."
    ) { settings in
        let score = FiniteDatasetScore(data: [0.7, -0.4], dimension: 2)
        let sampler = ParticleSampler(dynamics: .reverseSDE(process: ornsteinUhlenbeck, score: score, form: .score),
                                      integrator: .ddpm, timeGrid: .uniform(from: 1, to: 0, steps: 20), seed: settings.seed, threads: settings.threads)
        let ends = try sampler.run(initial: .mixture(.standardNormal(dimension: 2)), count: 20_000).positions
        let moments = SampleMoments(positions: ends, dimension: 2)
        let grid = TimeGrid.ddpmSchedule()
        let coefficients = DDPMCoefficients(model: ornsteinUhlenbeck, timeGrid: grid)
        var largest = 0.0
        for step in 0..<(grid.stepCount - 1) {
            let (now, next) = (grid.times[step], grid.times[step + 1])
            largest = max(largest,
                          abs(coefficients.dataWeights[step] - sinh(now - next) / sinh(now)) / (sinh(now - next) / sinh(now)),
                          abs(coefficients.pointWeights[step] - sinh(next) / sinh(now)) / (sinh(next) / sinh(now)))
        }
        return [.atMost("variance of the end points", moments.variance.max()!, 1e-24, settings: settings),
                .atMost("largest relative gap to the sinh forms", largest, 1e-12, settings: settings)]
    }

    static let reverseDynamicsReproduceMixture = Claim(
        name: "reverse-sde-mixture",
        statement: "With the exact score, from exact ρ_T, the reverse SDE and the probability-flow ODE return the data mixture (moments within 4 SE)."
    ) { settings in
        let score = ExactMixtureScore(mixture: paperMixture, model: ornsteinUhlenbeck)
        let count = settings.quick ? 30_000 : 100_000
        let runs: [(String, ParticleDynamics, ParticleIntegrator, TimeGrid)] = [
            ("reverse SDE, DDPM steps", .reverseSDE(process: ornsteinUhlenbeck, score: score, form: .score), .ddpm,
             TimeGrid.geometric(from: 1, to: 1e-4, steps: 400).appending(0)),
            ("probability flow, RK4", .probabilityFlow(process: ornsteinUhlenbeck, score: score), .rungeKutta4,
             .geometric(from: 1, to: 1e-4, steps: 400)),
        ]
        var checks: [Check] = []
        for (name, dynamics, integrator, grid) in runs {
            let sampler = ParticleSampler(dynamics: dynamics, integrator: integrator, timeGrid: grid, seed: settings.seed, threads: settings.threads)
            let samples = try sampler.run(initial: .mixture(paperMixture.evolved(under: ornsteinUhlenbeck, to: 1)), count: count).positions
            let moments = SampleMoments(positions: samples, dimension: 1)
            checks.append(.atMost("|mean − data mean| / SE, \(name)", abs(moments.mean[0] - paperMixture.mean[0]) / moments.meanStandardError[0], 4, settings: settings))
            checks.append(.atMost("|variance − data variance| / SE, \(name)", abs(moments.variance[0] - paperMixture.covariance[0]) / moments.varianceStandardError[0], 4, settings: settings))
        }
        return checks
    }

    static let endpointFrequencies = Claim(
        name: "endpoint-frequencies",
        statement: "With the exact score of data {0, 2, 2.5}, reverse diffusion from y ends at training point i with probability λ_i(y, T)."
    ) { settings in
        let data = [0.0, 2.0, 2.5]
        let score = FiniteDatasetScore(data: data, dimension: 1)
        let count = settings.quick ? 10_000 : 20_000
        let sampler = ParticleSampler(dynamics: .reverseSDE(process: ornsteinUhlenbeck, score: score, form: .score),
                                      integrator: .ddpm, timeGrid: .uniform(from: 1, to: 0, steps: 1000), seed: settings.seed, threads: settings.threads)
        let ends = try sampler.run(initial: .dirac([0.4]), count: count).positions
        let memorized = Double(ends.filter { end in data.contains { abs(end - $0) < 1e-3 } }.count) / Double(count)
        let predicted = score.weights(at: [0.4], time: 1)
        let worst = data.indices.map { index -> Double in
            let fraction = Double(ends.filter { abs($0 - data[index]) < 1e-3 }.count) / Double(count)
            return abs(fraction - predicted[index]) / (predicted[index] * (1 - predicted[index]) / Double(count)).squareRoot()
        }.max()!
        return [.atLeast("fraction within 1e-3 of a training point", memorized, 0.999, settings: settings),
                .atMost("largest |frequency − λ_i| / SE", worst, 4, settings: settings)]
    }
}

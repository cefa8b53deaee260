import DiffusionModels
import Foundation
import GridFields
import RandomStreams
import Scores
import Testing

@testable import ParticleSampling

let oneDimensionalMixture = GaussianMixture.paperOneDimensional

func values(_ positions: [Double], axis: Int = 0, dimension: Int = 1) -> [Double] {
    stride(from: axis, to: positions.count, by: dimension).map { positions[$0] }
}

/// Mean of f over samples and its standard error.
func meanAndStandardError(_ samples: [Double], _ function: (Double) -> Double) -> (mean: Double, standardError: Double)
{
    let mapped = samples.map(function)
    let mean = mapped.reduce(0, +) / Double(mapped.count)
    let variance = mapped.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(mapped.count - 1)
    return (mean, (variance / Double(mapped.count)).squareRoot())
}

/// Probabilists' Hermite polynomial He_n.
func hermite(_ order: Int, _ value: Double) -> Double {
    var (previous, current) = (0.0, 1.0)
    for index in 0..<order { (previous, current) = (current, value * current - Double(index) * previous) }
    return current
}

@Suite struct ForwardSamplingTests {
    /// Exact OU step from x0 = 1.3 to t = 0.7: mean e^-t x0 and variance 1 - e^-2t within 4 SE; Hermite
    /// expectations E He_n(X_t) = e^(-n t) He_n(x0), n = 1...4, within 4 SE.
    @Test func exactOrnsteinUhlenbeckStep() throws {
        let (start, time) = (1.3, 0.7)
        let sampler = ParticleSampler(
            dynamics: .forward(LinearSDE.ornsteinUhlenbeck), integrator: .exact,
            timeGrid: .uniform(from: 0, to: time, steps: 3), seed: 11)
        let samples = values(try sampler.run(initial: .dirac([start]), count: 400_000).positions)
        let moments = SampleMoments(positions: samples, dimension: 1)
        #expect(abs(moments.mean[0] - exp(-time) * start) < 4 * moments.meanStandardError[0])
        #expect(abs(moments.variance[0] - (1 - exp(-2 * time))) < 4 * moments.varianceStandardError[0])
        for order in 1...4 {
            let (mean, standardError) = meanAndStandardError(samples) { hermite(order, $0) }
            #expect(abs(mean - exp(-Double(order) * time) * hermite(order, start)) < 4 * standardError, "He_\(order)")
        }
    }

    /// Same seed: identical bits with 1 and 2 threads (blocks own their streams).
    @Test func resultsDoNotDependOnTheThreadCount() throws {
        func run(threads: Int) throws -> [Double] {
            let data = [0.0, 2.0, 2.5]
            let score = FiniteDatasetScore(data: data, dimension: 1)
            let sampler = ParticleSampler(
                dynamics: .reverseSDE(process: LinearSDE.ornsteinUhlenbeck, score: score, form: .score),
                integrator: .eulerMaruyama, timeGrid: .uniform(from: 1, to: 0.01, steps: 50),
                seed: 99, threads: threads, blockSize: 256)
            return try sampler.run(initial: .mixture(.standardNormal(dimension: 1)), count: 3000).positions
        }
        let single = try run(threads: 1)
        let double = try run(threads: 2)
        #expect(single.map(\.bitPattern) == double.map(\.bitPattern))
        #expect(
            try run(threads: 1)
                != (try ParticleSampler(
                    dynamics: .forward(LinearSDE.ornsteinUhlenbeck), integrator: .exact,
                    timeGrid: .uniform(from: 0, to: 1, steps: 1), seed: 100
                ).run(initial: .mixture(.standardNormal(dimension: 1)), count: 3000).positions))
    }
}

@Suite struct DiracDataTests {
    /// With one training point, the bridge (DDPM) update ends exactly at it: variance < 1e-24.
    @Test func bridgeUpdateEndsExactlyAtTheDataPoint() throws {
        let score = FiniteDatasetScore(data: [0.7, -0.4], dimension: 2)
        let sampler = ParticleSampler(
            dynamics: .reverseSDE(process: LinearSDE.ornsteinUhlenbeck, score: score, form: .score),
            integrator: .ddpm, timeGrid: .uniform(from: 1, to: 0, steps: 20), seed: 3)
        let result = try sampler.run(initial: .mixture(.standardNormal(dimension: 2)), count: 20_000)
        let moments = SampleMoments(positions: result.positions, dimension: 2)
        #expect(moments.variance.allSatisfy { $0 < 1e-24 })
        #expect(abs(moments.mean[0] - 0.7) < 1e-12 && abs(moments.mean[1] + 0.4) < 1e-12)
    }

    /// Euler–Maruyama on the same drift stops at t_min = h with a spread of about sqrt(2h) around x0 (its last
    /// step adds noise g sqrt(h) = sqrt(2h) after contracting the rest).
    @Test func eulerMaruyamaLeavesSpreadOfRootTwoH() throws {
        let score = FiniteDatasetScore(data: [0.5], dimension: 1)
        let steps = 1000
        let step = 1.0 / Double(steps)
        let sampler = ParticleSampler(
            dynamics: .reverseSDE(process: LinearSDE.ornsteinUhlenbeck, score: score, form: .score),
            integrator: .eulerMaruyama, timeGrid: .uniform(from: 1, to: 0, steps: steps), seed: 8)
        let moments = SampleMoments(
            positions: try sampler.run(initial: .mixture(.standardNormal(dimension: 1)), count: 20_000).positions,
            dimension: 1)
        let spread = moments.variance[0].squareRoot()
        #expect(
            spread > 0.8 * (2 * step).squareRoot() && spread < 1.6 * (2 * step).squareRoot(),
            "spread \(spread) vs sqrt(2h) \((2 * step).squareRoot())")
    }

    /// The general DDPM coefficients equal THEORY §5's sinh forms for OU, to 1e-12.
    @Test func ddpmCoefficientsEqualTheSinhForms() {
        let grid = TimeGrid.ddpmSchedule()
        let sampler = ParticleSampler(
            dynamics: .reverseSDE(
                process: LinearSDE.ornsteinUhlenbeck, score: FiniteDatasetScore(data: [0], dimension: 1), form: .score),
            integrator: .ddpm, timeGrid: grid)
        let coefficients = StepCoefficients(sampler: sampler)
        for step in stride(from: 0, to: grid.stepCount - 1, by: 37) {
            let (now, next) = (grid.times[step], grid.times[step + 1])
            #expect(relativeDifference(coefficients.first[step], sinh(now - next) / sinh(now)) < 1e-12)
            #expect(relativeDifference(coefficients.second[step], sinh(next) / sinh(now)) < 1e-12)
            #expect(
                relativeDifference(
                    coefficients.third[step] * coefficients.third[step], 2 * sinh(next) * sinh(now - next) / sinh(now))
                    < 1e-12)
        }
        // The DDPM schedule's alpha_n = abar_n / abar_(n-1) is 1 - beta_n.
        let times = Array(grid.times.reversed())
        for index in [1, 10, 500, 1000] {
            let alpha = exp(-2 * (times[index] - times[index - 1]))
            let beta = 1e-4 + (0.02 - 1e-4) * Double(index - 1) / 999
            #expect(abs(alpha - (1 - beta)) < 1e-13)
        }
    }
}

func relativeDifference(_ first: Double, _ second: Double) -> Double {
    abs(first - second) / max(abs(first), abs(second), 1e-300)
}

@Suite struct ReverseSamplingTests {
    /// The score form and the mean-field form of the reverse drift agree to 1e-10.
    @Test func scoreFormAndMeanFieldFormAgree() {
        let providers: [any ScoreProvider] = [
            ExactMixtureScore(mixture: oneDimensionalMixture, model: .ornsteinUhlenbeck),
            FiniteDatasetScore(data: [0, 2, 2.5, -1.2], dimension: 1),
            ExactMixtureScore(mixture: oneDimensionalMixture, model: .variancePreserving()),
        ]
        for provider in providers {
            let points = [-2.5, -0.3, 0.4, 1.7]
            for time in [0.05, 0.3, 0.9] {
                var first = [Double](repeating: 0, count: 4)
                var second = first
                var scratch = first
                points.withUnsafeBufferPointer { input in
                    first.withUnsafeMutableBufferPointer { output in
                        scratch.withUnsafeMutableBufferPointer { work in
                            ParticleDynamics.reverseSDE(process: provider.model, score: provider, form: .score)
                                .velocity(at: input, dimension: 1, time: time, into: output, scratch: work)
                        }
                    }
                    second.withUnsafeMutableBufferPointer { output in
                        scratch.withUnsafeMutableBufferPointer { work in
                            ParticleDynamics.reverseSDE(process: provider.model, score: provider, form: .meanField)
                                .velocity(at: input, dimension: 1, time: time, into: output, scratch: work)
                        }
                    }
                }
                for index in 0..<4 { #expect(abs(first[index] - second[index]) < 1e-10 * max(1, abs(first[index]))) }
            }
        }
        // For OU the mean-field drift is -coth(t) y + <X0>/sinh t.
        let provider = FiniteDatasetScore(data: [0, 2, 2.5], dimension: 1)
        let (point, time) = (0.8, 0.4)
        let expected = -point / tanh(time) + provider.posteriorMean(at: [point], time: time)[0] / sinh(time)
        let velocity = provider.score(at: [point], time: time)[0] * 2 + point
        #expect(abs(velocity - expected) < 1e-12)
    }

    /// The finite-dataset score equals a central difference of log rho_t, rho_t = (1/N) sum N(e^-t x_i, 1 - e^-2t).
    @Test func finiteDatasetScoreIsTheGradientOfTheLogMixture() {
        let data = [0.3, -1.1, 1.4, 0.9, -0.2, 2.0] // three 2-D points
        let score = FiniteDatasetScore(data: data, dimension: 2)
        for time in [0.1, 0.5, 1.5] {
            let mixture = GaussianMixture(
                components: stride(from: 0, to: 6, by: 2).map { start in
                    .init(
                        weight: 1.0 / 3, mean: [data[start], data[start + 1]],
                        standardDeviations: [1e-300.squareRoot(), 1e-300.squareRoot()])
                }
            ).transformed(scale: exp(-time), addedVariance: 1 - exp(-2 * time))
            for point in [[0.2, 0.1], [-1.0, 1.5], [2.2, -0.7]] {
                let value = score.score(at: point, time: time)
                for axis in 0..<2 {
                    var plus = point
                    var minus = point
                    plus[axis] += 1e-5
                    minus[axis] -= 1e-5
                    let difference = (mixture.logDensity(at: plus) - mixture.logDensity(at: minus)) / 2e-5
                    #expect(abs(value[axis] - difference) < 1e-6 * max(1, abs(difference)))
                }
            }
        }
    }

    /// Reverse SDE (DDPM steps, and Euler–Maruyama in mean-field form) and the probability-flow ODE (RK4), exact
    /// score, started from exact rho_T: component fractions, mean and variance within 4 SE of the data's and a
    /// two-sample KS test against fresh draws.
    @Test(arguments: ["ddpm", "euler-maruyama", "rk4", "heun", "ddim"])
    func reverseDynamicsReproduceTheMixture(integratorName: String) throws {
        let model = LinearSDE.ornsteinUhlenbeck
        let horizon = 1.0
        let score = ExactMixtureScore(mixture: oneDimensionalMixture, model: model)
        let integrator = ParticleIntegrator(rawValue: integratorName)!
        let dynamics: ParticleDynamics
        let grid: TimeGrid
        switch integrator {
        case .rungeKutta4, .heun:
            dynamics = .probabilityFlow(process: model, score: score)
            grid = .geometric(from: horizon, to: 1e-4, steps: 400)
        case .ddim:
            dynamics = .probabilityFlow(process: model, score: score)
            grid = TimeGrid.geometric(from: horizon, to: 1e-4, steps: 400).appending(0)
        case .eulerMaruyama:
            dynamics = .reverseSDE(process: model, score: score, form: .meanField)
            grid = .geometric(from: horizon, to: 1e-5, steps: 1000)
        default:
            // Geometric steps down to 1e-4, then the bridge's last step to t = 0 (uniform steps leave an O(h) bias
            // for smooth data: the update is exact in law only for Dirac data).
            dynamics = .reverseSDE(process: model, score: score, form: .score)
            grid = TimeGrid.geometric(from: horizon, to: 1e-4, steps: 400).appending(0)
        }
        let count = 100_000
        let sampler = ParticleSampler(dynamics: dynamics, integrator: integrator, timeGrid: grid, seed: 21, threads: 2)
        let generated = values(
            try sampler.run(initial: .mixture(oneDimensionalMixture.evolved(under: model, to: horizon)), count: count)
                .positions)
        let moments = SampleMoments(positions: generated, dimension: 1)
        #expect(abs(moments.mean[0] - oneDimensionalMixture.mean[0]) < 4 * moments.meanStandardError[0])
        #expect(abs(moments.variance[0] - oneDimensionalMixture.covariance[0]) < 4 * moments.varianceStandardError[0])
        // Component fraction: the left bump (mean -2, std 0.2) holds weight 0.3; the split at -0.8 is far from both.
        let left = Double(generated.filter { $0 < -0.8 }.count) / Double(count)
        #expect(abs(left - 0.3) < 4 * (0.3 * 0.7 / Double(count)).squareRoot())
        var generator = Xoshiro256StarStar(seed: 77)
        var fresh = [Double](repeating: 0, count: count)
        fresh.withUnsafeMutableBufferPointer {
            MixtureDraws(mixture: oneDimensionalMixture).fill($0, using: &generator)
        }
        let statistic = twoSampleKolmogorovSmirnov(generated, fresh)
        // Critical value at p = 0.001 for two samples of n: 1.95 sqrt(2/n).
        #expect(statistic < 1.95 * (2.0 / Double(count)).squareRoot(), "KS D = \(statistic)")
    }
}

func twoSampleKolmogorovSmirnov(_ first: [Double], _ second: [Double]) -> Double {
    let a = first.sorted()
    let b = second.sorted()
    var (i, j, largest) = (0, 0, 0.0)
    while i < a.count && j < b.count {
        if a[i] <= b[j] { i += 1 } else { j += 1 }
        largest = max(largest, abs(Double(i) / Double(a.count) - Double(j) / Double(b.count)))
    }
    return largest
}

@Suite struct HistogramTests {
    /// Forward particles binned on the solver's grid agree with the exact density within 4 SE per bin (allowing
    /// the expected number of exceedances), and outside particles are counted.
    @Test func histogramMatchesTheExactDensity() throws {
        let grid = Grid(dimension: 1, points: 64, halfWidth: 5)
        let sampler = ParticleSampler(
            dynamics: .forward(LinearSDE.ornsteinUhlenbeck), integrator: .exact,
            timeGrid: .uniform(from: 0, to: 0.5, steps: 1), seed: 4)
        let result = try sampler.run(initial: .mixture(oneDimensionalMixture), count: 400_000)
        let histogram = ParticleHistogram(positions: result.positions, grid: grid)
        let exact = oneDimensionalMixture.evolved(under: .ornsteinUhlenbeck, to: 0.5)
        let density = histogram.density
        let errors = histogram.standardErrors
        // Compare with the exact cell average (Simpson on the cell) rather than the centre value.
        var exceedances = 0
        for cell in 0..<grid.count {
            let (left, width) = (-5 + Double(cell) * grid.spacing(axis: 0), grid.spacing(axis: 0))
            let average =
                (exact.density(at: [left]) + 4 * exact.density(at: [left + width / 2])
                    + exact.density(at: [left + width])) / 6
            let standardError = max(errors.values[cell], 1 / (Double(histogram.particleCount) * grid.cellVolume))
            if abs(density.values[cell] - average) > 4 * standardError { exceedances += 1 }
        }
        #expect(exceedances <= 1)
        #expect(histogram.outsideCount + histogram.counts.reduce(0, +) == histogram.particleCount)
        #expect(
            abs(
                density.integral - Double(histogram.particleCount - histogram.outsideCount)
                    / Double(histogram.particleCount)) < 1e-12)
    }

    @Test func binningUsesTheGridCells() {
        let grid = Grid(shape: [2, 4], halfWidth: 2)
        let histogram = ParticleHistogram(positions: [-1.5, -1.5, 0.1, 1.9, 3, 0, .nan, 0], grid: grid)
        #expect(histogram.counts[0] == 1) // x in [-2, 0), y in [-2, -1)
        #expect(histogram.counts[1 * 4 + 3] == 1) // x in [0, 2), y in [1, 2)
        #expect(histogram.outsideCount == 2)
    }
}

@Suite struct ValidationTests {
    @Test func mismatchedIntegratorsAreRefused() {
        let score = FiniteDatasetScore(data: [0], dimension: 1)
        let cases: [ParticleSampler] = [
            ParticleSampler(
                dynamics: .forward(LinearSDE.ornsteinUhlenbeck), integrator: .rungeKutta4,
                timeGrid: .uniform(from: 0, to: 1, steps: 2)),
            ParticleSampler(
                dynamics: .reverseSDE(process: LinearSDE.ornsteinUhlenbeck, score: score, form: .score),
                integrator: .exact, timeGrid: .uniform(from: 1, to: 0, steps: 2)),
            ParticleSampler(
                dynamics: .forward(LinearSDE.ornsteinUhlenbeck), integrator: .eulerMaruyama,
                timeGrid: .uniform(from: 1, to: 0, steps: 2)),
            ParticleSampler(
                dynamics: .probabilityFlow(process: LinearSDE.ornsteinUhlenbeck, score: score), integrator: .heun,
                timeGrid: .uniform(from: 1, to: 0, steps: 2)),
        ]
        for sampler in cases { #expect(throws: SamplerError.self) { try sampler.validate() } }
    }

    @Test func nonFiniteParticlesAreReportedWithTimeStepAndIndex() throws {
        let exploding = GeneralSDE(
            drift: { point, time, drift in drift[0] = time > 0.45 ? .infinity : 0 }, diffusionScale: { _ in 0 })
        let sampler = ParticleSampler(
            dynamics: .forward(exploding), integrator: .eulerMaruyama, timeGrid: .uniform(from: 0, to: 1, steps: 10))
        let result = try sampler.run(initial: .dirac([0]), count: 10)
        #expect(result.status == .nonFinite(time: 0.6, step: 6, particle: 0))
    }
}

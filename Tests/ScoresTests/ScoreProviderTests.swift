import DensitySolvers
import DiffusionModels
import Foundation
import GridFields
import ParticleSampling
import Testing

@testable import Scores

@Suite struct ScoreProviderTests {
    /// The smoothed empirical score is the exact score of the kernel mixture (1/N) sum N(x_i, b^2).
    @Test func smoothedEmpiricalScoreIsTheKernelMixtureScore() {
        let data = [0.0, 2.0, 2.5]
        let bandwidth = 0.3
        let smoothed = FiniteDatasetScore(data: data, dimension: 1, bandwidth: bandwidth)
        let kernel = ExactMixtureScore(
            mixture: GaussianMixture(
                components: data.map {
                    .init(weight: 1.0 / 3, mean: [$0], standardDeviations: [bandwidth])
                }), model: .ornsteinUhlenbeck)
        for time in [0.01, 0.2, 1.0] {
            for point in [-1.0, 0.7, 2.2, 3.1] {
                #expect(
                    abs(smoothed.score(at: [point], time: time)[0] - kernel.score(at: [point], time: time)[0]) < 1e-10)
                #expect(
                    abs(
                        smoothed.posteriorMean(at: [point], time: time)[0]
                            - kernel.posteriorMean(at: [point], time: time)[0]) < 1e-10)
            }
        }
    }

    /// The score read off a spectral solution on 256 cells matches the exact mixture score where the density is
    /// not tiny (central differences: O(h^2) = 6e-3 relative; tolerance 2e-2 absolute on |s| <= 10).
    @Test func gridScoreMatchesTheExactScore() throws {
        let mixture = GaussianMixture.paperOneDimensional
        let grid = Grid(dimension: 1, points: 256, halfWidth: 10)
        let solver = try SpectralFokkerPlanckSolver(
            process: LinearSDE.ornsteinUhlenbeck, initialDensity: mixture.field(on: grid))
        let run = DensityRun(
            endTime: 1, stepCount: 403, snapshotTimes: DensityRun.evenlySpacedTimes(count: 10, to: 1),
            keepDensities: true)
        let result = run.run(solver)
        let snapshots = result.snapshots.map { (time: $0.diagnostics.time, density: $0.density!) }
        let gridScore = GridScore(snapshots: snapshots)
        let exact = ExactMixtureScore(mixture: mixture, model: .ornsteinUhlenbeck)
        for time in [0.3, 0.55, 1.0] {
            for point in stride(from: -3.0, through: 3.0, by: 0.37) {
                let difference = abs(
                    gridScore.score(at: [point], time: time)[0] - exact.score(at: [point], time: time)[0])
                // Between snapshots (0.55) the time interpolation adds O(dt^2 |d2s/dt2|).
                #expect(difference < (time == 0.55 ? 5e-2 : 2e-2), "t = \(time), x = \(point)")
            }
        }
        // Far outside the box the Gaussian fallback pulls points back toward the mean.
        #expect(gridScore.score(at: [40], time: 1)[0] < 0 && gridScore.score(at: [-40], time: 1)[0] > 0)
    }

    /// Smoothing leaves a linear score (a Gaussian's) unchanged; Gauss–Hermite integrates Z^4 exactly.
    @Test func smoothingAndGaussHermite() {
        let (nodes, weights) = GaussHermite.probabilists(count: 5)
        #expect(abs(weights.reduce(0, +) - 1) < 1e-14)
        #expect(abs(zip(nodes, weights).reduce(0) { $0 + $1.1 * pow($1.0, 4) } - 3) < 1e-12)
        let gaussian = ExactMixtureScore(mixture: .standardNormal(dimension: 2), model: .ornsteinUhlenbeck)
        let smoothed = SmoothedScore(base: gaussian, bandwidth: 0.4)
        let point = [0.3, -1.2]
        for (first, second) in zip(smoothed.score(at: point, time: 0.5), gaussian.score(at: point, time: 0.5)) {
            #expect(abs(first - second) < 1e-13)
        }
    }

    /// Bias adds a constant; multiplicative noise is frozen (same input, same value) with mean 1 and the
    /// requested spread.
    @Test func biasAndFrozenNoise() {
        let base = ExactMixtureScore(mixture: .standardNormal(dimension: 1), model: .ornsteinUhlenbeck)
        #expect(
            BiasedScore(base: base, bias: [0.25]).score(at: [1.0], time: 0.5)[0] == base.score(at: [1.0], time: 0.5)[0]
                + 0.25)
        let noisy = NoisyScore(base: base, level: 0.2, seed: 3)
        #expect(noisy.score(at: [1.0], time: 0.5) == noisy.score(at: [1.0], time: 0.5))
        let ratios = (0..<20_000).map { index -> Double in
            let point = 0.5 + Double(index) * 1e-4
            return noisy.score(at: [point], time: 0.5)[0] / base.score(at: [point], time: 0.5)[0]
        }
        let mean = ratios.reduce(0, +) / Double(ratios.count)
        let spread = (ratios.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(ratios.count - 1)).squareRoot()
        #expect(abs(mean - 1) < 4 * 0.2 / Double(ratios.count).squareRoot())
        #expect(abs(spread - 0.2) < 0.01)
    }

    /// Endpoint law (THEORY §7): from a point y at T, exact reverse dynamics end at x_i with probability
    /// lambda_i(y, T); checked with 1000 bridge steps (the update is exact only for one data point: with several,
    /// coarse steps leave particles between training points at the end).
    @Test func endpointFrequenciesFollowTheSoftmaxWeights() throws {
        let data = [0.0, 2.0, 2.5]
        let score = FiniteDatasetScore(data: data, dimension: 1)
        let start = 0.4
        let sampler = ParticleSampler(
            dynamics: .reverseSDE(process: LinearSDE.ornsteinUhlenbeck, score: score, form: .score),
            integrator: .ddpm, timeGrid: .uniform(from: 1, to: 0, steps: 1000), seed: 12, threads: 2)
        let count = 20_000
        let ends = try sampler.run(initial: .dirac([start]), count: count).positions
        let predicted = score.weights(at: [start], time: 1)
        let memorized = ends.filter { end in data.contains { abs(end - $0) < 1e-3 } }.count
        #expect(Double(memorized) >= 0.999 * Double(count))
        for (index, point) in data.enumerated() {
            let fraction = Double(ends.filter { abs($0 - point) < 1e-3 }.count) / Double(count)
            let standardError = (predicted[index] * (1 - predicted[index]) / Double(count)).squareRoot()
            #expect(
                abs(fraction - predicted[index]) < 4 * standardError, "x_\(index): \(fraction) vs \(predicted[index])")
        }
    }
}

@Suite struct VectorExponentialTests {
    /// Eight-lane e^x against Foundation's exp on [-708, 0]: relative error below 4e-16; 0 below -708.
    @Test func matchesTheLibraryExponential() {
        var largest = 0.0
        for index in 0..<50_000 {
            let base = -708.0 * Double(index) / 50_000
            let lanes = SIMD8<Double>(
                base, base - 1e-3, base * 0.5, base * 1e-4, base * 0.9, base * 1e-2, base * 0.3, base * 1e-8)
            let result = vectorExponential(lanes)
            for lane in 0..<8 {
                let expected = exp(lanes[lane])
                largest = max(largest, abs(result[lane] - expected) / expected)
            }
        }
        #expect(largest < 4e-16, "largest relative error \(largest)")
        #expect(
            vectorExponential(SIMD8<Double>(-709, -1000, -.infinity, 0, 0, 0, 0, 0))
                == SIMD8<Double>(0, 0, 0, 1, 1, 1, 1, 1))
    }
}

import DiffusionModels
import Foundation
import RandomStreams
import Scores
import Testing

@testable import ParticleSampling

/// The posterior bridge against closed forms written out here: the laws of a smoothed training set evolved by OU
/// (a Gaussian mixture with its own evolution code), the DDPM coefficients for b = 0, and the slow softmax weights.
@Suite struct PosteriorBridgeTests {
    /// Training points 0, 2, 2.5 smoothed by b = 0.3: rho_0 is the mixture of N(x_i, b^2).
    static let trainingPoints = [0.0, 2.0, 2.5]
    static let bandwidth = 0.3

    static func smoothedMixture() -> GaussianMixture {
        GaussianMixture(
            components: trainingPoints.map { .init(weight: 1.0 / 3, mean: [$0], standardDeviations: [bandwidth]) })
    }

    /// Coefficients against the formulas written out for OU: with b = 0, A = sinh(t - t')/sinh t,
    /// B = sinh t'/sinh t, C^2 = 2 sinh t' sinh(t - t')/sinh t (THEORY §5); with b > 0, A, B, C^2 from the Gaussian
    /// conditioning of (X_t', X_t) given the component, written with the OU closed forms e^-t and 1 - e^-2t.
    @Test func coefficientsMatchTheClosedForms() {
        let grid = TimeGrid(times: [1.7, 0.9, 0.2, 0])
        let dirac = PosteriorBridge(model: .ornsteinUhlenbeck, bandwidth: 0, timeGrid: grid)
        let smoothed = PosteriorBridge(model: .ornsteinUhlenbeck, bandwidth: 0.4, timeGrid: grid)
        for step in 0..<3 {
            let (now, next) = (grid.times[step], grid.times[step + 1])
            #expect(abs(dirac.trainingPointWeights[step] - sinh(now - next) / sinh(now)) < 1e-14)
            #expect(abs(dirac.pointWeights[step] - sinh(next) / sinh(now)) < 1e-14)
            let noise = (2 * sinh(next) * sinh(now - next) / sinh(now)).squareRoot()
            #expect(abs(dirac.noiseScales[step] - noise) < 1e-14)
            // Joint Gaussian of (X_t', X_t) given the component at mean 0: Var X_t' = S, Cov = e^-(t - t') S,
            // Var X_t = V; conditional mean (Cov / V) x + (mean of X_t' - Cov/V mean of X_t), variance S - Cov^2 / V.
            let b2 = 0.16
            let variance = exp(-2 * now) * b2 + 1 - exp(-2 * now)
            let varianceNext = exp(-2 * next) * b2 + 1 - exp(-2 * next)
            let covariance = exp(-(now - next)) * varianceNext
            let pointWeight = covariance / variance
            // Mean of X_t' given component mean mu: e^-t' mu - pointWeight e^-t mu.
            let trainingWeight = exp(-next) - pointWeight * exp(-now)
            let conditional = varianceNext - covariance * covariance / variance
            #expect(abs(smoothed.pointWeights[step] - pointWeight) < 1e-14)
            #expect(abs(smoothed.trainingPointWeights[step] - trainingWeight) < 1e-14)
            #expect(abs(smoothed.noiseScales[step] - conditional.squareRoot()) < 1e-14)
        }
    }

    /// From X_T ~ rho_T (drawn exactly), steps of any size sample the reverse process's marginals exactly: after
    /// three uneven steps 2 -> 0.8 -> 0.5 -> 0.15 the particles' law is rho_0.15 (the mixture evolved by its own code),
    /// tested by mean and variance within 4 SE and a two-sample KS test at p = 0.001 against fresh draws.
    /// The same bits with 1 and 2 threads. A planted defect that fails it: C with v(t') in place of S' (the
    /// variance off by 0.057 against 4 SE = 0.011, KS D = 0.012 against 0.0062).
    @Test func unevenStepsReproduceTheEvolvedLaw() throws {
        let score = FiniteDatasetScore(data: Self.trainingPoints, dimension: 1, bandwidth: Self.bandwidth)
        let mixture = Self.smoothedMixture()
        let grid = TimeGrid(times: [2, 0.8, 0.5, 0.15])
        let count = 200_000
        func run(threads: Int) throws -> [Double] {
            let sampler = ParticleSampler(
                dynamics: .reverseSDE(process: LinearSDE.ornsteinUhlenbeck, score: score, form: .score),
                integrator: .posteriorBridge, timeGrid: grid, seed: 5, threads: threads)
            return try sampler.run(initial: .mixture(mixture.evolved(under: .ornsteinUhlenbeck, to: 2)), count: count)
                .positions
        }
        let generated = try run(threads: 2)
        #expect(try run(threads: 1) == generated)
        let target = mixture.evolved(under: .ornsteinUhlenbeck, to: 0.15)
        let moments = SampleMoments(positions: generated, dimension: 1)
        #expect(abs(moments.mean[0] - target.mean[0]) < 4 * moments.meanStandardError[0])
        #expect(abs(moments.variance[0] - target.covariance[0]) < 4 * moments.varianceStandardError[0])
        var generator = Xoshiro256StarStar(seed: 78)
        var fresh = [Double](repeating: 0, count: count)
        fresh.withUnsafeMutableBufferPointer { MixtureDraws(mixture: target).fill($0, using: &generator) }
        let statistic = twoSampleKolmogorovSmirnov(generated, fresh)
        #expect(statistic < 1.95 * (2.0 / Double(count)).squareRoot(), "KS D = \(statistic)")
    }

    /// Dirac data (b = 0) in 2-D: a single step from T = 3 straight to t = 0 lands on the training points, each
    /// reached with probability E over rho_3 of lambda_i = 1/N (the reverse process ends in rho_0), within 4 SE.
    @Test func oneStepToZeroEndsOnTrainingPointsAtTheirWeights() throws {
        let data = [0.0, 0.0, 1.0, 0.5, -0.7, 2.0, 3.0, -1.0]
        let score = FiniteDatasetScore(data: data, dimension: 2)
        let start = GaussianMixture(
            components: stride(from: 0, to: 8, by: 2).map {
                .init(
                    weight: 0.25, mean: [data[$0], data[$0 + 1]],
                    standardDeviations: [1e-300.squareRoot(), 1e-300.squareRoot()])
            }
        ).evolved(under: .ornsteinUhlenbeck, to: 3)
        let sampler = ParticleSampler(
            dynamics: .reverseSDE(process: LinearSDE.ornsteinUhlenbeck, score: score, form: .score),
            integrator: .posteriorBridge, timeGrid: TimeGrid(times: [3, 0]), seed: 9, threads: 2)
        let count = 40_000
        let positions = try sampler.run(initial: .mixture(start), count: count).positions
        var hits = [Int](repeating: 0, count: 4)
        for particle in 0..<count {
            let point = [positions[2 * particle], positions[2 * particle + 1]]
            let index = (0..<4).first { data[2 * $0] == point[0] && data[2 * $0 + 1] == point[1] }
            #expect(index != nil)
            if let index { hits[index] += 1 }
        }
        let standardError = (0.25 * 0.75 / Double(count)).squareRoot()
        for hit in hits { #expect(abs(Double(hit) / Double(count) - 0.25) < 4 * standardError) }
    }

    /// `posteriorDraws` against the slow weights `weights(at:time:)`: the same owner and largest weight (to 1e-12
    /// relative: both are softmaxes of the same logits in different summation orders), and the drawn index is the
    /// inverse of the slow cumulative weights wherever u is farther than 1e-9 from a cumulative boundary. Both the
    /// column path (d = 3) and the dgemm path (d = 40), with a bandwidth.
    @Test(arguments: [3, 40])
    func drawsInvertTheSlowCumulativeWeights(dimension: Int) {
        var generator = Xoshiro256StarStar(seed: 31)
        let normals = Ziggurat.table
        let trainingCount = 57
        let data = (0..<(trainingCount * dimension)).map { _ in normals.normal(using: &generator) }
        let score = FiniteDatasetScore(data: data, dimension: dimension, bandwidth: 0.2)
        let pointCount = 70
        let time = 0.6
        let points = (0..<(pointCount * dimension)).map { _ in 0.8 * normals.normal(using: &generator) }
        let uniforms = (0..<pointCount).map { _ in generator.nextUniform() }
        var draws = [PosteriorDraw](repeating: PosteriorDraw(drawn: -1, owner: -1, largestWeight: 0), count: pointCount)
        points.withUnsafeBufferPointer { points in
            uniforms.withUnsafeBufferPointer { uniforms in
                draws.withUnsafeMutableBufferPointer { draws in
                    score.posteriorDraws(at: points, time: time, uniforms: uniforms, into: draws)
                }
            }
        }
        var checkedDraws = 0
        for point in 0..<pointCount {
            let weights = score.weights(at: Array(points[(point * dimension)..<((point + 1) * dimension)]), time: time)
            let largest = weights.max()!
            #expect(draws[point].owner == weights.firstIndex(of: largest)!)
            #expect(abs(draws[point].largestWeight - largest) < 1e-12 * largest)
            var running = 0.0
            var expected = trainingCount - 1
            var nearBoundary = false
            for (index, weight) in weights.enumerated() {
                if abs(uniforms[point] - (running + weight)) < 1e-9 { nearBoundary = true }
                running += weight
                if uniforms[point] < running {
                    expected = index
                    break
                }
            }
            if !nearBoundary {
                #expect(draws[point].drawn == expected)
                checkedDraws += 1
            }
        }
        #expect(checkedDraws >= pointCount - 2)
    }

    /// The sampler refuses the bridge without a finite-data score or with the probability flow.
    @Test func refusesOtherScores() {
        let mixtureScore = ExactMixtureScore(mixture: Self.smoothedMixture(), model: .ornsteinUhlenbeck)
        let sampler = ParticleSampler(
            dynamics: .reverseSDE(process: LinearSDE.ornsteinUhlenbeck, score: mixtureScore, form: .score),
            integrator: .posteriorBridge, timeGrid: TimeGrid(times: [1, 0]))
        #expect(throws: SamplerError.self) { try sampler.validate() }
        let finite = FiniteDatasetScore(data: Self.trainingPoints, dimension: 1)
        let flow = ParticleSampler(
            dynamics: .probabilityFlow(process: LinearSDE.ornsteinUhlenbeck, score: finite),
            integrator: .posteriorBridge, timeGrid: TimeGrid(times: [1, 0]))
        #expect(throws: SamplerError.self) { try flow.validate() }
    }
}

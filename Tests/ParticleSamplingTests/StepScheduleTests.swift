import DiffusionModels
import Foundation
import RandomStreams
import Scores
import Testing

@testable import ParticleSampling

/// The schedules against their definitions written out again for OU and VP (closed forms of lambda, not
/// `LinearSDE.logSignalToNoise`).
@Suite struct StepScheduleTests {
    /// OU: m^2 / v = e^(-2t) / (1 - e^(-2t)), so lambda = -log(e^(2t) - 1) and sigma = sqrt(e^(2t) - 1).
    static func ornsteinUhlenbeckLevel(_ time: Double) -> Double { -log(expm1(2 * time)) }

    @Test func logSignalToNoiseStepsAreEqual() {
        let grid = StepSchedule.logSNR.timeGrid(model: .ornsteinUhlenbeck, from: 1, to: 1e-3, steps: 20)
        let levels = grid.times.map(Self.ornsteinUhlenbeckLevel)
        let expected = (levels[20] - levels[0]) / 20
        for index in 0..<20 { #expect(abs(levels[index + 1] - levels[index] - expected) < 1e-9) }
    }

    @Test func edmStepsAreEqualInTheSeventhRootOfSigma() {
        let grid = StepSchedule.edm.timeGrid(model: .ornsteinUhlenbeck, from: 2, to: 1e-3, steps: 16)
        let roots = grid.times.map { pow(expm1(2 * $0).squareRoot(), 1.0 / 7) }
        let expected = (roots[16] - roots[0]) / 16
        for index in 0..<16 { #expect(abs(roots[index + 1] - roots[index] - expected) < 1e-10) }
    }

    @Test func ddpmIsUniformForVariancePreservingAndQuadraticForOrnsteinUhlenbeck() {
        let vp = StepSchedule.ddpm.timeGrid(model: .variancePreserving(), from: 1, to: 1e-3, steps: 10)
        for (index, time) in vp.times.enumerated() {
            #expect(abs(time - (1 - Double(index) * (1 - 1e-3) / 10)) < 1e-9)
        }
        // OU at time t has VP's lambda at tau with B(tau) = 0.1 tau + 9.95 tau^2 = 2 t: tau uniform.
        let ou = StepSchedule.ddpm.timeGrid(model: .ornsteinUhlenbeck, from: 1, to: 1e-3, steps: 10)
        let taus = ou.times.map { (-0.1 + (0.01 + 4 * 9.95 * 2 * $0).squareRoot()) / (2 * 9.95) }
        for index in 0..<10 { #expect(abs(taus[index + 1] - taus[index] - (taus[10] - taus[0]) / 10) < 1e-9) }
    }

    @Test func everyScheduleDecreasesFromTheHorizonToTheLastTime() {
        for model in [LinearSDE.ornsteinUhlenbeck, .variancePreserving(), .varianceExploding()] {
            for schedule in StepSchedule.allCases {
                let grid = schedule.timeGrid(model: model, from: 0.9, to: 1e-4, steps: 50)
                #expect(grid.times.count == 51)
                #expect(grid.times.first == 0.9 && grid.times.last == 1e-4)
                #expect(zip(grid.times, grid.times.dropFirst()).allSatisfy { $0.1 < $0.0 }, "\(schedule) \(model.name)")
            }
        }
    }
}

/// The Langevin corrector on a Gaussian target N(0, S): with the block's mean norms |z| and |s| = |x| / S the step
/// is e = 2 r^2 S (|z| / (|x| / sqrt S))^2 ~ 2 r^2 S, and x' = (1 - e / S) x + sqrt(2 e) z has the stationary variance
/// 2 e / (1 - (1 - e / S)^2) = S / (1 - e / (2 S)) = S / (1 - r^2): the bias of a fixed-step Langevin chain.
@Suite struct LangevinCorrectorTests {
    @Test func correctorSettlesAtTheFixedStepVariance() throws {
        let (time, count, ratio) = (0.5, 200_000, 0.3)
        let model = LinearSDE.ornsteinUhlenbeck
        let mixture = GaussianMixture(components: [.init(weight: 1, mean: [0], standardDeviations: [0.5])])
        let variance = exp(-2 * time) * 0.25 + 1 - exp(-2 * time)
        var generator = Xoshiro256StarStar(seed: 3)
        var points = (0..<count).map { _ in Ziggurat.normal(using: &generator) * variance.squareRoot() }
        let scores = UnsafeMutableBufferPointer<Double>.allocate(capacity: count)
        let noise = UnsafeMutableBufferPointer<Double>.allocate(capacity: count)
        defer {
            scores.deallocate()
            noise.deallocate()
        }
        points.withUnsafeMutableBufferPointer { buffer in
            BlockIntegrator.correct(
                buffer.baseAddress!, count: count, dimension: 1, time: time,
                corrector: LangevinCorrector(steps: 60, signalToNoise: ratio), scale: 1,
                score: ExactMixtureScore(mixture: mixture, model: model), scores: scores, noise: noise,
                normals: Ziggurat.table, generator: &generator)
        }
        let measured = points.reduce(0) { $0 + $1 * $1 } / Double(count)
        let expected = variance / (1 - ratio * ratio)
        // The sample variance of n normals has SE var sqrt(2 / n); 60 updates contract the start's offset by
        // (1 - 2 r^2)^120 ~ 1e-6.
        let standardError = expected * (2 / Double(count)).squareRoot()
        #expect(abs(measured - expected) < 4 * standardError, "\(measured) against \(expected)")
        #expect(abs(measured - variance) > 20 * standardError)
    }

    @Test func predictorCorrectorNeedsAScoreAndAPositiveRatio() {
        let forward = ParticleSampler(
            dynamics: .forward(LinearSDE.ornsteinUhlenbeck), integrator: .eulerMaruyama,
            timeGrid: .uniform(from: 0, to: 1, steps: 4), corrector: LangevinCorrector())
        #expect(throws: SamplerError.self) { try forward.validate() }
        let mixture = GaussianMixture.paperOneDimensional
        let score = ExactMixtureScore(mixture: mixture, model: .ornsteinUhlenbeck)
        let zero = ParticleSampler(
            dynamics: .reverseSDE(process: LinearSDE.ornsteinUhlenbeck, score: score, form: .score),
            integrator: .eulerMaruyama, timeGrid: .uniform(from: 1, to: 0.01, steps: 4),
            corrector: LangevinCorrector(steps: 1, signalToNoise: 0))
        #expect(throws: SamplerError.self) { try zero.validate() }
    }

    @Test func predictorCorrectorDoesNotDependOnTheThreadCount() throws {
        let mixture = GaussianMixture.paperOneDimensional
        let score = ExactMixtureScore(mixture: mixture, model: .ornsteinUhlenbeck)
        func run(_ threads: Int) throws -> [Double] {
            try ParticleSampler(
                dynamics: .reverseSDE(process: LinearSDE.ornsteinUhlenbeck, score: score, form: .score),
                integrator: .eulerMaruyama, timeGrid: .geometric(from: 1, to: 0.01, steps: 8), seed: 5,
                threads: threads, blockSize: 256, corrector: LangevinCorrector(steps: 2, signalToNoise: 0.16)
            ).run(initial: .mixture(mixture.evolved(under: .ornsteinUhlenbeck, to: 1)), count: 3000).positions
        }
        #expect(try run(1) == run(2))
    }
}

import DataFiles
import Datasets
import Foundation
import ParticleSampling
import SampleStatistics
import Testing

@testable import Memorization

/// The exact-score experiments on the 1-D data {0, 2, 2.5} (THEORY §5, §7).
@Suite struct ExactScoreTests {
    static let data = PointSet(points: [0, 2, 2.5], dimension: 1)

    /// Bridge update, start N(0, 1), T = 1, 1000 uniform steps: the last step returns <X0>, one-hot up to
    /// e^(-0.25 / (4e-3)) ~ e^-62, so at least 99.9 % of 10 000 ends lie within 1e-3 of a training point.
    /// Euler–Maruyama on the same grid leaves sqrt(2 h) of noise (h = 1e-3): its RMS distance to the data is
    /// sqrt(2 h) (1 + O(h)) (RMS estimate's relative SE about 0.7 %: tolerance 5 %), and few ends are within 1e-3
    /// (P(|N(0, 2h)| < 1e-3) = 0.018); 3000 runs for Euler–Maruyama (RMS relative SE about 1.3 %).
    @Test func bridgeMemorizesAndEulerMaruyamaSpreads() throws {
        let setup = FiniteDataSetup(training: Self.data, horizon: 1, seed: 3, threads: 2)
        let bridge = try MemorizationStudy(setup: setup, count: 10_000, threshold: 1e-3).measure(
            integrator: .ddpm, steps: 1000)
        #expect(bridge.status == .completed)
        #expect(bridge.memorizedFraction >= 0.999, "bridge memorized \(bridge.memorizedFraction)")
        let study = MemorizationStudy(setup: setup, count: 3000, threshold: 1e-3)
        let euler = try study.measure(integrator: .eulerMaruyama, steps: 1000)
        #expect(
            abs(euler.rootMeanSquareDistance / euler.predictedSpread - 1) < 0.05,
            "RMS \(euler.rootMeanSquareDistance) against sqrt(2h) = \(euler.predictedSpread)")
        #expect(euler.memorizedFraction < 0.05)
        #expect(euler.stabilityRatio < 1)
        // A smaller final step shrinks the spread as sqrt(h_last): 100x smaller h, 10x smaller RMS (within 10 %).
        let refined = try study.measure(integrator: .eulerMaruyama, steps: 1000, finalStepSize: 1e-5)
        #expect(abs(refined.rootMeanSquareDistance / refined.predictedSpread - 1) < 0.1)
        #expect(abs(euler.rootMeanSquareDistance / refined.rootMeanSquareDistance - 10) < 1)
    }

    /// The stability ratio max h / (2 tanh t): T = 8, two steps of 4 to t = 1e-3, then one to 0, gives
    /// 4 / (2 tanh 8) at t = 8, beyond Euler–Maruyama's limit (its linear factor 1 - h coth t is -3 there). The
    /// exact score's pull in the last step (h coth t = 1 at t = h) still puts the ends within sqrt(2 h_last) of the
    /// data, and the bridge on the same grid ends on training points.
    @Test func stabilityRatioAndTheLastStep() throws {
        let study = MemorizationStudy(
            setup: FiniteDataSetup(training: Self.data, horizon: 8, seed: 4), count: 2000, threshold: 1e-3)
        let euler = try study.measure(integrator: .eulerMaruyama, steps: 3, finalStepSize: 1e-3)
        let bridge = try study.measure(integrator: .ddpm, steps: 3, finalStepSize: 1e-3)
        let step = (8 - 1e-3) / 2
        #expect(abs(euler.stabilityRatio - max(step / (2 * tanh(8)), step / (2 * tanh(8 - step)))) < 1e-12)
        #expect(euler.stabilityRatio > 1.9)
        #expect(abs(euler.rootMeanSquareDistance / euler.predictedSpread - 1) < 0.1)
        #expect(bridge.memorizedFraction >= 0.99)
    }

    /// Start rho_T: the prediction (quadrature) is the uniform 1/N to quadrature accuracy, and the frequencies pass
    /// the chi-square test against 1/N.
    @Test func startFromRhoTGivesUniformFrequencies() throws {
        let setup = FiniteDataSetup(training: Self.data, horizon: 1, startLaw: .rhoT, seed: 6, threads: 2)
        let frequencies = try EndpointFrequencyStudy(setup: setup, count: 8000, steps: 1000, threshold: 1e-3).run()
        #expect(frequencies.prediction.probabilities.allSatisfy { abs($0 - 1.0 / 3) < 1e-8 })
        #expect(
            frequencies.chiSquare.pValue > 0.01,
            "p \(frequencies.chiSquare.pValue), frequencies \(frequencies.frequencies)")
        // Monte Carlo prediction (the d >= 2 path) on the same data embedded in 2-D agrees with quadrature within 4 SE.
        let planar = FiniteDataSetup(
            training: PointSet(points: [0, 0, 2, 0, 2.5, 0], dimension: 2), horizon: 1, startLaw: .gaussian, seed: 6)
        let monteCarlo = EndpointPrediction(setup: planar, samples: 40_000)
        let quadrature = EndpointPrediction(
            setup: FiniteDataSetup(training: Self.data, horizon: 1, startLaw: .gaussian, seed: 6))
        for index in 0..<3 {
            #expect(
                abs(monteCarlo.probabilities[index] - quadrature.probabilities[index]) < 4
                    * monteCarlo.standardErrors[index])
        }
    }

    /// Same seed, same ends with 1 and 2 threads (2500 particles: three blocks).
    @Test func sameSeedSameEndsForOneAndTwoThreads() throws {
        let ends = try [1, 2].map { threads in
            let setup = FiniteDataSetup(training: Self.data, horizon: 1, startLaw: .rhoT, seed: 8, threads: threads)
            return try setup.reverseRun(
                score: setup.exactScore, integrator: .ddpm, timeGrid: .uniform(from: 1, to: 0, steps: 50),
                start: setup.startPoints(count: 2500)
            ).positions
        }
        #expect(ends[0] == ends[1])
    }

    /// The bridge grids written out again: uniform t_k = T (1 − k / K); geometric t_k = T (1e-5 / T)^(k / (K − 1))
    /// for k < K and t_K = 0 (ratios within 1e-12 relative: pow's round-off compounded over K steps is far below);
    /// a given final step replaces 1e-5; K = 1 is the one step [T, 0].
    @Test func bridgeTimeGridsResolveTheLastStep() throws {
        let setup = FiniteDataSetup(training: Self.data, horizon: 5)
        let uniform = setup.bridgeTimeGrid(steps: 1000, schedule: .uniform, finalStepSize: nil).times
        #expect(uniform.count == 1001)
        #expect((0...1000).allSatisfy { abs(uniform[$0] - 5 * (1 - Double($0) / 1000)) <= 1e-12 })
        for (final, expectedLast) in [(nil, 1e-5), (Optional(1e-3), 1e-3)] {
            let geometric = setup.bridgeTimeGrid(steps: 1000, schedule: .geometric, finalStepSize: final).times
            #expect(geometric.count == 1001 && geometric[0] == 5 && geometric[1000] == 0)
            #expect(abs(geometric[999] - expectedLast) <= 1e-12 * expectedLast)
            let written = (0..<1000).map { 5 * pow(expectedLast / 5, Double($0) / 999) }
            #expect(zip(geometric, written).allSatisfy { abs($0 - $1) <= 1e-12 * $1 })
        }
        #expect(setup.bridgeTimeGrid(steps: 1, schedule: .geometric, finalStepSize: nil).times == [5, 0])
        #expect(FiniteDataSetup.resolvedFinalStepSize == 1e-5)
    }
}

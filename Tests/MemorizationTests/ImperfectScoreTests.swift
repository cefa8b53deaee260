import Datasets
import Foundation
import ParticleSampling
import Testing

@testable import Memorization

@Suite struct ImperfectScoreTests {
    /// The score error of a constant bias b is exactly |b|^2 d per unit time (THEORY §6: the loss rises by
    /// E|delta|^2), so its integral over [t_low, T] is 2 b^2 (T - t_low) in 2-D, with zero Monte Carlo error.
    /// For the noisy score it is level^2 E|s|^2 > 0; for the exact score 0.
    @Test func scoreErrorOfAConstantBiasIsItsSquare() {
        let training = SwissRoll().sample(count: 50, seed: 1)
        let setup = FiniteDataSetup(training: training, seed: 2)
        let biased = ScoreError(
            score: GenerationMethod.biased(training, bias: 0.3).score, setup: setup, from: 1e-2, samples: 200)
        // Trapezoid of a constant is exact; the geometric grid ends at t_low and T.
        #expect(abs(biased.integral - 2 * 0.09 * (1 - 1e-2)) < 1e-12)
        #expect(ScoreError(score: setup.exactScore, setup: setup, from: 1e-2, samples: 200).integral == 0)
        #expect(
            ScoreError(
                score: GenerationMethod.noisy(training, level: 0.2).score, setup: setup, from: 1e-2, samples: 200
            ).integral > 0)
    }

}

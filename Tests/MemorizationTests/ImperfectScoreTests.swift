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

    /// Swiss roll, 200 training points, 2000 samples, bridge steps down to t = 1e-9 then 0: the exact score
    /// memorizes (novelty below 2 %); the smoothed score and early stopping produce clearly novel samples (novelty
    /// above 50 %, dozens of binomial SEs above the exact score's). A constant bias and a frozen multiplicative noise
    /// change <X0> = (x + v s) / m only by v(t_last) times their error, which vanishes with t_last: those samples
    /// stay memorized although their score error is larger (table (1) shows exactly this).
    @Test func imperfectScoresGeneralize() throws {
        let training = SwissRoll().sample(count: 200, seed: 21)
        let setup = FiniteDataSetup(training: training, seed: 22, threads: 2)
        let fresh = SwissRoll().sample(count: 1000, seed: 21, stream: 9)
        let study = ImperfectScoreStudy(
            setup: setup, count: 1000, steps: 150, threshold: 1e-3, freshData: fresh, isSwissRoll: true)
        let rows = try study.table([
            .exact(training), .smoothed(training, bandwidth: 0.05), .biased(training, bias: 0.5),
            .noisy(training, level: 0.3), .earlyStop(training, timeMinimum: 1e-3),
        ])
        for row in rows {
            print(
                row.name, row.scoreError.integral, row.scoreError.standardError, row.novelty.noveltyFraction,
                row.manifoldDistance!.mean, row.slicedWasserstein!, row.coverage!)
        }
        let exact = rows[0]
        #expect(exact.novelty.noveltyFraction < 0.02)
        #expect(exact.scoreError.integral == 0)
        for row in [rows[1], rows[4]] {
            #expect(row.novelty.noveltyFraction > 0.5, "\(row.name): novelty \(row.novelty.noveltyFraction)")
            #expect(
                row.novelty.noveltyFraction > exact.novelty.noveltyFraction + 10 * row.novelty.fractionStandardError)
        }
        #expect(rows[1].scoreError.integral > 0 && rows[3].scoreError.integral > 0)
        #expect(rows[2].novelty.noveltyFraction < 0.02 && rows[3].novelty.noveltyFraction < 0.02)
        // Memorized samples sit on the roll; the smoothed ones spread about it by about the bandwidth.
        #expect(exact.manifoldDistance!.mean < 1e-3)
        #expect(rows[1].manifoldDistance!.mean > 0.01)
        #expect(exact.coverage! > 0.9)
    }
}

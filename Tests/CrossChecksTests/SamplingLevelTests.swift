import Foundation
import GridFields
import RandomStreams
import Testing

@testable import CrossChecks

/// The expected total variation of a multinomial histogram (`MultinomialSamplingLevel`) against direct sums and a
/// Monte Carlo of histograms.
@Suite struct SamplingLevelTests {
    /// de Moivre's closed form for E|n - M p| equals the sum over the binomial probabilities.
    @Test(arguments: [(7, 0.3), (50, 0.013), (1000, 0.2), (1, 0.6), (400, 0.999)])
    func binomialMeanAbsoluteDeviationIsExact(trials: Int, probability: Double) {
        var direct = 0.0
        for successes in 0...trials {
            let logProbability =
                lgamma(Double(trials) + 1) - lgamma(Double(successes) + 1) - lgamma(Double(trials - successes) + 1)
                + Double(successes) * log(probability) + Double(trials - successes) * log1p(-probability)
            direct += exp(logProbability) * abs(Double(successes) - Double(trials) * probability)
        }
        let closedForm = MultinomialSamplingLevel.binomialMeanAbsoluteDeviation(
            trials: trials, probability: probability)
        #expect(abs(closedForm - direct) <= 1e-12 * max(direct, 1), "closed form \(closedForm), sum \(direct)")
    }

    /// Bins of a discretized two-bump density with many nearly empty tail bins, and a histogram of M draws.
    static let binMasses: [Double] = {
        let raw = (0..<60).map { index -> Double in
            let x = -6 + (Double(index) + 0.5) * 0.2
            return 0.3 * exp(-0.5 * (x + 2) * (x + 2) / 0.09) / 0.3 + 0.7 * exp(-0.5 * (x - 1.5) * (x - 1.5))
        }
        let total = raw.reduce(0, +)
        return raw.map { $0 / total }
    }()

    static func multinomialTotalVariation(masses: [Double], count: Int, using generator: inout Xoshiro256StarStar)
        -> Double
    {
        var cumulative: [Double] = []
        var running = 0.0
        for mass in masses {
            running += mass
            cumulative.append(running)
        }
        var counts = [Int](repeating: 0, count: masses.count)
        for _ in 0..<count {
            let uniform = generator.nextUniform() * running
            var low = 0
            var high = masses.count - 1
            while low < high {
                let middle = (low + high) / 2
                if cumulative[middle] > uniform { high = middle } else { low = middle + 1 }
            }
            counts[low] += 1
        }
        return 0.5 * zip(counts, masses).reduce(0) { $0 + abs(Double($1.0) / Double(count) - $1.1 / running) }
    }

    /// Over 4000 simulated histograms (seed 3), the mean TV lies within 4 Monte Carlo standard errors of E TV (exact),
    /// and the predicted standard error is at most 2 % below the measured spread of the TVs (the relative standard
    /// error of a sample standard deviation from 4000 draws is about 1/sqrt(2 * 4000) = 1.1 %) and at most 5 % above
    /// it at M = 3000, 15 % at M = 30: the normal approximation of the covariance terms errs on the safe side when
    /// bins hold less than one particle (measured: 2.7 % and 12.6 % above). M = 30 has most bins below one expected
    /// particle, where E TV is far from the normal approximation's sum of sqrt(2 p / (pi M)); M = 3000 has most above.
    @Test(arguments: [30, 3000])
    func expectedTotalVariationMatchesMonteCarlo(particleCount: Int) {
        let replicates = 4000
        var generator = Xoshiro256StarStar(seed: 3, stream: UInt64(particleCount))
        let samples = (0..<replicates).map { _ in
            Self.multinomialTotalVariation(masses: Self.binMasses, count: particleCount, using: &generator)
        }
        let mean = samples.reduce(0, +) / Double(replicates)
        let spread = (samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(replicates - 1)).squareRoot()
        let level = MultinomialSamplingLevel(binMasses: Self.binMasses, particleCount: particleCount)
        let monteCarloError = spread / Double(replicates).squareRoot()
        #expect(
            abs(mean - level.expectedTotalVariation) <= 4 * monteCarloError,
            "mean TV \(mean) against E TV \(level.expectedTotalVariation) (MC SE \(monteCarloError))")
        let ratio = spread / level.totalVariationStandardError
        #expect(
            ratio <= 1.02 && ratio >= (particleCount < 100 ? 0.85 : 0.95),
            "spread \(spread) against SE \(level.totalVariationStandardError)")
        // The normal approximation alone would be wrong at M = 30 (a check that the comparison can fail).
        let normalApproximation =
            0.5
            * Self.binMasses.reduce(0) { $0 + (2 * $1 * (1 - $1) / (Double.pi * Double(particleCount))).squareRoot() }
        if particleCount == 30 { #expect(abs(mean - normalApproximation) > 10 * monteCarloError) }
    }

    /// The fit of a common slope with one intercept per group recovers -1/2 from exact power laws with different
    /// prefactors, and nil without two particle counts.
    @Test func decayFitRecoversTheSlope() throws {
        let counts = [1000, 10_000, 100_000]
        let groups = [3.0, 0.2].map { prefactor in counts.map { ($0, prefactor * pow(Double($0), -0.5)) } }
        let exponent = try #require(DecayFit.exponent(groups: groups))
        #expect(abs(exponent + 0.5) < 1e-12)
        #expect(DecayFit.exponent(groups: [[(1000, 0.1)]]) == nil)
    }
}

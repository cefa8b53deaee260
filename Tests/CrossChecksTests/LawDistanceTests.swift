import DiffusionModels
import Foundation
import ParticleSampling
import RandomStreams
import Scores
import Testing

@testable import CrossChecks

/// The law distances against closed forms: for N(d, 1) against N(0, 1),
/// int (F_d − F)^2 dx = E|X − Y| − (E|X − X'| + E|Y − Y'|) / 2 = E|N(d, 2)| − 2 / sqrt(pi), with
/// E|N(mu, s^2)| = s sqrt(2 / pi) e^(−mu^2 / (2 s^2)) + mu erf(mu / (s sqrt 2)); and W1 = W2 = d.
@Suite struct LawDistanceTests {
    static let standard = GaussianMixture(components: [.init(weight: 1, mean: [0], standardDeviations: [1])])

    static func squaredCramerOfShift(_ shift: Double) -> Double {
        let spread = 2.0.squareRoot()
        let meanAbsolute =
            spread * (2 / Double.pi).squareRoot() * exp(-shift * shift / 4) + shift * erf(shift / 2)
        return meanAbsolute - 2 / Double.pi.squareRoot()
    }

    @Test func quantileTransportOfAShiftGivesTheClosedForms() {
        let count = 20_000
        let shift = 0.1
        let exact = (0..<count).map { Self.standard.quantile((Double($0) + 0.5) / Double(count)) }
        let ends = exact.map { $0 + shift }
        let squared = LawDistance.squaredCramerFromQuantiles(ends: ends, law: Self.standard)
        let expected = Self.squaredCramerOfShift(shift)
        #expect(abs(squared / expected - 1) < 1e-4, "\(squared) against \(expected)")
        let distances = LawDistance.wasserstein(ends: ends, exactQuantiles: exact)
        #expect(abs(distances.first - shift) < 1e-12 && abs(distances.second - shift) < 1e-12)
    }

    /// Over 1600 independent batches of 500 draws: the mean estimate is 0 for exact draws and the closed form for
    /// shifted ones, within 4 SE of the mean; the estimate without its correction is biased by
    /// int F (1 − F) dx / n = 1 / (sqrt(pi) n) (the integral of Phi (1 − Phi), whatever the shift), about 11 SE.
    @Test func unbiasedEstimateHasNoSamplingBias() {
        let (batches, size) = (1600, 500)
        let quadrature = LawDistance.quadrature(for: Self.standard)
        var generator = Xoshiro256StarStar(seed: 11)
        for shift in [0.0, 0.2] {
            var estimates: [Double] = []
            var uncorrected: [Double] = []
            for _ in 0..<batches {
                let draws = (0..<size).map { _ in Ziggurat.normal(using: &generator) + shift }
                let estimate = LawDistance.unbiasedSquaredCramer(samples: draws[...], quadrature: quadrature)
                estimates.append(estimate)
                // The correction's own expectation, added back: int F_n (1 − F_n) / (n − 1) estimated the same way.
                let sorted = draws.sorted()
                var below = 0
                var correction = 0.0
                for (node, weight) in zip(quadrature.nodes, quadrature.weights) {
                    while below < size && sorted[below] <= node { below += 1 }
                    let empirical = Double(below) / Double(size)
                    correction += weight * empirical * (1 - empirical) / Double(size - 1)
                }
                uncorrected.append(estimate + correction)
            }
            let mean = estimates.reduce(0, +) / Double(batches)
            let spread = estimates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(batches - 1)
            let standardError = (spread / Double(batches)).squareRoot()
            let expected = Self.squaredCramerOfShift(shift)
            #expect(abs(mean - expected) < 4 * standardError, "shift \(shift): \(mean) against \(expected)")
            let biased = uncorrected.reduce(0, +) / Double(batches)
            let bias = 1 / (Double.pi.squareRoot() * Double(size))
            #expect(abs(biased - expected - bias) < 4 * standardError && bias > 8 * standardError)
        }
    }

    /// In 2-D the slice of N(d, I) along a unit e is N(e . d, 1) against N(0, 1): the sliced squared distance is
    /// the mean over the directions of the closed form of a shift by e . d. Over 400 batches of 500 draws the mean
    /// estimate meets it within 4 SE, for d = 0 (where it is 0) and d = (0.2, −0.1).
    @Test func slicedEstimateMeetsTheClosedFormOfAShift() {
        let (batches, size) = (400, 500)
        let directions = LawDistance.sliceDirections(count: 8)
        let planar = GaussianMixture(components: [.init(weight: 1, mean: [0, 0], standardDeviations: [1, 1])])
        let quadratures = directions.map { LawDistance.quadrature(for: planar.projected(onto: $0)) }
        var generator = Xoshiro256StarStar(seed: 12)
        for shift in [[0.0, 0.0], [0.2, -0.1]] {
            let estimates = (0..<batches).map { _ in
                let points = (0..<(2 * size)).map { Ziggurat.normal(using: &generator) + shift[$0 % 2] }
                return LawDistance.unbiasedSlicedSquaredCramer(
                    points: points[...], directions: directions, quadratures: quadratures)
            }
            let expected =
                directions.map { Self.squaredCramerOfShift($0[0] * shift[0] + $0[1] * shift[1]) }.reduce(0, +)
                / Double(directions.count)
            let mean = estimates.reduce(0, +) / Double(batches)
            let spread = estimates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(batches - 1)
            #expect(
                abs(mean - expected) < 4 * (spread / Double(batches)).squareRoot(), "\(shift): \(mean), \(expected)")
        }
        #expect(directions.count == 8 && abs(directions[2][0] - cos(Double.pi / 4)) < 1e-15)
    }

    /// A component N(mu, S) sliced along e = (cos θ, sin θ): mean e . mu, variance
    /// S11 cos² θ + 2 S12 cos θ sin θ + S22 sin² θ (written out here); the weights are kept.
    @Test func projectionOfAMixtureIsTheMixtureOfTheProjections() {
        let mixture = GaussianMixture.correlatedTwoDimensional
        for angle in [0.0, 0.7, 2.0] {
            let (c, s) = (cos(angle), sin(angle))
            let projected = mixture.projected(onto: [c, s])
            for (component, slice) in zip(mixture.components, projected.components) {
                let covariance = component.covariance
                let variance = covariance[0] * c * c + 2 * covariance[1] * c * s + covariance[3] * s * s
                #expect(slice.weight == component.weight)
                #expect(abs(slice.mean[0] - (component.mean[0] * c + component.mean[1] * s)) < 1e-15)
                #expect(abs(slice.covariance[0] - variance) < 1e-15)
            }
        }
    }

    /// The histogram's cells hold the exact masses (they sum to 1 with the outside bin, the outside 2e-6 by the
    /// quantiles' choice); exact draws of the paper's mixture give a TV within 4 SE of the multinomial level, and
    /// draws shifted by 0.05 stand far above it.
    @Test func histogramOfExactDrawsStandsAtTheSamplingLevel() {
        let law = GaussianMixture.paperOneDimensional
        let histogram = LawDistance.Histogram(law: law)
        #expect(abs(histogram.binMasses.reduce(0, +) - 1) < 1e-12)
        #expect(abs(histogram.binMasses.last! - 2e-6) < 1e-9)
        let count = 100_000
        var generator = Xoshiro256StarStar(seed: 13)
        let draws = law.sample(count: count, using: &generator)
        let level = MultinomialSamplingLevel(binMasses: histogram.binMasses, particleCount: count)
        #expect(abs(level.standardScore(of: histogram.totalVariation(of: draws))) < 4)
        #expect(level.standardScore(of: histogram.totalVariation(of: draws.map { $0 + 0.05 })) > 20)
    }

    /// Euler–Maruyama's exact scheme law for the paper's mixture under OU, geometric steps from 1 to 1e-3, against an
    /// independent numpy propagation (dense Gaussian kernels on 3000 and 6000 nodes over [−7, 7], scipy's normal
    /// pdf and cdf; the two grids agree to 8e-7): Cramér 0.0313898 at K = 16 and 0.0154747 at K = 32, W2 0.1134277
    /// at K = 16 (4000 quantile levels, linear interpolation of F_K). Bounds 5e-6 and 1e-5: five times the numpy
    /// grids' disagreement, and W2's interpolation. The same bits with one and two threads.
    @Test func schemeLawMatchesAnIndependentPropagation() {
        let model = LinearSDE.ornsteinUhlenbeck
        let mixture = GaussianMixture.paperOneDimensional
        let score = ExactMixtureScore(mixture: mixture, model: model)
        let (start, target) = (mixture.evolved(under: model, to: 1), mixture.evolved(under: model, to: 1e-3))
        let window = (start.quantile(1e-9) - 2)...(start.quantile(1 - 1e-9) + 2)
        for (steps, cramer) in [(16, 0.0313898), (32, 0.0154747)] {
            func law(_ threads: Int) -> SchemeLaw.Result {
                SchemeLaw(
                    sampler: .eulerMaruyama, process: model, score: score,
                    timeGrid: .geometric(from: 1, to: 1e-3, steps: steps), threads: threads
                ).propagate(from: start, window: window)
            }
            let result = law(2)
            let distances = result.distances(to: target)
            #expect(abs(distances.squaredCramer.squareRoot() - cramer) < 5e-6, "K = \(steps)")
            if steps == 16 { #expect(abs(distances.wasserstein2 - 0.1134277) < 1e-5) }
            #expect(result.resolution >= SchemeLaw.resolutionFloor && result.lostMass < SchemeLaw.lostMassLimit)
            #expect(result.density == law(1).density)
        }
    }

    @Test func mixtureDistributionFunctionIsTheIntegralOfItsDensity() {
        let mixture = GaussianMixture.paperOneDimensional
        // Trapezoid of the density written out (0.3 N(-2, 0.2^2) + 0.7 N(1.5, 0.5^2)) from -8 to x.
        func density(_ x: Double) -> Double {
            0.3 * exp(-0.5 * pow((x + 2) / 0.2, 2)) / (0.2 * (2 * Double.pi).squareRoot())
                + 0.7 * exp(-0.5 * pow((x - 1.5) / 0.5, 2)) / (0.5 * (2 * Double.pi).squareRoot())
        }
        for x in [-2.5, -2.0, -1.0, 0.0, 1.5, 2.7] {
            let count = 200_000
            let width = (x + 8) / Double(count)
            var integral = 0.5 * (density(-8) + density(x))
            for index in 1..<count { integral += density(-8 + width * Double(index)) }
            integral *= width
            #expect(abs(mixture.cumulativeProbability(at: x) - integral) < 1e-9, "x = \(x)")
            let probability = mixture.cumulativeProbability(at: x)
            // Q is exact to the resolution of F: an ulp of F over the density (1.4e-11 at x = −1, between the modes).
            #expect(abs(mixture.quantile(probability) - x) < 4 * probability.ulp / density(x))
        }
    }
}

/// The study on a small problem: deterministic samplers at their declared orders, and stochastic runs that do not
/// depend on the thread count.
@Suite struct SamplerOrderStudyTests {
    @Test func probabilityFlowSamplersShowTheirOrders() throws {
        let study = SamplerOrderStudy(
            mixture: .paperOneDimensional, model: .ornsteinUhlenbeck, samplers: [.ddim, .heun],
            schedules: [.logSNR], stepCounts: [32, 64, 128], quantileCount: 400)
        let fits = try study.run().fits
        #expect(abs(fits[0].order! - 1) < 0.05, "ddim \(fits[0].order!)")
        #expect(abs(fits[1].order! - 2) < 0.1, "heun \(fits[1].order!)")
    }

    /// In 2-D (the correlated mixture under OU, T = 1 to 1e-3, 200 000 draws, 8 slices) Euler–Maruyama's sliced
    /// distance falls at order 1 over K = 8, 16, 32: the fit within 4 SE + 0.15 of 1 (the 1-D claim's pre-asymptotic
    /// allowance for a first-order sampler at these K, 2 max |ℓ_DDIM − 1|, is below 0.1).
    @Test func slicedDistanceShowsEulerMaruyamasOrderInTwoDimensions() throws {
        let study = SamplerOrderStudy(
            mixture: .correlatedTwoDimensional, model: .ornsteinUhlenbeck, samplers: [.eulerMaruyama],
            schedules: [.geometric], stepCounts: [8, 16, 32], particleCount: 200_000, sliceCount: 8, threads: 2)
        let fit = try #require(try study.run().fits.first)
        let order = try #require(fit.order)
        #expect(
            abs(order - 1) < 4 * (fit.orderStandardError ?? .infinity) + 0.15,
            "\(order) ± \(fit.orderStandardError ?? .nan)")
        #expect(fit.stepCounts == [8, 16, 32])
    }

    @Test func stochasticRunsDoNotDependOnTheThreadCount() throws {
        func errors(_ threads: Int) throws -> [Double?] {
            try SamplerOrderStudy(
                mixture: .paperOneDimensional, model: .ornsteinUhlenbeck, samplers: [.predictorCorrector, .ddpm],
                schedules: [.edm], stepCounts: [4, 8], particleCount: 4000, batchCount: 4, threads: threads
            ).run().measurements.map(\.squaredCramer)
        }
        #expect(try errors(1) == errors(2))
    }
}

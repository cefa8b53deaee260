import DiffusionModels
import Foundation
import RandomStreams
import Scores
import Testing

@testable import ParticleSampling

/// The exponential integrator of the reverse SDE: its weight W(s, t) = ∫_s^t g(u)² / m(s, u) du against a composite
/// Simpson rule of the definition written out here (m from the model's f by its own Simpson rule), and one step's law
/// for a Gaussian datum against the closed form of the update.
@Suite struct ExponentialIntegratorTests {
    static let models: [LinearSDE] = [
        .ornsteinUhlenbeck, .variancePreserving(), .varianceExploding(), .subVariancePreserving(), .cosine(), .edm,
        .tabulated(NoiseScheduleTable(quantity: .beta, times: [0, 0.3, 1], values: [0.1, 4, 20])),
        .tabulated(NoiseScheduleTable(quantity: .sigma, times: [0, 0.4, 1], values: [0.01, 0.5, 2])),
    ]

    /// Simpson's rule with 1000 panels on each piece of [a, b] cut at the tables' knots 0.3 and 0.4 (where β has a
    /// kink and σ's g² a jump), so every piece integrates a smooth function.
    static func simpson(_ a: Double, _ b: Double, _ f: (Double) -> Double) -> Double {
        let cuts = [a] + [0.3, 0.4].filter { $0 > a && $0 < b } + [b]
        return zip(cuts, cuts.dropFirst()).reduce(0.0) { total, piece in
            let panels = 1000
            let width = (piece.1 - piece.0) / Double(panels)
            // The ends are taken 1e-12 inside the piece: the one-sided values at a knot (a shift of 1e-12 |f|).
            var sum = f(piece.0 + 1e-12) + f(piece.1 - 1e-12)
            for index in 1..<panels { sum += (index % 2 == 1 ? 4 : 2) * f(piece.0 + Double(index) * width) }
            return total + sum * width / 3
        }
    }

    /// Simpson's error is (b − a) h⁴ max|f⁗| / 180: on pieces of at most 0.2 with h ≤ 2e-4, below 1e-13 of the
    /// values for these coefficients (the inner integral's error enters m, hence W, at the same relative size); the
    /// bound 1e-9 relative is round-off of the closed forms' 1/m − 1 and the quadrature's nodes with room.
    @Test(arguments: models)
    func weightMatchesItsDefinition(model: LinearSDE) {
        for (start, end) in [(0.1, 0.3), (0.35, 0.55), (0.7, 0.9)] {
            let weight = model.frozenScoreWeight(from: start, to: end)
            let reference = Self.simpson(start, end) { u in
                let scale = exp(Self.simpson(start, u) { model.driftRate(at: $0) })
                return model.diffusionScale(at: u) * model.diffusionScale(at: u) / scale
            }
            #expect(abs(weight - reference) <= 1e-9 * abs(reference), "\(model.name) [\(start), \(end)]")
        }
    }

    /// One step from the exact law N(m μ, S) at t = 0.6 to t' = 0.35 for the datum N(0.7, 0.3²): with the linear
    /// score s = −(x − m μ) / S the update x' = x / m(t', t) + W s + sqrt(v(t', t)) / m(t', t) z is N(M', V') with
    /// M' = (1/m − W/S) m μ + W m μ / S and V' = (1/m − W/S)² S + v / m² (written out here). 400 000 particles:
    /// mean within 4 SE (sqrt(V'/n)), variance within 4 SE (V' sqrt(2/n)).
    @Test(arguments: [LinearSDE.ornsteinUhlenbeck, .variancePreserving(), .subVariancePreserving(), .edm])
    func oneStepHasTheClosedFormLaw(model: LinearSDE) throws {
        let (mu, sd, start, end, count) = (0.7, 0.3, 0.6, 0.35, 400_000)
        let datum = GaussianMixture(components: [.init(weight: 1, mean: [mu], standardDeviations: [sd])])
        let scale = model.meanScale(to: start)
        let spread = scale * scale * sd * sd + model.variance(to: start)
        let step = model.meanScale(from: end, to: start)
        let weight = model.frozenScoreWeight(from: end, to: start)
        let gain = 1 / step - weight / spread
        let expectedMean = gain * scale * mu + weight * scale * mu / spread
        let expectedVariance = gain * gain * spread + model.variance(from: end, to: start) / (step * step)
        let sampler = ParticleSampler(
            dynamics: .reverseSDE(
                process: model, score: ExactMixtureScore(mixture: datum, model: model), form: .score),
            integrator: .exponential, timeGrid: TimeGrid(times: [start, end]), seed: 11, threads: 2)
        let ends = try sampler.run(initial: .mixture(datum.evolved(under: model, to: start)), count: count).positions
        let mean = ends.reduce(0, +) / Double(count)
        let variance = ends.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(count - 1)
        #expect(abs(mean - expectedMean) <= 4 * (expectedVariance / Double(count)).squareRoot(), "\(model.name)")
        #expect(
            abs(variance - expectedVariance) <= 4 * expectedVariance * (2 / Double(count)).squareRoot(),
            "\(model.name): \(variance) against \(expectedVariance)")
    }

    /// The exponential step needs the reverse SDE of a linear model.
    @Test func exponentialNeedsTheReverseSDE() {
        let score = ExactMixtureScore(mixture: .paperOneDimensional, model: .ornsteinUhlenbeck)
        let flow = ParticleSampler(
            dynamics: .probabilityFlow(process: LinearSDE.ornsteinUhlenbeck, score: score), integrator: .exponential,
            timeGrid: .uniform(from: 1, to: 0.01, steps: 4))
        #expect(throws: SamplerError.self) { try flow.validate() }
    }
}

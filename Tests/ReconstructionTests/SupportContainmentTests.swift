import DiffusionModels
import Foundation
import GridFields
import ParticleSampling
import Testing

@testable import Reconstruction

/// Interval data 0.3·U[-2, -1] + 0.7·U[1, 2]: the exact score and the two routes to the h-reweighting prediction
/// (THEORY §4); the containment itself, grid and particles against that prediction, is the claim support-containment.
@Suite struct SupportContainmentTests {
    static let data = UniformIntervals.twoIntervals
    static let model = LinearSDE.ornsteinUhlenbeck

    /// The score against central differences of the exact log density (step 1e-5 relative to the posterior spread:
    /// truncation O(step^2), round-off O(1e-16 / step)), from t = 1e-3 to 2 and x from -9 to 9, far into the tails
    /// where a direct erf difference would cancel to 0; <X0> lies in [-2, 2] and rho_t integrates to 1.
    @Test func scoreMatchesFiniteDifferencesOfTheLogDensity() {
        var worst = 0.0
        for time in [1e-3, 0.01, 0.1, 0.5, 1, 2] {
            let spread = Self.model.variance(to: time).squareRoot()
            let step = 1e-5 * spread
            for x in stride(from: -9.0, through: 9.0, by: 0.37) {
                let difference =
                    (Self.data.logDensity(at: x + step, time: time, model: Self.model)
                        - Self.data.logDensity(at: x - step, time: time, model: Self.model)) / (2 * step)
                let score = Self.data.score(at: x, time: time, model: Self.model)
                #expect(score.isFinite)
                worst = max(worst, abs(score - difference) / max(1, abs(score)))
                let mean = Self.data.posteriorMean(at: x, time: time, model: Self.model)
                #expect(mean >= -2 && mean <= 2)
            }
            let grid = Grid(dimension: 1, points: 4096, halfWidth: 12)
            let mass = Self.data.field(on: grid, time: time, model: Self.model).integral
            #expect(abs(mass - 1) < 1e-6, "t = \(time): mass \(mass)")
        }
        #expect(worst < 1e-6, "largest relative gap score vs finite differences: \(worst)")
    }

    /// The h-reweighting prediction (h(x, 0) by an inner quadrature over y) and Bayes' form (gamma against the
    /// posterior piece probabilities at T) are two routes to the same numbers; both sum to 1.
    @Test func reweightingPredictionAgreesWithBayesForm() {
        let start: (Double) -> Double = SupportContainment.startDensity
        let prediction = ReweightingPrediction.pieceMasses(
            data: Self.data, model: Self.model, horizon: 1, startDensity: start)
        let bayes = ReweightingPrediction.pieceMassesByPosterior(
            data: Self.data, model: Self.model, horizon: 1, startDensity: start)
        #expect(abs(prediction.reduce(0, +) - 1) < 1e-9)
        for (first, second) in zip(prediction, bayes) {
            #expect(abs(first - second) < 1e-9, "\(prediction) vs \(bayes)")
        }
        // Started from rho_T itself, h = 1: the masses are the data's weights.
        let own = ReweightingPrediction.pieceMasses(data: Self.data, model: Self.model, horizon: 1) {
            Self.data.density(at: $0, time: 1, model: Self.model)
        }
        #expect(abs(own[0] - 0.3) < 1e-9 && abs(own[1] - 0.7) < 1e-9)
    }
}

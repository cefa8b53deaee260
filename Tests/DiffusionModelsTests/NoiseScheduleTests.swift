import Foundation
import Testing

@testable import DiffusionModels

/// sub-VP, cosine, EDM and the tables (THEORY §12) against hand values, other models and the generic integration.
@Suite struct NoiseScheduleTests {
    static let models: [LinearSDE] = [
        .subVariancePreserving(), .cosine(), .cosine(betaClip: 20), .edm,
        .tabulated(NoiseScheduleTable(quantity: .beta, times: [0, 0.3, 1], values: [0.1, 4, 20])),
        .tabulated(NoiseScheduleTable(quantity: .sigma, times: [0, 0.4, 1], values: [0.01, 0.5, 2])),
    ]

    /// The Chapman–Kolmogorov composition of a linear SDE's transitions: m(0, t) = m(0, s) m(s, t) and
    /// v(0, t) = m(s, t)² v(0, s) + v(s, t), which every closed form must satisfy whatever its derivation.
    @Test(arguments: models)
    func transitionsCompose(model: LinearSDE) {
        for (start, end) in [(0.1, 0.5), (0.3, 0.95), (0.5, 0.999)] {
            let scale = model.meanScale(from: start, to: end)
            #expect(
                relativeDifference(model.meanScale(to: end), model.meanScale(to: start) * scale) < 1e-13,
                "\(model.name) m")
            let composed = scale * scale * model.variance(to: start) + model.variance(from: start, to: end)
            #expect(relativeDifference(model.variance(to: end), composed) < 1e-13, "\(model.name) v")
        }
    }

    /// m and v against the generic RK4 integration of the model's own f and g (smooth pieces only: RK4 on 2000
    /// steps across a kink would be first order there).
    @Test func smoothModelsMatchNumericalIntegration() {
        let cases: [(LinearSDE, Double)] = [(.subVariancePreserving(), 1), (.edm, 2), (.cosine(betaClip: 20), 0.9)]
        for (model, time) in cases {
            let numerical = LinearSDE.custom(
                driftRate: { model.driftRate(at: $0) }, diffusionScale: { model.diffusionScale(at: $0) })
            #expect(
                relativeDifference(model.meanScale(to: time), numerical.meanScale(to: time)) < 1e-10, "\(model.name)")
            #expect(relativeDifference(model.variance(to: time), numerical.variance(to: time)) < 1e-10, "\(model.name)")
        }
    }

    @Test func subVariancePreservingHandValues() {
        let model = LinearSDE.subVariancePreserving()
        // B(1) = 0.1 + 19.9 / 2 = 10.05.
        #expect(relativeDifference(model.meanScale(to: 1), exp(-5.025)) < 1e-14)
        #expect(relativeDifference(model.variance(to: 1), pow(1 - exp(-10.05), 2)) < 1e-14)
        // g(0.5)² = beta(0.5) (1 - e^(-2 B(0.5))), beta(0.5) = 10.05, B(0.5) = 0.05 + 19.9/8 = 2.5375.
        let diffusion = model.diffusionScale(at: 0.5)
        #expect(relativeDifference(diffusion * diffusion, 10.05 * (1 - exp(-5.075))) < 1e-14)
        #expect(model.variance(to: 0.5) < LinearSDE.variancePreserving().variance(to: 0.5))
    }

    @Test func cosineFollowsItsDefinitionAndClip() {
        // Nichol and Dhariwal: abar(t) = cos²(u(t))/cos²(u(0)), u = (t + 0.008)/1.008 · π/2.
        let model = LinearSDE.cosine()
        for time in [0.1, 0.5, 0.9, 0.99] {
            let angle = { (t: Double) in (t + 0.008) / 1.008 * Double.pi / 2 }
            let alphaBar = pow(cos(angle(time)) / cos(angle(0)), 2)
            #expect(relativeDifference(pow(model.meanScale(to: time), 2), alphaBar) < 1e-12)
            #expect(relativeDifference(model.variance(to: time), 1 - alphaBar) < 1e-12)
        }
        // beta = 999 where tan(u) = 999 · 1.008 / π: t_c = 2 atan(320.54…) · 1.008/π − 0.008 = 0.99800 (to 1e-5).
        let clipTime = LinearSDE.cosineClipTime(offset: 0.008, betaClip: 999)
        #expect(abs(clipTime - 0.99800) < 1e-5)
        #expect(relativeDifference(model.beta(at: clipTime - 1e-12)!, 999) < 1e-6)
        #expect(model.beta(at: 1) == 999)
        // After the clip B grows by 999 per unit time.
        let increment = model.integratedBeta(from: clipTime, to: 1)!
        #expect(relativeDifference(increment, 999 * (1 - clipTime)) < 1e-12)
    }

    @Test func edmIsVarianceEqualToTimeSquared() {
        let model = LinearSDE.edm
        #expect(model.meanScale(to: 3) == 1)
        #expect(relativeDifference(model.variance(from: 1, to: 3), 8) < 1e-15)
        #expect(relativeDifference(model.diffusionScale(at: 2), 2) < 1e-15)
        #expect(model.isDriftFree && model.stationaryDistribution(dimension: 1) == nil)
    }

    @Test func constantBetaTableIsOrnsteinUhlenbeck() {
        // beta = 2 for all t: dX = -X dt + sqrt(2) dB.
        let table = LinearSDE.tabulated(NoiseScheduleTable(quantity: .beta, times: [0, 0.4, 1.5], values: [2, 2, 2]))
        for (start, end) in [(0.0, 0.3), (0.2, 1.1), (0.5, 2.0)] {
            #expect(relativeDifference(table.meanScale(from: start, to: end), exp(start - end)) < 1e-14)
            #expect(relativeDifference(table.variance(from: start, to: end), 1 - exp(-2 * (end - start))) < 1e-14)
        }
        #expect(table.isDriftTimeIndependent)
    }

    @Test func sigmaTableIntegratesTheSquareOfItsLine() {
        // sigma(t) = 0.5 + t: v(s, t) = (0.5 + t)² − (0.5 + s)², g² = 2 (0.5 + t).
        let model = LinearSDE.tabulated(
            NoiseScheduleTable(quantity: .sigma, times: [0, 0.5, 2], values: [0.5, 1, 2.5]))
        #expect(relativeDifference(model.variance(from: 0.2, to: 1.7), 2.2 * 2.2 - 0.7 * 0.7) < 1e-14)
        let diffusion = model.diffusionScale(at: 1.2)
        #expect(relativeDifference(diffusion * diffusion, 2 * 1.7) < 1e-14)
        #expect(model.meanScale(to: 1.5) == 1 && model.isDriftFree)
        // Past the last row sigma is held: no more variance, g = 0.
        #expect(model.variance(from: 2, to: 3) == 0 && model.diffusionScale(at: 2.5) == 0)
    }

    @Test func tablesStateTheRuleTheyBreak() {
        func problem(_ quantity: NoiseScheduleTable.Quantity, _ times: [Double], _ values: [Double]) -> String? {
            NoiseScheduleTable(quantity: quantity, times: times, values: values).validationProblem
        }
        #expect(problem(.beta, [0, 1], [0.1, 20]) == nil)
        #expect(problem(.beta, [0.1, 1], [0.1, 20]) == "the first time must be 0")
        #expect(problem(.beta, [0, 1, 1], [0.1, 20, 20]) == "times must increase strictly (row 3)")
        #expect(problem(.beta, [0, 1], [0.1, -1]) == "beta must be at least 0 (row 2)")
        #expect(problem(.sigma, [0, 1, 2], [0.1, 2, 1]) == "sigma must not decrease (row 3)")
        #expect(problem(.sigma, [0, .nan], [0.1, 2]) == "row 2 is not finite")
    }

}

import Foundation
import Testing

@testable import DiffusionModels

@Suite struct LinearSDETests {
    static let times: [Double] = [0.05, 0.3, 1, 2.5]

    /// The closed forms of THEORY §2 against the generic numerical integration of m and v.
    @Test(arguments: times)
    func closedFormsMatchNumericalIntegration(time: Double) {
        // VP and VE are defined on t in [0, 1].
        let models: [LinearSDE] =
            time <= 1
            ? [.ornsteinUhlenbeck, .variancePreserving(), .varianceExploding(sigmaMinimum: 0.1, sigmaMaximum: 3)]
            : [.ornsteinUhlenbeck]
        for model in models {
            let numerical = LinearSDE.custom(
                driftRate: { model.driftRate(at: $0) }, diffusionScale: { model.diffusionScale(at: $0) })
            // RK4 on 2000 steps: relative error about 1e-12 even for VP's fast beta.
            #expect(
                relativeDifference(model.meanScale(to: time), numerical.meanScale(to: time)) < 1e-11,
                "\(model.name) m(t)")
            #expect(
                relativeDifference(model.variance(to: time), numerical.variance(to: time)) < 1e-11, "\(model.name) v(t)"
            )
            #expect(
                relativeDifference(
                    model.integratedSquaredDiffusion(from: 0.2 * time, to: time),
                    numerical.integratedSquaredDiffusion(from: 0.2 * time, to: time)) < 1e-12, "\(model.name) int g^2")
        }
    }

    @Test func ornsteinUhlenbeckMarginals() {
        let model = LinearSDE.ornsteinUhlenbeck
        #expect(model.meanScale(to: 1) == exp(-1))
        #expect(relativeDifference(model.variance(to: 1), 1 - exp(-2)) < 1e-15)
        // 1 - e^-2u = 2 e^-u sinh u
        #expect(relativeDifference(model.variance(to: 0.37), 2 * exp(-0.37) * sinh(0.37)) < 1e-15)
        #expect(relativeDifference(model.variance(from: 0.4, to: 1.4), 1 - exp(-2)) < 1e-15)
    }

    /// VP is OU under the time change tau = B(t) / 2.
    @Test(arguments: times.filter { $0 <= 1 })
    func variancePreservingIsTimeChangedOrnsteinUhlenbeck(time: Double) {
        let variancePreserving = LinearSDE.variancePreserving(betaMinimum: 0.1, betaMaximum: 20)
        let changedTime = (0.1 * time + 0.5 * 19.9 * time * time) / 2
        let ornsteinUhlenbeck = LinearSDE.ornsteinUhlenbeck
        #expect(
            relativeDifference(variancePreserving.meanScale(to: time), ornsteinUhlenbeck.meanScale(to: changedTime))
                < 1e-14)
        #expect(
            relativeDifference(variancePreserving.variance(to: time), ornsteinUhlenbeck.variance(to: changedTime))
                < 1e-14)
    }

    @Test func varianceExplodingVarianceIsTheSigmaIncrement() {
        let model = LinearSDE.varianceExploding(sigmaMinimum: 0.01, sigmaMaximum: 50)
        let sigma = 0.01 * pow(5000, 0.6)
        #expect(relativeDifference(model.variance(to: 0.6), sigma * sigma - 1e-4) < 1e-13)
        #expect(model.meanScale(to: 0.6) == 1)
        #expect(model.isDriftFree)
    }

    /// The Mehler kernel in 1-D: p_t(x|y) = gamma(x) sum_n e^(-n t) He_n(x) He_n(y) / n!.
    @Test func mehlerKernelEqualsItsHermiteExpansion() {
        let model = LinearSDE.ornsteinUhlenbeck
        for (point, origin, time) in [(0.3, -1.2, 1.0), (1.7, 0.4, 0.5), (-2.0, 2.0, 2.0)] {
            var sum = 0.0
            var (previousX, currentX) = (0.0, 1.0) // He_-1 = 0, He_0 = 1
            var (previousY, currentY) = (0.0, 1.0)
            var factorial = 1.0
            for order in 0..<80 {
                sum += exp(-Double(order) * time) * currentX * currentY / factorial
                (previousX, currentX) = (currentX, point * currentX - Double(order) * previousX)
                (previousY, currentY) = (currentY, origin * currentY - Double(order) * previousY)
                factorial *= Double(order + 1)
            }
            let gaussian = exp(-point * point / 2) / (2 * Double.pi).squareRoot()
            #expect(
                relativeDifference(model.transitionDensity(at: [point], from: [origin], endTime: time), gaussian * sum)
                    < 1e-12)
        }
    }

    @Test func stationaryLaws() {
        #expect(LinearSDE.ornsteinUhlenbeck.stationaryDistribution(dimension: 2) == .standardNormal(dimension: 2))
        #expect(LinearSDE.variancePreserving().stationaryDistribution(dimension: 1) == .standardNormal(dimension: 1))
        #expect(LinearSDE.varianceExploding().stationaryDistribution(dimension: 1) == nil)
        // gamma is invariant: evolving it under OU leaves it unchanged.
        let evolved = GaussianMixture.standardNormal(dimension: 2).evolved(under: .ornsteinUhlenbeck, to: 0.7)
        #expect(
            relativeDifference(
                evolved.density(at: [0.3, -0.4]), GaussianMixture.standardNormal(dimension: 2).density(at: [0.3, -0.4]))
                < 1e-15)
    }
}

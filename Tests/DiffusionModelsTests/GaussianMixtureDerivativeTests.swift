import Foundation
import Testing

@testable import DiffusionModels

/// The Laplacian and Hessian quadratic forms of log rho against finite differences of `logDensity` and `score`
/// (computed by other code: log-sum-exp of the components, and the score's own sum), and against the closed form of
/// a single Gaussian.
///
/// Bounds. A central difference D(h) of step h has truncation error c h^2 + O(h^4), so
/// D(h) - D(h/2) = (3/4) c h^2 and the error of D(h/2) is about |D(h) - D(h/2)| / 3; the bound takes twice that
/// (room for the O(h^4) term). Round-off: each log-density or score carries a few ulps of its size (log-sum-exp, a
/// triangular solve), taken as 4 eps per value. The second difference of log rho divides 4 such values by h^2 per
/// axis: R2 = 16 d eps max(1, |log rho|) / h^2; the difference of scores along e divides 2 of them by 2 h:
/// R1 = 4 eps |e| max(1, |s|) / h. With h = 2e-4 (second differences, near the optimum eps^(1/4)) and h = 1e-4
/// (first differences) both parts are below 1e-5 of the values here, so a missing term of the formula (|s|^2 is 1 to
/// 100 at these points) cannot hide in the bound; the test also asserts the bound is that small.
@Suite struct GaussianMixtureDerivativeTests {
    static let oneDimensional = GaussianMixture.paperOneDimensional
    static let twoDimensional = GaussianMixture.correlatedTwoDimensional
    static let threeDimensional = GaussianMixture.correlatedThreeDimensional
    /// The 2-D mixture evolved under VP to t = 0.3 (the probability flow's law at an inner time).
    static let evolvedTwoDimensional = twoDimensional.evolved(under: .variancePreserving(), to: 0.3)

    static let cases: [(name: String, mixture: GaussianMixture, points: [[Double]])] = [
        ("1-D", oneDimensional, [[-2.3], [-1.0], [0.2], [1.5], [2.8]]),
        ("2-D", twoDimensional, [[-1.2, 0.4], [0.1, 0.1], [1.5, -0.9], [0.0, 1.5]]),
        ("2-D evolved", evolvedTwoDimensional, [[-0.5, 0.2], [0.4, -0.4], [1.0, 1.0]]),
        ("3-D", threeDimensional, [[0.2, 0.3, -0.4], [-1.0, 0.5, 0.2], [1.2, -0.8, 1.0]]),
    ]

    static let roundOffUnit = 4 * Double.ulpOfOne

    static func unit(_ axis: Int, _ dimension: Int) -> [Double] {
        (0..<dimension).map { $0 == axis ? 1 : 0 }
    }

    static func shifted(_ point: [Double], _ direction: [Double], _ step: Double) -> [Double] {
        zip(point, direction).map { $0 + step * $1 }
    }

    /// Sum over axes of the second central difference of log rho.
    static func laplacianByDifferences(_ mixture: GaussianMixture, _ point: [Double], step: Double) -> Double {
        let centre = mixture.logDensity(at: point)
        return (0..<point.count).reduce(0) { total, axis in
            let direction = unit(axis, point.count)
            let forward = mixture.logDensity(at: shifted(point, direction, step))
            let backward = mixture.logDensity(at: shifted(point, direction, -step))
            return total + (forward - 2 * centre + backward) / (step * step)
        }
    }

    /// e . (s(x + h e) - s(x - h e)) / (2 h).
    static func formByScoreDifferences(
        _ mixture: GaussianMixture, _ point: [Double], _ direction: [Double], step: Double
    )
        -> Double
    {
        let forward = mixture.score(at: shifted(point, direction, step))
        let backward = mixture.score(at: shifted(point, direction, -step))
        return zip(direction, zip(forward, backward)).reduce(0) { $0 + $1.0 * ($1.1.0 - $1.1.1) } / (2 * step)
    }

    @Test func laplacianMatchesSecondDifferencesOfLogDensity() {
        for (name, mixture, points) in Self.cases {
            let curvature = mixture.logDensityCurvature
            for point in points {
                let value = curvature.derivatives(at: point).laplacian
                let step = 2e-4
                let coarse = Self.laplacianByDifferences(mixture, point, step: step)
                let fine = Self.laplacianByDifferences(mixture, point, step: step / 2)
                let scale = max(1, abs(mixture.logDensity(at: point)))
                let roundOff = 4 * Double(point.count) * Self.roundOffUnit * scale / (step * step / 4)
                let bound = 2 * abs(coarse - fine) / 3 + roundOff
                #expect(bound < 1e-5 * max(1, abs(value)), "\(name) \(point): bound \(bound) too loose")
                #expect(abs(value - fine) < bound, "\(name) \(point): \(value) against \(fine), bound \(bound)")
                #expect(value == mixture.laplacianOfLogDensity(at: point))
            }
        }
    }

    @Test func hessianFormMatchesDifferencesOfTheScore() {
        var generator = SeededGenerator(seed: 5)
        for (name, mixture, points) in Self.cases {
            let curvature = mixture.logDensityCurvature
            for point in points {
                let directions =
                    (0..<3).map { _ in
                        (0..<point.count).map { _ in Double.random(in: -1.5...1.5, using: &generator) }
                    } + [Self.unit(0, point.count)]
                let forms = curvature.derivatives(at: point, directions: directions).hessianQuadraticForms
                for (direction, value) in zip(directions, forms) {
                    let step = 1e-4
                    let coarse = Self.formByScoreDifferences(mixture, point, direction, step: step)
                    let fine = Self.formByScoreDifferences(mixture, point, direction, step: step / 2)
                    let length = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
                    let scoreSize = max(1, mixture.score(at: point).reduce(0) { $0 + $1 * $1 }.squareRoot())
                    let roundOff = 2 * Self.roundOffUnit * length * length * scoreSize / (step / 2)
                    let bound = 2 * abs(coarse - fine) / 3 + roundOff
                    #expect(bound < 1e-5 * max(1, abs(value)), "\(name) \(point) \(direction): bound \(bound)")
                    #expect(abs(value - fine) < bound, "\(name) \(point) \(direction): \(value) against \(fine)")
                    #expect(value == mixture.hessianQuadraticForm(at: point, direction: direction))
                }
            }
        }
    }

    /// The Laplacian is the trace of the Hessian: the sum of the forms along the axes (same code path for the
    /// precision part, other arithmetic), to round-off.
    @Test func laplacianIsTheSumOfTheAxisForms() {
        for (name, mixture, points) in Self.cases {
            for point in points {
                let axes = (0..<point.count).map { Self.unit($0, point.count) }
                let derivatives = mixture.logDensityCurvature.derivatives(at: point, directions: axes)
                let trace = derivatives.hessianQuadraticForms.reduce(0, +)
                #expect(
                    abs(trace - derivatives.laplacian) < 1e-12 * max(1, abs(trace)),
                    "\(name) \(point): \(trace) against \(derivatives.laplacian)")
            }
        }
    }

    /// One Gaussian N(mu, Sigma): H = -Sigma^-1 everywhere, so Lap log rho = -tr Sigma^-1 and
    /// e^T H e = -e^T Sigma^-1 e, with the 2 x 2 inverse written out: Sigma^-1 = [[c, -b], [-b, a]] / (a c - b^2).
    @Test func singleGaussianHasTheConstantHessian() {
        let (a, b, c) = (0.8, 0.3, 0.5)
        let gaussian = GaussianMixture(components: [.init(weight: 1, mean: [0.4, -0.7], covariance: [a, b, b, c])])
        let determinant = a * c - b * b
        let inverse = [c / determinant, -b / determinant, -b / determinant, a / determinant]
        let direction = [0.6, -1.3]
        let expectedForm =
            -(inverse[0] * direction[0] * direction[0] + 2 * inverse[1] * direction[0] * direction[1]
            + inverse[3] * direction[1] * direction[1])
        for point in [[0.0, 0.0], [3.0, -2.0], [-10.0, 7.0]] {
            let derivatives = gaussian.logDensityCurvature.derivatives(at: point, directions: [direction])
            #expect(abs(derivatives.laplacian + inverse[0] + inverse[3]) < 1e-13)
            #expect(abs(derivatives.hessianQuadraticForms[0] - expectedForm) < 1e-13)
        }
    }
}

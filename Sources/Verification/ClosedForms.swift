import DiffusionModels
import Foundation
import GridFields

/// The marginals of the named models written out again from their definitions (THEORY §2), apart from
/// `LinearSDE`'s coefficient code that the solvers and samplers run: the claims compare with these.
///
/// For X_t = m(t) X_0 + v(t)^½ ε:
/// - OU, dX = −X dt + √2 dB: m = e^(−t), v = 1 − e^(−2t).
/// - VP, dX = −½ β(t) X dt + β(t)^½ dB with β(t) = β_min + t (β_max − β_min): in score_sde's form
///   (`VPSDE.marginal_prob`), log m = −¼ t² (β_max − β_min) − ½ t β_min; v is the definition
///   v(t) = ∫_0^t β(r) m(t)²/m(r)² dr integrated by composite Simpson on 32 768 panels (relative error below 1e-14
///   for these smooth integrands), not the closed form 1 − m², so the two routes check each other.
/// - VE, dX = (dσ²/dt)^½ dB with σ(t) = σ_min (σ_max/σ_min)^t: m = 1, v = σ(t)² − σ(0)² =
///   σ_min² ((σ_max/σ_min)^(2t) − 1). score_sde's `VESDE.marginal_prob` returns σ(t) itself as the standard
///   deviation (it treats X_0 as already perturbed by σ_min); fplab integrates its own SDE from X_0 = x_0, so its
///   variance is σ(t)² − σ_min², smaller by σ_min² (1e-4 at the defaults).
enum ClosedForms {
    static func ornsteinUhlenbeck(time: Double) -> (scale: Double, variance: Double) {
        (exp(-time), -expm1(-2 * time))
    }

    static func variancePreserving(time: Double, betaMinimum: Double, betaMaximum: Double) -> (
        scale: Double, variance: Double
    ) {
        func logScale(_ t: Double) -> Double { -0.25 * t * t * (betaMaximum - betaMinimum) - 0.5 * t * betaMinimum }
        let beta = { (r: Double) in betaMinimum + r * (betaMaximum - betaMinimum) }
        let variance = simpson(from: 0, to: time, panels: 32_768) { r in
            beta(r) * exp(2 * (logScale(time) - logScale(r)))
        }
        return (exp(logScale(time)), variance)
    }

    static func varianceExploding(time: Double, sigmaMinimum: Double, sigmaMaximum: Double) -> (
        scale: Double, variance: Double
    ) {
        (1, sigmaMinimum * sigmaMinimum * (pow(sigmaMaximum / sigmaMinimum, 2 * time) - 1))
    }

    /// Composite Simpson's rule on `panels` (even) panels.
    static func simpson(from start: Double, to end: Double, panels: Int, _ function: (Double) -> Double) -> Double {
        let width = (end - start) / Double(panels)
        var total = function(start) + function(end)
        for index in 1..<panels { total += (index % 2 == 1 ? 4 : 2) * function(start + Double(index) * width) }
        return total * width / 3
    }

    /// ρ_t(x) = Σ_k w_k N(x; m μ_k, m² Σ_k + v I) for a mixture with diagonal covariances, written out per axis.
    static func mixtureDensity(_ mixture: GaussianMixture, scale: Double, variance: Double, at point: [Double])
        -> Double
    {
        let dimension = mixture.dimension
        var total = 0.0
        for component in mixture.components {
            var exponent = 0.0
            var normalization = 1.0
            for axis in 0..<dimension {
                precondition(
                    (0..<dimension).allSatisfy { $0 == axis || component.covariance[axis * dimension + $0] == 0 },
                    "ClosedForms.mixtureDensity: diagonal covariances only")
                let spread = scale * scale * component.covariance[axis * dimension + axis] + variance
                let deviation = point[axis] - scale * component.mean[axis]
                exponent += deviation * deviation / (2 * spread)
                normalization *= (2 * Double.pi * spread).squareRoot()
            }
            total += component.weight * exp(-exponent) / normalization
        }
        return total
    }

    /// The mixture's marginal density on the grid's cell centres.
    static func mixtureField(_ mixture: GaussianMixture, scale: Double, variance: Double, on grid: Grid) -> Field {
        Field(grid: grid, sampling: { mixtureDensity(mixture, scale: scale, variance: variance, at: $0) })
    }

    /// The mixture's distribution function in 1-D, Σ_k w_k Φ((x − m μ_k) / (m² σ_k² + v)^½).
    static func mixtureDistribution(_ mixture: GaussianMixture, scale: Double, variance: Double, at x: Double) -> Double
    {
        mixture.components.reduce(0) { total, component in
            let spread = (scale * scale * component.covariance[0] + variance).squareRoot()
            return total + component.weight * 0.5 * erfc(-(x - scale * component.mean[0]) / (spread * 2.0.squareRoot()))
        }
    }
}

import Foundation
import RealModule

/// A linear forward SDE dX = f(t) X dt + g(t) dB, the family every diffusion model here belongs to.
///
/// Its law from X_s = y is Gaussian: X_t = m(s, t) y + sqrt(v(s, t)) eps with m(s, t) = exp(int_s^t f) and
/// v(s, t) = int_s^t g(r)^2 m(r, t)^2 dr. Closed forms for the named models (THEORY §2):
///
/// | model | f(t) | g(t)^2 | m(0, t) | v(0, t) |
/// |---|---|---|---|---|
/// | OU (the paper's) | -1 | 2 | e^-t | 1 - e^-2t |
/// | VP, beta = bmin + t (bmax - bmin) | -beta/2 | beta | e^(-B/2) | 1 - e^-B |
/// | VE, sigma = smin (smax/smin)^t | 0 | d sigma^2/dt | 1 | sigma^2 - smin^2 |
///
/// with B(t) = bmin t + (bmax - bmin) t^2 / 2. Custom models integrate m and v numerically (RK4 on 2000 steps,
/// about 1e-13 relative for smooth coefficients).
public struct LinearSDE: ForwardProcess {
    public enum Kind: Sendable {
        case ornsteinUhlenbeck
        case variancePreserving(betaMinimum: Double, betaMaximum: Double)
        case varianceExploding(sigmaMinimum: Double, sigmaMaximum: Double)
        case custom(name: String, driftRate: @Sendable (Double) -> Double, diffusionScale: @Sendable (Double) -> Double)
    }

    public let kind: Kind

    public init(kind: Kind) { self.kind = kind }

    /// The paper's process dX = -X dt + sqrt(2) dB; stationary law N(0, I).
    public static let ornsteinUhlenbeck = LinearSDE(kind: .ornsteinUhlenbeck)

    /// Variance-preserving SDE with linear beta on t in [0, 1] (defaults: the DDPM schedule).
    public static func variancePreserving(betaMinimum: Double = 0.1, betaMaximum: Double = 20) -> LinearSDE {
        LinearSDE(kind: .variancePreserving(betaMinimum: betaMinimum, betaMaximum: betaMaximum))
    }

    /// Variance-exploding SDE with geometric sigma on t in [0, 1] (defaults as in score_sde).
    public static func varianceExploding(sigmaMinimum: Double = 0.01, sigmaMaximum: Double = 50) -> LinearSDE {
        LinearSDE(kind: .varianceExploding(sigmaMinimum: sigmaMinimum, sigmaMaximum: sigmaMaximum))
    }

    /// Any dX = f(t) X dt + g(t) dB.
    public static func custom(
        name: String = "linear",
        driftRate: @escaping @Sendable (Double) -> Double,
        diffusionScale: @escaping @Sendable (Double) -> Double
    ) -> LinearSDE {
        LinearSDE(kind: .custom(name: name, driftRate: driftRate, diffusionScale: diffusionScale))
    }

    public var name: String {
        switch kind {
        case .ornsteinUhlenbeck: return "ou"
        case .variancePreserving: return "vp"
        case .varianceExploding: return "ve"
        case .custom(let name, _, _): return name
        }
    }

    // MARK: Coefficients

    /// f(t).
    public func driftRate(at time: Double) -> Double {
        switch kind {
        case .ornsteinUhlenbeck: return -1
        case .variancePreserving(let betaMinimum, let betaMaximum):
            return -0.5 * (betaMinimum + time * (betaMaximum - betaMinimum))
        case .varianceExploding: return 0
        case .custom(_, let driftRate, _): return driftRate(time)
        }
    }

    public func diffusionScale(at time: Double) -> Double {
        switch kind {
        case .ornsteinUhlenbeck: return 2.0.squareRoot()
        case .variancePreserving(let betaMinimum, let betaMaximum):
            return (betaMinimum + time * (betaMaximum - betaMinimum)).squareRoot()
        case .varianceExploding(let sigmaMinimum, let sigmaMaximum):
            let logRatio = Foundation.log(sigmaMaximum / sigmaMinimum)
            return sigma(at: time, sigmaMinimum, sigmaMaximum) * (2 * logRatio).squareRoot()
        case .custom(_, _, let diffusionScale): return diffusionScale(time)
        }
    }

    public func linearDriftRate(at time: Double) -> Double? { driftRate(at: time) }

    public var isDriftTimeIndependent: Bool {
        switch kind {
        case .ornsteinUhlenbeck, .varianceExploding: return true
        case .variancePreserving(let betaMinimum, let betaMaximum): return betaMinimum == betaMaximum
        case .custom: return false
        }
    }

    public var isDriftFree: Bool {
        if case .varianceExploding = kind { return true }
        return false
    }

    public func drift(
        at point: UnsafeBufferPointer<Double>, time: Double, into drift: UnsafeMutableBufferPointer<Double>
    ) {
        let rate = driftRate(at: time)
        for axis in 0..<point.count { drift[axis] = rate * point[axis] }
    }

    /// B(t) = int_0^t beta for VP.
    private func integratedBeta(_ time: Double, _ betaMinimum: Double, _ betaMaximum: Double) -> Double {
        betaMinimum * time + 0.5 * (betaMaximum - betaMinimum) * time * time
    }

    private func sigma(at time: Double, _ sigmaMinimum: Double, _ sigmaMaximum: Double) -> Double {
        sigmaMinimum * Foundation.pow(sigmaMaximum / sigmaMinimum, time)
    }

    public func integratedSquaredDiffusion(from start: Double, to end: Double) -> Double {
        switch kind {
        case .ornsteinUhlenbeck: return 2 * (end - start)
        case .variancePreserving(let betaMinimum, let betaMaximum):
            return integratedBeta(end, betaMinimum, betaMaximum) - integratedBeta(start, betaMinimum, betaMaximum)
        case .varianceExploding(let sigmaMinimum, let sigmaMaximum):
            let high = sigma(at: end, sigmaMinimum, sigmaMaximum)
            let low = sigma(at: start, sigmaMinimum, sigmaMaximum)
            return (high - low) * (high + low)
        case .custom(_, _, let diffusionScale):
            return GaussLegendre.integrate(from: start, to: end) { diffusionScale($0) * diffusionScale($0) }
        }
    }

    // MARK: Marginals

    /// m(s, t) = exp(int_s^t f), the factor that scales X_s in E[X_t | X_s].
    public func meanScale(from start: Double = 0, to end: Double) -> Double {
        switch kind {
        case .ornsteinUhlenbeck: return Foundation.exp(start - end)
        case .variancePreserving(let betaMinimum, let betaMaximum):
            let increment =
                integratedBeta(end, betaMinimum, betaMaximum) - integratedBeta(start, betaMinimum, betaMaximum)
            return Foundation.exp(-0.5 * increment)
        case .varianceExploding: return 1
        case .custom: return customTransition(from: start, to: end).meanScale
        }
    }

    /// v(s, t) = int_s^t g(r)^2 m(r, t)^2 dr, the variance of X_t given X_s (per coordinate).
    public func variance(from start: Double = 0, to end: Double) -> Double {
        switch kind {
        case .ornsteinUhlenbeck: return -Double.expMinusOne(-2 * (end - start))
        case .variancePreserving(let betaMinimum, let betaMaximum):
            let increment =
                integratedBeta(end, betaMinimum, betaMaximum) - integratedBeta(start, betaMinimum, betaMaximum)
            return -Double.expMinusOne(-increment)
        case .varianceExploding: return integratedSquaredDiffusion(from: start, to: end)
        case .custom: return customTransition(from: start, to: end).variance
        }
    }

    /// RK4 on d(log m)/dr = f(r), dw/dr = g(r)^2 exp(-2 log m(r)); then m = exp(log m(t)), v = m^2 w.
    private func customTransition(from start: Double, to end: Double) -> (meanScale: Double, variance: Double) {
        guard case .custom(_, let driftRate, let diffusionScale) = kind else { fatalError("not a custom model") }
        let stepCount = 2000
        let step = (end - start) / Double(stepCount)
        func derivative(_ time: Double, _ logScale: Double) -> (Double, Double) {
            let scale = diffusionScale(time)
            return (driftRate(time), scale * scale * Foundation.exp(-2 * logScale))
        }
        var logScale = 0.0
        var weightedTime = 0.0
        var time = start
        for _ in 0..<stepCount {
            let k1 = derivative(time, logScale)
            let k2 = derivative(time + step / 2, logScale + step / 2 * k1.0)
            let k3 = derivative(time + step / 2, logScale + step / 2 * k2.0)
            let k4 = derivative(time + step, logScale + step * k3.0)
            logScale += step / 6 * (k1.0 + 2 * k2.0 + 2 * k3.0 + k4.0)
            weightedTime += step / 6 * (k1.1 + 2 * k2.1 + 2 * k3.1 + k4.1)
            time += step
        }
        let meanScale = Foundation.exp(logScale)
        return (meanScale, meanScale * meanScale * weightedTime)
    }

    /// The log signal-to-noise ratio lambda(t) = log(m(t)^2 / v(t)) (m = m(0, t), v = v(0, t)): +infinity at t = 0,
    /// strictly decreasing for every model here (v / m^2 = int_0^t g^2 / m^2 grows). Diffusion models' schedules
    /// are spacings of lambda (THEORY §12); for OU, lambda = -log(e^(2t) - 1).
    public func logSignalToNoise(at time: Double) -> Double {
        let scale = meanScale(to: time)
        return Foundation.log(scale * scale / variance(to: time))
    }

    /// The time in [lower, upper] at which lambda(t) = `value` (lambda is decreasing, so the root is unique), by
    /// bisection to the last bit; values outside [lambda(upper), lambda(lower)] give the nearer end. Cost: about
    /// 60 evaluations of lambda.
    public func time(atLogSignalToNoise value: Double, lower: Double, upper: Double) -> Double {
        var (low, high) = (lower, upper)
        if value >= logSignalToNoise(at: low) { return low }
        if value <= logSignalToNoise(at: high) { return high }
        while true {
            let middle = 0.5 * (low + high)
            if middle <= low || middle >= high { return middle }
            if logSignalToNoise(at: middle) > value { low = middle } else { high = middle }
        }
    }

    /// The Mehler (transition) kernel p(x, t | y, s) = N(x; m(s, t) y, v(s, t) I), any dimension.
    public func transitionDensity(at point: [Double], from origin: [Double], startTime: Double = 0, endTime: Double)
        -> Double
    {
        precondition(point.count == origin.count, "transitionDensity: dimensions differ")
        let scale = meanScale(from: startTime, to: endTime)
        let spread = variance(from: startTime, to: endTime)
        var squaredDistance = 0.0
        for axis in 0..<point.count {
            let deviation = point[axis] - scale * origin[axis]
            squaredDistance += deviation * deviation
        }
        let dimension = Double(point.count)
        return Foundation.exp(
            -0.5 * squaredDistance / spread - 0.5 * dimension * Foundation.log(2 * Double.pi * spread))
    }

    /// The stationary (t -> infinity) law: N(0, I) for OU and VP, nil for VE and custom models.
    public func stationaryDistribution(dimension: Int) -> GaussianMixture? {
        switch kind {
        case .ornsteinUhlenbeck, .variancePreserving: return GaussianMixture.standardNormal(dimension: dimension)
        case .varianceExploding, .custom: return nil
        }
    }
}

/// Composite 8-point Gauss–Legendre quadrature on 64 panels (exact for polynomials of degree 15 per panel).
enum GaussLegendre {
    private static let nodes: [Double] = [
        -0.9602898564975363, -0.7966664774136267, -0.5255324099163290, -0.1834346424956498,
        0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363,
    ]
    private static let weights: [Double] = [
        0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.3626837833783620,
        0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763,
    ]

    static func integrate(from start: Double, to end: Double, panels: Int = 64, _ function: (Double) -> Double)
        -> Double
    {
        let width = (end - start) / Double(panels)
        var total = 0.0
        for panel in 0..<panels {
            let center = start + (Double(panel) + 0.5) * width
            for (node, weight) in zip(nodes, weights) {
                total += weight * function(center + 0.5 * width * node)
            }
        }
        return 0.5 * width * total
    }
}

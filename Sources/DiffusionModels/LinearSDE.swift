import Foundation
import RealModule

/// A linear forward SDE dX = f(t) X dt + g(t) dB, the family every diffusion model here belongs to.
///
/// Its law from X_s = y is Gaussian: X_t = m(s, t) y + sqrt(v(s, t)) eps with m(s, t) = exp(int_s^t f) and
/// v(s, t) = int_s^t g(r)^2 m(r, t)^2 dr. Closed forms for the named models (THEORY §2, §12):
///
/// | model | f(t) | g(t)^2 | m(0, t) | v(0, t) |
/// |---|---|---|---|---|
/// | OU (the paper's) | -1 | 2 | e^-t | 1 - e^-2t |
/// | VP, beta = bmin + t (bmax - bmin) | -beta/2 | beta | e^(-B/2) | 1 - e^-B |
/// | VE, sigma = smin (smax/smin)^t | 0 | d sigma^2/dt | 1 | sigma^2 - smin^2 |
/// | sub-VP (score_sde), beta as VP | -beta/2 | beta (1 - e^(-2B)) | e^(-B/2) | (1 - e^-B)^2 |
/// | cosine (Nichol and Dhariwal), clipped | -beta/2 | beta = pi tan(u)/(1 + s), at most bclip | e^(-B/2) | 1 - e^-B |
/// | EDM (Karras et al.), sigma = t | 0 | 2t | 1 | t^2 |
/// | a beta(t) or sigma(t) table | as VP or VE | | | (`NoiseScheduleTable`) |
///
/// with B(t) = int_0^t beta (VP: bmin t + (bmax - bmin) t^2 / 2). From s to t the beta family has
/// m(s, t) = e^(-(B(t) - B(s))/2) and v(s, t) = 1 - e^(-(B(t) - B(s))); sub-VP has
/// v(s, t) = (1 - e^(-(B(t) - B(s)))) (1 - e^(-(B(t) + B(s)))) (the integral of beta (1 - e^(-2B(r))) e^(B(r) - B(t))
/// from s to t); EDM v(s, t) = t^2 - s^2. Custom models integrate m and v numerically (RK4 on 2000 steps, about
/// 1e-13 relative for smooth coefficients).
///
/// The cosine schedule: abar(t) = cos^2(u(t)) / cos^2(u(0)), u(t) = (t + s)/(1 + s) pi/2, so B(t) = -ln abar(t) and
/// beta(t) = B'(t) = pi tan(u(t))/(1 + s), which is infinite at t = 1. It is clipped: beta(t) = bclip from the time
/// t_c with beta(t_c) = bclip on, u(t_c) = atan(bclip (1 + s)/pi), and B(t) = B(t_c) + bclip (t - t_c) after it.
/// The default bclip = 999 is Nichol and Dhariwal's discrete clip beta_k <= 0.999 in the continuous limit
/// beta(t) = N beta_(tN) of N = 1000 steps (t_c = 0.998).
public struct LinearSDE: ForwardProcess {
    public enum Kind: Sendable {
        case ornsteinUhlenbeck
        case variancePreserving(betaMinimum: Double, betaMaximum: Double)
        case varianceExploding(sigmaMinimum: Double, sigmaMaximum: Double)
        case subVariancePreserving(betaMinimum: Double, betaMaximum: Double)
        case cosine(offset: Double, betaClip: Double)
        case edm
        case tabulated(name: String, table: NoiseScheduleTable)
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

    /// score_sde's sub-VP SDE: VP's drift with g^2 = beta (1 - e^(-2B)), so v = (1 - e^-B)^2 stays below VP's.
    public static func subVariancePreserving(betaMinimum: Double = 0.1, betaMaximum: Double = 20) -> LinearSDE {
        LinearSDE(kind: .subVariancePreserving(betaMinimum: betaMinimum, betaMaximum: betaMaximum))
    }

    /// Nichol and Dhariwal's cosine schedule as a VP SDE, beta clipped at `betaClip` (see the type's comment).
    public static func cosine(offset: Double = 0.008, betaClip: Double = 999) -> LinearSDE {
        LinearSDE(kind: .cosine(offset: offset, betaClip: betaClip))
    }

    /// EDM's parameterization x = y + sigma n with sigma(t) = t: dX = sqrt(2t) dB.
    public static let edm = LinearSDE(kind: .edm)

    /// A beta(t) (VP) or sigma(t) (VE) schedule read from a table.
    public static func tabulated(name: String = "table", _ table: NoiseScheduleTable) -> LinearSDE {
        LinearSDE(kind: .tabulated(name: name, table: table))
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
        case .subVariancePreserving: return "sub-vp"
        case .cosine: return "cosine"
        case .edm: return "edm"
        case .tabulated(let name, _): return name
        case .custom(let name, _, _): return name
        }
    }

    // MARK: The beta family (VP, sub-VP, cosine, beta tables)

    /// beta(t) for the models whose drift is -beta(t)/2, nil for the others.
    public func beta(at time: Double) -> Double? {
        switch kind {
        case .variancePreserving(let betaMinimum, let betaMaximum),
            .subVariancePreserving(let betaMinimum, let betaMaximum):
            return betaMinimum + time * (betaMaximum - betaMinimum)
        case .cosine(let offset, let betaClip):
            let clipTime = Self.cosineClipTime(offset: offset, betaClip: betaClip)
            if time >= clipTime { return betaClip }
            return Double.pi * Foundation.tan(Self.cosineAngle(time, offset: offset)) / (1 + offset)
        case .tabulated(_, let table) where table.quantity == .beta: return table.value(at: time)
        default: return nil
        }
    }

    /// B(t) - B(s) = int_s^t beta for the beta family, nil for the others.
    public func integratedBeta(from start: Double, to end: Double) -> Double? {
        switch kind {
        case .variancePreserving(let betaMinimum, let betaMaximum),
            .subVariancePreserving(let betaMinimum, let betaMaximum):
            func integral(_ time: Double) -> Double {
                betaMinimum * time + 0.5 * (betaMaximum - betaMinimum) * time * time
            }
            return integral(end) - integral(start)
        case .cosine(let offset, let betaClip):
            let clipTime = Self.cosineClipTime(offset: offset, betaClip: betaClip)
            func integral(_ time: Double) -> Double {
                let logCosine = { (time: Double) in
                    Foundation.log(Foundation.cos(Self.cosineAngle(time, offset: offset)))
                }
                if time <= clipTime { return 2 * (logCosine(0) - logCosine(time)) }
                return 2 * (logCosine(0) - logCosine(clipTime)) + betaClip * (time - clipTime)
            }
            return integral(end) - integral(start)
        case .tabulated(_, let table) where table.quantity == .beta:
            return table.integral(to: end) - table.integral(to: start)
        default: return nil
        }
    }

    /// u(t) = (t + s)/(1 + s) pi/2, the cosine schedule's angle.
    static func cosineAngle(_ time: Double, offset: Double) -> Double { (time + offset) / (1 + offset) * Double.pi / 2 }

    /// t_c with pi tan(u(t_c))/(1 + s) = bclip: u(t_c) = atan(bclip (1 + s)/pi), t_c = 2 u(t_c)(1 + s)/pi - s.
    public static func cosineClipTime(offset: Double, betaClip: Double) -> Double {
        2 * Foundation.atan(betaClip * (1 + offset) / Double.pi) * (1 + offset) / Double.pi - offset
    }

    // MARK: Coefficients

    /// f(t).
    public func driftRate(at time: Double) -> Double {
        switch kind {
        case .ornsteinUhlenbeck: return -1
        case .variancePreserving, .subVariancePreserving, .cosine: return -0.5 * beta(at: time)!
        case .varianceExploding, .edm: return 0
        case .tabulated(_, let table): return table.quantity == .beta ? -0.5 * table.value(at: time) : 0
        case .custom(_, let driftRate, _): return driftRate(time)
        }
    }

    public func diffusionScale(at time: Double) -> Double {
        switch kind {
        case .ornsteinUhlenbeck: return 2.0.squareRoot()
        case .variancePreserving, .cosine: return beta(at: time)!.squareRoot()
        case .subVariancePreserving:
            let decay = -Double.expMinusOne(-2 * integratedBeta(from: 0, to: time)!)
            return (beta(at: time)! * decay).squareRoot()
        case .varianceExploding(let sigmaMinimum, let sigmaMaximum):
            let logRatio = Foundation.log(sigmaMaximum / sigmaMinimum)
            return sigma(at: time, sigmaMinimum, sigmaMaximum) * (2 * logRatio).squareRoot()
        case .edm: return (2 * max(time, 0)).squareRoot()
        case .tabulated(_, let table): return max(table.squaredDiffusion(at: time), 0).squareRoot()
        case .custom(_, _, let diffusionScale): return diffusionScale(time)
        }
    }

    public func linearDriftRate(at time: Double) -> Double? { driftRate(at: time) }

    public var isDriftTimeIndependent: Bool {
        switch kind {
        case .ornsteinUhlenbeck, .varianceExploding, .edm: return true
        case .variancePreserving(let betaMinimum, let betaMaximum),
            .subVariancePreserving(let betaMinimum, let betaMaximum):
            return betaMinimum == betaMaximum
        case .tabulated(_, let table): return table.quantity == .sigma || Set(table.values).count == 1
        case .cosine, .custom: return false
        }
    }

    public var isDriftFree: Bool {
        switch kind {
        case .varianceExploding, .edm: return true
        case .tabulated(_, let table): return table.quantity == .sigma
        default: return false
        }
    }

    public func drift(
        at point: UnsafeBufferPointer<Double>, time: Double, into drift: UnsafeMutableBufferPointer<Double>
    ) {
        let rate = driftRate(at: time)
        for axis in 0..<point.count { drift[axis] = rate * point[axis] }
    }

    private func sigma(at time: Double, _ sigmaMinimum: Double, _ sigmaMaximum: Double) -> Double {
        sigmaMinimum * Foundation.pow(sigmaMaximum / sigmaMinimum, time)
    }

    public func integratedSquaredDiffusion(from start: Double, to end: Double) -> Double {
        switch kind {
        case .ornsteinUhlenbeck: return 2 * (end - start)
        case .variancePreserving, .cosine: return integratedBeta(from: start, to: end)!
        case .subVariancePreserving:
            // int_s^t beta (1 - e^(-2B)) = B(t) - B(s) - (e^(-2B(s)) - e^(-2B(t)))/2.
            let (low, high) = (integratedBeta(from: 0, to: start)!, integratedBeta(from: 0, to: end)!)
            return high - low - 0.5 * (Foundation.exp(-2 * low) - Foundation.exp(-2 * high))
        case .varianceExploding(let sigmaMinimum, let sigmaMaximum):
            let high = sigma(at: end, sigmaMinimum, sigmaMaximum)
            let low = sigma(at: start, sigmaMinimum, sigmaMaximum)
            return (high - low) * (high + low)
        case .edm: return (end - start) * (end + start)
        case .tabulated(_, let table):
            if table.quantity == .beta { return integratedBeta(from: start, to: end)! }
            let (high, low) = (table.value(at: end), table.value(at: start))
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
        case .varianceExploding, .edm: return 1
        case .custom: return customTransition(from: start, to: end).meanScale
        default:
            guard let increment = integratedBeta(from: start, to: end) else { return 1 } // sigma tables
            return Foundation.exp(-0.5 * increment)
        }
    }

    /// W(s, t) = int_s^t g(u)^2 / m(s, u) du, the weight of a score frozen at t in the exact solution of the reverse
    /// SDE's linear part from t back to s (the exponential integrator: x_s = x_t / m(s, t) + W(s, t) s(x_t, t) +
    /// sqrt(v(s, t)) / m(s, t) z). Closed forms: where g^2 = -2 f (OU, VP, cosine, a beta table),
    /// d/du [1 / m(s, u)] = g(u)^2 / (2 m(s, u)), so W = 2 (1 / m(s, t) - 1); drift-free (VE, EDM, a sigma table),
    /// W = v(s, t). Otherwise (sub-VP, custom) composite Gauss–Legendre on 64 panels of 8 nodes.
    public func frozenScoreWeight(from start: Double, to end: Double) -> Double {
        switch kind {
        case .ornsteinUhlenbeck, .variancePreserving, .cosine:
            return 2 * (1 / meanScale(from: start, to: end) - 1)
        case .tabulated(_, let table) where table.quantity == .beta:
            return 2 * (1 / meanScale(from: start, to: end) - 1)
        case .varianceExploding, .edm, .tabulated:
            return variance(from: start, to: end)
        case .subVariancePreserving, .custom:
            return GaussLegendre.integrate(from: start, to: end) {
                diffusionScale(at: $0) * diffusionScale(at: $0) / meanScale(from: start, to: $0)
            }
        }
    }

    /// v(s, t) = int_s^t g(r)^2 m(r, t)^2 dr, the variance of X_t given X_s (per coordinate).
    public func variance(from start: Double = 0, to end: Double) -> Double {
        switch kind {
        case .ornsteinUhlenbeck: return -Double.expMinusOne(-2 * (end - start))
        case .varianceExploding, .edm: return integratedSquaredDiffusion(from: start, to: end)
        case .subVariancePreserving:
            let (low, high) = (integratedBeta(from: 0, to: start)!, integratedBeta(from: 0, to: end)!)
            return -Double.expMinusOne(-(high - low)) * -Double.expMinusOne(-(high + low))
        case .custom: return customTransition(from: start, to: end).variance
        default:
            guard let increment = integratedBeta(from: start, to: end) else { // sigma tables
                return integratedSquaredDiffusion(from: start, to: end)
            }
            return -Double.expMinusOne(-increment)
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

    /// The stationary (t -> infinity) law: N(0, I) for OU and the beta family (whose beta stays positive: VP,
    /// sub-VP, cosine, a beta table whose last beta is positive), nil for VE, EDM, sigma tables and custom models.
    public func stationaryDistribution(dimension: Int) -> GaussianMixture? {
        switch kind {
        case .ornsteinUhlenbeck, .variancePreserving, .subVariancePreserving, .cosine:
            return GaussianMixture.standardNormal(dimension: dimension)
        case .tabulated(_, let table) where table.quantity == .beta && table.values[table.values.count - 1] > 0:
            return GaussianMixture.standardNormal(dimension: dimension)
        case .varianceExploding, .edm, .tabulated, .custom: return nil
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

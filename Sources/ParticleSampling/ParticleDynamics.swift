import DiffusionModels
import Scores

/// The two equivalent ways to write the reverse-time drift (THEORY §3).
public enum ReverseDriftForm: String, Sendable, CaseIterable {
    /// -b(y, t) + g(t)^2 s(y, t) (Anderson).
    case score
    /// -f(t) y + g(t)^2 (m(t) <X0>(y, t) - y) / v(t), linear models only; for OU: -coth(t) y + <X0>/sinh t.
    case meanField = "mean-field"
}

/// What the particles follow, built from one forward process value (the grid solver consumes the same value).
///
/// Integration always moves along a grid of forward times t_0, t_1, ...: increasing for `forward`, decreasing
/// for the reverse processes. For a step of length h = |t_(k+1) - t_k| the update is x += h u(x, t) + noise, with
/// the velocity u below and the noise scale g(t) (zero for the probability-flow ODE):
/// - `forward`: u = b(x, t)  (dX = b dt + g dB);
/// - `reverseSDE`: u = -b(y, t) + g(t)^2 s(y, t), reverse time s = T - t;
/// - `probabilityFlow`: u = -b(y, t) + g(t)^2 s(y, t) / 2, deterministic, same marginals.
public enum ParticleDynamics: Sendable {
    case forward(any ForwardProcess)
    case reverseSDE(process: any ForwardProcess, score: any ScoreProvider, form: ReverseDriftForm)
    case probabilityFlow(process: any ForwardProcess, score: any ScoreProvider)

    public var process: any ForwardProcess {
        switch self {
        case .forward(let process), .reverseSDE(let process, _, _), .probabilityFlow(let process, _): return process
        }
    }

    public var score: (any ScoreProvider)? {
        switch self {
        case .forward: return nil
        case .reverseSDE(_, let score, _), .probabilityFlow(_, let score): return score
        }
    }

    /// +1 when forward time increases during integration, -1 for the reverse processes.
    public var timeDirection: Double {
        if case .forward = self { return 1 }
        return -1
    }

    public var isDeterministic: Bool {
        if case .probabilityFlow = self { return true }
        return false
    }

    /// The scale of the Brownian increment at forward time t.
    public func noiseScale(at time: Double) -> Double {
        isDeterministic ? 0 : process.diffusionScale(at: time)
    }

    /// u(x, t) for a block of points (flat, `dimension` per point). `scratch` holds as many values as `points`.
    public func velocity(
        at points: UnsafeBufferPointer<Double>, dimension: Int, time: Double,
        into velocity: UnsafeMutableBufferPointer<Double>, scratch: UnsafeMutableBufferPointer<Double>
    ) {
        let process = self.process
        switch self {
        case .forward:
            Self.drift(of: process, at: points, dimension: dimension, time: time, into: velocity)
        case .reverseSDE(_, let score, .score), .probabilityFlow(_, let score):
            let weight =
                (isDeterministic ? 0.5 : 1) * process.diffusionScale(at: time) * process.diffusionScale(at: time)
            Self.drift(of: process, at: points, dimension: dimension, time: time, into: velocity)
            score.score(at: points, time: time, into: scratch)
            for index in 0..<points.count { velocity[index] = weight * scratch[index] - velocity[index] }
        case .reverseSDE(_, let score, .meanField):
            let model = score.model
            let rate = model.driftRate(at: time)
            let squaredScale = model.diffusionScale(at: time) * model.diffusionScale(at: time)
            let scale = model.meanScale(to: time)
            let variance = model.variance(to: time)
            score.posteriorMean(at: points, time: time, into: scratch)
            // -f y + g^2 (m <X0> - y) / v
            let pointWeight = -rate - squaredScale / variance
            let meanWeight = squaredScale * scale / variance
            for index in 0..<points.count {
                velocity[index] = pointWeight * points[index] + meanWeight * scratch[index]
            }
        }
    }

    /// b(x, t) for a block: f(t) x for linear processes, the process's own drift otherwise.
    static func drift(
        of process: any ForwardProcess, at points: UnsafeBufferPointer<Double>, dimension: Int, time: Double,
        into drift: UnsafeMutableBufferPointer<Double>
    ) {
        if let rate = process.linearDriftRate(at: time) {
            for index in 0..<points.count { drift[index] = rate * points[index] }
            return
        }
        process.drift(atPoints: points, dimension: dimension, time: time, into: drift)
    }
}

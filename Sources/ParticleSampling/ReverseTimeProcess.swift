import DiffusionModels

/// The reverse-time process of a forward linear SDE, guided by a score, written as a forward process in reverse
/// time s = T - t (THEORY §3):
///
///     dY = [-f(T - s) Y + g(T - s)^2 s(Y, T - s)] ds + g(T - s) dW,
///
/// so its density q(., s) solves the well-posed Fokker–Planck equation
/// d_s q + div(q (-f x + g^2 grad log rho(x, T - s))) = (g^2 / 2) Lap q; for OU,
/// d_s q + div(q (x + 2 grad log rho(x, T - s))) = Lap q. With the exact score and
/// q(., 0) = rho_T, q(., s) = rho(., T - s). Any grid solver (spectral or finite volume) and the particle core run
/// it unchanged. The drift grows like 1/t as t = T - s -> 0: runs stop at a t_min > 0.
///
/// Block drift evaluation calls the score provider once per block (the provider's per-time set-up is paid once).
public struct ReverseTimeProcess: ForwardProcess {
    public let forward: LinearSDE
    public let score: any ScoreProvider
    /// T: reverse time s runs from 0 (forward time T) to T - t_min.
    public let horizon: Double

    public init(forward: LinearSDE, score: any ScoreProvider, horizon: Double) {
        self.forward = forward
        self.score = score
        self.horizon = horizon
    }

    public var name: String { "reverse-\(forward.name)" }
    public var isDriftTimeIndependent: Bool { false }
    public func linearDriftRate(at time: Double) -> Double? { nil }

    /// The forward time of reverse time s.
    public func forwardTime(_ reverseTime: Double) -> Double { horizon - reverseTime }

    public func diffusionScale(at time: Double) -> Double { forward.diffusionScale(at: forwardTime(time)) }

    public func integratedSquaredDiffusion(from start: Double, to end: Double) -> Double {
        forward.integratedSquaredDiffusion(from: forwardTime(end), to: forwardTime(start))
    }

    public func drift(
        at point: UnsafeBufferPointer<Double>, time: Double, into drift: UnsafeMutableBufferPointer<Double>
    ) {
        self.drift(atPoints: point, dimension: point.count, time: time, into: drift)
    }

    public func drift(
        atPoints points: UnsafeBufferPointer<Double>, dimension: Int, time: Double,
        into drift: UnsafeMutableBufferPointer<Double>
    ) {
        let forwardTime = self.forwardTime(time)
        let rate = forward.driftRate(at: forwardTime)
        let squaredScale = forward.diffusionScale(at: forwardTime) * forward.diffusionScale(at: forwardTime)
        score.score(at: points, time: forwardTime, into: drift)
        for index in 0..<points.count { drift[index] = squaredScale * drift[index] - rate * points[index] }
    }
}

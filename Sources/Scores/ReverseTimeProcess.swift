import DiffusionModels
import GridFields

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
/// Made by `LinearSDE.reversed(score:horizon:)`, as score_sde's `sde.reverse(score_fn)`.
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

    /// b~(x, s) = g(t)^2 s(x, t) - f(t) x (t = T - s) at every cell centre at once, when the score can write itself
    /// at the centres of `grid` (`ScoreProvider.score(atCellCentresOf:...)`: a `GridScore` read on that very
    /// grid, linear in time, no interpolation in x); false otherwise, and the solver evaluates the drift pointwise.
    /// Cost O(N d) a stage time.
    public func drift(
        atCellCentresOf grid: Grid, time: Double, into components: [UnsafeMutableBufferPointer<Double>]
    ) -> Bool {
        let forwardTime = self.forwardTime(time)
        guard score.score(atCellCentresOf: grid, time: forwardTime, into: components) else { return false }
        let rate = forward.driftRate(at: forwardTime)
        let scale = forward.diffusionScale(at: forwardTime)
        let squaredScale = scale * scale
        for axis in 0..<grid.dimension {
            let coordinates = grid.coordinates(axis: axis)
            let stride = grid.indexStride(axis: axis)
            let length = grid.shape[axis]
            let output = components[axis]
            // Runs of `stride` cells share the coordinate of this axis.
            for runStart in Swift.stride(from: 0, to: grid.count, by: stride) {
                let shift = rate * coordinates[(runStart / stride) % length]
                for cell in runStart..<(runStart + stride) { output[cell] = squaredScale * output[cell] - shift }
            }
        }
        return true
    }
}

extension LinearSDE {
    /// The reverse-time process of this model guided by `score`, from forward time `horizon` (reverse time 0)
    /// down toward 0: score_sde's `sde.reverse(score_fn)`. The grid solvers and the particle samplers consume it
    /// unchanged.
    public func reversed(score: any ScoreProvider, horizon: Double) -> ReverseTimeProcess {
        ReverseTimeProcess(forward: self, score: score, horizon: horizon)
    }
}

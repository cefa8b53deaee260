import DiffusionModels
import ParticleSampling
import Scores

/// The reverse samplers the order study compares, each one configuration of the particle core.
///
/// | sampler | dynamics | update | declared weak order (exact score) |
/// |---|---|---|---|
/// | `eulerMaruyama` | reverse SDE | Euler–Maruyama | 1 |
/// | `ddpm` | reverse SDE | the Gaussian bridge given x0hat (THEORY §5) | 1 |
/// | `predictorCorrector` | reverse SDE | Euler–Maruyama, then the Langevin corrector | 1 until the corrector's floor |
/// | `exponential` | reverse SDE | the linear part exact, the score frozen at the step's start | 1 |
/// | `ddim` | probability flow | x' = m(t') x0hat + sqrt(v(t') / v(t)) (x − m(t) x0hat) | 1 |
/// | `heun` | probability flow | trapezoidal predictor–corrector | 2 |
/// | `rungeKutta4` | probability flow | classical RK4 | 4 |
///
/// The deterministic three transport the start law; the stochastic four sample it.
public enum ReverseSampler: String, CaseIterable, Sendable {
    case eulerMaruyama = "euler-maruyama"
    case ddpm
    case predictorCorrector = "pc"
    case exponential
    case ddim
    case heun
    case rungeKutta4 = "rk4"

    /// The weak order of the update with an exact score (for `predictorCorrector`, its predictor's: a corrector with
    /// a fixed signal-to-noise ratio adds an error that does not shrink with the step).
    public var declaredOrder: Int {
        switch self {
        case .eulerMaruyama, .ddpm, .predictorCorrector, .exponential, .ddim: return 1
        case .heun: return 2
        case .rungeKutta4: return 4
        }
    }

    /// True for the probability-flow samplers (no noise: the end points are a function of the start points).
    public var isDeterministic: Bool { self == .ddim || self == .heun || self == .rungeKutta4 }

    /// The particle core configured as this sampler for `process`, guided by `score`.
    public func sampler(
        process: LinearSDE, score: any ScoreProvider, timeGrid: TimeGrid, corrector: LangevinCorrector,
        seed: UInt64, threads: Int
    ) -> ParticleSampler {
        let dynamics: ParticleDynamics =
            isDeterministic
            ? .probabilityFlow(process: process, score: score)
            : .reverseSDE(process: process, score: score, form: .score)
        let integrator: ParticleIntegrator
        switch self {
        case .eulerMaruyama, .predictorCorrector: integrator = .eulerMaruyama
        case .ddpm: integrator = .ddpm
        case .ddim: integrator = .ddim
        case .exponential: integrator = .exponential
        case .heun: integrator = .heun
        case .rungeKutta4: integrator = .rungeKutta4
        }
        return ParticleSampler(
            dynamics: dynamics, integrator: integrator, timeGrid: timeGrid, seed: seed, threads: threads,
            corrector: self == .predictorCorrector ? corrector : nil)
    }
}

import DensitySolvers
import DiffusionModels
import Foundation
import GridFields
import ParticleSampling
import Scores

/// The defects the negative controls plant, as broken components (THEORY gives the right ones).
extension PlantedDefect {
    /// f(t) multiplied by `factor` in the process the grid solvers receive (and the samplers, when `particles`).
    public static func driftRate(_ factor: Double, grid: Bool = true, particles: Bool = true) -> PlantedDefect {
        PlantedDefect(
            name: "drift rate \(percent(factor))",
            description: "f(t) is \(percent(factor)) off in the process handed to the \(who(grid, particles))."
        ) { subjects in
            let broken: @Sendable (LinearSDE) -> LinearSDE = { scaled($0, drift: factor, diffusion: 1) }
            if grid { subjects.gridProcess = broken }
            if particles { subjects.particleProcess = broken }
        }
    }

    /// g(t) multiplied by `factor` (the noise scale), in the process the solvers and samplers receive.
    public static func diffusionScale(_ factor: Double, grid: Bool = true, particles: Bool = true) -> PlantedDefect {
        PlantedDefect(
            name: "noise scale \(percent(factor))",
            description: "g(t) is \(percent(factor)) off in the process handed to the \(who(grid, particles))."
        ) { subjects in
            let broken: @Sendable (LinearSDE) -> LinearSDE = { scaled($0, drift: 1, diffusion: factor) }
            if grid { subjects.gridProcess = broken }
            if particles { subjects.particleProcess = broken }
        }
    }

    /// Every grid step advances the state by Δt (1 + c Δt) while the run believes it advanced Δt: a consistent
    /// method turned into a first-order one (a stage evaluated at a wrong time, a wrong Butcher weight).
    public static func firstOrderStepError(_ coefficient: Double) -> PlantedDefect {
        PlantedDefect(
            name: "first-order step error",
            description: "each grid step advances Δt (1 + \(Check.format(coefficient)) Δt) instead of Δt."
        ) { subjects in
            subjects.stepper = { MistimedStepper(base: $0, stretch: { step in step * (1 + coefficient * step) }) }
        }
    }

    /// Every grid step advances the state by `factor` Δt (a wrong time step, e.g. Δt in the wrong units).
    public static func stretchedSteps(_ factor: Double) -> PlantedDefect {
        PlantedDefect(
            name: "time step \(percent(factor))",
            description: "each grid step advances \(percent(factor)) more time than the run asks for."
        ) { subjects in
            subjects.stepper = { MistimedStepper(base: $0, stretch: { $0 * factor }) }
        }
    }

    /// The score handed to samplers and reverse equations multiplied by `factor` (a flipped sign at −1).
    public static func scaledScore(_ factor: Double) -> PlantedDefect {
        PlantedDefect(
            name: factor == -1 ? "score sign flipped" : "score \(percent(factor))",
            description: factor == -1 ? "the score's sign is flipped." : "the score is \(percent(factor)) off."
        ) { subjects in
            subjects.score = { ScaledScore(base: $0, factor: factor) }
        }
    }

    /// The Langevin corrector's step e = 2 a (r |z| / |s|)^2 multiplied by `factor` (0.5: the factor 2 dropped), by
    /// scaling its signal-to-noise ratio r by sqrt(factor).
    public static func correctorStepScale(_ factor: Double) -> PlantedDefect {
        PlantedDefect(
            name: "corrector step \(percent(factor))",
            description: "the Langevin corrector's step size e is \(percent(factor)) off."
        ) { subjects in
            subjects.corrector = {
                LangevinCorrector(steps: $0.steps, signalToNoise: $0.signalToNoise * factor.squareRoot())
            }
        }
    }

    /// Particle end positions shifted by `offset` on every axis before they are counted or binned.
    public static func shiftedParticles(_ offset: Double) -> PlantedDefect {
        PlantedDefect(
            name: "particles shifted by \(Check.format(offset))",
            description: "every particle end position is moved by \(Check.format(offset)) (a shifted histogram)."
        ) { subjects in
            subjects.particles = { $0.map { $0 + offset } }
        }
    }

    static func percent(_ factor: Double) -> String {
        let change = (factor - 1) * 100
        return (change >= 0 ? "+" : "−") + Check.format(abs(change)) + " %"
    }

    private static func who(_ grid: Bool, _ particles: Bool) -> String {
        grid && particles ? "solvers and samplers" : grid ? "grid solvers" : "particle samplers"
    }

    /// The linear SDE with f multiplied by `drift` and g by `diffusion`. VE keeps its kind (drift-free solvers
    /// need it): its σ_max is scaled so that g changes by about the same factor.
    static func scaled(_ model: LinearSDE, drift: Double, diffusion: Double) -> LinearSDE {
        if case .varianceExploding(let low, let high) = model.kind {
            return .varianceExploding(sigmaMinimum: low, sigmaMaximum: high * diffusion)
        }
        return .custom(
            name: model.name, driftRate: { drift * model.driftRate(at: $0) },
            diffusionScale: { diffusion * model.diffusionScale(at: $0) })
    }
}

/// A grid stepper that advances its base by `stretch(Δt)` each time it is asked for Δt, and reports the time it
/// was asked for: a planted time-stepping defect.
final class MistimedStepper: DensityStepper {
    let base: any DensityStepper
    let stretch: @Sendable (Double) -> Double
    private(set) var time: Double

    init(base: any DensityStepper, stretch: @escaping @Sendable (Double) -> Double) {
        self.base = base
        self.stretch = stretch
        time = base.time
    }

    var grid: Grid { base.grid }
    var temporalOrder: Int? { base.temporalOrder }
    var methodName: String { base.methodName }
    func step(by timeStep: Double) {
        base.step(by: stretch(timeStep))
        time += timeStep
    }
    func currentDensity() -> Field { base.currentDensity() }
    func health() -> StepperHealth { base.health() }
}

/// s(x, t) multiplied by a constant: a planted score defect.
struct ScaledScore: ScoreProvider {
    let base: any ScoreProvider
    let factor: Double
    var dimension: Int { base.dimension }
    var model: LinearSDE { base.model }
    var name: String { base.name }

    func score(at points: UnsafeBufferPointer<Double>, time: Double, into scores: UnsafeMutableBufferPointer<Double>) {
        base.score(at: points, time: time, into: scores)
        for index in 0..<scores.count { scores[index] *= factor }
    }
}

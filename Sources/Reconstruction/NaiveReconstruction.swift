import DiffusionModels
import Foundation
import GridFields
import InverseHeat

/// The naive backward spectral inversion of the inverse-heat lab (`InversionRun`, method naive) applied to a linear
/// model's density at T, for the contrast.
///
/// Every model here is a time change of one `BackwardEquation`: OU is itself (tau(t) = t); VP is OU at
/// tau(t) = -ln m(t) = B(t)/2, and so are the cosine schedule and beta tables (every model with v = 1 - m^2); VE, EDM
/// and sigma tables are the heat equation with D = 1 at tau(t) = v(t)/2 (they only add variance v). sub-VP is
/// neither (its v = (1 - m^2)^2): `isTimeChange(_:)` is false for it and the run refuses it.
/// The inversion runs in tau and its blow-up time is mapped back to the model's reverse time s = T - t with
/// tau(t) = tau(T) - s_tau (bisection on the increasing tau). For OU and VP the field of time t lives on the grid
/// stretched by e^(tau(T) - tau(t)) (the heat-equation link, see `BackwardEquation`); a run that reaches t = 0 is
/// remapped conservatively onto the data grid (`GridRemap`). Cost: `InversionRun`'s (two FFTs a step) plus, for the
/// error history, one more pass of the same steps (`NaiveBackwardStepper`) with an L1 error per step.
public struct NaiveReconstruction {
    public var model: LinearSDE
    public var mixture: GaussianMixture
    public var horizon: Double
    public var threads: Int

    public init(model: LinearSDE, mixture: GaussianMixture, horizon: Double, threads: Int = 1) {
        self.model = model
        self.mixture = mixture
        self.horizon = horizon
        self.threads = threads
    }

    /// Whether `model` is a time change of OU or of the heat equation: drift-free, or v(t) = 1 - m(t)^2 (checked at
    /// t = 0.5 to 1e-9 relative, which separates sub-VP's (1 - m^2)^2 from 1 - m^2 by far).
    public static func isTimeChange(_ model: LinearSDE) -> Bool {
        if model.isDriftFree { return true }
        let scale = model.meanScale(to: 0.5)
        let variance = model.variance(to: 0.5)
        return abs(variance - (1 - scale * scale)) <= 1e-9 * variance
    }

    /// The equation the model is a time change of.
    public var equation: BackwardEquation {
        model.isDriftFree ? .heat(diffusivity: 1) : .ornsteinUhlenbeck
    }

    /// tau(t): OU t, the v = 1 - m^2 models -ln m(t), the drift-free ones v(t)/2.
    public func equivalentTime(_ time: Double) -> Double {
        if case .ornsteinUhlenbeck = model.kind { return time }
        if model.isDriftFree { return 0.5 * model.variance(to: time) }
        return -Foundation.log(model.meanScale(to: time))
    }

    /// The model's forward time t with tau(t) = `equivalent` (60 bisections on [0, T]).
    public func modelTime(equivalentTime equivalent: Double) -> Double {
        var low = 0.0
        var high = horizon
        for _ in 0..<60 {
            let middle = 0.5 * (low + high)
            if equivalentTime(middle) < equivalent { low = middle } else { high = middle }
        }
        return 0.5 * (low + high)
    }

    /// What the naive inversion of `data` (rho_T on a periodic grid) gave.
    public struct Outcome: Sendable {
        public var inversion: InversionResult
        /// The field at t = 0 on the data grid, when the run got there.
        public var reconstruction: Field?
        /// The model's reverse time s at blow-up, nil when it completed.
        public var blowUpTime: Double?
        /// (model reverse time, L1 error against the exact density on the field's own grid), step 0 onward.
        public var history: [(reverseTime: Double, l1Error: Double)]
    }

    public func run(data: Field, noiseLevel: Double, seed: UInt64) throws -> Outcome {
        let tauHorizon = equivalentTime(horizon)
        let problem = try InverseHeatProblem(
            equation: equation, grid: data.grid, finalTime: tauHorizon,
            initialData: .mixture(mixture), noiseLevel: noiseLevel, seed: seed)
        let inversion = try InversionRun(method: .naive, threads: threads).run(problem, data: data)
        // The same steps again, for L1 errors of the very same fields.
        let stepper = try NaiveBackwardStepper(
            equation: equation, data: Field(grid: problem.grid, values: data.values),
            finalTime: tauHorizon, threads: threads)
        let exact = try ExactSolution(problem: problem)
        func modelReverseTime(_ tauReverse: Double) -> Double {
            horizon - modelTime(equivalentTime: tauHorizon - tauReverse)
        }
        // The exact field on the stepper's grid (the same cells; the two grids' half-widths may differ in the
        // last bit).
        func error(of field: Field, atTime time: Double) -> Double {
            field.isFinite
                ? field.distanceL1(to: Field(grid: field.grid, values: exact.field(atTime: time).values)) : .infinity
        }
        var history: [(reverseTime: Double, l1Error: Double)] = [
            (0, error(of: stepper.currentField(), atTime: tauHorizon))
        ]
        let stepCount = inversion.stepCount
        let stepsTaken = inversion.stepsTaken
        for step in stride(from: 1, through: stepsTaken, by: 1) {
            let tauReverse = step == stepCount ? tauHorizon : tauHorizon * Double(step) / Double(stepCount)
            stepper.step(toReverseTime: tauReverse)
            history.append(
                (
                    modelReverseTime(tauReverse),
                    error(of: stepper.currentField(), atTime: max(tauHorizon - tauReverse, 0))
                ))
        }
        let blowUpReverseTime = inversion.blowUpTime
        let reconstruction: Field? =
            blowUpReverseTime == nil ? GridRemap.conservative(inversion.finalField, onto: data.grid).field : nil
        return Outcome(
            inversion: inversion, reconstruction: reconstruction,
            blowUpTime: blowUpReverseTime.map(modelReverseTime), history: history)
    }
}

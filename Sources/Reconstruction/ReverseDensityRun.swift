import DensitySolvers
import DiffusionModels
import Foundation
import GridFields
import ParticleSampling
import Safeguards
import Scores

/// What a reverse run does at t_min, where the drift's 1/t relaxation would otherwise have to be resolved.
public enum ReverseFinish: String, Sendable {
    /// Push the density at t_min forward through the exact denoiser x -> <X0>(x, t_min) (`PosteriorMeanMap`):
    /// the result stands for t = 0.
    case posteriorMeanMap = "posterior-mean-map"
    /// Report the density at t_min as it is (the result stands for t = t_min).
    case none

    /// A sentence for reports.
    public func sentence(minimumTime: Double) -> String {
        switch self {
        case .posteriorMeanMap:
            return
                "stopped at t_min = \(String(format: "%.3g", minimumTime)) and "
                + "finished with the exact map x -> <X0>(x, t_min)"
        case .none: return "stopped at t_min = \(String(format: "%.3g", minimumTime)); the result is the density there"
        }
    }
}

/// The step boundaries of a reverse run on s in [0, T - t_min]: `uniformSteps` equal steps merged with
/// `geometricSteps` steps whose forward times t_k = T (t_min/T)^(k/K) shrink with t (as the 1/t drift asks near
/// t = 0). Either count may be 0 (not both); the union takes, at every s, the finer of the two.
public struct ReverseStepPlan: Sendable, Equatable {
    public var uniformSteps: Int
    public var geometricSteps: Int

    public init(uniformSteps: Int, geometricSteps: Int) {
        self.uniformSteps = uniformSteps
        self.geometricSteps = geometricSteps
    }

    /// Step end points in reverse time, increasing, the last one T - t_min.
    public func reverseTimes(horizon: Double, minimumTime: Double) -> [Double] {
        let end = horizon - minimumTime
        var times: [Double] = []
        if uniformSteps > 0 { times += (1...uniformSteps).map { end * Double($0) / Double(uniformSteps) } }
        if geometricSteps > 0 {
            times += TimeGrid.geometric(from: horizon, to: minimumTime, steps: geometricSteps).times.dropFirst().map {
                horizon - $0
            }
        }
        return Array(Set(times.filter { $0 > 0 && $0 < end } + [end])).sorted()
    }

    /// "400 uniform + 200 geometric (shrinking with t) steps".
    public var summary: String {
        switch (uniformSteps > 0, geometricSteps > 0) {
        case (true, true):
            return
                "\(uniformSteps) uniform merged with \(geometricSteps) geometric steps (shrinking with t toward t_min)"
        case (true, false): return "\(uniformSteps) uniform steps"
        default: return "\(geometricSteps) geometric steps (shrinking with t toward t_min)"
        }
    }
}

/// One point of a reverse run's history.
public struct ReverseHistoryPoint: Sendable, Equatable {
    /// s = T - t.
    public var reverseTime: Double
    public var forwardTime: Double
    /// ||q(s) - rho(T - s)||_1 when the exact density is known.
    public var l1Error: Double?
    public var mass: Double
    public var minimumDensity: Double
}

/// The result of a reverse run.
public struct ReverseDensityResult: Sendable {
    /// How the run loop ended, in reverse time s (completed, non-finite, mass drift, blew up).
    public var status: RunStatus
    /// The density where the run stopped (at s = T - t_min when completed), on the input grid.
    public var densityAtStop: Field
    /// The reconstruction: the density at stop pushed through <X0>(., t_min) when so finished and completed,
    /// otherwise the density at stop.
    public var reconstruction: Field
    /// The forward time the reconstruction stands for: 0 after the map, t_min without it, T - s where it stopped.
    public var reconstructionTime: Double
    public var finish: ReverseFinish
    /// Mass the map carried out of the box.
    public var lostMass: Double
    public var history: [ReverseHistoryPoint]
    public var stepsTaken: Int
    /// The most negative value seen at any snapshot (positivity monitor).
    public var worstMinimum: Double
    public var elapsedSeconds: Double
    /// For a run that stopped early: the cell centre of the largest |value| of the last density.
    public var stopLocation: [Double]?
    /// (reverse time, density) at every snapshot, the first and the last included, when asked for.
    public var snapshots: [(reverseTime: Double, density: Field)] = []
}

/// The score-guided reverse Fokker–Planck equation (THEORY §3) completed: from a density at forward time T, run
/// d_s q + div(q (-f x + g^2 s(x, T - s))) = (g^2 / 2) Lap q on the grid up to t_min, then finish.
///
/// The equation (`ReverseTimeProcess`: OU, VP, VE or any linear model, with any `ScoreProvider`: exact mixture,
/// `GridScore` read off the forward solution, `FiniteDatasetScore`, `UniformIntervalsScore`), the method
/// (`ReverseSolver`, `ReverseStepPlan`) and the end (`ReverseFinish`) are separate values. Near t = 0 the drift
/// grows like 1/t for data without a smooth density (a Dirac, a finite data set, an interval's edge): the run
/// stops at t_min, with steps that shrink geometrically toward it, and then either applies the exact <X0> map or
/// reports the density at t_min; `ReverseFinish.sentence` says which in every report.
///
/// Monitoring as in the forward solver (`DensityRun`): mass drift, finiteness and the amplitude ratio after every
/// step; a snapshot every `snapshotCount`-th of the way in log t records L1 error (against `exactDensity` when
/// given), mass and minimum. Cost: the solver's per step (spectral: 4 drift evaluations, each d + 1 FFTs and one
/// score evaluation on the grid; finite volume: O(N) per step), plus one exact density per snapshot.
public struct ReverseDensityRun {
    public var model: LinearSDE
    public var score: any ScoreProvider
    /// T > 0.
    public var horizon: Double
    /// 0 < t_min < T.
    public var minimumTime: Double
    /// The grid method: spectral (IF-RK4 or Strang; explicit drift) on the periodic box, or finite volumes between
    /// no-flux walls (implicit: positive with backward Euler).
    public var method: GridMethod
    public var steps: ReverseStepPlan
    public var finish: ReverseFinish
    /// Snapshots at geometrically spaced forward times between T and t_min (besides the first and the last).
    public var snapshotCount: Int
    /// rho(., t) on the run's grid at forward time t, when known (the error history).
    public var exactDensity: (@Sendable (Double) -> Field)?
    public var threads: Int
    public var massDriftTolerance: Double
    /// Keep the density of every snapshot (`ReverseDensityResult.snapshots`).
    public var keepSnapshots: Bool = false
    /// Wraps the stepper the run builds before it steps (the identity in normal use; a test hands in a broken one).
    public var stepperTransform: (any DensityStepper) -> any DensityStepper = { $0 }
    public var progress: ((Double) -> Void)?

    public init(
        model: LinearSDE, score: any ScoreProvider, horizon: Double, minimumTime: Double,
        method: GridMethod = .integratingFactorRK4,
        steps: ReverseStepPlan = ReverseStepPlan(uniformSteps: 2000, geometricSteps: 400),
        finish: ReverseFinish = .posteriorMeanMap, snapshotCount: Int = 20,
        exactDensity: (@Sendable (Double) -> Field)? = nil,
        threads: Int = 1, massDriftTolerance: Double = 1e-6, progress: ((Double) -> Void)? = nil
    ) {
        self.model = model
        self.score = score
        self.horizon = horizon
        self.minimumTime = minimumTime
        self.method = method
        self.steps = steps
        self.finish = finish
        self.snapshotCount = snapshotCount
        self.exactDensity = exactDensity
        self.threads = threads
        self.massDriftTolerance = massDriftTolerance
        self.progress = progress
    }

    /// The process the grid solvers run: the reverse of `model` guided by `score`, in reverse time s.
    public var process: ReverseTimeProcess { model.reversed(score: score, horizon: horizon) }

    /// Runs from `data` (rho_T, or any start law, on a periodic grid for the spectral solver; the finite-volume
    /// solver runs the same cells between walls). The reconstruction comes back on `data.grid`.
    public func run(from data: Field) throws -> ReverseDensityResult {
        guard horizon > 0, horizon.isFinite else {
            throw ReconstructionError("the horizon T must be a positive finite number; got \(horizon)")
        }
        guard minimumTime > 0, minimumTime < horizon else {
            throw ReconstructionError("t_min must be greater than 0 and below T = \(horizon); got \(minimumTime)")
        }
        guard steps.uniformSteps >= 0, steps.geometricSteps >= 0, steps.uniformSteps + steps.geometricSteps > 0 else {
            throw ReconstructionError("the reverse run needs at least one step")
        }
        guard score.dimension == data.grid.dimension else {
            throw ReconstructionError("the score is \(score.dimension)-D and the density \(data.grid.dimension)-D")
        }
        let clock = ContinuousClock.now
        let inputGrid = data.grid
        let grid = Grid(shape: inputGrid.shape, halfWidth: inputGrid.halfWidth, boundary: method.boundary)
        let stepper = stepperTransform(
            try method.makeStepper(
                process: process, initialDensity: Field(grid: grid, values: data.values), threads: threads))
        let horizon = self.horizon
        let end = horizon - minimumTime
        let snapshotReverseTimes =
            snapshotCount > 0
            ? TimeGrid.geometric(from: horizon, to: minimumTime, steps: snapshotCount + 1).times.dropFirst().dropLast()
                .map { horizon - $0 }
            : []
        let exact = exactDensity
        let solverGrid = stepper.grid
        let loop = DensityRun(
            endTime: end, stepCount: 0, snapshotTimes: snapshotReverseTimes,
            exactDensity: exact.map { density in
                { reverseTime in Field(grid: solverGrid, values: density(horizon - reverseTime).values) }
            },
            massDriftTolerance: massDriftTolerance, amplitudeRatioBound: 1 + 1e-6, keepDensities: keepSnapshots,
            stepTimes: steps.reverseTimes(horizon: horizon, minimumTime: minimumTime), progress: progress
        )
        let result = loop.run(stepper)
        let stopped = Field(grid: inputGrid, values: result.finalDensity.values)
        var history = result.snapshots.map { snapshot in
            ReverseHistoryPoint(
                reverseTime: snapshot.diagnostics.time, forwardTime: horizon - snapshot.diagnostics.time,
                l1Error: snapshot.diagnostics.l1Error, mass: snapshot.diagnostics.mass,
                minimumDensity: snapshot.diagnostics.minimumDensity)
        }
        let snapshots =
            keepSnapshots
            ? result.snapshots.compactMap { snapshot in
                snapshot.density.map { (snapshot.diagnostics.time, Field(grid: inputGrid, values: $0.values)) }
            } : []
        var reconstruction = stopped
        var reconstructionTime = horizon - result.finalTime
        var lost = 0.0
        if result.status.isCompleted && finish == .posteriorMeanMap {
            let mapped = PosteriorMeanMap.pushForward(stopped, score: score, time: minimumTime)
            reconstruction = mapped.density
            lost = mapped.lostMass
            reconstructionTime = 0
            history.append(
                ReverseHistoryPoint(
                    reverseTime: horizon, forwardTime: 0, l1Error: exact.map { reconstruction.distanceL1(to: $0(0)) },
                    mass: reconstruction.integral, minimumDensity: reconstruction.minimum))
        }
        var location: [Double]?
        if !result.status.isCompleted {
            let values = stopped.values
            let index =
                values.firstIndex { !$0.isFinite } ?? values.indices.max { abs(values[$0]) < abs(values[$1]) } ?? 0
            location = inputGrid.point(at: index)
        }
        let elapsed = ContinuousClock.now - clock
        return ReverseDensityResult(
            status: result.status, densityAtStop: stopped, reconstruction: reconstruction,
            reconstructionTime: reconstructionTime,
            finish: finish, lostMass: lost, history: history, stepsTaken: result.stepsTaken,
            worstMinimum: history.map(\.minimumDensity).min() ?? .nan,
            elapsedSeconds: elapsed / .seconds(1),
            stopLocation: location, snapshots: snapshots)
    }
}

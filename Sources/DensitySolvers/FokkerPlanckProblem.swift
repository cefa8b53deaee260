import DiffusionModels
import GridFields
import SpectralTransforms

/// A Fokker–Planck problem as data (SciML's `ODEProblem` for a density): d_t rho = -div(b rho) + (g(t)^2 / 2)
/// Lap rho for `process`, from `initialDensity` at `startTime` to `endTime` on the grid of `initialDensity`, with
/// the exact solution and the stationary density when they are known (the run then measures its errors and its
/// KL divergence at every snapshot). `solve(_:_:options:)` runs it with a `GridMethod`.
public struct FokkerPlanckProblem {
    public var process: any ForwardProcess
    public var initialDensity: Field
    public var startTime: Double
    public var endTime: Double
    /// rho(., t) on the problem's grid, when known.
    public var exactDensity: ((Double) -> Field)?
    /// The stationary density on the problem's grid, when the process has one.
    public var stationaryDensity: Field?

    public init(
        process: any ForwardProcess, initialDensity: Field, startTime: Double = 0, endTime: Double,
        exactDensity: ((Double) -> Field)? = nil, stationaryDensity: Field? = nil
    ) {
        self.process = process
        self.initialDensity = initialDensity
        self.startTime = startTime
        self.endTime = endTime
        self.exactDensity = exactDensity
        self.stationaryDensity = stationaryDensity
    }

    public var grid: Grid { initialDensity.grid }
}

/// How `solve` steps and what it keeps; every default is the run loop's (`DensityRun`).
public struct SolveOptions {
    /// Uniform steps over the interval; nil: the method's suggestion (`GridMethod.suggestedStepCount`).
    public var steps: Int?
    /// Explicit step boundaries (they override `steps`; the snapshot times are merged in).
    public var stepTimes: [Double]?
    /// Snapshot times inside the interval; the end time is always a snapshot.
    public var snapshotTimes: [Double]
    /// Keep every snapshot's density (the last is always kept).
    public var keepDensities: Bool
    public var massDriftTolerance: Double
    public var amplitudeRatioBound: Double
    /// FFTW planning rigor and threads of the spectral methods.
    public var rigor: PlanningRigor
    public var threads: Int
    /// Called after every step with the fraction done.
    public var progress: ((Double) -> Void)?

    public init(
        steps: Int? = nil, stepTimes: [Double]? = nil, snapshotTimes: [Double] = [], keepDensities: Bool = false,
        massDriftTolerance: Double = 1e-8, amplitudeRatioBound: Double = 1 + 1e-6, rigor: PlanningRigor = .estimate,
        threads: Int = 1, progress: ((Double) -> Void)? = nil
    ) {
        self.steps = steps
        self.stepTimes = stepTimes
        self.snapshotTimes = snapshotTimes
        self.keepDensities = keepDensities
        self.massDriftTolerance = massDriftTolerance
        self.amplitudeRatioBound = amplitudeRatioBound
        self.rigor = rigor
        self.threads = threads
        self.progress = progress
    }
}

/// Solves `problem` with `method`: builds the method's stepper on the problem's grid and drives it with the run
/// loop (`DensityRun`: snapshots at the given times, mass, finiteness and amplitude checked after every step).
/// The result's status says how the run ended and carries where (`RunStatus`). Throws `SolverError` when the
/// method cannot run on the problem's grid (a finite-volume method on a periodic grid, a drift with spectral
/// reflecting walls).
public func solve(
    _ problem: FokkerPlanckProblem, _ method: GridMethod, options: SolveOptions = SolveOptions()
) throws -> RunResult {
    let stepper = try method.makeStepper(
        process: problem.process, initialDensity: problem.initialDensity, startTime: problem.startTime,
        rigor: options.rigor, threads: options.threads)
    var resolved = options
    resolved.steps =
        options.steps
        ?? method.suggestedStepCount(
            process: problem.process, grid: problem.grid, startTime: problem.startTime, endTime: problem.endTime)
    return problem.run(stepper, options: resolved)
}

extension FokkerPlanckProblem {
    /// Drives `stepper` (which holds the problem's initial density at its start time) over the problem's
    /// interval: the run loop of `solve`, open to a stepper built elsewhere (a test's broken one). The steps are
    /// `options.steps` (or `options.stepTimes`); `rigor` and `threads` belong to the stepper, built already.
    public func run(_ stepper: any DensityStepper, options: SolveOptions) -> RunResult {
        precondition(
            options.steps != nil || options.stepTimes != nil, "FokkerPlanckProblem.run: give the steps or step times")
        return DensityRun(
            endTime: endTime, stepCount: options.steps ?? 0, snapshotTimes: options.snapshotTimes,
            exactDensity: exactDensity, stationaryDensity: stationaryDensity,
            massDriftTolerance: options.massDriftTolerance, amplitudeRatioBound: options.amplitudeRatioBound,
            keepDensities: options.keepDensities, stepTimes: options.stepTimes, progress: options.progress
        ).run(stepper)
    }
}

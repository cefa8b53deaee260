import DataFiles
import DensitySolvers
import DiffusionModels
import Foundation
import GridFields
import ParticleSampling
import RandomStreams
import Scores

/// One `fplab sample` run, every default resolved: `particleCount` particles through the forward SDE of a linear
/// model from a Gaussian mixture (or from training points) to the horizon, or back from the horizon along the
/// reverse-time SDE or the probability-flow ODE guided by a score, on `stepCount` steps of a time grid.
public struct SampleExperiment: Sendable {
    public var direction: SampleDirection
    public var process: LinearSDE
    /// The data's law; nil when the run starts from training points (`training`).
    public var mixture: GaussianMixture?
    /// The text the mixture was read from, as given (reports quote it).
    public var mixtureSpecification: String
    /// The training points read from a file, and that file's path as given (reports quote it); nil with a mixture.
    public var training: PointSet?
    public var dataPath: String?
    public var dimension: Int
    public var scoreKind: SampleScoreKind
    public var integrator: ParticleIntegrator
    public var schedule: StepSchedule
    public var start: SampleStartLaw
    /// Reverse: the probability-flow ODE instead of the reverse SDE.
    public var usesProbabilityFlow: Bool
    public var particleCount: Int
    public var stepCount: Int
    /// Forward: the end time T; reverse: the start.
    public var horizon: Double
    /// Reverse: the last time t-min of the SDE or ODE (ddpm and ddim go on to 0).
    public var minimumTime: Double
    /// The empirical score's kernel bandwidth (0: the exact finite-data score).
    public var bandwidth: Double
    /// Points drawn from the mixture for an empirical score (unused with `training`).
    public var trainingPointCount: Int
    /// The periodic grid of the histogram and of the grid score.
    public var grid: Grid
    /// Bin the final particles on `grid`.
    public var recordsHistogram: Bool
    public var settings: RunSettings

    /// Bytes a particle coordinate costs: the positions and the sampler's scratch copy (8 + 8), the moments (8),
    /// and with an output folder its text in samples.csv (up to 25) and its bytes in samples.npy (8).
    public static let bytesPerCoordinate = 57.0

    /// A run from `mixture` or from `training` (one of them); a nil score, integrator or schedule takes its default:
    /// score exact with a mixture and empirical with training points; integrator exact forward, euler-maruyama
    /// reverse and rk4 with the probability flow; schedule uniform forward and geometric reverse.
    public init(
        direction: SampleDirection = .reverse, process: LinearSDE, mixture: GaussianMixture?,
        mixtureSpecification: String? = nil, training: PointSet? = nil, dataPath: String? = nil, dimension: Int,
        scoreKind: SampleScoreKind? = nil, integrator: ParticleIntegrator? = nil, schedule: StepSchedule? = nil,
        start: SampleStartLaw = .exact, usesProbabilityFlow: Bool = false, particleCount: Int = 10_000,
        stepCount: Int = 500, horizon: Double = 1, minimumTime: Double = 1e-3, bandwidth: Double = 0,
        trainingPointCount: Int = 200, grid: Grid, recordsHistogram: Bool = false,
        settings: RunSettings = RunSettings()
    ) {
        self.direction = direction
        self.process = process
        self.mixture = mixture
        self.mixtureSpecification = mixtureSpecification ?? mixture?.specification ?? ""
        self.training = training
        self.dataPath = dataPath
        self.dimension = dimension
        self.scoreKind = scoreKind ?? (training == nil ? .exact : .empirical)
        self.integrator =
            integrator ?? (direction == .forward ? .exact : (usesProbabilityFlow ? .rungeKutta4 : .eulerMaruyama))
        self.schedule = schedule ?? (direction == .forward ? .uniform : .geometric)
        self.start = start
        self.usesProbabilityFlow = usesProbabilityFlow
        self.particleCount = particleCount
        self.stepCount = stepCount
        self.horizon = horizon
        self.minimumTime = minimumTime
        self.bandwidth = bandwidth
        self.trainingPointCount = trainingPointCount
        self.grid = grid
        self.recordsHistogram = recordsHistogram
        self.settings = settings
    }

    /// Training points the run holds: those of `training`, or the N draws of an empirical score.
    public var heldTrainingPointCount: Int { training?.count ?? (scoreKind == .empirical ? trainingPointCount : 0) }

    /// Memory of the run, with M particles, d coordinates and N training points: `bytesPerCoordinate` × M d
    /// + 8 N d (the training points) + 16 N d^2 (the exact reverse start from training points: one Gaussian per
    /// point, its covariance and Cholesky factor).
    public var estimatedBytes: Double {
        let coordinates = Double(dimension)
        let trainingCount = Double(heldTrainingPointCount)
        let exactStartFromData = mixture == nil && direction == .reverse && start == .exact
        return Self.bytesPerCoordinate * Double(particleCount) * coordinates + 8 * trainingCount * coordinates
            + (exactStartFromData ? 16 * trainingCount * coordinates * coordinates : 0)
    }

    /// Score terms S per particle step: the mixture's components for the exact score and for the forward exact
    /// law, the training points N for the empirical score, 4^d interpolation corners for the grid score.
    public var scoreTermsPerStep: Double {
        switch (direction, scoreKind) {
        case (.forward, _): return Double(mixture?.components.count ?? 1)
        case (.reverse, .exact): return Double(mixture?.components.count ?? 1)
        case (.reverse, .empirical): return Double(heldTrainingPointCount)
        case (.reverse, .grid): return Double(1 << (2 * dimension))
        }
    }

    /// Operations of the run, with M particles, K steps and d coordinates: about 20 × M (K + 1) d S.
    public var estimatedOperations: Double {
        20 * Double(particleCount) * Double(stepCount + 1) * Double(dimension) * scoreTermsPerStep
    }

    /// The forward times the particles step through: forward, K uniform steps from 0 to T; reverse, K steps from T
    /// down to t-min spaced by the schedule (`StepSchedule`); ddpm and ddim add a last step to t = 0.
    public var timeGrid: TimeGrid {
        if direction == .forward { return .uniform(from: 0, to: horizon, steps: stepCount) }
        let grid = schedule.timeGrid(model: process, from: horizon, to: minimumTime, steps: stepCount)
        return integrator == .ddpm || integrator == .ddim ? grid.appending(0) : grid
    }

    /// The training points behind an empirical score: `training`, or `trainingPointCount` draws from the mixture
    /// (from the stream `UInt64.max` of the seed, apart from the particles' streams).
    public var trainingPoints: PointSet? {
        if let training { return training }
        guard scoreKind == .empirical, let mixture else { return nil }
        var generator = Xoshiro256StarStar(seed: settings.seed, stream: UInt64.max)
        var points = [Double](repeating: 0, count: trainingPointCount * dimension)
        points.withUnsafeMutableBufferPointer { MixtureDraws(mixture: mixture).fill($0, using: &generator) }
        return PointSet(points: points, dimension: dimension)
    }

    /// The score of `scoreKind`. The grid score solves the forward equation on `grid` by the spectral solver to T,
    /// keeping the density at up to 400 of the reverse times and at t-min; a solve that stops early is an
    /// `ExperimentError` naming `--score grid`.
    func makeScore() throws -> any ScoreProvider {
        switch scoreKind {
        case .exact:
            return ExactMixtureScore(mixture: mixture!, model: process)
        case .empirical:
            let points = trainingPoints!
            return FiniteDatasetScore(
                data: points.points, dimension: points.dimension, model: process, bandwidth: bandwidth)
        case .grid:
            // Snapshots at up to 400 of the reverse times (the score is interpolated linearly between them).
            let times = timeGrid.times.filter { $0 > 0 }
            let stride = max(1, times.count / 400)
            let snapshotTimes = Array(
                Set(times.enumerated().filter { $0.offset % stride == 0 }.map(\.element) + [minimumTime])
            ).sorted()
            let problem = FokkerPlanckProblem(
                process: process, initialDensity: mixture!.field(on: grid), endTime: horizon)
            let result = try solve(
                problem, .integratingFactorRK4,
                options: SolveOptions(snapshotTimes: snapshotTimes, keepDensities: true, threads: settings.threads))
            guard result.status.isCompleted else {
                throw ExperimentError("--score grid: the forward solve stopped early: \(result.status)")
            }
            return GridScore(
                snapshots: result.snapshots.compactMap { snapshot in
                    snapshot.density.map { (snapshot.diagnostics.time, $0) }
                }, model: process)
        }
    }

    /// The law the particles should follow at the end, when known exactly: forward, the mixture evolved to T;
    /// reverse from the exact law at T with a mixture's score, the mixture evolved to the last time (itself at 0).
    public var targetMixture: GaussianMixture? {
        guard let mixture else { return nil }
        switch direction {
        case .forward: return mixture.evolved(under: process, to: horizon)
        case .reverse:
            // From the exact law at T with the exact score, the particles return to the mixture (at t-min for the
            // SDE and ODE; at 0 for ddpm/ddim).
            guard start == .exact, scoreKind != .empirical else { return nil }
            let end = timeGrid.times.last!
            return end > 0 ? mixture.evolved(under: process, to: end) : mixture
        }
    }

    /// Builds the dynamics and the start law and runs the particles, timing it all. Forward from training points,
    /// the particles start at the points in turn; reverse from the exact law without a mixture, at
    /// rho_T = (1/N) sum_i N(m(T) x_i, v(T) I). Throws the sampler's `SamplerError` when the integrator does not suit
    /// the dynamics or the time grid, and an `ExperimentError` when the grid score's forward solve stops early.
    public func run() throws -> SampleOutcome {
        let clock = ContinuousClock.now
        let dynamics: ParticleDynamics
        let initial: InitialLaw
        switch direction {
        case .forward:
            dynamics = .forward(process)
            if let training {
                let repeats = (particleCount + training.count - 1) / training.count
                let points = Array(
                    Array(repeating: training.points, count: repeats).joined().prefix(particleCount * dimension))
                initial = .points(points, dimension: dimension)
            } else {
                initial = .mixture(mixture!)
            }
        case .reverse:
            let score = try makeScore()
            dynamics =
                usesProbabilityFlow
                ? .probabilityFlow(process: process, score: score)
                : .reverseSDE(process: process, score: score, form: .score)
            switch start {
            case .gamma: initial = .mixture(.standardNormal(dimension: dimension))
            case .exact:
                if let mixture {
                    initial = .mixture(mixture.evolved(under: process, to: horizon))
                } else {
                    let points = trainingPoints!
                    // rho_T of the data: (1/N) sum N(m x_i, v I).
                    let scale = process.meanScale(to: horizon)
                    let spread = process.variance(to: horizon).squareRoot()
                    initial = .mixture(
                        GaussianMixture(
                            components: stride(from: 0, to: points.points.count, by: dimension).map { start in
                                .init(
                                    weight: 1 / Double(points.count),
                                    mean: (0..<dimension).map { scale * points.points[start + $0] },
                                    standardDeviations: Array(repeating: spread, count: dimension))
                            }))
                }
            }
        }
        let sampler = ParticleSampler(
            dynamics: dynamics, integrator: integrator, timeGrid: timeGrid, seed: settings.seed,
            threads: settings.threads)
        let result = try sampler.run(initial: initial, count: particleCount)
        return SampleOutcome(experiment: self, result: result, wallSeconds: secondsElapsed(since: clock))
    }
}

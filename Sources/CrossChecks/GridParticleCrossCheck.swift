import DensitySolvers
import DiffusionModels
import Foundation
import GridFields
import ParticleSampling
import Safeguards
import Scores

/// Which way the cross-check runs the process.
public enum CrossCheckDirection: String, Sendable, CaseIterable {
    /// The forward Fokker–Planck equation from rho_0 against forward-SDE particles from rho_0.
    case forward
    /// The score-guided reverse Fokker–Planck equation from rho_T (`ReverseTimeProcess`, exact mixture score)
    /// against reverse-SDE particles from rho_T, both stopped at t_min > 0.
    case reverse
}

extension GridMethod {
    /// What the method's cell values mean: values at the cell centres for the spectral methods, cell averages for
    /// the finite-volume ones (started from the mixture's cell averages, so that the comparison is cell mass
    /// against cell mass from the start).
    public var cellValueMeaning: CellValueMeaning { isSpectral ? .cellCentreValues : .cellAverages }
}

/// Why a cross-check configuration is refused; `description` is one sentence that names the parameter.
public struct CrossCheckError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The grid-against-particles cross-check: the same SDE value run by a Fokker–Planck solver on a grid and by the
/// particle sampler, the particles binned on the solver's cells, compared at several times and for several
/// particle counts M (`HistogramDiscrepancy`), with the measured decay exponent of the total variation in M.
///
/// - Forward: the density from the mixture rho_0 to each time t_j (uniform steps, the solver's suggested count
///   unless `gridSteps` is set); particles drawn from rho_0 and moved by `forwardIntegrator` (`exact`: one exact
///   step per interval; `eulerMaruyama`: `forwardSteps` steps in all) to the same times.
/// - Reverse: the reverse Fokker–Planck equation d_s q + div(q (-f x + g^2 grad log rho(x, T - s))) = (g^2/2) Lap q
///   with the exact mixture score, from q(., 0) = rho_T sampled on the grid; particles drawn from rho_T follow the
///   reverse SDE (score form, Euler–Maruyama, `reverseSteps` steps from T to t_min spaced geometrically in t).
///   The grid run uses the same geometric spacing (its count: `gridSteps`, else the larger of the spectral
///   solver's suggestion and 400). Comparison times: the given times t with t_min <= t < T, and t_min.
/// The particle counts are nested: the histogram for M uses the first M particles of one run of max(M) particles
/// (each particle is an independent path, so every prefix is an independent sample). Cost: the grid run, one
/// particle run of max(M) particles, and one `HistogramDiscrepancy` per time and M.
public struct GridParticleCrossCheck: Sendable {
    public var mixture: GaussianMixture
    public var model: LinearSDE
    /// The cells; its boundary is the solver's.
    public var grid: Grid
    /// The grid method (its boundary is the grid's).
    public var method: GridMethod
    /// T: the reverse direction starts from rho_T.
    public var horizon: Double
    /// Comparison times in forward time, each in (0, T].
    public var times: [Double]
    /// t_min: where the reverse runs stop, 0 < t_min < T.
    public var minimumTime: Double
    public var particleCounts: [Int]
    /// `exact` or `eulerMaruyama`.
    public var forwardIntegrator: ParticleIntegrator = .exact
    /// Euler–Maruyama steps from 0 to the last time (forward; ignored by the exact integrator).
    public var forwardSteps: Int = 1000
    /// Euler–Maruyama steps from T to t_min (reverse).
    public var reverseSteps: Int = 1000
    /// Grid steps; nil for the default of each direction.
    public var gridSteps: Int?
    public var seed: UInt64 = 1
    /// Threads of the particle runs. The grid solver runs on one thread: FFTW's multithreaded plans may split a
    /// transform differently and change the last bits, and the same seed must give the same output whatever the
    /// thread count.
    public var threads: Int = 1
    /// The floor inside the KL logarithm.
    public var klFloor: Double = 1e-12
    /// Directions of the sliced W1 in 2-D.
    public var slicedDirections: Int = 64
    /// The components under test, each the identity in normal use (a test hands in broken ones): the process the
    /// grid solver runs, the process the particles run (their exact score is built for it), the score handed to
    /// the reverse grid equation and the reverse particles, the grid stepper, and the particle positions before
    /// they are binned.
    public var gridProcessTransform: @Sendable (LinearSDE) -> LinearSDE = { $0 }
    public var particleProcessTransform: @Sendable (LinearSDE) -> LinearSDE = { $0 }
    public var scoreTransform: @Sendable (any ScoreProvider) -> any ScoreProvider = { $0 }
    public var stepperTransform: @Sendable (any DensityStepper) -> any DensityStepper = { $0 }
    public var positionTransform: @Sendable ([Double]) -> [Double] = { $0 }

    /// Random streams of the forward and reverse particle runs (each interval adds its index).
    static let forwardStreamBase: UInt64 = 1 << 40
    static let reverseStreamBase: UInt64 = 2 << 40

    public init(
        mixture: GaussianMixture, model: LinearSDE, grid: Grid, method: GridMethod = .integratingFactorRK4,
        horizon: Double = 1, times: [Double], minimumTime: Double = 0.05, particleCounts: [Int]
    ) {
        self.mixture = mixture
        self.model = model
        self.grid = Grid(shape: grid.shape, halfWidth: grid.halfWidth, boundary: method.boundary)
        self.method = method
        self.horizon = horizon
        self.times = times
        self.minimumTime = minimumTime
        self.particleCounts = particleCounts
    }

    /// Refuses what cannot run, with a sentence naming the parameter.
    public func validate() throws {
        guard horizon.isFinite && horizon > 0 else {
            throw CrossCheckError("the horizon T must be positive and finite; got \(horizon)")
        }
        guard !times.isEmpty else { throw CrossCheckError("at least one comparison time is needed") }
        if let bad = times.first(where: { !($0 > 0 && $0 <= horizon) }) {
            throw CrossCheckError("comparison times must lie in (0, T] = (0, \(horizon)]; got \(bad)")
        }
        guard minimumTime.isFinite && minimumTime > 0 && minimumTime < horizon else {
            throw CrossCheckError("t_min must lie in (0, T) = (0, \(horizon)); got \(minimumTime)")
        }
        guard !particleCounts.isEmpty else { throw CrossCheckError("at least one particle count is needed") }
        if let bad = particleCounts.first(where: { $0 < 1 }) {
            throw CrossCheckError("particle counts must be at least 1; got \(bad)")
        }
        guard mixture.dimension == grid.dimension else {
            throw CrossCheckError("the mixture is \(mixture.dimension)-D but the grid is \(grid.dimension)-D")
        }
        guard [.exact, .eulerMaruyama].contains(forwardIntegrator) else {
            throw CrossCheckError(
                "the forward integrator must be exact or euler-maruyama; got \(forwardIntegrator.rawValue)")
        }
        guard forwardSteps >= 1, reverseSteps >= 1, (gridSteps ?? 1) >= 1 else {
            throw CrossCheckError("step counts must be at least 1")
        }
        guard model.variance(to: horizon).isFinite else {
            throw CrossCheckError("the model's variance overflows at T = \(horizon)")
        }
    }

    /// The comparison times of `direction`, in integration order.
    public func comparisonTimes(_ direction: CrossCheckDirection) -> [Double] {
        switch direction {
        case .forward:
            return Array(Set(times)).sorted()
        case .reverse:
            return Array(Set(times.filter { $0 >= minimumTime && $0 < horizon } + [minimumTime])).sorted(by: >)
        }
    }

    /// Runs one direction. `progress` gets the fraction done (the grid run first, then the particle intervals).
    public func run(_ direction: CrossCheckDirection, progress: ((Double) -> Void)? = nil) throws -> CrossCheckResult {
        try validate()
        let comparison = comparisonTimes(direction)
        let gridShare = 0.2
        let grid = try gridDensities(direction, times: comparison) { progress?(gridShare * $0) }
        let meaning = method.cellValueMeaning
        let dimension = self.grid.dimension
        var comparisons: [CrossCheckComparison] = []
        let transform = positionTransform
        let particles = try particleSnapshots(
            direction, times: comparison, progress: { progress?(gridShare + (1 - gridShare) * $0) }
        ) { _, raw in
            let positions = transform(raw)
            let index = comparisons.count
            guard index < grid.densities.count else { return }
            let density = grid.densities[index]
            let masses = CellMasses(density: density, meaning: meaning)
            let rows = particleCounts.map { count in
                CrossCheckRow(
                    direction: direction, time: comparison[index], particleCount: count,
                    discrepancy: HistogramDiscrepancy(
                        positions: Array(positions.prefix(count * dimension)), cellMasses: masses,
                        klFloor: klFloor, slicedDirections: slicedDirections))
            }
            comparisons.append(
                CrossCheckComparison(
                    time: comparison[index], gridDensity: density, cellMasses: masses,
                    largestHistogram: ParticleHistogram(positions: positions, grid: density.grid),
                    rows: rows))
        }
        return CrossCheckResult(
            direction: direction, comparisons: comparisons, plannedTimes: comparison, cellValueMeaning: meaning,
            gridStatus: grid.status, gridStepCount: grid.stepCount, gridSeconds: grid.seconds,
            particleStatus: particles.status, particleSeconds: particles.elapsedSeconds)
    }

    /// The grid density at each comparison time (fewer when the run stopped early).
    func gridDensities(_ direction: CrossCheckDirection, times: [Double], progress: @escaping (Double) -> Void) throws
        -> (densities: [Field], status: RunStatus, stepCount: Int, seconds: Double)
    {
        let start = direction == .forward ? mixture : mixture.evolved(under: model, to: horizon)
        var initial = start.field(on: grid)
        if !method.isSpectral { initial = CellMasses(density: initial, meaning: .cellCentreValues).averageDensity }
        let gridModel = gridProcessTransform(model)
        let process: any ForwardProcess =
            direction == .forward
            ? gridModel
            : ReverseTimeProcess(
                forward: gridModel, score: scoreTransform(ExactMixtureScore(mixture: mixture, model: gridModel)),
                horizon: horizon)
        let stepper: any DensityStepper = stepperTransform(
            try method.makeStepper(process: process, initialDensity: initial))
        let loop: DensityRun
        let stepCount: Int
        switch direction {
        case .forward:
            let end = times.last!
            stepCount =
                gridSteps
                ?? method.suggestedStepCount(process: process, grid: grid, endTime: end)
            loop = DensityRun(
                endTime: end, stepCount: stepCount, snapshotTimes: times, keepDensities: true, progress: progress)
        case .reverse:
            let end = horizon - minimumTime
            stepCount =
                gridSteps
                // The spectral stability estimate for every method: the geometric steps resolve the 1/t drift.
                ?? max(
                    400, GridMethod.integratingFactorRK4.suggestedStepCount(process: process, grid: grid, endTime: end))
            let stepTimes = TimeGrid.geometric(from: horizon, to: minimumTime, steps: stepCount).times.map {
                horizon - $0
            }
            loop = DensityRun(
                endTime: end, stepCount: stepCount, snapshotTimes: times.map { horizon - $0 }, keepDensities: true,
                stepTimes: stepTimes, progress: progress)
        }
        let result = loop.run(stepper)
        // Snapshot 0 is the start; the others are the comparison times in order.
        let densities = result.snapshots.dropFirst().compactMap(\.density)
        return (Array(densities.prefix(times.count)), result.status, stepCount, result.elapsedSeconds)
    }

    /// Runs the particles of `direction`, handing the positions at each comparison time to `atStop`.
    func particleSnapshots(
        _ direction: CrossCheckDirection, times: [Double], progress: @escaping (Double) -> Void,
        atStop: (_ time: Double, _ positions: [Double]) throws -> Void
    ) throws -> ParticleSnapshots.Outcome {
        let count = particleCounts.max()!
        let model = particleProcessTransform(self.model)
        switch direction {
        case .forward:
            let stops = [0] + times
            let steps =
                forwardIntegrator == .exact
                ? Array(repeating: 1, count: times.count)
                : ParticleSnapshots.stepCounts(stops: stops, totalSteps: forwardSteps, geometric: false)
            let snapshots = ParticleSnapshots(
                dynamics: .forward(model), integrator: forwardIntegrator, stops: stops, stepsPerInterval: steps,
                seed: seed, streamBase: Self.forwardStreamBase, threads: threads)
            return try snapshots.run(initial: .mixture(mixture), count: count, progress: progress, atStop: atStop)
        case .reverse:
            let stops = [horizon] + times
            let score = scoreTransform(ExactMixtureScore(mixture: mixture, model: model))
            let snapshots = ParticleSnapshots(
                dynamics: .reverseSDE(process: model, score: score, form: .score), integrator: .eulerMaruyama,
                stops: stops,
                stepsPerInterval: ParticleSnapshots.stepCounts(stops: stops, totalSteps: reverseSteps, geometric: true),
                geometricSteps: true, seed: seed, streamBase: Self.reverseStreamBase, threads: threads)
            return try snapshots.run(
                initial: .mixture(mixture.evolved(under: self.model, to: horizon)), count: count, progress: progress,
                atStop: atStop)
        }
    }
}

/// One comparison: a time, a particle count and what `HistogramDiscrepancy` measured.
public struct CrossCheckRow: Sendable {
    public let direction: CrossCheckDirection
    /// Forward time t (the reverse runs are at reverse time T - t).
    public let time: Double
    public let particleCount: Int
    public let discrepancy: HistogramDiscrepancy
}

/// Everything compared at one time: the grid density, its cell masses, the histogram of all particles, and one
/// row per particle count.
public struct CrossCheckComparison: Sendable {
    public let time: Double
    /// The solver's values at this time.
    public let gridDensity: Field
    public let cellMasses: CellMasses
    /// The histogram of the largest particle count.
    public let largestHistogram: ParticleHistogram
    public let rows: [CrossCheckRow]
}

/// What one direction of the cross-check measured.
public struct CrossCheckResult: Sendable {
    public let direction: CrossCheckDirection
    /// The times reached by both runs, in integration order.
    public let comparisons: [CrossCheckComparison]
    /// The times the runs were asked for.
    public let plannedTimes: [Double]
    public let cellValueMeaning: CellValueMeaning
    public let gridStatus: RunStatus
    public let gridStepCount: Int
    public let gridSeconds: Double
    public let particleStatus: RunStatus
    public let particleSeconds: Double

    public var rows: [CrossCheckRow] { comparisons.flatMap(\.rows) }

    /// Both runs reached every comparison time.
    public var completed: Bool {
        gridStatus.isCompleted && particleStatus == .completed && comparisons.count == plannedTimes.count
    }

    /// The common slope of log TV against log M over the comparison times (`DecayFit`); theory: -1/2.
    public var decayExponent: Double? {
        DecayFit.exponent(groups: comparisons.map { $0.rows.map { ($0.particleCount, $0.discrepancy.totalVariation) } })
    }

    /// The same fit to the expected sampling levels E TV: what sampling alone gives at these M (close to -1/2 once
    /// most of the mass sits in bins holding many particles).
    public var expectedDecayExponent: Double? {
        DecayFit.exponent(
            groups: comparisons.map { $0.rows.map { ($0.particleCount, $0.discrepancy.expectedTotalVariation) } })
    }

    /// The standard error of `decayExponent` from the rows' multinomial SEs (`DecayFit.exponentStandardError`).
    public var decayExponentStandardError: Double? {
        DecayFit.exponentStandardError(
            groups: comparisons.map { comparison in
                comparison.rows.map {
                    (
                        $0.particleCount, $0.discrepancy.expectedTotalVariation,
                        $0.discrepancy.totalVariationStandardError
                    )
                }
            })
    }

    /// The largest |TV - E TV| / SE over the rows: NaN when there are none or any is NaN (never skipped).
    public var largestStandardScore: Double {
        let scores = rows.map { abs($0.discrepancy.standardScore) }
        return scores.isEmpty || scores.contains(where: \.isNaN) ? .nan : scores.max()!
    }
}

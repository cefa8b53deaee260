import DiffusionModels
import Foundation
import GridFields
import ParticleSampling
import RandomStreams
import Safeguards
import Scores

/// Which particle dynamics reverse the diffusion.
public enum ParticleReverseDynamics: String, Sendable, CaseIterable {
    /// dY = [-f Y + g^2 s] ds + g dW (Anderson), Euler–Maruyama by default.
    case reverseSDE = "reverse-sde"
    /// dY/ds = -f Y + (g^2 / 2) s, deterministic with the same marginals, RK4 by default.
    case probabilityFlow = "probability-flow"
}

/// One point of a particle run's history: the histogram on the grid against the exact density.
public struct ParticleHistoryPoint: Sendable, Equatable {
    public var reverseTime: Double
    public var forwardTime: Double
    public var l1Error: Double?
    /// The histogram's mass inside the box (particles outside it are not counted).
    public var mass: Double
    /// The positions there, when asked for (`ParticleReconstruction.keepPositions`).
    public var positions: [Double]?
}

/// The result of a particle reconstruction.
public struct ParticleReconstructionResult: Sendable {
    public var status: RunStatus
    /// Final positions (after the map when so finished), flat.
    public var positions: [Double]
    /// The final positions binned on the grid, and its density.
    public var histogram: ParticleHistogram
    public var reconstruction: Field { histogram.density }
    public var reconstructionTime: Double
    public var history: [ParticleHistoryPoint]
    public var elapsedSeconds: Double
}

/// Reverse-time particles (THEORY §3) histogrammed on a solver's grid: the particle counterpart of
/// `ReverseDensityRun`, with the same model value, score, horizon, t_min and finish.
///
/// Particles step through `steps` geometrically spaced forward times from T to t_min (shrinking with t, as the
/// 1/t drift near 0 asks; Euler–Maruyama is stable for h < 2 tanh t, THEORY §5), in segments that end at the
/// snapshot times, where the histogram is compared with the exact density. Each segment draws from its own
/// random streams (the seed hashed with the segment index; inside a segment one stream per block of 1024
/// particles), so the same seed gives the same bits with any thread count. At t_min the finish is the exact map
/// x -> <X0>(x, t_min) (`PosteriorMeanMap`) or none. Cost: steps x particles score evaluations (x 4 for RK4).
public struct ParticleReconstruction {
    public var model: LinearSDE
    public var score: any ScoreProvider
    public var horizon: Double
    public var minimumTime: Double
    public var dynamics: ParticleReverseDynamics
    /// nil: Euler–Maruyama for the SDE, RK4 for the probability flow.
    public var integrator: ParticleIntegrator?
    public var steps: Int
    public var finish: ReverseFinish
    public var snapshotCount: Int
    public var exactDensity: (@Sendable (Double) -> Field)?
    public var seed: UInt64
    public var threads: Int
    /// Keep the positions at every history point.
    public var keepPositions: Bool = false
    /// Applied to the positions before they are binned, counted or returned (at every history point and at the
    /// end; the dynamics go on from the positions as they are). The identity in normal use; a test hands in a
    /// broken read-out.
    public var positionTransform: @Sendable ([Double]) -> [Double] = { $0 }

    public init(
        model: LinearSDE, score: any ScoreProvider, horizon: Double, minimumTime: Double,
        dynamics: ParticleReverseDynamics,
        integrator: ParticleIntegrator? = nil, steps: Int = 500, finish: ReverseFinish = .posteriorMeanMap,
        snapshotCount: Int = 10,
        exactDensity: (@Sendable (Double) -> Field)? = nil, seed: UInt64 = 1, threads: Int = 1
    ) {
        self.model = model
        self.score = score
        self.horizon = horizon
        self.minimumTime = minimumTime
        self.dynamics = dynamics
        self.integrator = integrator
        self.steps = steps
        self.finish = finish
        self.snapshotCount = snapshotCount
        self.exactDensity = exactDensity
        self.seed = seed
        self.threads = threads
    }

    /// The stream tag of segment j's seed (hashed with `seed`).
    static let segmentStream: UInt64 = 0x7365_676D_656E_74 // "segment"

    public var resolvedIntegrator: ParticleIntegrator {
        integrator ?? (dynamics == .reverseSDE ? .eulerMaruyama : .rungeKutta4)
    }

    /// Runs the particles at `initial` (flat, d per point: draws from rho_T or any start law) and bins them on `grid`.
    public func run(from initial: [Double], grid: Grid) throws -> ParticleReconstructionResult {
        guard minimumTime > 0, minimumTime < horizon else {
            throw ReconstructionError("t_min must be greater than 0 and below T = \(horizon); got \(minimumTime)")
        }
        guard steps >= 1 else { throw ReconstructionError("the particle run needs at least one step; got \(steps)") }
        let clock = ContinuousClock.now
        let dimension = grid.dimension
        let particleDynamics: ParticleDynamics =
            dynamics == .reverseSDE
            ? .reverseSDE(process: model, score: score, form: .score)
            : .probabilityFlow(process: model, score: score)
        let times = TimeGrid.geometric(from: horizon, to: minimumTime, steps: steps).times
        // Segment ends: snapshotCount indices spread over the steps, and the last one.
        let segmentEnds = Array(
            Set(
                (1...max(snapshotCount, 1)).map {
                    Int((Double($0) * Double(steps) / Double(max(snapshotCount, 1))).rounded())
                })
        ).filter { $0 >= 1 }.sorted()
        var positions = initial
        var history: [ParticleHistoryPoint] = [point(positions, grid: grid, forwardTime: horizon)]
        var status = RunStatus.completed
        var segmentStart = 0
        for (segment, segmentEnd) in segmentEnds.enumerated() {
            var segmentSeedSource = Xoshiro256StarStar(seed: seed, stream: Self.segmentStream &+ UInt64(segment))
            let sampler = ParticleSampler(
                dynamics: particleDynamics, integrator: resolvedIntegrator,
                timeGrid: TimeGrid(times: Array(times[segmentStart...segmentEnd])),
                seed: segmentSeedSource.next(), threads: threads)
            let result = try sampler.run(
                initial: .points(positions, dimension: dimension), count: positions.count / dimension)
            positions = result.positions
            if result.status != .completed {
                status = result.status
                break
            }
            history.append(point(positions, grid: grid, forwardTime: times[segmentEnd]))
            segmentStart = segmentEnd
        }
        var reconstructionTime = times[segmentStart]
        if status == .completed && finish == .posteriorMeanMap {
            PosteriorMeanMap.apply(to: &positions, dimension: dimension, score: score, time: minimumTime)
            reconstructionTime = 0
            history.append(point(positions, grid: grid, forwardTime: 0))
        }
        let elapsed = ContinuousClock.now - clock
        positions = positionTransform(positions)
        return ParticleReconstructionResult(
            status: status, positions: positions, histogram: ParticleHistogram(positions: positions, grid: grid),
            reconstructionTime: reconstructionTime, history: history,
            elapsedSeconds: elapsed / .seconds(1))
    }

    private func point(_ raw: [Double], grid: Grid, forwardTime: Double) -> ParticleHistoryPoint {
        let positions = positionTransform(raw)
        let density = ParticleHistogram(positions: positions, grid: grid).density
        return ParticleHistoryPoint(
            reverseTime: horizon - forwardTime, forwardTime: forwardTime,
            l1Error: exactDensity.map { density.distanceL1(to: $0(forwardTime)) }, mass: density.integral,
            positions: keepPositions ? positions : nil)
    }
}

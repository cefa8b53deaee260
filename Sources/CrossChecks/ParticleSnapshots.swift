import Foundation
import ParticleSampling
import RandomStreams
import Safeguards

/// Particles taken through a process with stops: the positions at each of several times from one set of paths.
///
/// The interval between consecutive stops is one `ParticleSampler` run that starts from the positions the previous
/// one ended at. Segment j draws from its own seed, the first output of `Xoshiro256StarStar(seed:stream:)` at
/// stream `streamBase + j` (hashed, never added to the seed), so its increments are independent of every other
/// segment's; the runs are bit-identical for every thread count, as the sampler's are. Cost: that of one run over
/// all the steps, plus a copy of the positions per stop.
public struct ParticleSnapshots: Sendable {
    public var dynamics: ParticleDynamics
    public var integrator: ParticleIntegrator
    /// The forward times of the start and of every stop, in integration order (increasing forward, decreasing
    /// for the reverse processes).
    public var stops: [Double]
    /// Steps in each interval between consecutive stops (one entry per interval).
    public var stepsPerInterval: [Int]
    /// true: the steps of an interval are spaced geometrically in t (shrinking toward t = 0); false: uniformly.
    public var geometricSteps: Bool
    public var seed: UInt64
    public var streamBase: UInt64
    public var threads: Int

    public init(
        dynamics: ParticleDynamics, integrator: ParticleIntegrator, stops: [Double], stepsPerInterval: [Int],
        geometricSteps: Bool = false, seed: UInt64, streamBase: UInt64, threads: Int = 1
    ) {
        precondition(
            stops.count >= 2 && stepsPerInterval.count == stops.count - 1,
            "ParticleSnapshots: one step count per interval")
        self.dynamics = dynamics
        self.integrator = integrator
        self.stops = stops
        self.stepsPerInterval = stepsPerInterval
        self.geometricSteps = geometricSteps
        self.seed = seed
        self.streamBase = streamBase
        self.threads = threads
    }

    /// Splits `totalSteps` over the intervals between `stops` in proportion to their lengths (in log t when
    /// `geometric`), at least one step each.
    public static func stepCounts(stops: [Double], totalSteps: Int, geometric: Bool) -> [Int] {
        let lengths = zip(stops, stops.dropFirst()).map { geometric ? abs(log($0.1 / $0.0)) : abs($0.1 - $0.0) }
        let total = lengths.reduce(0, +)
        return lengths.map { max(1, Int((Double(totalSteps) * $0 / total).rounded())) }
    }

    /// How a run ended.
    public struct Outcome: Sendable {
        /// The stops reached after the start (each was handed to `atStop`).
        public var stopsReached: Int
        public var status: RunStatus
        public var elapsedSeconds: Double
    }

    /// Runs `count` particles from `initial`, handing the forward time and the flat positions to `atStop` at every
    /// stop after the start (only the current positions are kept: memory O(M d)); `progress` gets the fraction of
    /// intervals done.
    public func run(
        initial: InitialLaw, count: Int, progress: ((Double) -> Void)? = nil,
        atStop: (_ time: Double, _ positions: [Double]) throws -> Void
    ) throws -> Outcome {
        var law = initial
        var seconds = 0.0
        let dimension = initial.dimension
        for interval in 0..<(stops.count - 1) {
            let (start, end, steps) = (stops[interval], stops[interval + 1], stepsPerInterval[interval])
            let timeGrid =
                geometricSteps
                ? TimeGrid.geometric(from: start, to: end, steps: steps)
                : TimeGrid.uniform(from: start, to: end, steps: steps)
            var seeding = Xoshiro256StarStar(seed: seed, stream: streamBase &+ UInt64(interval))
            let sampler = ParticleSampler(
                dynamics: dynamics, integrator: integrator, timeGrid: timeGrid,
                seed: seeding.next(), threads: threads)
            let result = try sampler.run(initial: law, count: count)
            seconds += result.elapsedSeconds
            guard result.status == .completed else {
                return Outcome(stopsReached: interval, status: result.status, elapsedSeconds: seconds)
            }
            try atStop(end, result.positions)
            law = .points(result.positions, dimension: dimension)
            progress?(Double(interval + 1) / Double(stops.count - 1))
        }
        return Outcome(stopsReached: stops.count - 1, status: .completed, elapsedSeconds: seconds)
    }
}

import DataFiles
import Datasets
import Foundation
import ParticleSampling
import Safeguards

/// One memorization measurement: the fraction of generated samples within epsilon of a training point.
public struct MemorizationMeasurement: Sendable {
    public let integrator: ParticleIntegrator
    public let steps: Int
    /// The last step's width h_last (the step that ends at t = 0).
    public let finalStepSize: Double
    public let novelty: NoveltySummary
    /// Root mean square nearest-training-point distance.
    public let rootMeanSquareDistance: Double
    /// Euler–Maruyama's predicted end spread (2 h_last d)^(1/2) (the noise of the last step); 0 for the bridge.
    public let predictedSpread: Double
    /// max over steps of h / (2 tanh t) at the step's start time t: above 1, Euler–Maruyama's linear part
    /// (the factor 1 - h coth t) amplifies; the bridge update has no such limit.
    public let stabilityRatio: Double
    public let status: RunStatus

    public var memorizedFraction: Double { novelty.memorizedFraction }
}

/// Memorization against the number of steps and the final step size (THEORY §5, §7).
///
/// With the exact finite-data score the bridge (DDPM) update ends exactly on training points (its last step
/// returns <X0>, a convex combination that is one-hot up to e^(-gap^2 / (4 h_last))); Euler–Maruyama on the same
/// reverse SDE leaves sqrt(2 h_last) of noise per coordinate and is stable only for h < 2 tanh t.
///
/// Time grids: `FiniteDataSetup.bridgeTimeGrid` with `schedule` (uniform: K uniform steps from T to 0, or K - 1 to
/// h_last and one last step to 0). Cost per measurement: K steps x count x N d (the score) plus count
/// nearest-neighbour queries.
public struct MemorizationStudy: Sendable {
    public let setup: FiniteDataSetup
    public let count: Int
    public let threshold: Double
    public let schedule: StepSchedule

    public init(setup: FiniteDataSetup, count: Int, threshold: Double, schedule: StepSchedule = .uniform) {
        precondition(count >= 1 && threshold > 0, "MemorizationStudy: count >= 1 and threshold > 0")
        self.setup = setup
        self.count = count
        self.threshold = threshold
        self.schedule = schedule
    }

    /// The reverse time grid described above.
    public func timeGrid(steps: Int, finalStepSize: Double?) -> TimeGrid {
        setup.bridgeTimeGrid(steps: steps, schedule: schedule, finalStepSize: finalStepSize)
    }

    public func measure(integrator: ParticleIntegrator, steps: Int, finalStepSize: Double? = nil) throws
        -> MemorizationMeasurement
    {
        precondition(integrator == .ddpm || integrator == .eulerMaruyama, "MemorizationStudy: ddpm or euler-maruyama")
        let grid = timeGrid(steps: steps, finalStepSize: finalStepSize)
        let result = try setup.reverseRun(
            score: setup.samplerExactScore, integrator: integrator, timeGrid: grid,
            start: setup.startPoints(count: count))
        let times = grid.times
        let last = times[times.count - 2] - times[times.count - 1]
        let ratio = (0..<(times.count - 1)).map { (times[$0] - times[$0 + 1]) / (2 * tanh(times[$0])) }.max()!
        let search = NearestNeighbourSearch(reference: setup.training)
        let samples = PointSet(
            points: result.positions.map { $0.isFinite ? $0 : .greatestFiniteMagnitude }, dimension: setup.dimension)
        let distances = search.nearestDistances(of: samples, threads: setup.threads)
        let rootMeanSquare = (distances.reduce(0) { $0 + $1 * $1 } / Double(distances.count)).squareRoot()
        return MemorizationMeasurement(
            integrator: integrator, steps: steps, finalStepSize: last,
            novelty: NoveltySummary(nearestDistances: distances, threshold: threshold),
            rootMeanSquareDistance: rootMeanSquare,
            predictedSpread: integrator == .eulerMaruyama ? (2 * last * Double(setup.dimension)).squareRoot() : 0,
            stabilityRatio: ratio, status: result.status)
    }
}

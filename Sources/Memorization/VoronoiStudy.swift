import Datasets
import Foundation
import ParticleSampling

/// One Voronoi measurement at a start time t*.
public struct VoronoiMeasurement: Sendable {
    public let startTime: Double
    public let runCount: Int
    /// Fraction of runs that end at the training point nearest to e^(t*) x (x the start point).
    public let endsAtNearest: Double
    /// Fraction of runs whose one-step prediction <X0>(x, t*) has the run's end as its nearest training point.
    public let oneStepAgreement: Double
    /// Fraction of runs whose one-step prediction is nearest to the same point as e^(t*) x.
    public let oneStepAtNearest: Double

    /// Binomial standard error of a fraction p over the runs.
    public func standardError(_ fraction: Double) -> Double {
        (fraction * (1 - fraction) / Double(runCount)).squareRoot()
    }
}

/// The Voronoi limit (THEORY §7): start the exact reverse process at x ~ rho_(t*) and run the bridge update to 0.
/// The end is x_i with probability lambda_i(x, t*), a softmax of temperature 2 sinh t*; as t* -> 0 it becomes
/// one-hot at the training point nearest to e^(t*) x, so the fraction of runs ending there rises to 1, and the
/// one-step prediction <X0>(x, t*) = sum_i lambda_i x_i tells the end in advance.
///
/// Cost per t*: steps x count x N d, plus 3 count nearest-neighbour queries.
public struct VoronoiStudy: Sendable {
    public let setup: FiniteDataSetup
    public let count: Int
    public let steps: Int

    public init(setup: FiniteDataSetup, count: Int, steps: Int) {
        precondition(count >= 1 && steps >= 1, "VoronoiStudy: count and steps >= 1")
        self.setup = setup
        self.count = count
        self.steps = steps
    }

    public func measure(startTime: Double, offset: UInt64 = 0) throws -> VoronoiMeasurement {
        precondition(startTime > 0, "VoronoiStudy: t* > 0")
        let dimension = setup.dimension
        let start = setup.drawsFromForwardLaw(
            at: startTime, count: count, stream: FiniteDataSetup.startStream &+ 100 &+ offset)
        let score = setup.exactScore
        var oneStep = [Double](repeating: 0, count: start.count)
        start.withUnsafeBufferPointer { points in
            oneStep.withUnsafeMutableBufferPointer { score.posteriorMean(at: points, time: startTime, into: $0) }
        }
        let result = try setup.reverseRun(
            score: setup.samplerExactScore, integrator: .ddpm, timeGrid: .uniform(from: startTime, to: 0, steps: steps),
            start: start, seedOffset: 100 &+ offset)
        let growth = exp(startTime)
        let search = NearestNeighbourSearch(reference: setup.training)
        var (atNearest, agreement, oneStepNearest) = (0, 0, 0)
        for index in 0..<count {
            let range = (index * dimension)..<((index + 1) * dimension)
            let scaled = start[range].map { growth * $0 }
            let voronoi = scaled.withUnsafeBufferPointer { search.nearest(to: $0).index }
            let end = result.positions[range].withUnsafeBufferPointer { search.nearest(to: $0).index }
            let predicted = oneStep[range].withUnsafeBufferPointer { search.nearest(to: $0).index }
            if end == voronoi { atNearest += 1 }
            if predicted == end { agreement += 1 }
            if predicted == voronoi { oneStepNearest += 1 }
        }
        let total = Double(count)
        return VoronoiMeasurement(
            startTime: startTime, runCount: count, endsAtNearest: Double(atNearest) / total,
            oneStepAgreement: Double(agreement) / total, oneStepAtNearest: Double(oneStepNearest) / total)
    }
}

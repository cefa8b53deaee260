import DistributedRuns
import Foundation
import Memorization
import MessagePassing
import Testing

/// The collapse run: the same ends on every rank count, and the collapse the theory predicts.
@Suite struct ShardedCollapseRunTests {
    /// n = 5000, d = 24: alpha = ln n / d = 0.355, t_C = (1/2) ln(1 + 1/(e^(2 alpha) - 1)) = 0.37.
    static let problem = ShardedCollapseProblem(
        trainingCount: 5000, dimension: 24, trajectories: 130, steps: 60, horizon: 3, finalTime: 1e-3, seed: 4)

    static func run(ranks: Int) -> [ShardedCollapseResult] {
        InProcessCommunicator.run(ranks: ranks) { communicator in
            ShardedCollapseRun(problem: problem, communicator: communicator, threads: 1).run()
        }
    }

    @Test func endsAreTheSameBitsOnOneTwoAndThreeRanks() {
        let single = Self.run(ranks: 1)[0]
        for ranks in [2, 3] {
            for result in Self.run(ranks: ranks) {
                #expect(result.fingerprint == single.fingerprint, "\(ranks) ranks")
                #expect(result.ends.map(\.bitPattern) == single.ends.map(\.bitPattern))
            }
        }
    }

    /// At T = 3 no trajectory has a weight above 1/2 (the weights are near 1/n: e^(2 alpha d) ... spread over all
    /// points), at t_min = 10^-3 every one has collapsed (largest weight above 0.99: the posterior at t = 10^-3 has
    /// width sqrt(2 10^-3) = 0.045 against nearest-neighbour gaps of order sqrt(2 d) = 7), and the median weight
    /// time lies within [t_C / 3, 3 t_C] (the collapse band of width sigma_C around t_C; a loose bracket here since
    /// 130 trajectories at n = 5000 sit in the crossover, not the asymptotic regime).
    @Test func trajectoriesCollapseNearThePredictedTime() {
        let result = Self.run(ranks: 1)[0]
        #expect(result.largestWeights.first!.allSatisfy { $0 < 0.5 })
        #expect(result.largestWeights.last!.allSatisfy { $0 > 0.99 })
        let times = result.weightTimes.compactMap { $0 }.sorted()
        #expect(times.count == Self.problem.trajectories)
        let median = times[times.count / 2]
        let predicted = Self.problem.prediction.collapseTime
        #expect(median >= predicted / 3 && median <= 3 * predicted, "median \(median), t_C \(predicted)")
    }
}

import Foundation

/// A sequence of forward times the particles step through: increasing for the forward process, decreasing
/// (T down to t_min or 0) for the reverse ones.
public struct TimeGrid: Sendable, Equatable {
    public let times: [Double]

    public init(times: [Double]) {
        precondition(times.count >= 2, "TimeGrid: at least two times")
        self.times = times
    }

    public var stepCount: Int { times.count - 1 }

    /// K equal steps from `start` to `end` (either order).
    public static func uniform(from start: Double, to end: Double, steps: Int) -> TimeGrid {
        precondition(steps >= 1, "TimeGrid.uniform: at least one step")
        return TimeGrid(
            times: (0...steps).map { index in
                index == steps ? end : start + (end - start) * Double(index) / Double(steps)
            })
    }

    /// K steps from `start` to `end` with geometrically spaced times (both positive): t_k = start (end/start)^(k/K).
    /// Running from T down to t_min, the steps shrink with t, as the 1/t drift near t = 0 asks.
    public static func geometric(from start: Double, to end: Double, steps: Int) -> TimeGrid {
        precondition(steps >= 1 && start > 0 && end > 0, "TimeGrid.geometric: positive times and at least one step")
        let ratio = end / start
        return TimeGrid(
            times: (0...steps).map { index in
                index == steps ? end : start * pow(ratio, Double(index) / Double(steps))
            })
    }

    /// This grid with one more time at the end (e.g. a final step from t_min to 0 for the bridge updates).
    public func appending(_ time: Double) -> TimeGrid { TimeGrid(times: times + [time]) }

    /// The discrete DDPM schedule mapped to OU time, in reverse order: beta_n linear from `betaFirst` to
    /// `betaLast` over n = 1...N, abar_n = prod_(i<=n) (1 - beta_i), t_n = -log(abar_n) / 2; the grid is
    /// t_N, t_(N-1), ..., t_1, 0. (With the defaults, t_N = 5.03: the OU counterpart of VP's B(1)/2.)
    public static func ddpmSchedule(steps: Int = 1000, betaFirst: Double = 1e-4, betaLast: Double = 0.02) -> TimeGrid {
        precondition(steps >= 1, "TimeGrid.ddpmSchedule: at least one step")
        var logSignal = 0.0
        var forward: [Double] = [0]
        for index in 1...steps {
            let beta =
                steps == 1 ? betaFirst : betaFirst + (betaLast - betaFirst) * Double(index - 1) / Double(steps - 1)
            logSignal += log1p(-beta)
            forward.append(-0.5 * logSignal)
        }
        return TimeGrid(times: forward.reversed())
    }
}

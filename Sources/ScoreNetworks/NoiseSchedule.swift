import Foundation
import ParticleSampling

/// The discrete DDPM noise schedule mapped to Ornstein–Uhlenbeck time (THEORY §5, §9).
///
/// β_n linear from `betaFirst` to `betaLast` over n = 1 … N, ᾱ_n = ∏_(i ≤ n) (1 − β_i), and OU time
/// t_n = −ln(ᾱ_n)/2, so that ᾱ_n = e^(−2 t_n): the forward law X_n = √ᾱ_n X_0 + √(1 − ᾱ_n) ε is the OU law at t_n
/// (signal e^(−t_n), noise σ_(t_n) = √(1 − e^(−2 t_n))). The times are those of `TimeGrid.ddpmSchedule`, so the
/// samplers' DDPM grid lands exactly on the steps the network was trained at. Defaults: N = 1000,
/// β from 10⁻⁴ to 0.02 (t_N ≈ 5.03).
public struct NoiseSchedule: Sendable, Equatable, Codable {
    public let stepCount: Int
    public let betaFirst: Double
    public let betaLast: Double
    /// t_0 = 0, t_1, …, t_N (increasing).
    public let times: [Double]

    public init(stepCount: Int = 1000, betaFirst: Double = 1e-4, betaLast: Double = 0.02) {
        precondition(
            stepCount >= 1 && betaFirst > 0 && betaLast < 1 && betaFirst <= betaLast,
            "NoiseSchedule: N >= 1 and 0 < beta_first <= beta_last < 1")
        self.stepCount = stepCount
        self.betaFirst = betaFirst
        self.betaLast = betaLast
        times = TimeGrid.ddpmSchedule(steps: stepCount, betaFirst: betaFirst, betaLast: betaLast).times.reversed()
    }

    private enum CodingKeys: String, CodingKey {
        case stepCount = "step_count"
        case betaFirst = "beta_first"
        case betaLast = "beta_last"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let count = try container.decode(Int.self, forKey: .stepCount)
        let (first, last) = (
            try container.decode(Double.self, forKey: .betaFirst), try container.decode(Double.self, forKey: .betaLast)
        )
        guard (1...1_000_000).contains(count), first > 0, last < 1, first <= last else {
            throw DecodingError.dataCorruptedError(
                forKey: .stepCount, in: container, debugDescription: "invalid noise schedule")
        }
        self.init(stepCount: count, betaFirst: first, betaLast: last)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(stepCount, forKey: .stepCount)
        try container.encode(betaFirst, forKey: .betaFirst)
        try container.encode(betaLast, forKey: .betaLast)
    }

    /// The signal scale √ᾱ_n = e^(−t_n) of step n.
    public func signalScale(step: Int) -> Double { exp(-times[step]) }

    /// The noise scale √(1 − ᾱ_n) = σ_(t_n) of step n.
    public func noiseScale(step: Int) -> Double { (-expm1(-2 * times[step])).squareRoot() }

    /// The (fractional) step of OU time t: n + (t − t_n)/(t_(n+1) − t_n) on [t_n, t_(n+1)], linear
    /// interpolation in the schedule's times, exact at every t_n; clamped to [0, N] outside [0, t_N].
    /// Cost O(log N) (bisection).
    public func step(atTime time: Double) -> Double {
        if !(time > 0) { return 0 }
        if time >= times[stepCount] { return Double(stepCount) }
        var (low, high) = (0, stepCount) // times[low] <= time < times[high]
        while high - low > 1 {
            let middle = (low + high) / 2
            if times[middle] <= time { low = middle } else { high = middle }
        }
        return Double(low) + (time - times[low]) / (times[high] - times[low])
    }
}

import Foundation

/// A user's noise schedule given as a table of times and values, β(t) (a variance-preserving SDE) or σ(t) (a
/// variance-exploding one), interpolated linearly between the rows and held at the last value after the last row.
///
/// Linear interpolation makes the SDE's marginals closed forms (THEORY §12):
/// - β table: f = −β/2, g² = β, m(s, t) = exp(−(B(t) − B(s))/2), v(s, t) = 1 − exp(−(B(t) − B(s))), where
///   B(t) = ∫_0^t β is the sum of the trapezoids of the rows before t plus the partial one (exact for a piecewise
///   linear β).
/// - σ table: f = 0, g² = dσ²/dt = 2 σ σ' on each piece (σ' the piece's slope, taken on the piece to the right at a
///   row), m = 1, v(s, t) = σ(t)² − σ(s)² (so σ must not decrease).
///
/// Rows: times strictly increasing from t = 0; β ≥ 0, or σ ≥ 0 non-decreasing (`validationProblem` says which
/// rule a table breaks). Cost: a binary search per evaluation, O(log rows).
public struct NoiseScheduleTable: Sendable, Equatable {
    public enum Quantity: String, Sendable, CaseIterable {
        /// β(t): dX = −β X/2 dt + √β dB.
        case beta
        /// σ(t): dX = √(dσ²/dt) dB.
        case sigma
    }

    public let quantity: Quantity
    public let times: [Double]
    public let values: [Double]
    /// B(t_i) = ∫_0^(t_i) β at the rows (β tables; zeros for σ tables).
    private let integrals: [Double]

    public init(quantity: Quantity, times: [Double], values: [Double]) {
        precondition(times.count == values.count && times.count >= 2, "NoiseScheduleTable: two rows or more")
        self.quantity = quantity
        self.times = times
        self.values = values
        var integrals = [0.0]
        for row in 1..<times.count {
            let trapezoid =
                quantity == .beta ? 0.5 * (values[row] + values[row - 1]) * (times[row] - times[row - 1]) : 0
            integrals.append(integrals[row - 1] + trapezoid)
        }
        self.integrals = integrals
    }

    /// The first rule the rows break, as a phrase ("times must increase strictly (row 3)"), or nil.
    public var validationProblem: String? {
        if times.first != 0 { return "the first time must be 0" }
        for row in 0..<times.count {
            guard times[row].isFinite, values[row].isFinite else { return "row \(row + 1) is not finite" }
            if row > 0 && times[row] <= times[row - 1] { return "times must increase strictly (row \(row + 1))" }
            if values[row] < 0 { return "\(quantity.rawValue) must be at least 0 (row \(row + 1))" }
            if quantity == .sigma && row > 0 && values[row] < values[row - 1] {
                return "sigma must not decrease (row \(row + 1))"
            }
        }
        return nil
    }

    /// The last row's time: past it the value is held constant.
    public var lastTime: Double { times[times.count - 1] }

    /// The piece [t_i, t_(i+1)) holding `time` (the first piece before t_0, the last one from the last row on).
    private func piece(containing time: Double) -> Int {
        var (low, high) = (0, times.count - 1)
        while high - low > 1 {
            let middle = (low + high) / 2
            if times[middle] <= time { low = middle } else { high = middle }
        }
        return low
    }

    /// The slope of the piece holding `time`, 0 past the last row.
    private func slope(at time: Double) -> Double {
        if time >= lastTime { return 0 }
        let row = piece(containing: time)
        return (values[row + 1] - values[row]) / (times[row + 1] - times[row])
    }

    /// β(t) or σ(t), linear between rows, constant after the last.
    public func value(at time: Double) -> Double {
        if time >= lastTime { return values[values.count - 1] }
        let row = piece(containing: max(time, 0))
        return values[row] + slope(at: max(time, 0)) * (max(time, 0) - times[row])
    }

    /// B(t) = ∫_0^t β (β tables): the rows' trapezoids before t and the partial trapezoid of t's piece.
    public func integral(to time: Double) -> Double {
        precondition(quantity == .beta, "integral(to:) is the β table's")
        let clamped = max(time, 0)
        if clamped >= lastTime {
            return integrals[integrals.count - 1] + values[values.count - 1] * (clamped - lastTime)
        }
        let row = piece(containing: clamped)
        return integrals[row] + 0.5 * (values[row] + value(at: clamped)) * (clamped - times[row])
    }

    /// g(t)² = β(t) (β tables) or dσ²/dt = 2 σ(t) σ'(t) (σ tables).
    public func squaredDiffusion(at time: Double) -> Double {
        switch quantity {
        case .beta: return value(at: time)
        case .sigma: return 2 * value(at: time) * slope(at: time)
        }
    }
}

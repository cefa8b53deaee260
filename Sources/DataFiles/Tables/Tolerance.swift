import Foundation

/// How a comparison with a committed copy (`fplab verify --compare`) decides whether a recorded number moved.
///
/// Declared by the table column that records the number (`DataColumn.tolerance`), so it lives with the table:
/// a table written once and compared later carries its own rule, and the checker reads it from the column.
public enum Tolerance: Sendable, Equatable {
    /// |new − old| ≤ absolute + relative · |old|. Two non-finite values agree when they are equal (NaN with NaN).
    case within(relative: Double, absolute: Double)
    /// A statistical estimate: |new − old| ≤ multiple · √(se_old² + se_new²), the standard errors read from the
    /// named column of the same row.
    case standardErrors(Double, column: String)
    /// Equal as written (text, counts, verdicts).
    case exact
    /// Not compared (timings).
    case ignored

    /// The default for a computed number: the run is deterministic (same seed, same numbers), so only
    /// round-off differences between CPUs' kernels are allowed: 1e-9 relative.
    public static let reproducible = Tolerance.within(relative: 1e-9, absolute: 0)

    /// A number at round-off level (an error of an exact solver): `absolute` plus 1e-6 relative, because another
    /// CPU's FFT kernels change the last digits of such numbers by their own size.
    public static func roundOff(_ absolute: Double) -> Tolerance { .within(relative: 1e-6, absolute: absolute) }

    /// Whether `new` agrees with `old`; `oldError`/`newError` are the standard errors for `.standardErrors`.
    public func accepts(old: Double, new: Double, oldError: Double? = nil, newError: Double? = nil) -> Bool {
        switch self {
        case .ignored: return true
        case .exact: return old == new || (old.isNaN && new.isNaN)
        case .within(let relative, let absolute):
            if !old.isFinite || !new.isFinite { return old == new || (old.isNaN && new.isNaN) }
            return abs(new - old) <= absolute + relative * abs(old)
        case .standardErrors(let multiple, _):
            if !old.isFinite || !new.isFinite { return old == new || (old.isNaN && new.isNaN) }
            let combined = ((oldError ?? 0) * (oldError ?? 0) + (newError ?? 0) * (newError ?? 0)).squareRoot()
            return abs(new - old) <= multiple * combined
        }
    }

    /// The tolerance in words (numbers `%.3g`), for the README and for `--compare`'s report.
    public var text: String {
        func format(_ value: Double) -> String { String(format: "%.3g", value) }
        switch self {
        case .ignored: return "not compared"
        case .exact: return "exact"
        case .within(let relative, let absolute):
            if absolute == 0 { return "rel \(format(relative))" }
            if relative == 0 { return "abs \(format(absolute))" }
            return "abs \(format(absolute)) + rel \(format(relative))"
        case .standardErrors(let multiple, let column): return "\(format(multiple)) SE (\(column))"
        }
    }
}

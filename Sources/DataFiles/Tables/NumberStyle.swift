import Foundation

/// How a number in a table is written for people (text, Markdown, LaTeX); CSV always writes full precision.
public enum NumberStyle: Sendable, Equatable {
    /// `%.{digits}g`: fixed or scientific, whichever is shorter (times, masses).
    case general(significantDigits: Int)
    /// `%.{digits}e`: always scientific (errors and other small quantities); an exact zero is written `0`.
    case scientific(fractionDigits: Int)
    /// The shortest text that reads back to the same double (`0.1`, `1e-12`).
    case fullPrecision

    /// What a table shows for NaN or ±infinity: a status, never a number (an overflowed statistic is not a result).
    public static let nonFiniteText = "non-finite"

    public func format(_ value: Double) -> String {
        guard value.isFinite else { return Self.nonFiniteText }
        switch self {
        case .general(let digits): return String(format: "%.*g", digits, value)
        case .scientific(let digits): return value == 0 ? "0" : String(format: "%.*e", digits, value)
        case .fullPrecision: return "\(value)"
        }
    }
}

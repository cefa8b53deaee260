import Foundation

/// A cap on the work one run may take, for refusing option combinations that are each fine alone but together
/// would run for days.
///
/// A command estimates its run's cost as a count of elementary floating-point operations, a formula of its options
/// stated where the command checks it (for example particles × steps × dimension × score terms). The cap,
/// `operationLimit` = 10^13, is about three hours at 10^9 operations a second (one core of a laptop), and ten
/// times the largest run the documentation describes (`train --compare-embeddings`, about 10^12 operations).
public enum WorkLimit {
    /// The largest estimated operation count a run may have.
    public static let operationLimit = 1e13

    /// Throws `WorkLimitError` when `operations` exceeds `operationLimit` (or is not finite):
    /// "<subject> costs about 3.2e+14 operations (<formula>), more than the 1e+13 allowed; <advice>."
    public static func check(operations: Double, subject: String, formula: String, advice: String) throws {
        guard operations.isFinite, operations <= operationLimit else {
            let amount = operations.isFinite ? "about \(scientific(operations))" : "more than any"
            throw WorkLimitError(
                "\(subject) costs \(amount) operations (\(formula)), more than the "
                    + "\(scientific(operationLimit)) allowed (about three hours); \(advice).")
        }
    }

    /// "3.2e+14".
    static func scientific(_ value: Double) -> String { String(format: "%.2g", value) }
}

/// A run refused because its estimated cost exceeds `WorkLimit.operationLimit`; one sentence naming the options.
public struct WorkLimitError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

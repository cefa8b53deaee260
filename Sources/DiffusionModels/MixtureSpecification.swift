import Safeguards

/// An error in a mixture written as text; `description` is one sentence naming what is wrong.
public struct MixtureSpecificationError: Error, CustomStringConvertible, Equatable {
    public let description: String
}

extension GaussianMixture {
    /// The tolerance on sum_k w_k = 1. Weights that miss it are refused, not normalized: a typo should not
    /// silently become a different density.
    public static let weightSumTolerance = 1e-9

    /// Parses components separated by `;`, each `weight:mean:std`, where in d dimensions a mean is d numbers
    /// joined by `,` and a std is one number (the same on every axis) or d numbers (per axis), e.g.
    /// `"0.3:-2:0.2;0.7:1.5:0.5"` (1-D) or `"0.5:-1.5,0:0.5;0.5:1.5,1:0.5"` (2-D).
    ///
    /// Rules: weights positive and summing to 1 within 1e-9; standard deviations positive; every number a finite
    /// decimal literal (`StrictNumber`: "1.5\0garbage", "nan", "0x1p3" are refused, not read as far as they go).
    public init(specification: String, dimension: Int) throws {
        func fail(_ message: String) -> MixtureSpecificationError { MixtureSpecificationError(description: message) }
        func numbers(_ text: Substring, what: String, component: Int) throws -> [Double] {
            try text.split(separator: ",", omittingEmptySubsequences: false).map { field in
                let trimmed = field.trimmingCharacters(in: .whitespaces)
                guard let value = StrictNumber.double(trimmed) else {
                    throw fail("component \(component): \(what) '\(trimmed)' is not a number")
                }
                guard value.isFinite else {
                    throw fail("component \(component): \(what) must be finite, got \(trimmed)")
                }
                return value
            }
        }
        let pieces = specification.split(separator: ";", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard !pieces.isEmpty else { throw fail("no components: write weight:mean:std, separated by ';'") }
        var components: [Component] = []
        for (offset, piece) in pieces.enumerated() {
            let index = offset + 1
            let fields = piece.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count == 3 else {
                throw fail("component \(index) '\(piece)' must have the form weight:mean:std")
            }
            let weights = try numbers(fields[0], what: "weight", component: index)
            guard weights.count == 1, weights[0] > 0 else {
                throw fail("component \(index): weight must be one positive number")
            }
            let mean = try numbers(fields[1], what: "mean", component: index)
            guard mean.count == dimension else {
                throw fail("component \(index): mean has \(mean.count) coordinate(s), the dimension is \(dimension)")
            }
            var deviations = try numbers(fields[2], what: "std", component: index)
            if deviations.count == 1 { deviations = Array(repeating: deviations[0], count: dimension) }
            guard deviations.count == dimension else {
                throw fail("component \(index): std must be 1 or \(dimension) number(s), got \(deviations.count)")
            }
            guard deviations.allSatisfy({ $0 > 0 }) else { throw fail("component \(index): std must be positive") }
            // The variance must be a normal, finite double (a Cholesky factor must exist).
            guard deviations.allSatisfy({ $0 >= 1e-150 && $0 <= 1e150 }) else {
                throw fail("component \(index): std must lie in [1e-150, 1e150]")
            }
            components.append(Component(weight: weights[0], mean: mean, standardDeviations: deviations))
        }
        let total = components.reduce(0) { $0 + $1.weight }
        guard abs(total - 1) <= Self.weightSumTolerance else {
            throw fail("weights sum to \(total); they must sum to 1 (within \(Self.weightSumTolerance))")
        }
        self.init(components: components)
    }
}

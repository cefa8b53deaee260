/// Sizes computed from numbers read from files or options, with every product and sum checked for overflow.
///
/// A `.npy` header may claim a shape of (2^62, 2^62); `count × dimension × width` then wraps around in `Int`
/// and a "long enough" check passes. Every size derived from input goes through here first.
public enum CheckedSize {
    /// The product of the factors (each non-negative), or nil when one is negative or the product overflows `Int`.
    public static func product(_ factors: Int...) -> Int? { product(of: factors) }

    public static func product(of factors: [Int]) -> Int? {
        var result = 1
        for factor in factors {
            guard factor >= 0 else { return nil }
            let (value, overflow) = result.multipliedReportingOverflow(by: factor)
            guard !overflow else { return nil }
            result = value
        }
        return result
    }

    /// The sum of the terms (each non-negative), or nil on a negative term or overflow.
    public static func sum(_ terms: Int...) -> Int? {
        var result = 0
        for term in terms {
            guard term >= 0 else { return nil }
            let (value, overflow) = result.addingReportingOverflow(term)
            guard !overflow else { return nil }
            result = value
        }
        return result
    }
}

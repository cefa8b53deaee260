/// Sums of doubles that are exact, so they do not depend on the order of the terms: each term is split into four
/// integer limbs of 32 bits and the limbs are summed as 64-bit integers (by one rank, or over ranks by
/// `Communicator.sum`), which is associative.
///
/// A term v with |v| < 2^62 is written v = c3 2^32 + c2 + c1 2^-32 + c0 2^-64: c3 = trunc(v 2^-32), then c2, c1
/// by truncating what is left (scaled by 2^32 each time), each step exact in binary floating point (a scaling by a
/// power of two and the removal of a value's own leading bits); c0 is rounded to the nearest integer, the only
/// rounding, of at most 2^-65 a term. Every limb has |c| <= 2^32, so 2^31 terms can be summed without overflow.
/// After summing, carries are propagated (c0, c1, c2 in [0, 2^32), c3 signed) and the value is assembled in one
/// fixed order, so the result is a function of the exact sum alone (rounded once more, to about 1 ulp).
///
/// Cost: a few floating-point operations a term; four integers of storage (and of traffic) a summed value.
public enum ExactSum {
    /// Limbs a value.
    public static let limbCount = 4
    /// Terms must be smaller than this in magnitude.
    public static let magnitudeLimit = 0x1p62

    /// Adds `value` (|value| < `magnitudeLimit`, finite) to the four limbs at `limbs`.
    @inline(__always)
    public static func add(_ value: Double, to limbs: UnsafeMutablePointer<Int64>) {
        let high = (value * 0x1p-32).rounded(.towardZero)
        var rest = value - high * 0x1p32
        let middle = rest.rounded(.towardZero)
        rest = (rest - middle) * 0x1p32
        let low = rest.rounded(.towardZero)
        let lowest = ((rest - low) * 0x1p32).rounded(.toNearestOrEven)
        limbs[0] &+= Int64(lowest)
        limbs[1] &+= Int64(low)
        limbs[2] &+= Int64(middle)
        limbs[3] &+= Int64(high)
    }

    /// The value of summed limbs: carries propagated, then c3 2^32 + c2 + c1 2^-32 + c0 2^-64 from the top down.
    public static func value(of limbs: UnsafePointer<Int64>) -> Double {
        var digits = (limbs[0], limbs[1], limbs[2], limbs[3])
        digits.1 += digits.0 >> 32
        digits.0 &= 0xFFFF_FFFF
        digits.2 += digits.1 >> 32
        digits.1 &= 0xFFFF_FFFF
        digits.3 += digits.2 >> 32
        digits.2 &= 0xFFFF_FFFF
        return ((Double(digits.3) * 0x1p32 + Double(digits.2)) + Double(digits.1) * 0x1p-32) + Double(digits.0)
            * 0x1p-64
    }

    /// The exact sum of `values`, rounded once (for tests and small sums).
    public static func sum(_ values: [Double]) -> Double {
        var limbs = [Int64](repeating: 0, count: limbCount)
        limbs.withUnsafeMutableBufferPointer { limbs in
            for value in values { add(value, to: limbs.baseAddress!) }
        }
        return limbs.withUnsafeBufferPointer { value(of: $0.baseAddress!) }
    }
}

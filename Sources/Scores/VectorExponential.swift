/// e^x for eight lanes at once, for x <= 0 (softmax weights after subtracting the largest logit).
///
/// Method: x = k ln 2 + r with k = round(x / ln 2) (the 1.5 * 2^52 rounding trick, no rounding instruction needed),
/// |r| <= ln(2)/2, ln 2 split in two parts so k ln 2 is exact; e^r by its Taylor polynomial to degree 13
/// (truncation below 1e-17 relative); 2^k assembled from its exponent bits. Relative error about 2 ulp; lanes below
/// -708 return 0 (those weights are below 1e-307 of the largest). Runs on the baseline x86-64 vector unit; eight
/// lanes are four independent register chains, which hides the latency of the polynomial's Horner steps.
@inlinable @inline(__always)
public func vectorExponential(_ value: SIMD8<Double>) -> SIMD8<Double> {
    let underflow = value .< -708
    let clamped = value.replacing(with: -708, where: underflow)
    let magic = SIMD8<Double>(repeating: 6_755_399_441_055_744.0) // 1.5 * 2^52
    let shifted = clamped * 1.4426950408889634 + magic
    let multiple = shifted - magic
    let reduced = clamped - multiple * 0.6931471803691238 - multiple * 1.9082149292705877e-10
    var polynomial = SIMD8<Double>(repeating: 1.0 / 6_227_020_800) // 1/13!
    polynomial = polynomial * reduced + 1.0 / 479_001_600
    polynomial = polynomial * reduced + 1.0 / 39_916_800
    polynomial = polynomial * reduced + 1.0 / 3_628_800
    polynomial = polynomial * reduced + 1.0 / 362_880
    polynomial = polynomial * reduced + 1.0 / 40_320
    polynomial = polynomial * reduced + 1.0 / 5_040
    polynomial = polynomial * reduced + 1.0 / 720
    polynomial = polynomial * reduced + 1.0 / 120
    polynomial = polynomial * reduced + 1.0 / 24
    polynomial = polynomial * reduced + 1.0 / 6
    polynomial = polynomial * reduced + 0.5
    polynomial = polynomial * reduced + 1
    polynomial = polynomial * reduced + 1
    let exponentBits =
        (unsafeBitCast(shifted, to: SIMD8<Int64>.self) &- unsafeBitCast(magic, to: SIMD8<Int64>.self) &+ 1023) &<< 52
    let result = polynomial * unsafeBitCast(exponentBits, to: SIMD8<Double>.self)
    return result.replacing(with: 0, where: underflow)
}

import CVectorMath
import Scores

/// The arithmetic a network pass runs in: `Double` (float64: dgemm) or `Float` (float32: sgemm, half the memory
/// traffic and twice the vector lanes). Both take their hidden SiLU layers through the fused C kernel of
/// CVectorMath (bias, activation and derivative in one pass; AVX2/AVX-512 where the CPU has them, the same bits on
/// every path).
protocol NetworkScalar: BinaryFloatingPoint, SendableMetatype {
    /// C (rows × columns) = op(A) op(B), row-major (see `MatrixProducts.multiply`).
    static func multiply(
        _ left: UnsafePointer<Self>, transposeLeft: Bool, _ right: UnsafePointer<Self>, transposeRight: Bool,
        into result: UnsafeMutablePointer<Self>, rows: Int, columns: Int, inner: Int)
    /// z = SiLU(a + b) in place for a rows × columns block and b one bias a column; SiLU'(a + b) into
    /// `derivatives` when given.
    static func biasAndSiLU(
        _ values: UnsafeMutablePointer<Self>, derivatives: UnsafeMutablePointer<Self>?, biases: UnsafePointer<Self>,
        rows: Int, columns: Int)
}

extension Double: NetworkScalar {
    @inline(__always)
    static func multiply(
        _ left: UnsafePointer<Double>, transposeLeft: Bool, _ right: UnsafePointer<Double>, transposeRight: Bool,
        into result: UnsafeMutablePointer<Double>, rows: Int, columns: Int, inner: Int
    ) {
        MatrixProducts.multiply(
            left, transposeLeft: transposeLeft, right, transposeRight: transposeRight, into: result, rows: rows,
            columns: columns, inner: inner)
    }

    @inline(__always)
    static func biasAndSiLU(
        _ values: UnsafeMutablePointer<Double>, derivatives: UnsafeMutablePointer<Double>?,
        biases: UnsafePointer<Double>, rows: Int, columns: Int
    ) {
        vector_math_bias_silu(values, derivatives, biases, rows, columns)
    }
}

extension Float: NetworkScalar {
    @inline(__always)
    static func multiply(
        _ left: UnsafePointer<Float>, transposeLeft: Bool, _ right: UnsafePointer<Float>, transposeRight: Bool,
        into result: UnsafeMutablePointer<Float>, rows: Int, columns: Int, inner: Int
    ) {
        MatrixProducts.multiply(
            left, transposeLeft: transposeLeft, right, transposeRight: transposeRight, into: result, rows: rows,
            columns: columns, inner: inner)
    }

    @inline(__always)
    static func biasAndSiLU(
        _ values: UnsafeMutablePointer<Float>, derivatives: UnsafeMutablePointer<Float>?,
        biases: UnsafePointer<Float>, rows: Int, columns: Int
    ) {
        vector_math_bias_silu_float(values, derivatives, biases, rows, columns)
    }
}

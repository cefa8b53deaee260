import CBLAS

/// Row-major matrix products through OpenBLAS's `cblas_dgemm` and `cblas_sgemm`, the only place the project calls
/// BLAS (the score networks, in float64 or float32, and the logits and weighted sums of `FiniteDatasetScore` in high
/// dimension).
///
/// Determinism: OpenBLAS runs with one thread of its own (set once, before the first product). The callers
/// parallelize over fixed blocks of rows instead, so every entry of every product is summed in the same order
/// whatever `--threads` is, and the same seed gives the same numbers bit for bit.
package enum MatrixProducts {
    /// Sets OpenBLAS to one thread, once per process (Swift runs a static initializer exactly once).
    package static let singleThreaded: Bool = {
        openblas_set_num_threads(1)
        return true
    }()

    /// The BLAS arguments of a row-major product op(A) op(B): transpositions, sizes and leading dimensions.
    private struct Layout {
        let left: CBLAS_TRANSPOSE, right: CBLAS_TRANSPOSE
        let rows: blasint, columns: blasint, inner: blasint, leftStride: blasint, rightStride: blasint

        @inline(__always)
        init(transposeLeft: Bool, transposeRight: Bool, rows: Int, columns: Int, inner: Int) {
            precondition(singleThreaded)
            left = transposeLeft ? CblasTrans : CblasNoTrans
            right = transposeRight ? CblasTrans : CblasNoTrans
            (self.rows, self.columns, self.inner) = (blasint(rows), blasint(columns), blasint(inner))
            leftStride = blasint(transposeLeft ? rows : inner)
            rightStride = blasint(transposeRight ? inner : columns)
        }
    }

    /// C (m x n) = op(A) op(B) (+ C when `accumulate`), op(A) m x k, op(B) k x n, every matrix row-major and dense:
    /// with `transposeLeft` A is stored k x m, with `transposeRight` B is stored n x k. Cost 2 m n k flops.
    @inline(__always)
    package static func multiply(
        _ left: UnsafePointer<Double>, transposeLeft: Bool = false,
        _ right: UnsafePointer<Double>, transposeRight: Bool = false,
        into result: UnsafeMutablePointer<Double>,
        rows: Int, columns: Int, inner: Int, accumulate: Bool = false
    ) {
        let layout = Layout(
            transposeLeft: transposeLeft, transposeRight: transposeRight, rows: rows, columns: columns, inner: inner)
        cblas_dgemm(
            CblasRowMajor, layout.left, layout.right, layout.rows, layout.columns, layout.inner, 1, left,
            layout.leftStride, right, layout.rightStride, accumulate ? 1 : 0, result, layout.columns)
    }

    /// The float32 product (`cblas_sgemm`), with the same conventions as the float64 one.
    @inline(__always)
    package static func multiply(
        _ left: UnsafePointer<Float>, transposeLeft: Bool = false,
        _ right: UnsafePointer<Float>, transposeRight: Bool = false,
        into result: UnsafeMutablePointer<Float>,
        rows: Int, columns: Int, inner: Int, accumulate: Bool = false
    ) {
        let layout = Layout(
            transposeLeft: transposeLeft, transposeRight: transposeRight, rows: rows, columns: columns, inner: inner)
        cblas_sgemm(
            CblasRowMajor, layout.left, layout.right, layout.rows, layout.columns, layout.inner, 1, left,
            layout.leftStride, right, layout.rightStride, accumulate ? 1 : 0, result, layout.columns)
    }
}

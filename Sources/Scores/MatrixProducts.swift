import CBLAS

/// Row-major matrix products through OpenBLAS's `cblas_dgemm`, the only place the project calls BLAS (the score
/// networks, and the logits and weighted sums of `FiniteDatasetScore` in high dimension).
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

    /// C (m x n) = op(A) op(B) (+ C when `accumulate`), op(A) m x k, op(B) k x n, every matrix row-major and dense:
    /// with `transposeLeft` A is stored k x m, with `transposeRight` B is stored n x k. Cost 2 m n k flops.
    @inline(__always)
    package static func multiply(
        _ left: UnsafePointer<Double>, transposeLeft: Bool = false,
        _ right: UnsafePointer<Double>, transposeRight: Bool = false,
        into result: UnsafeMutablePointer<Double>,
        rows: Int, columns: Int, inner: Int, accumulate: Bool = false
    ) {
        precondition(singleThreaded)
        cblas_dgemm(
            CblasRowMajor,
            transposeLeft ? CblasTrans : CblasNoTrans,
            transposeRight ? CblasTrans : CblasNoTrans,
            blasint(rows), blasint(columns), blasint(inner),
            1, left, blasint(transposeLeft ? rows : inner),
            right, blasint(transposeRight ? inner : columns),
            accumulate ? 1 : 0, result, blasint(columns)
        )
    }
}

import CFFTW

/// A planned real-to-complex discrete Fourier transform and its complex-to-real inverse, in 1, 2 or 3
/// dimensions (row-major, last axis fastest).
///
/// Forward: X[k] = sum_j x[j] exp(-2 pi i k.j / n) (FFTW's sign convention, unnormalized), stored for the
/// non-redundant half of the last axis: the spectrum has shape n_0 x ... x (n_last/2 + 1), interleaved complex.
/// Backward: x[j] = sum_k X[k] exp(+2 pi i k.j / n), also unnormalized, so backward(forward(x)) = N x with
/// N = product of the shape. Cost O(N log N) per call; planning happens once, in `init`.
///
/// The backward transform destroys its input (FFTW's rule for multi-dimensional c2r). Transforms run on the
/// wrapper's own `realBuffer`/`spectrumBuffer` or on any other `AlignedBuffer` of the right count
/// (FFTW's new-array execute). Executing is thread-safe; a wrapper is immutable after `init`.
public final class RealFourierTransform: @unchecked Sendable {
    /// The real array's shape.
    public let shape: [Int]
    /// The spectrum's shape: the last axis holds n_last/2 + 1 coefficients.
    public let spectrumShape: [Int]
    /// Number of real values, N = product of the shape.
    public let realCount: Int
    /// Number of complex coefficients in the spectrum.
    public let spectrumCount: Int
    /// The buffers the plans were made on; free to use as input and output.
    public let realBuffer: AlignedBuffer
    public let spectrumBuffer: AlignedBuffer

    private let forwardPlan: fftw_plan
    private let backwardPlan: fftw_plan

    /// Plans both directions for `shape` (1 to 3 axes) with `threads` FFTW threads (one below
    /// `FFTWPlanner.threadedTransformMinimumPoints` points, where threads cost more than they save).
    public init(shape: [Int], rigor: PlanningRigor = .estimate, threads: Int = 1) throws {
        guard (1...3).contains(shape.count), shape.allSatisfy({ $0 >= 1 }) else {
            throw TransformError.invalidShape(shape)
        }
        self.shape = shape
        var halved = shape
        halved[shape.count - 1] = shape[shape.count - 1] / 2 + 1
        spectrumShape = halved
        realCount = shape.reduce(1, *)
        spectrumCount = halved.reduce(1, *)
        realBuffer = AlignedBuffer(count: realCount)
        spectrumBuffer = AlignedBuffer(count: 2 * spectrumCount)

        let dimensions = shape.map { Int32($0) }
        let real = realBuffer.values.baseAddress!
        let complex = spectrumBuffer.complexPointer
        let plans: (fftw_plan?, fftw_plan?) = FFTWPlanner.withPlannerLock {
            fftw_plan_with_nthreads(Int32(FFTWPlanner.threadCount(requested: threads, points: shape.reduce(1, *))))
            let forward = fftw_plan_dft_r2c(Int32(shape.count), dimensions, real, complex, rigor.flags)
            let backward = fftw_plan_dft_c2r(Int32(shape.count), dimensions, complex, real, rigor.flags)
            return (forward, backward)
        }
        guard let forward = plans.0, let backward = plans.1 else {
            FFTWPlanner.withPlannerLock {
                if let plan = plans.0 { fftw_destroy_plan(plan) }
                if let plan = plans.1 { fftw_destroy_plan(plan) }
            }
            throw TransformError.planningFailed(shape)
        }
        forwardPlan = forward
        backwardPlan = backward
        // Planning with MEASURE scribbles on the buffers: hand them out clean.
        realBuffer.fill(with: 0)
        spectrumBuffer.fill(with: 0)
    }

    deinit { FFTWPlanner.destroy([forwardPlan, backwardPlan]) }

    /// Real to spectrum (unnormalized). `input` is preserved.
    public func forward(_ input: AlignedBuffer, into output: AlignedBuffer) {
        precondition(input.count == realCount && output.count == 2 * spectrumCount, "forward: buffer sizes")
        fftw_execute_dft_r2c(forwardPlan, input.values.baseAddress!, output.complexPointer)
    }

    /// Spectrum to real (unnormalized: multiplies by N). `input` is destroyed.
    public func backward(_ input: AlignedBuffer, into output: AlignedBuffer) {
        precondition(input.count == 2 * spectrumCount && output.count == realCount, "backward: buffer sizes")
        fftw_execute_dft_c2r(backwardPlan, input.complexPointer, output.values.baseAddress!)
    }

    /// `realBuffer` to `spectrumBuffer`.
    public func forward() { forward(realBuffer, into: spectrumBuffer) }

    /// `spectrumBuffer` to `realBuffer` (destroys `spectrumBuffer`).
    public func backward() { backward(spectrumBuffer, into: realBuffer) }

    /// The signed integer frequency of index `index` along an axis of length `length`:
    /// 0, 1, ..., floor(length/2), then negative frequencies -ceil(length/2)+1, ..., -1.
    public static func signedFrequency(_ index: Int, length: Int) -> Int {
        index <= length / 2 ? index : index - length
    }
}

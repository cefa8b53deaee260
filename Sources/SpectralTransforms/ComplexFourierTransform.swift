import CFFTW

/// A planned batch of one-dimensional complex-to-complex discrete Fourier transforms, in place.
///
/// The data are `batchCount` contiguous rows of `length` interleaved complex values (row b starts at complex
/// index b · length). Forward: X[k] = sum_j x[j] exp(-2 pi i k j / n); backward: x[j] = sum_k X[k]
/// exp(+2 pi i k j / n); both unnormalized, so backward(forward(x)) = n x. Cost O(batchCount n log n) per call;
/// planning once, in `init` (FFTW's advanced interface, `fftw_plan_many_dft`). Executing is thread-safe; a
/// wrapper is immutable after `init`.
public final class ComplexFourierTransform: @unchecked Sendable {
    /// Complex values per row, n.
    public let length: Int
    /// Rows transformed by one call.
    public let batchCount: Int
    /// The buffer the plans were made on, 2 · length · batchCount doubles; free to use.
    public let buffer: AlignedBuffer

    private let forwardPlan: fftw_plan
    private let backwardPlan: fftw_plan

    /// Plans both directions with `threads` FFTW threads (one below `FFTWPlanner.threadedTransformMinimumPoints`
    /// points in all).
    public init(length: Int, batchCount: Int = 1, rigor: PlanningRigor = .estimate, threads: Int = 1) throws {
        guard length >= 1, batchCount >= 1 else { throw TransformError.invalidShape([batchCount, length]) }
        self.length = length
        self.batchCount = batchCount
        buffer = AlignedBuffer(count: 2 * length * batchCount)
        let data = buffer.complexPointer
        let plans: (fftw_plan?, fftw_plan?) = FFTWPlanner.withPlannerLock {
            fftw_plan_with_nthreads(
                Int32(FFTWPlanner.threadCount(requested: threads, points: length * batchCount)))
            var dimensions = [Int32(length)]
            let forward = fftw_plan_many_dft(
                1, &dimensions, Int32(batchCount), data, nil, 1, Int32(length), data, nil, 1, Int32(length),
                FFTW_FORWARD, rigor.flags)
            let backward = fftw_plan_many_dft(
                1, &dimensions, Int32(batchCount), data, nil, 1, Int32(length), data, nil, 1, Int32(length),
                FFTW_BACKWARD, rigor.flags)
            return (forward, backward)
        }
        guard let forward = plans.0, let backward = plans.1 else {
            FFTWPlanner.withPlannerLock {
                if let plan = plans.0 { fftw_destroy_plan(plan) }
                if let plan = plans.1 { fftw_destroy_plan(plan) }
            }
            throw TransformError.planningFailed([batchCount, length])
        }
        forwardPlan = forward
        backwardPlan = backward
        // Planning with MEASURE scribbles on the buffer: hand it out clean.
        buffer.fill(with: 0)
    }

    deinit { FFTWPlanner.destroy([forwardPlan, backwardPlan]) }

    /// The forward transform of every row of `data`, in place (`data` has the count of `buffer`).
    public func forward(_ data: AlignedBuffer) {
        precondition(data.count == buffer.count, "complex forward: buffer size")
        fftw_execute_dft(forwardPlan, data.complexPointer, data.complexPointer)
    }

    /// The backward transform of every row of `data`, in place (unnormalized: multiplies by n).
    public func backward(_ data: AlignedBuffer) {
        precondition(data.count == buffer.count, "complex backward: buffer size")
        fftw_execute_dft(backwardPlan, data.complexPointer, data.complexPointer)
    }
}

import CFFTW

/// A planned real-even (cosine) transform pair for cell-centred data with reflecting (Neumann) walls, in 1 to
/// 3 dimensions.
///
/// Forward is FFTW's REDFT10 (DCT-II) along every axis: Y[k] = 2 sum_j x[j] cos(pi (j + 1/2) k / n).
/// Backward is REDFT01 (DCT-III): x[j] = Y[0] + 2 sum_{k>=1} Y[k] cos(pi k (j + 1/2) / n). Both unnormalized:
/// backward(forward(x)) = (product of 2 n_axis) x. Mode k along an axis of length n and cell width h has
/// wavenumber pi k / (n h), so the even extension of a cell-centred field diffuses mode-by-mode.
/// Cost O(N log N) per call; planning once in `init`; execution thread-safe.
public final class CosineTransform: @unchecked Sendable {
    public let shape: [Int]
    public let count: Int
    /// The buffers the plans were made on.
    public let inputBuffer: AlignedBuffer
    public let outputBuffer: AlignedBuffer
    /// The factor by which backward(forward(x)) scales x: the product of 2 n over the axes.
    public let roundTripScale: Double

    private let forwardPlan: fftw_plan
    private let backwardPlan: fftw_plan

    public init(shape: [Int], rigor: PlanningRigor = .estimate, threads: Int = 1) throws {
        guard (1...3).contains(shape.count), shape.allSatisfy({ $0 >= 1 }) else {
            throw TransformError.invalidShape(shape)
        }
        self.shape = shape
        count = shape.reduce(1, *)
        roundTripScale = shape.reduce(1.0) { $0 * 2 * Double($1) }
        inputBuffer = AlignedBuffer(count: count)
        outputBuffer = AlignedBuffer(count: count)
        let dimensions = shape.map { Int32($0) }
        let forwardKinds = [fftw_r2r_kind](repeating: FFTW_REDFT10, count: shape.count)
        let backwardKinds = [fftw_r2r_kind](repeating: FFTW_REDFT01, count: shape.count)
        let input = inputBuffer.values.baseAddress!
        let output = outputBuffer.values.baseAddress!
        let plans: (fftw_plan?, fftw_plan?) = FFTWPlanner.withPlannerLock {
            fftw_plan_with_nthreads(Int32(FFTWPlanner.threadCount(requested: threads, points: shape.reduce(1, *))))
            let forward = fftw_plan_r2r(Int32(shape.count), dimensions, input, output, forwardKinds, rigor.flags)
            let backward = fftw_plan_r2r(Int32(shape.count), dimensions, input, output, backwardKinds, rigor.flags)
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
        inputBuffer.fill(with: 0)
        outputBuffer.fill(with: 0)
    }

    deinit { FFTWPlanner.destroy([forwardPlan, backwardPlan]) }

    /// DCT-II of `input` into `output` (unnormalized). Input and output must be distinct buffers.
    public func forward(_ input: AlignedBuffer, into output: AlignedBuffer) {
        precondition(input.count == count && output.count == count && input !== output, "cosine forward: buffers")
        fftw_execute_r2r(forwardPlan, input.values.baseAddress!, output.values.baseAddress!)
    }

    /// DCT-III of `input` into `output` (unnormalized). Input and output must be distinct buffers.
    public func backward(_ input: AlignedBuffer, into output: AlignedBuffer) {
        precondition(input.count == count && output.count == count && input !== output, "cosine backward: buffers")
        fftw_execute_r2r(backwardPlan, input.values.baseAddress!, output.values.baseAddress!)
    }
}

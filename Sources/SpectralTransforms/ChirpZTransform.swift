import Foundation

/// The discrete Fourier transform at a fractional frequency ratio (a chirp-z transform), by Bluestein's
/// algorithm through FFTW.
///
/// For a row a_0, ..., a_(n-1) of complex (or real) values and a ratio r it computes
///
///     C(j) = sum_(l=0)^(n-1) a_l exp(-2 pi i r j l / n),   j = j0, j0 + 1, ..., j0 + M - 1,
///
/// unnormalized; at r = 1 and j0 = 0, M = n it is FFTW's forward DFT. Bluestein: j l = (j² + l² − (j − l)²) / 2
/// turns the sum into a convolution,
///
///     C(j) = e^(-i pi r j² / n) sum_l [a_l e^(-i pi r l² / n)] e^(+i pi r (j − l)² / n),
///
/// which is computed as a circular convolution of length P ≥ n + M − 1 (no wrap-around reaches the M outputs):
/// the chirped row zero-padded to P, FFTW forward, times the transform of the kernel w_q = e^(i pi r (j0 + q)² / n)
/// (q = −(n − 1) ... M − 1, stored at q mod P; transformed once per ratio, divided by P), FFTW backward. P is the
/// smallest 2^a 3^b 5^c 7^d ≥ n + M − 1.
///
/// Phases are reduced exactly before the sine and cosine (`halfTurns`): the product r q² is split into its
/// rounded value and its exact rounding error (a fused multiply-add), the rounded part is reduced modulo 2n
/// exactly, so every chirp is e^(i pi r' q² / n) for one r' within a rounding of r, with an angle error of a few
/// ulps of 2 pi instead of ulps of pi r q² / n (thousands of radians for n = 1024).
///
/// Cost per call: two FFTW transforms of length P per row, O(batchCount P log P), and O(batchCount (n + M))
/// pointwise work; `setRatio` costs one more transform of length P and O(P) exponentials. Memory: the work
/// buffer of batchCount × P complex values. Not thread-safe (it owns its work buffer); FFTW runs with `threads`.
public final class ChirpZTransform: @unchecked Sendable {
    /// n, the values per row.
    public let inputLength: Int
    /// j0, the first output frequency.
    public let firstFrequency: Int
    /// M, the outputs per row.
    public let outputLength: Int
    /// Rows transformed by one call.
    public let batchCount: Int
    /// P, the length of the circular convolution.
    public let convolutionLength: Int
    /// The ratio r of the current chirps (1 until `setRatio` is called).
    public private(set) var ratio = Double.nan

    private let rows: ComplexFourierTransform
    private let kernel: ComplexFourierTransform
    private var inputChirp: [Double]
    private var outputChirp: [Double]

    public init(
        inputLength: Int, firstFrequency: Int, outputLength: Int, batchCount: Int = 1,
        rigor: PlanningRigor = .estimate, threads: Int = 1
    ) throws {
        guard inputLength >= 1, outputLength >= 1, batchCount >= 1 else {
            throw TransformError.invalidShape([batchCount, inputLength, outputLength])
        }
        self.inputLength = inputLength
        self.firstFrequency = firstFrequency
        self.outputLength = outputLength
        self.batchCount = batchCount
        convolutionLength = Self.smoothLength(atLeast: inputLength + outputLength - 1)
        rows = try ComplexFourierTransform(
            length: convolutionLength, batchCount: batchCount, rigor: rigor, threads: threads)
        kernel = try ComplexFourierTransform(length: convolutionLength, rigor: rigor)
        inputChirp = [Double](repeating: 0, count: 2 * inputLength)
        outputChirp = [Double](repeating: 0, count: 2 * outputLength)
        setRatio(1)
    }

    /// The smallest integer ≥ `count` whose prime factors are 2, 3, 5 and 7 (a length FFTW transforms fast).
    public static func smoothLength(atLeast count: Int) -> Int {
        var candidate = max(count, 1)
        while true {
            var remainder = candidate
            for prime in [2, 3, 5, 7] { while remainder % prime == 0 { remainder /= prime } }
            if remainder == 1 { return candidate }
            candidate += 1
        }
    }

    /// (cos, sin) of pi c s / d, with c s reduced modulo 2d exactly (see the type's note): s an integer below 2^53.
    public static func halfTurns(_ coefficient: Double, times integer: Int, over denominator: Int) -> (
        cosine: Double, sine: Double
    ) {
        let exact = Double(integer)
        let rounded = coefficient * exact
        let error = (-rounded).addingProduct(coefficient, exact)
        let reduced = fmod(rounded, 2 * Double(denominator)) + error
        let angle = Double.pi * reduced / Double(denominator)
        return (cos(angle), sin(angle))
    }

    /// Makes the chirps and the kernel's transform for `ratio` (nothing to do when it is the current one).
    public func setRatio(_ newRatio: Double) {
        guard newRatio != ratio else { return }
        ratio = newRatio
        let length = inputLength
        for index in 0..<length {
            let phase = Self.halfTurns(-newRatio, times: index * index, over: length)
            inputChirp[2 * index] = phase.cosine
            inputChirp[2 * index + 1] = phase.sine
        }
        for index in 0..<outputLength {
            let frequency = firstFrequency + index
            let phase = Self.halfTurns(-newRatio, times: frequency * frequency, over: length)
            outputChirp[2 * index] = phase.cosine
            outputChirp[2 * index + 1] = phase.sine
        }
        let values = kernel.buffer.values
        values.update(repeating: 0)
        let scale = 1 / Double(convolutionLength)
        for offset in -(length - 1)..<outputLength {
            let shifted = firstFrequency + offset
            let phase = Self.halfTurns(newRatio, times: shifted * shifted, over: length)
            let slot = (offset + convolutionLength) % convolutionLength
            values[2 * slot] = phase.cosine * scale
            values[2 * slot + 1] = phase.sine * scale
        }
        kernel.forward(kernel.buffer)
    }

    /// C(j0 + p) of every row into `output`: row b's value p at complex index b · M + p (interleaved).
    ///
    /// Row b's value l is read at `input[batchOffsets[b] + l · elementStride]`, counted in values of the input's
    /// kind: doubles for real input (`isComplex` false), complex pairs for complex input (offsets and stride in
    /// complex units). `batchOffsets` has `batchCount` entries.
    public func transform(
        _ input: UnsafePointer<Double>, isComplex: Bool, elementStride: Int, batchOffsets: [Int],
        into output: UnsafeMutablePointer<Double>
    ) {
        precondition(batchOffsets.count == batchCount, "chirp-z: one offset a row")
        let work = rows.buffer.values
        let (length, period, count) = (inputLength, convolutionLength, outputLength)
        inputChirp.withUnsafeBufferPointer { chirp in
            for batch in 0..<batchCount {
                let row = 2 * batch * period
                let start = batchOffsets[batch]
                for index in 0..<length {
                    let (chirpReal, chirpImaginary) = (chirp[2 * index], chirp[2 * index + 1])
                    if isComplex {
                        let source = 2 * (start + index * elementStride)
                        let (real, imaginary) = (input[source], input[source + 1])
                        work[row + 2 * index] = real * chirpReal - imaginary * chirpImaginary
                        work[row + 2 * index + 1] = real * chirpImaginary + imaginary * chirpReal
                    } else {
                        let real = input[start + index * elementStride]
                        work[row + 2 * index] = real * chirpReal
                        work[row + 2 * index + 1] = real * chirpImaginary
                    }
                }
                for index in (2 * length)..<(2 * period) { work[row + index] = 0 }
            }
        }
        rows.forward(rows.buffer)
        let spectrum = kernel.buffer.values
        for batch in 0..<batchCount {
            let row = 2 * batch * period
            for index in 0..<period {
                let (real, imaginary) = (work[row + 2 * index], work[row + 2 * index + 1])
                let (kernelReal, kernelImaginary) = (spectrum[2 * index], spectrum[2 * index + 1])
                work[row + 2 * index] = real * kernelReal - imaginary * kernelImaginary
                work[row + 2 * index + 1] = real * kernelImaginary + imaginary * kernelReal
            }
        }
        rows.backward(rows.buffer)
        outputChirp.withUnsafeBufferPointer { chirp in
            for batch in 0..<batchCount {
                let row = 2 * batch * period
                let target = 2 * batch * count
                for index in 0..<count {
                    let (real, imaginary) = (work[row + 2 * index], work[row + 2 * index + 1])
                    let (chirpReal, chirpImaginary) = (chirp[2 * index], chirp[2 * index + 1])
                    output[target + 2 * index] = real * chirpReal - imaginary * chirpImaginary
                    output[target + 2 * index + 1] = real * chirpImaginary + imaginary * chirpReal
                }
            }
        }
    }
}

import DiffusionModels
import Foundation
import GridFields
import SpectralTransforms

/// The Fokker–Planck solution of a linear SDE dX = f(t) X dt + g(t) dB on a periodic box, evaluated exactly in time
/// (THEORY §13): no time steps, one O(N log N) evaluation per requested time.
///
/// From X_t = m X_s + v^½ Z, with m = m(s, t) and v = v(s, t) the `LinearSDE`'s `meanScale` and `variance` from
/// the start time s, the continuous transform ρ^(k) = ∫ ρ e^(−i k·x) dx evolves as
///
///     ρ^_t(k) = ρ^_s(m k) exp(−v |k|² / 2).
///
/// On the cells x_l = −L + (l + ½) h, h = 2L / n, and the wavenumbers k_j = π j / L (j the signed frequency) the
/// transform at the scaled wavenumbers is the midpoint rule ρ^_s(m k_j) ≈ h^d Σ_l ρ_s(x_l) e^(−i m k_j·x_l),
/// separable per axis. Along an axis, m k_j x_l = −π m j + 2π m j (l + ½) / n, so
///
///     Σ_l a_l e^(−i m k_j x_l) = φ_j Σ_l a_l e^(−2πi m j l / n),   φ_j = e^(i π m j (n − 1) / n),
///
/// a chirp-z transform of ratio m (`ChirpZTransform`, Bluestein through FFTW) times the phase φ_j of the grid's
/// half-cell offset. The density at the cells is the Fourier series of the box, ρ_t(x_l) = (2L)^(−d) Σ_j ρ^_t(k_j)
/// e^(i k_j·x_l), and e^(i k_j x_l) = ψ_j e^(2πi j l / n) with ψ_j = e^(−i π j (n − 1) / n), so it is FFTW's
/// unnormalized complex-to-real inverse of the coefficients ψ_j ρ^_t(k_j); the constants h^d (2L)^(−d) = 1 / N
/// (N the cell count) are folded into the coefficients. At m = 1, v = 0 the phases cancel (φ_j ψ_j = 1) and the
/// evaluation returns the initial cells to round-off.
///
/// Nyquist mode (n even): the modes j = ±n/2 are one mode on the grid (e^(±2πi (n/2) l / n) = (−1)^l). Both are
/// computed (the leading axes evaluate j = −n/2 ... n/2, n + 1 frequencies) and the grid's coefficient is their
/// average, per axis: the symmetric choice, which maps a real density to a Hermitian spectrum (so the result is
/// real) and at m = 1, v = 0 returns the initial data exactly (there both give the DFT's Nyquist value). Along the
/// last axis, evaluated first on the real data, the average of j = ±n/2 is the real part of the j = n/2 value.
///
/// Accuracy: exact in time; in space the error is that of the midpoint rule for ρ^_s(m k) plus the periodic
/// truncation: spectrally small while ρ_s and ρ_t are negligible at the box's edges and m ≤ 1 (m k_j stays
/// inside the band |k| ≤ π n / (2L) that the grid resolves; true for OU, VP and VE forward in time). Round-off: a
/// few ε log₂ P of the largest value per transform.
///
/// Cost per evaluation: along the last axis two FFTW transforms of length P ≥ 3n/2 per row, along each leading axis
/// two of length P ≥ 2n per column of the half spectrum, then one complex-to-real transform of the grid; O(N log N)
/// whatever t. `step(by:)` only advances the time (O(1)); `currentDensity()` evaluates at the current time, cached
/// until the time changes. Memory: the initial cells, the half spectrum and the Bluestein work buffers (about
/// 2 × the half spectrum per axis).
public final class ExactLinearPropagator: DensityStepper {
    public let grid: Grid
    public let process: LinearSDE
    /// The time of the initial density, s.
    public let startTime: Double
    public private(set) var time: Double
    /// Exact in time: no order to measure (`GridMethod.exactLinear.temporalOrder` is nil).
    public var temporalOrder: Int? { nil }
    public var methodName: String { GridMethod.exactLinear.name }

    private let initialValues: AlignedBuffer
    private let inverse: RealFourierTransform
    /// Per axis: its chirp-z transform and the offsets of its rows (in the units the transform reads).
    private let axisTransforms: [ChirpZTransform]
    private let axisOffsets: [[Int]]
    private let chirpOutput: [AlignedBuffer]
    private let initialMass: Double
    private let initialIsFinite: Bool
    /// Σ|ρ_s| / Σ ρ_s: it bounds max_k |ρ^_t(k)| / ρ^_t(0) at every t, since |ρ^_s(m k)| ≤ Σ|ρ_s| h^d and the
    /// Gaussian factor is at most 1.
    private let amplitudeBound: Double
    private var cached: (time: Double, density: Field)?

    /// - Parameters:
    ///   - process: a `LinearSDE` (anything else is refused with a `SolverError`).
    ///   - initialDensity: the density at `startTime` at the cell centres of a periodic grid (reflecting walls are
    ///     refused).
    ///   - rigor, threads: FFTW planning rigor and thread count.
    public init(
        process: any ForwardProcess, initialDensity: Field, startTime: Double = 0, rigor: PlanningRigor = .estimate,
        threads: Int = 1
    ) throws {
        guard let linear = process as? LinearSDE else {
            throw SolverError(
                "the exact linear propagator needs a linear SDE dX = f(t) X dt + g(t) dB; \(process.name) is not one")
        }
        guard initialDensity.grid.boundary == .periodic else {
            throw SolverError("the exact linear propagator runs on a periodic grid, not one with reflecting walls")
        }
        self.process = linear
        grid = initialDensity.grid
        self.startTime = startTime
        time = startTime
        initialValues = AlignedBuffer(initialDensity.values)
        inverse = try RealFourierTransform(shape: grid.shape, rigor: rigor, threads: threads)
        let shape = grid.shape
        let last = shape.count - 1
        let halfCount = shape[last] / 2 + 1
        let spectrumCount = inverse.spectrumCount
        var transforms: [ChirpZTransform] = []
        var offsets: [[Int]] = []
        var outputs: [AlignedBuffer] = []
        for axis in 0..<shape.count {
            let length = shape[axis]
            if axis == last {
                // Real rows of the grid; frequencies 0 ... n/2.
                let rowCount = grid.count / length
                transforms.append(
                    try ChirpZTransform(
                        inputLength: length, firstFrequency: 0, outputLength: halfCount, batchCount: rowCount,
                        rigor: rigor, threads: threads))
                offsets.append((0..<rowCount).map { $0 * length })
                outputs.append(AlignedBuffer(count: 0))
            } else {
                // Complex columns of the half spectrum; frequencies −⌊n/2⌋ ... ⌊n/2⌋.
                let half = length / 2
                let inner = shape[(axis + 1)..<last].reduce(1, *) * halfCount
                let columnCount = spectrumCount / length
                transforms.append(
                    try ChirpZTransform(
                        inputLength: length, firstFrequency: -half, outputLength: 2 * half + 1,
                        batchCount: columnCount, rigor: rigor, threads: threads))
                offsets.append((0..<columnCount).map { ($0 / inner) * length * inner + $0 % inner })
                outputs.append(AlignedBuffer(count: 2 * columnCount * (2 * half + 1)))
            }
        }
        axisTransforms = transforms
        axisOffsets = offsets
        chirpOutput = outputs
        let values = initialDensity.values
        initialIsFinite = values.allSatisfy(\.isFinite)
        let sum = values.reduce(0, +)
        initialMass = sum * grid.cellVolume
        amplitudeBound = values.reduce(0) { $0 + abs($1) } / sum
    }

    public func step(by timeStep: Double) {
        time += timeStep
    }

    public func currentDensity() -> Field {
        if let cached, cached.time == time { return cached.density }
        let density = density(at: time)
        cached = (time, density)
        return density
    }

    /// The density at `endTime` ≥ the start time, evaluated by the propagator (O(N log N), not cached).
    public func density(at endTime: Double) -> Field {
        let scale = process.meanScale(from: startTime, to: endTime)
        let variance = process.variance(from: startTime, to: endTime)
        guard scale.isFinite, variance.isFinite, initialIsFinite else {
            return Field(grid: grid, values: [Double](repeating: .nan, count: grid.count))
        }
        let shape = grid.shape
        let last = shape.count - 1
        let spectrum = inverse.spectrumBuffer
        let coefficients = spectrum.values.baseAddress!
        // Along the last axis: the real cells to frequencies 0 ... n/2, straight into the half spectrum.
        let lastTransform = axisTransforms[last]
        lastTransform.setRatio(scale)
        lastTransform.transform(
            UnsafePointer(initialValues.values.baseAddress!), isComplex: false, elementStride: 1,
            batchOffsets: axisOffsets[last], into: coefficients)
        let lastFactors = Self.factors(
            length: shape[last], frequencies: 0..<(shape[last] / 2 + 1), scale: scale, variance: variance,
            halfWidth: grid.halfWidth, normalization: 1 / Double(grid.count))
        let halfCount = shape[last] / 2 + 1
        let nyquist = shape[last] % 2 == 0 ? shape[last] / 2 : -1
        for row in 0..<(inverse.spectrumCount / halfCount) {
            for column in 0..<halfCount {
                let index = 2 * (row * halfCount + column)
                let (real, imaginary) = (coefficients[index], coefficients[index + 1])
                let (factorReal, factorImaginary) = (lastFactors[2 * column], lastFactors[2 * column + 1])
                coefficients[index] = real * factorReal - imaginary * factorImaginary
                // The average of j = ±n/2 on real rows: the real part.
                coefficients[index + 1] = column == nyquist ? 0 : real * factorImaginary + imaginary * factorReal
            }
        }
        // Along each leading axis: the columns of the half spectrum, in place.
        for axis in stride(from: last - 1, through: 0, by: -1) {
            let length = shape[axis]
            let half = length / 2
            let transform = axisTransforms[axis]
            transform.setRatio(scale)
            let output = chirpOutput[axis].values.baseAddress!
            // Consecutive values along the axis are `inner` coefficients apart.
            let inner = shape[(axis + 1)..<last].reduce(1, *) * halfCount
            transform.transform(
                UnsafePointer(coefficients), isComplex: true, elementStride: inner, batchOffsets: axisOffsets[axis],
                into: output)
            let factors = Self.factors(
                length: length, frequencies: -half..<(half + 1), scale: scale, variance: variance,
                halfWidth: grid.halfWidth, normalization: 1)
            let outputCount = 2 * half + 1
            for (column, offset) in axisOffsets[axis].enumerated() {
                let row = 2 * column * outputCount
                for bin in 0..<length {
                    let frequency = RealFourierTransform.signedFrequency(bin, length: length)
                    func term(_ frequency: Int) -> (Double, Double) {
                        let slot = frequency + half
                        let (real, imaginary) = (output[row + 2 * slot], output[row + 2 * slot + 1])
                        let (factorReal, factorImaginary) = (factors[2 * slot], factors[2 * slot + 1])
                        return (
                            real * factorReal - imaginary * factorImaginary,
                            real * factorImaginary + imaginary * factorReal
                        )
                    }
                    var value = term(frequency)
                    if length % 2 == 0 && frequency == half {
                        let partner = term(-half)
                        value = (0.5 * (value.0 + partner.0), 0.5 * (value.1 + partner.1))
                    }
                    let target = 2 * (offset + bin * inner)
                    coefficients[target] = value.0
                    coefficients[target + 1] = value.1
                }
            }
        }
        inverse.backward(spectrum, into: inverse.realBuffer)
        return Field(grid: grid, values: inverse.realBuffer.array)
    }

    /// ψ_j φ_j exp(−v k_j² / 2) × `normalization` for every frequency j (interleaved complex), with
    /// φ_j ψ_j = e^(i π (m − 1) j (n − 1) / n) and k_j = π j / L.
    static func factors(
        length: Int, frequencies: Range<Int>, scale: Double, variance: Double, halfWidth: Double,
        normalization: Double
    ) -> [Double] {
        var result: [Double] = []
        result.reserveCapacity(2 * frequencies.count)
        for frequency in frequencies {
            let offsetPhase = ChirpZTransform.halfTurns(scale, times: frequency * (length - 1), over: length)
            let gridPhase = ChirpZTransform.halfTurns(-1, times: frequency * (length - 1), over: length)
            let wavenumber = Double.pi * Double(frequency) / halfWidth
            let damping = normalization * exp(-0.5 * variance * wavenumber * wavenumber)
            result.append(
                damping * (offsetPhase.cosine * gridPhase.cosine - offsetPhase.sine * gridPhase.sine))
            result.append(
                damping * (offsetPhase.cosine * gridPhase.sine + offsetPhase.sine * gridPhase.cosine))
        }
        return result
    }

    public func health() -> StepperHealth {
        let scale = process.meanScale(from: startTime, to: time)
        let variance = process.variance(from: startTime, to: time)
        if let cached, cached.time == time {
            return StepperHealth(
                mass: cached.density.integral, isFinite: cached.density.isFinite, amplitudeRatio: amplitudeBound)
        }
        // The k = 0 coefficient is ρ^_s(0) at every t: the mass is the initial one.
        return StepperHealth(
            mass: initialMass, isFinite: initialIsFinite && scale.isFinite && variance.isFinite,
            amplitudeRatio: amplitudeBound)
    }
}

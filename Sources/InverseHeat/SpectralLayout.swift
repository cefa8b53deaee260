import GridFields
import SpectralTransforms

/// Where each coefficient of a real-to-complex spectrum sits, and its wavenumber (internal).
///
/// FFTW's r2c layout (see `RealFourierTransform`): the leading axes are stored whole, the last axis keeps its
/// n/2 + 1 non-negative frequencies. The spectrum is read as (outer index) x (last index), outer running over the
/// leading axes. Mode j along an axis of a box of half-width L has the wavenumber pi j / L. Every per-mode
/// quantity here is split into an outer part and a last-axis part, so a factor exp(-|k|^2 a) costs
/// (outer count + last count) exponentials instead of one per coefficient.
struct SpectralLayout: Sendable {
    let shape: [Int]
    let spectrumShape: [Int]
    let outerCount: Int
    let lastCount: Int
    /// Number of real values, N.
    let realCount: Int
    /// sum over the leading axes of k_a^2 per outer index, and k^2 of the last axis (wavenumbers of the grid given).
    let outerSquaredWavenumber: [Double]
    let lastSquaredWavenumber: [Double]
    /// How many coefficients of the full spectrum each stored one stands for: 1 at last index 0 and at the last
    /// axis's Nyquist index (n even), 2 elsewhere (itself and its complex conjugate). sum weight |X|^2 = sum over
    /// the full spectrum.
    let lastWeight: [Double]

    init(grid: Grid) {
        shape = grid.shape
        let dimension = grid.dimension
        var halved = shape
        halved[dimension - 1] = shape[dimension - 1] / 2 + 1
        spectrumShape = halved
        lastCount = halved[dimension - 1]
        let spectrumCount = halved.reduce(1, *)
        outerCount = spectrumCount / lastCount
        realCount = grid.count
        let unit = Double.pi / grid.halfWidth
        let lastLength = shape[dimension - 1]
        lastSquaredWavenumber = (0..<lastCount).map { index in
            let wavenumber = unit * Double(RealFourierTransform.signedFrequency(index, length: lastLength))
            return wavenumber * wavenumber
        }
        lastWeight = (0..<lastCount).map { index in
            index == 0 || (lastLength % 2 == 0 && index == lastLength / 2) ? 1 : 2
        }
        var outerSquared = [Double](repeating: 0, count: outerCount)
        for outer in 0..<outerCount {
            var remainder = outer
            for axis in stride(from: dimension - 2, through: 0, by: -1) {
                let index = remainder % shape[axis]
                remainder /= shape[axis]
                let wavenumber = unit * Double(RealFourierTransform.signedFrequency(index, length: shape[axis]))
                outerSquared[outer] += wavenumber * wavenumber
            }
        }
        outerSquaredWavenumber = outerSquared
    }

    var spectrumCount: Int { outerCount * lastCount }

    /// |k|^2 of stored coefficient `index` (outer * lastCount + last).
    func squaredWavenumber(ofCoefficient index: Int) -> Double {
        outerSquaredWavenumber[index / lastCount] + lastSquaredWavenumber[index % lastCount]
    }

    /// The signed integer frequency of every axis of stored coefficient `index`.
    func frequencies(ofCoefficient index: Int) -> [Int] {
        let dimension = shape.count
        var result = [Int](repeating: 0, count: dimension)
        result[dimension - 1] = index % lastCount
        var remainder = index / lastCount
        for axis in stride(from: dimension - 2, through: 0, by: -1) {
            result[axis] = RealFourierTransform.signedFrequency(remainder % shape[axis], length: shape[axis])
            remainder /= shape[axis]
        }
        return result
    }

    /// The weight of stored coefficient `index` (1 or 2, see `lastWeight`).
    func weight(ofCoefficient index: Int) -> Double { lastWeight[index % lastCount] }

    /// The largest |k|^2 on the grid: the corner mode, sum over the axes of (pi floor(n/2) / L)^2.
    var largestSquaredWavenumber: Double {
        (outerSquaredWavenumber.max() ?? 0) + (lastSquaredWavenumber.max() ?? 0)
    }
}

/// Size and position of a spectrum's largest coefficient, its squared sum, and whether it is finite.
///
/// Amplitudes are in FFTW's unnormalized units (X_k = sum_j u_j e^(-i k.x_j)); divide by N for the coefficient of
/// e^(i k.x) in the field. `sumOfSquares` is over the full spectrum (conjugates counted), so by Parseval
/// ||u||_2^2 = h^d sumOfSquares / N.
public struct SpectrumSummary: Sendable, Equatable {
    /// max_k |X_k|.
    public var largestCoefficient: Double
    /// Which stored coefficient that is (outer * lastCount + last).
    public var largestIndex: Int
    /// sum over the full spectrum of |X_k|^2.
    public var sumOfSquares: Double
    /// False when any coefficient is NaN or infinite. (A finite coefficient whose square overflows leaves this true
    /// and makes `sumOfSquares` infinite.)
    public var isFinite: Bool
}

extension SpectralLayout {
    /// Reads a spectrum (interleaved complex, this layout) and summarizes it; O(number of coefficients).
    func summarize(_ spectrum: UnsafeBufferPointer<Double>) -> SpectrumSummary {
        var largest = 0.0
        var largestIndex = 0
        var sum = 0.0
        var probe = 0.0   // x * 0 is NaN exactly when x is NaN or infinite
        lastWeight.withUnsafeBufferPointer { weights in
            for outer in 0..<outerCount {
                let base = outer * lastCount
                for last in 0..<lastCount {
                    let real = spectrum[2 * (base + last)], imaginary = spectrum[2 * (base + last) + 1]
                    let squared = real * real + imaginary * imaginary
                    sum += weights[last] * squared
                    if squared > largest {
                        largest = squared
                        largestIndex = base + last
                    }
                    probe += real * 0 + imaginary * 0
                }
            }
        }
        return SpectrumSummary(
            largestCoefficient: largest.squareRoot(), largestIndex: largestIndex, sumOfSquares: sum,
            isFinite: probe == 0
        )
    }
}

import GridFields
import SpectralTransforms

/// The spectrum layout of a grid (`SpectralTransforms.SpectrumLayout`, shared with the spectral solver).
typealias SpectralLayout = SpectrumLayout

extension SpectrumLayout {
    init(grid: Grid) { self.init(shape: grid.shape, halfWidth: grid.halfWidth) }
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
        var probe = 0.0 // x * 0 is NaN exactly when x is NaN or infinite
        lastWeight.withUnsafeBufferPointer { weights in
            for outer in 0..<outerCount {
                let base = outer * lastCount
                for last in 0..<lastCount {
                    let real = spectrum[2 * (base + last)]
                    let imaginary = spectrum[2 * (base + last) + 1]
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

import Foundation
import GridFields
import SpectralTransforms

/// One Fourier mode's amplification over a naive inversion: measured, predicted, and how much round-off could
/// explain a difference.
public struct ModeAmplification: Sendable, Equatable {
    /// Signed integer frequencies per axis (the last axis non-negative, FFTW's half spectrum).
    public var frequencies: [Int]
    /// |k| on the data grid and |q| = |k| / c(s) on the grid of the time measured.
    public var dataWavenumber: Double
    public var wavenumber: Double
    /// |A_k|, A_k = (h(t)^d X_k(t)) / (h^d X_k(T)): the ratio of the mode's continuum-normalized coefficients.
    public var measured: Double
    /// THEORY §8's factor: exp(D |k|^2 s) (heat), exp(|q|^2 (e^(2s) - 1)/2) (OU).
    public var predicted: Double
    /// |A_k - predicted| / predicted (A_k complex: phase errors count too).
    public var relativeError: Double
    /// The round-off estimate below which the mode counts as not swamped (see `AmplificationCheck`).
    public var roundOffFloor: Double
}

/// Per-mode amplification of a naive inversion measured against THEORY §8, over the modes not swamped by noise.
///
/// Measured: A_k = (h(t)/h(T))^d X_k(t) / X_k(T), the ratio of the field's and the data's coefficients, normalized as
/// continuum Fourier transforms (on the stretched OU grid the cell volume grows by e^(d s)). Predicted: exp(D |k|^2
/// s) for the heat equation, exp(|q|^2 (e^(2s) - 1)/2) with q the mode's wavenumber on the grid of time t for OU.
///
/// Which modes count. The data's coefficient X_k(T) includes the noise, so noise modes are amplified exactly like
/// signal modes; what spoils the ratio is round-off added after the data was taken. Every FFT round trip adds to
/// each coefficient about epsilon sqrt(log2 N) R_j, R_j = (sum |X(s_j)|^2 / N)^(1/2) the root-mean-square
/// coefficient after step j, and it is amplified from then on no more than the mode itself; each step's
/// multiplication adds about 3 epsilon relative, and the spectral-time bookkeeping epsilon |k|^2 tau(s) relative.
/// So the mode's relative round-off is at most about
///
///     floor_k = epsilon [ sqrt(log2 N) sum_j R_j / (J(s_j) |X_k(T)|) + (steps + 1)(3 + |k|^2 tau(s)) ]
///
/// (R_j / J(s_j): in the heat picture, where the mode's own size never drops below |X_k(T)|). A mode counts as not
/// yet swamped when floor_k <= `floorLimit`. When the fastest modes have grown, R_j is large and the slow modes
/// stop counting: they are swamped by the round-off of the fast ones.
public struct AmplificationCheck: Sendable, Equatable {
    /// The reverse time s of the measurement (the last step reached).
    public var reverseTime: Double
    public var floorLimit: Double
    /// Number of stored coefficients examined, and how many counted.
    public var modeCount: Int
    public var countedModeCount: Int
    /// max relative error over the counted modes (nil when none counted).
    public var maximumRelativeError: Double?
    /// The counted mode with the largest relative error, and the one with the largest predicted amplification.
    public var worstMode: ModeAmplification?
    public var mostAmplifiedMode: ModeAmplification?
    /// Every counted mode, when asked for (`keepModes`); empty otherwise.
    public var countedModes: [ModeAmplification]

    /// Measures the check; `spectrum` is the field's at reverse time s (FFTW units, on the grid of time T - s),
    /// `dataSpectrum` the data's; `roundOffSum` is sum_j R_j / J(s_j) over the data's transform, every step and the
    /// measuring transform, `stepsTaken` the number of steps. Cost: O(coefficients) with one exponential each.
    static func measure(
        equation: BackwardEquation, layout: SpectralLayout, dataSpectrum: AlignedBuffer, spectrum: AlignedBuffer,
        reverseTime: Double, stepsTaken: Int, roundOffSum: Double, floorLimit: Double, keepModes: Bool
    ) -> AmplificationCheck {
        let dimension = layout.shape.count
        let spectralTime = equation.spectralTime(over: reverseTime)
        let valueScale = equation.valueScale(reverseTime: reverseTime, dimension: dimension)
        let gridScale = equation.gridScale(reverseTime: reverseTime)
        let epsilon = Double.ulpOfOne
        let transformFactor = Foundation.log2(Double(max(layout.realCount, 2))).squareRoot()
        let stepFactor = Double(stepsTaken + 1)
        var check = AmplificationCheck(
            reverseTime: reverseTime, floorLimit: floorLimit, modeCount: layout.spectrumCount, countedModeCount: 0,
            maximumRelativeError: nil, worstMode: nil, mostAmplifiedMode: nil, countedModes: []
        )
        let data = dataSpectrum.values
        let current = spectrum.values
        for index in 0..<layout.spectrumCount {
            let dataReal = data[2 * index]
            let dataImaginary = data[2 * index + 1]
            let dataSize = (dataReal * dataReal + dataImaginary * dataImaginary).squareRoot()
            guard dataSize > 0 else { continue }
            let squaredWavenumber = layout.squaredWavenumber(ofCoefficient: index)
            let floor =
                epsilon
                * (transformFactor * roundOffSum / dataSize + stepFactor * (3 + squaredWavenumber * spectralTime))
            guard floor <= floorLimit else { continue }
            let dataWavenumber = squaredWavenumber.squareRoot()
            let wavenumber = dataWavenumber / gridScale
            let predicted = equation.theoreticalAmplification(wavenumber: wavenumber, reverseTime: reverseTime)
            guard predicted.isFinite else { continue }
            // A_k = X_k(t) / (J(s) X_k(T)); A_k - predicted = (X_k(t) - J predicted X_k(T)) / (J X_k(T)).
            let expectedReal = valueScale * predicted * dataReal
            let expectedImaginary = valueScale * predicted * dataImaginary
            let deviationReal = current[2 * index] - expectedReal
            let deviationImaginary = current[2 * index + 1] - expectedImaginary
            let relativeError =
                (deviationReal * deviationReal + deviationImaginary * deviationImaginary).squareRoot()
                / (valueScale * predicted * dataSize)
            let currentSize =
                (current[2 * index] * current[2 * index] + current[2 * index + 1] * current[2 * index + 1]).squareRoot()
            let mode = ModeAmplification(
                frequencies: layout.frequencies(ofCoefficient: index), dataWavenumber: dataWavenumber,
                wavenumber: wavenumber,
                measured: currentSize / (valueScale * dataSize), predicted: predicted, relativeError: relativeError,
                roundOffFloor: floor
            )
            check.countedModeCount += 1
            // A NaN error, once seen, stays the maximum (a failure must not hide behind later finite values).
            let worstSoFar = check.maximumRelativeError ?? -1
            if !worstSoFar.isNaN && !(relativeError <= worstSoFar) {
                check.maximumRelativeError = relativeError
                check.worstMode = mode
            }
            if predicted > check.mostAmplifiedMode?.predicted ?? 0 { check.mostAmplifiedMode = mode }
            if keepModes { check.countedModes.append(mode) }
        }
        return check
    }
}

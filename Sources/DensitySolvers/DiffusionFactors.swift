import Foundation
import SpectralTransforms

/// The diffusion factors exp(-|k|^2 / 2 G) for one G = int g^2 over a sub-step. |k|^2 is a sum over axes, so the
/// factor of a coefficient is (row factor) x (column factor): one exp per row and per column, not per coefficient.
/// They are recomputed only when G changes (OU with a fixed step: computed once).
final class DiffusionFactors {
    let rowFactor: AlignedBuffer
    let columnFactor: AlignedBuffer
    /// The G the factors belong to; NaN before the first `prepare` (and for factors of one).
    private(set) var squaredDiffusionIntegral = Double.nan

    /// Factors of one (no diffusion) until `prepare` is called.
    init(rowCount: Int, columnCount: Int) {
        rowFactor = AlignedBuffer(count: rowCount)
        columnFactor = AlignedBuffer(count: columnCount)
        rowFactor.fill(with: 1)
        columnFactor.fill(with: 1)
    }

    /// Sets the factors for G = `squaredDiffusionIntegral` unless they are already set for it.
    func prepare(
        squaredDiffusionIntegral integral: Double, rowSquaredWavenumber: [Double], columnSquaredWavenumber: [Double]
    ) {
        if integral == squaredDiffusionIntegral { return }
        squaredDiffusionIntegral = integral
        let half = -0.5 * integral
        let rows = rowFactor.values
        let columns = columnFactor.values
        for index in 0..<rows.count { rows[index] = Self.exponential(half * rowSquaredWavenumber[index]) }
        for index in 0..<columns.count { columns[index] = Self.exponential(half * columnSquaredWavenumber[index]) }
    }

    /// Below this, exp(x) < 2^-1075 (half the least subnormal; ln 2^-1075 = -745.133...) and rounds to 0.
    static let underflowExponent = -745.2

    /// exp(x), returning 0 directly where the result underflows to 0: glibc's exp takes a slow error-reporting
    /// path there (errno), which high wavenumbers hit on every call. The result is the same: exp rounds to 0 there.
    @inline(__always)
    static func exponential(_ exponent: Double) -> Double {
        exponent < underflowExponent ? 0 : Foundation.exp(exponent)
    }
}

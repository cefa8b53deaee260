import Foundation
import GridFields
import SpectralTransforms

/// Reconstructions of u(t) from the data in one shot: the data's spectrum times a `Regularization` multiplier, then
/// one complex-to-real transform onto the grid of time t (the regularized methods of THEORY §8, and the naive
/// inversion written as one multiplier, which the stepped `NaiveBackwardStepper` must agree with).
///
/// u(t) = J(T - t) c2r(m(|k|^2) X_g) / N on `problem.grid(atTime: t)`, X_g the data's unnormalized spectrum, J the
/// value scale of `BackwardEquation`. Cost per reconstruction: one pass computing the multiplier (a few exponentials
/// a coefficient) and one transform; the data is transformed once, in `init`. Not thread-safe.
public final class SpectralReconstruction {
    public let equation: BackwardEquation
    public let dataGrid: Grid
    public let finalTime: Double
    /// The data's spectrum (FFTW units) and its summary.
    public let dataSpectrum: AlignedBuffer
    public let dataSummary: SpectrumSummary

    let transform: RealFourierTransform
    let layout: SpectralLayout

    public init(
        equation: BackwardEquation, data: Field, finalTime: Double, rigor: PlanningRigor = .estimate, threads: Int = 1
    ) throws {
        guard data.grid.boundary == .periodic else {
            throw InverseHeatError("the reconstruction needs a periodic grid")
        }
        self.equation = equation
        dataGrid = data.grid
        self.finalTime = finalTime
        transform = try RealFourierTransform(shape: data.grid.shape, rigor: rigor, threads: threads)
        layout = SpectralLayout(grid: data.grid)
        dataSpectrum = AlignedBuffer(count: 2 * transform.spectrumCount)
        _ = transform.realBuffer.values.update(from: data.values)
        transform.forward(transform.realBuffer, into: dataSpectrum)
        dataSummary = layout.summarize(UnsafeBufferPointer(dataSpectrum.values))
    }

    /// The grid of time t.
    public func grid(atTime time: Double) -> Grid {
        Grid(shape: dataGrid.shape, halfWidth: dataGrid.halfWidth * equation.gridScale(reverseTime: finalTime - time))
    }

    /// Reconstructs u(t) with `regularization` into the transform's real buffer (returned, valid until the next
    /// call) and summarizes the reconstruction's spectrum (FFTW units, as `dataSummary`).
    @discardableResult
    public func reconstruct(_ regularization: Regularization, atTime time: Double) -> (
        values: UnsafeBufferPointer<Double>, summary: SpectrumSummary
    ) {
        let total = equation.spectralTime(over: finalTime)
        let target = equation.spectralTime(from: 0, to: time, finalTime: finalTime)
        let scale =
            equation.valueScale(reverseTime: finalTime - time, dimension: dataGrid.dimension) / Double(layout.realCount)
        let source = dataSpectrum.values
        let spectrum = transform.spectrumBuffer.values
        for outer in 0..<layout.outerCount {
            let outerSquared = layout.outerSquaredWavenumber[outer]
            for last in 0..<layout.lastCount {
                let index = outer * layout.lastCount + last
                let factor =
                    scale
                    * regularization.multiplier(
                        squaredWavenumber: outerSquared + layout.lastSquaredWavenumber[last],
                        totalSpectralTime: total, targetSpectralTime: target
                    )
                spectrum[2 * index] = factor * source[2 * index]
                spectrum[2 * index + 1] = factor * source[2 * index + 1]
            }
        }
        // The factors include 1/N; report in FFTW units, like the data's summary.
        var summary = layout.summarize(UnsafeBufferPointer(spectrum))
        let count = Double(layout.realCount)
        summary.largestCoefficient *= count
        summary.sumOfSquares *= count * count
        transform.backward()
        return (UnsafeBufferPointer(transform.realBuffer.values), summary)
    }

    /// The reconstruction as a field on the grid of time t.
    public func field(_ regularization: Regularization, atTime time: Double) -> Field {
        let values = reconstruct(regularization, atTime: time).values
        return Field(grid: grid(atTime: time), values: Array(values))
    }
}

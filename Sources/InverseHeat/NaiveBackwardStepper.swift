import Foundation
import GridFields
import SpectralTransforms

/// The naive backward step: a field at forward time t is carried to t - h by one FFTW real-to-complex transform, a
/// multiplication of every coefficient, and one complex-to-real transform.
///
/// Step from reverse time s to s' = s + h (s = T - t): data-grid mode k is multiplied by
/// exp(|k|^2 (tau(s') - tau(s))) J(s') / J(s) / N, with tau, J from `BackwardEquation` (heat: exp(D |k|^2 h);
/// OU: the inverse of the exact forward OU solution on the stretched grid, see below), and 1/N undoes FFTW's
/// unnormalized round trip. The factor is split as (leading axes) x (last axis), so a step costs the two
/// transforms, d n + n/2 exponentials, and one pass over the spectrum that also measures it (`SpectrumSummary`:
/// largest coefficient, squared sum, finiteness) at no extra memory traffic. Memory: the transform's real and
/// spectrum buffers and a copy of the data's spectrum.
///
/// The backward OU step. The exact forward solution of THEORY §2, rho^(k, t) = rho^_0(e^-t k) exp(-sigma_t^2 |k|^2
/// / 2), is not diagonal on a fixed grid (it reads rho^_0 at e^-t k, between grid frequencies), and stepping the
/// drift explicitly backward with IF-RK4 (the forward solver run with a negative step) has two faults: the inverse of
/// the IF-RK4 map is not the IF-RK4 map with -h (RK4 is not symmetric), and on a fixed grid the backward drift
/// pulls content in from beyond the grid's largest wavenumber, which the data does not hold, so its error would
/// measure the box and the aliasing rather than the ill-posedness. Here the grid of time t is the data grid stretched
/// by e^(T-t), along the drift's characteristics (the heat-equation link, `BackwardEquation`): every mode then
/// maps to itself, the step is diagonal and exact in time (no step-size restriction, the step count only sets
/// where the run looks), and it is exactly the inverse of the exact forward step on the same grids. The tests
/// check it against the mixture oracle.
///
/// Not thread-safe; FFTW planning goes through the planner lock (`RealFourierTransform`).
public final class NaiveBackwardStepper {
    public let equation: BackwardEquation
    /// The data grid (time T).
    public let dataGrid: Grid
    /// T.
    public let finalTime: Double
    /// s = T - t, the reverse time reached.
    public private(set) var reverseTime: Double = 0
    /// The data's spectrum and its summary (FFTW units, data grid).
    public let dataSpectrum: AlignedBuffer
    public let dataSummary: SpectrumSummary

    let transform: RealFourierTransform
    let layout: SpectralLayout
    private var outerFactor: [Double]
    private var lastFactor: [Double]

    /// - Parameters:
    ///   - data: the field at time `finalTime` on the data grid (periodic).
    ///   - rigor, threads: FFTW planning rigor and threads.
    public init(
        equation: BackwardEquation, data: Field, finalTime: Double, rigor: PlanningRigor = .estimate, threads: Int = 1
    ) throws {
        guard data.grid.boundary == .periodic else {
            throw InverseHeatError("the naive backward step needs a periodic grid")
        }
        self.equation = equation
        dataGrid = data.grid
        self.finalTime = finalTime
        transform = try RealFourierTransform(shape: data.grid.shape, rigor: rigor, threads: threads)
        layout = SpectralLayout(grid: data.grid)
        outerFactor = [Double](repeating: 1, count: layout.outerCount)
        lastFactor = [Double](repeating: 1, count: layout.lastCount)
        dataSpectrum = AlignedBuffer(count: 2 * transform.spectrumCount)
        _ = transform.realBuffer.values.update(from: data.values)
        transform.forward(transform.realBuffer, into: dataSpectrum)
        dataSummary = layout.summarize(UnsafeBufferPointer(dataSpectrum.values))
    }

    /// t = T - s.
    public var time: Double { finalTime - reverseTime }

    /// The grid of the current time (`InverseHeatProblem.grid(atTime:)`).
    public var grid: Grid {
        Grid(shape: dataGrid.shape, halfWidth: dataGrid.halfWidth * equation.gridScale(reverseTime: reverseTime))
    }

    /// The current cell values (valid until the next step).
    public var values: UnsafeBufferPointer<Double> { UnsafeBufferPointer(transform.realBuffer.values) }

    public func currentField() -> Field { Field(grid: grid, values: transform.realBuffer.array) }

    /// One step to reverse time `target` (> the current one); returns the summary of the new field's spectrum
    /// (FFTW units, as `dataSummary`).
    /// The spectral time increment is tau(target) - tau(s), never an accumulated sum, so step times do not drift.
    @discardableResult
    public func step(toReverseTime target: Double) -> SpectrumSummary {
        let increment = equation.spectralTime(over: target) - equation.spectralTime(over: reverseTime)
        let dimension = dataGrid.dimension
        let scalar =
            equation.valueScale(reverseTime: target, dimension: dimension)
            / equation.valueScale(reverseTime: reverseTime, dimension: dimension) / Double(layout.realCount)
        for index in 0..<layout.outerCount {
            outerFactor[index] = scalar * Foundation.exp(layout.outerSquaredWavenumber[index] * increment)
        }
        for index in 0..<layout.lastCount {
            lastFactor[index] = Foundation.exp(layout.lastSquaredWavenumber[index] * increment)
        }
        transform.forward()
        let summary = multiplyAndSummarize()
        transform.backward()
        reverseTime = target
        return summary
    }

    /// spectrum <- factors x spectrum, and the summary of the result, in one pass.
    private func multiplyAndSummarize() -> SpectrumSummary {
        let spectrum = transform.spectrumBuffer.values.baseAddress!
        let lastCount = layout.lastCount
        var largest = 0.0
        var largestIndex = 0
        var sum = 0.0
        var probe = 0.0 // x * 0 is NaN exactly when x is NaN or infinite
        outerFactor.withUnsafeBufferPointer { outer in
            lastFactor.withUnsafeBufferPointer { last in
                layout.lastWeight.withUnsafeBufferPointer { weights in
                    for outerIndex in 0..<outer.count {
                        let outerValue = outer[outerIndex]
                        let base = outerIndex * lastCount
                        var rowLargest = 0.0
                        var rowLargestIndex = 0
                        for lastIndex in 0..<lastCount {
                            let factor = outerValue * last[lastIndex]
                            let position = 2 * (base + lastIndex)
                            let real = spectrum[position] * factor
                            let imaginary = spectrum[position + 1] * factor
                            spectrum[position] = real
                            spectrum[position + 1] = imaginary
                            let squared = real * real + imaginary * imaginary
                            sum += weights[lastIndex] * squared
                            probe += real * 0 + imaginary * 0
                            if squared > rowLargest {
                                rowLargest = squared
                                rowLargestIndex = lastIndex
                            }
                        }
                        if rowLargest > largest {
                            largest = rowLargest
                            largestIndex = base + rowLargestIndex
                        }
                    }
                }
            }
        }
        // The factors include 1/N; report in FFTW units, like the data's summary.
        let count = Double(layout.realCount)
        return SpectrumSummary(
            largestCoefficient: largest.squareRoot() * count, largestIndex: largestIndex,
            sumOfSquares: sum * count * count,
            isFinite: probe == 0
        )
    }

    /// The current field's spectrum written into `spectrum` (FFTW units), e.g. for `AmplificationCheck`; the field
    /// is untouched. Cost: one real-to-complex transform.
    public func currentSpectrum(into spectrum: AlignedBuffer) {
        transform.forward(transform.realBuffer, into: spectrum)
    }

    /// A spectrum buffer of the right size for `currentSpectrum(into:)`.
    public func makeSpectrumBuffer() -> AlignedBuffer { AlignedBuffer(count: 2 * transform.spectrumCount) }

    /// The spectrum of `values` (a field on the current grid) into `spectrum`. Cost: one transform.
    func spectrum(of values: AlignedBuffer, into spectrum: AlignedBuffer) {
        transform.forward(values, into: spectrum)
    }

    /// The signed integer frequencies and the data-grid |k|^2 of stored coefficient `index`.
    public func mode(ofCoefficient index: Int) -> (frequencies: [Int], squaredDataWavenumber: Double) {
        (layout.frequencies(ofCoefficient: index), layout.squaredWavenumber(ofCoefficient: index))
    }
}

import Foundation
import GridFields
import Safeguards
import SpectralTransforms

/// What an inversion measured at one step (or, for a regularized method, at one evaluation time).
public struct InversionRecord: Sendable, Equatable {
    /// 0 for the data itself.
    public var step: Int
    /// s = T - t.
    public var reverseTime: Double
    public var time: Double
    /// ||u_numerical(t) - u(t)||_2 / ||u(t)||_2 on the grid of time t; NaN or infinite once the field is.
    public var relativeError: Double
    /// max_k |X_k| / N: the modulus of the largest coefficient c_k of u(x) = sum_k c_k e^(i k.x).
    public var largestModeAmplitude: Double
    /// That mode's |k| on the grid of time t.
    public var largestModeWavenumber: Double
    public var isFinite: Bool
}

/// A Fourier mode of the grid, as reports name it.
public struct FourierMode: Sendable, Equatable {
    /// Signed integer frequencies per axis (last axis non-negative).
    public var frequencies: [Int]
    /// |q| on the grid of the time reported, and |k| on the data grid (equal for the heat equation).
    public var wavenumber: Double
    public var dataWavenumber: Double
    /// exp(|k|^2 tau(s)), the naive inversion's amplification of this mode at that time (may be infinite).
    public var amplification: Double
    /// The share of ||error||^2 in this mode and its conjugate (nil when the field is not finite).
    public var errorShare: Double?
}

/// Where, when and in which mode a run blew up.
public struct BlowUpReport: Sendable, Equatable, CustomStringConvertible {
    public enum Cause: String, Sendable {
        /// The relative error exceeded the threshold.
        case threshold
        /// A value became NaN or infinite.
        case nonFinite = "non-finite"
    }

    public var cause: Cause
    public var step: Int
    /// s = T - t at that step, the time to blow-up.
    public var reverseTime: Double
    public var time: Double
    public var relativeError: Double
    public var threshold: Double
    /// The mode carrying most of the error (threshold), or the largest coefficient (non-finite).
    public var mode: FourierMode
    /// The cell centre with the largest pointwise error (threshold) or the first non-finite value.
    public var location: [Double]

    /// The run status this blow-up ends a run with: `.errorExceeded` (threshold) or `.nonFinite`, in forward time.
    public var status: RunStatus {
        switch cause {
        case .threshold:
            return .errorExceeded(time: time, step: step, relativeError: relativeError, threshold: threshold)
        case .nonFinite: return .nonFinite(time: time, step: step)
        }
    }

    public var description: String {
        func format(_ value: Double) -> String { String(format: "%.4g", value) }
        let point = location.map(format).joined(separator: ", ")
        let reason =
            cause == .threshold
            ? "relative error \(format(relativeError)) > \(format(threshold))"
            : "a value became non-finite"
        return "blew up at t = \(format(time)) (s = \(format(reverseTime)), step \(step)): \(reason); mode |k| = "
            + "\(format(mode.wavenumber)) (frequency \(mode.frequencies)), largest error at x = (\(point))"
    }
}

/// The error of a reconstruction at one time against THEORY §8's Hölder bound 2 E^(1 - theta) delta^theta.
public struct HoelderCheck: Sendable, Equatable {
    public var time: Double
    /// ||u_reconstructed(t) - u(t)||_2 (absolute).
    public var error: Double
    public var bound: Double
    /// bound / error: above 1 when the bound holds.
    public var margin: Double { bound / error }
}

/// Everything one inversion measured.
public struct InversionResult: Sendable {
    public var regularization: Regularization
    public var method: InversionMethod { regularization.method }
    /// `.completed`, or how it blew up (`BlowUpReport.status`).
    public var status: RunStatus
    /// Where, when and in which mode it blew up; nil when it completed.
    public var blowUp: BlowUpReport?
    /// Step 0 (the data) and every step reached.
    public var history: [InversionRecord]
    /// The planned step count (history times s_j = j T / K).
    public var stepCount: Int
    public var prediction: BlowUpPrediction
    /// Naive inversion only.
    public var amplification: AmplificationCheck?
    /// Regularized methods only: the error at t = T/2 against the Hölder bound.
    public var halfTimeCheck: HoelderCheck?
    /// E = ||u(0)|| and the data error the rules assumed (delta + round-off level).
    public var initialNorm: Double
    public var effectiveNoiseLevel: Double
    /// The field when the run ended, on the grid of that time.
    public var finalField: Field
    public var elapsedSeconds: Double

    public var stepsTaken: Int { history.last?.step ?? 0 }
    public var finalRelativeError: Double { history.last?.relativeError ?? .nan }
    /// s at blow-up, nil when the run completed.
    public var blowUpTime: Double? { blowUp?.reverseTime }
    /// How it ended, as a sentence: the blow-up report (time, cause, mode, place), or the status.
    public var statusDescription: String { blowUp?.description ?? status.description }
}

/// An inversion run: from the problem's data at T back to t = 0 in `stepCount` steps of reverse time T/K, measuring
/// every step against the exact solution and stopping at the first step whose field is not finite or, for the
/// naive inversion, whose relative error exceeds `threshold` (status `.errorExceeded`, with where, when and which mode
/// in `blowUp`;
/// never a crash). A regularized reconstruction is stable by construction; its error, large or small, is the
/// measurement (quasi-boundary value at t = 0 sits near 1 by design: its noise gain there is E/delta), so only a
/// non-finite value stops it.
///
/// The naive method steps with `NaiveBackwardStepper` (round-off enters at every step and is amplified from there,
/// as it would in any time-stepping inversion). A regularized method is evaluated afresh at each time from the data
/// (`SpectralReconstruction`), with the given parameter or THEORY §8's a priori rule from delta + round-off level
/// and E = ||u(0)|| (exact); it also reports its error at T/2 against the Hölder bound.
///
/// Cost per step: the step or reconstruction (two transforms or one), the exact solution on the grid (a sample of
/// the mixture, or one transform), and O(N) for the error; at blow-up one more transform names the mode.
public struct InversionRun {
    public var method: InversionMethod
    /// The regularization parameter; nil for the a priori rule.
    public var parameter: Double?
    /// K; nil for the suggestion (naive: `BlowUpPrediction.suggestedStepCount`, regularized: 100).
    public var stepCount: Int?
    /// Relative error above which the naive inversion has blown up (> 0; default 1).
    public var threshold: Double
    public var rigor: PlanningRigor
    public var threads: Int
    /// Amplification check: the round-off floor below which a mode counts, and whether to keep every mode.
    public var amplificationFloorLimit: Double
    public var keepAmplificationModes: Bool
    /// Called after every step with the fraction done.
    public var progress: ((Double) -> Void)?
    /// The equation the stepper or the reconstruction inverts; nil: the problem's own. The data, the exact
    /// solution, the blow-up prediction and the a priori rule always come from the problem (a verification hands a
    /// wrong equation here to show that its checks notice).
    public var invertedEquation: BackwardEquation?

    public init(
        method: InversionMethod = .naive, parameter: Double? = nil, stepCount: Int? = nil, threshold: Double = 1,
        rigor: PlanningRigor = .estimate, threads: Int = 1, amplificationFloorLimit: Double = 1e-13,
        keepAmplificationModes: Bool = false, invertedEquation: BackwardEquation? = nil,
        progress: ((Double) -> Void)? = nil
    ) {
        self.method = method
        self.invertedEquation = invertedEquation
        self.parameter = parameter
        self.stepCount = stepCount
        self.threshold = threshold
        self.rigor = rigor
        self.threads = threads
        self.amplificationFloorLimit = amplificationFloorLimit
        self.keepAmplificationModes = keepAmplificationModes
        self.progress = progress
    }

    /// The regularization the run will use for `problem`: the given parameter, or THEORY §8's a priori rule from
    /// the data error delta + round-off level and E = ||u(0)||, both brought to the heat picture
    /// (`BackwardEquation.normScale`); `Regularization.naive` for the naive method.
    public func regularization(for problem: InverseHeatProblem, prediction: BlowUpPrediction, initialNorm: Double)
        -> Regularization
    {
        guard method.isRegularized else { return .naive }
        if let parameter { return Regularization(method: method, parameter: parameter) }
        return Regularization.aPriori(
            method,
            noiseLevel: prediction.effectiveNoiseLevel / problem.normScale(atTime: problem.finalTime),
            bound: initialNorm / problem.normScale(atTime: 0),
            totalSpectralTime: problem.totalSpectralTime
        )
    }

    /// - Parameter data: the data g at T on `problem.grid`, when it comes from elsewhere (e.g. a forward solve);
    ///   nil takes `problem.data()` (the exact solution plus the problem's noise). Errors are always measured
    ///   against the problem's exact solution.
    public func run(_ problem: InverseHeatProblem, data suppliedData: Field? = nil) throws -> InversionResult {
        guard threshold > 0, threshold.isFinite else {
            throw InverseHeatError("the blow-up threshold must be a positive finite number; got \(threshold)")
        }
        if let stepCount, stepCount < 1 {
            throw InverseHeatError("the step count must be at least 1; got \(stepCount)")
        }
        if let parameter, !(parameter > 0 && parameter.isFinite) {
            throw InverseHeatError("the regularization parameter must be a positive finite number; got \(parameter)")
        }
        let clock = ContinuousClock.now
        if let suppliedData,
            suppliedData.grid.shape != problem.grid.shape || suppliedData.grid.halfWidth != problem.grid.halfWidth
        {
            throw InverseHeatError("the supplied data lives on another grid than the problem's")
        }
        let data = try suppliedData.map { Field(grid: problem.grid, values: $0.values) } ?? problem.data()
        let exact = try ExactSolution(problem: problem)
        let initialNorm = try problem.initialNorm()
        let equation = problem.equation
        let finalTime = problem.finalTime
        let dimension = problem.grid.dimension
        let layout = SpectralLayout(grid: problem.grid)
        let cellCount = problem.grid.count

        // The method: a stepper (naive) or a reconstruction (regularized); both transform the data once.
        let stepper: NaiveBackwardStepper?
        let reconstruction: SpectralReconstruction?
        let dataSummary: SpectrumSummary
        let transform: RealFourierTransform
        let inverted = invertedEquation ?? equation
        if method.isRegularized {
            let made = try SpectralReconstruction(
                equation: inverted, data: data, finalTime: finalTime, rigor: rigor, threads: threads)
            stepper = nil
            reconstruction = made
            dataSummary = made.dataSummary
            transform = made.transform
        } else {
            let made = try NaiveBackwardStepper(
                equation: inverted, data: data, finalTime: finalTime, rigor: rigor, threads: threads)
            stepper = made
            reconstruction = nil
            dataSummary = made.dataSummary
            transform = made.transform
        }
        let prediction = BlowUpPrediction(
            equation: equation, grid: problem.grid, noiseLevel: problem.noiseLevel, dataSummary: dataSummary,
            threshold: threshold
        )
        let regularization = self.regularization(for: problem, prediction: prediction, initialNorm: initialNorm)
        let steps = stepCount ?? (method.isRegularized ? 100 : prediction.suggestedStepCount(finalTime: finalTime))

        let exactValues = AlignedBuffer(count: cellCount)
        func record(step: Int, reverseTime: Double, values: UnsafeBufferPointer<Double>, summary: SpectrumSummary)
            -> InversionRecord
        {
            let time = step == steps ? 0 : finalTime - reverseTime
            var error = Double.nan
            if summary.isFinite {
                exact.fill(atTime: time, into: exactValues.values)
                error = GridNorm.relativeDistance(values, to: UnsafeBufferPointer(exactValues.values))
            }
            let largestSquared = layout.squaredWavenumber(ofCoefficient: summary.largestIndex)
            return InversionRecord(
                step: step, reverseTime: reverseTime, time: time, relativeError: error,
                largestModeAmplitude: summary.largestCoefficient / Double(cellCount),
                largestModeWavenumber: largestSquared.squareRoot() / equation.gridScale(reverseTime: reverseTime),
                isFinite: summary.isFinite
            )
        }

        _ = transform.realBuffer.values.update(from: data.values) // the data is step 0 (the buffer holds it already)
        var history = [
            record(
                step: 0, reverseTime: 0, values: UnsafeBufferPointer(transform.realBuffer.values), summary: dataSummary)
        ]
        var roundOffSum = (dataSummary.sumOfSquares / Double(cellCount)).squareRoot()
        var blowUp: BlowUpReport?
        var currentValues = UnsafeBufferPointer(transform.realBuffer.values)
        var currentReverseTime = 0.0

        if !method.isRegularized && !(history[0].relativeError <= threshold) {
            blowUp = blowUpReport(
                record: history[0], values: currentValues, layout: layout, transform: transform,
                exactValues: exactValues,
                problem: problem
            )
        }
        if blowUp == nil {
            for step in 1...steps {
                let reverseTime = step == steps ? finalTime : finalTime * Double(step) / Double(steps)
                let summary: SpectrumSummary
                if let stepper {
                    summary = stepper.step(toReverseTime: reverseTime)
                    currentValues = stepper.values
                } else {
                    let reconstructed = reconstruction!.reconstruct(
                        regularization, atTime: step == steps ? 0 : finalTime - reverseTime)
                    summary = reconstructed.summary
                    currentValues = reconstructed.values
                }
                currentReverseTime = reverseTime
                roundOffSum +=
                    (summary.sumOfSquares / Double(cellCount)).squareRoot()
                    / equation.valueScale(reverseTime: reverseTime, dimension: dimension)
                let entry = record(step: step, reverseTime: reverseTime, values: currentValues, summary: summary)
                history.append(entry)
                progress?(Double(step) / Double(steps))
                if !entry.isFinite || (!method.isRegularized && !(entry.relativeError <= threshold)) {
                    blowUp = blowUpReport(
                        record: entry, values: currentValues, layout: layout, transform: transform,
                        exactValues: exactValues, problem: problem, largestIndex: summary.largestIndex
                    )
                    break
                }
            }
        }
        let finalGrid = problem.grid(atTime: history.last!.time)
        let finalField = Field(grid: finalGrid, values: Array(currentValues))

        var amplification: AmplificationCheck?
        if let stepper {
            let spectrum = stepper.makeSpectrumBuffer()
            stepper.currentSpectrum(into: spectrum)
            let measuring = layout.summarize(UnsafeBufferPointer(spectrum.values))
            let measuringTerm =
                (measuring.sumOfSquares / Double(cellCount)).squareRoot()
                / equation.valueScale(reverseTime: currentReverseTime, dimension: dimension)
            amplification = AmplificationCheck.measure(
                equation: equation, layout: layout, dataSpectrum: stepper.dataSpectrum, spectrum: spectrum,
                reverseTime: currentReverseTime, stepsTaken: history.last!.step,
                roundOffSum: roundOffSum + measuringTerm,
                floorLimit: amplificationFloorLimit, keepModes: keepAmplificationModes
            )
        }
        var halfTimeCheck: HoelderCheck?
        if let reconstruction {
            let halfTime = finalTime / 2
            let values = reconstruction.reconstruct(regularization, atTime: halfTime).values
            exact.fill(atTime: halfTime, into: exactValues.values)
            let cellVolume = problem.grid(atTime: halfTime).cellVolume
            var squared = 0.0
            for index in 0..<cellCount {
                let deviation = values[index] - exactValues[index]
                squared += deviation * deviation
            }
            halfTimeCheck = HoelderCheck(
                time: halfTime, error: (squared * cellVolume).squareRoot(),
                bound: problem.hoelderBound(
                    atTime: halfTime, noiseLevel: prediction.effectiveNoiseLevel, bound: initialNorm)
            )
        }
        let elapsed = ContinuousClock.now - clock
        return InversionResult(
            regularization: regularization, status: blowUp?.status ?? .completed, blowUp: blowUp, history: history,
            stepCount: steps, prediction: prediction,
            amplification: amplification, halfTimeCheck: halfTimeCheck, initialNorm: initialNorm,
            effectiveNoiseLevel: prediction.effectiveNoiseLevel, finalField: finalField,
            elapsedSeconds: elapsed / .seconds(1)
        )
    }

    /// Where, when and in which mode: for a threshold crossing, the error field's spectrum (one transform) gives the
    /// mode with the largest share of ||error||^2 and the grid its largest pointwise error; for a non-finite field,
    /// the largest coefficient and the first non-finite value. `exactValues` holds u(t) (threshold case).
    private func blowUpReport(
        record: InversionRecord, values: UnsafeBufferPointer<Double>, layout: SpectralLayout,
        transform: RealFourierTransform, exactValues: AlignedBuffer, problem: InverseHeatProblem, largestIndex: Int = 0
    ) -> BlowUpReport {
        let equation = problem.equation
        let grid = problem.grid(atTime: record.time)
        let spectralTime = equation.spectralTime(over: record.reverseTime)
        let gridScale = equation.gridScale(reverseTime: record.reverseTime)
        func mode(_ index: Int, share: Double?) -> FourierMode {
            let squared = layout.squaredWavenumber(ofCoefficient: index)
            return FourierMode(
                frequencies: layout.frequencies(ofCoefficient: index), wavenumber: squared.squareRoot() / gridScale,
                dataWavenumber: squared.squareRoot(), amplification: Foundation.exp(squared * spectralTime),
                errorShare: share
            )
        }
        guard record.isFinite && record.relativeError.isFinite else {
            let location =
                values.firstIndex { !$0.isFinite }
                ?? values.indices.max { abs(values[$0]) < abs(values[$1]) } ?? 0
            return BlowUpReport(
                cause: .nonFinite, step: record.step, reverseTime: record.reverseTime, time: record.time,
                relativeError: record.relativeError, threshold: threshold, mode: mode(largestIndex, share: nil),
                location: grid.point(at: location)
            )
        }
        let error = AlignedBuffer(count: values.count)
        var largestLocation = 0
        for index in 0..<values.count {
            error[index] = values[index] - exactValues[index]
            if abs(error[index]) > abs(error[largestLocation]) { largestLocation = index }
        }
        let spectrum = AlignedBuffer(count: 2 * layout.spectrumCount)
        transform.forward(error, into: spectrum)
        var bestIndex = 0
        var bestEnergy = -1.0
        var total = 0.0
        for index in 0..<layout.spectrumCount {
            let energy =
                layout.weight(ofCoefficient: index)
                * (spectrum[2 * index] * spectrum[2 * index] + spectrum[2 * index + 1] * spectrum[2 * index + 1])
            total += energy
            if energy > bestEnergy {
                bestEnergy = energy
                bestIndex = index
            }
        }
        return BlowUpReport(
            cause: .threshold, step: record.step, reverseTime: record.reverseTime, time: record.time,
            relativeError: record.relativeError, threshold: threshold, mode: mode(bestIndex, share: bestEnergy / total),
            location: grid.point(at: largestLocation)
        )
    }
}

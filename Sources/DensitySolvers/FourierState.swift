import DiffusionModels
import Dispatch
import Foundation
import GridFields
import ParallelLoops
import SpectralTransforms

/// Fourier-basis state and work arrays of the spectral solver.
///
/// Arrays are seen as rows: the grid as (leading axes) x (last axis, n cells), the spectrum as
/// (leading axes) x (last axis, n/2 + 1 coefficients), with the same rows. Every pointwise pass runs over raw
/// pointers, a block of rows (of columns in 1-D) at a time (`PointwiseBlocks`), in parallel when the solver has
/// more than one thread; each element is computed alone, so the result does not depend on the thread count.
final class FourierState {
    let grid: Grid
    let process: any ForwardProcess
    let transform: RealFourierTransform
    /// rho^ (the state), the RK accumulator, a stage value and the last axis's flux spectrum: spectra.
    let state: AlignedBuffer
    let accumulator: AlignedBuffer
    let stage: AlignedBuffer
    let lastFluxSpectrum: AlignedBuffer
    /// Real work arrays: the stage density on the grid, and the fluxes b_a rho / N, one per axis. The last axis's
    /// flux is formed in place in `physical`, after the others have read it.
    let physical: AlignedBuffer
    let fluxes: [AlignedBuffer]
    /// The flux spectra (b_a rho)^, one per axis: `stage` (free once the backward transform has consumed it) for
    /// the first of several, a spectrum of its own for the second of three, and `lastFluxSpectrum` for the last.
    /// In 2-D this needs no array beyond the four spectra and two real arrays.
    let fluxSpectra: [AlignedBuffer]
    /// Whether `stage` holds a copy of `state` (set by the end of an IF-RK4 step, cleared by everything that
    /// overwrites `stage` or `state` otherwise), so that the next IF-RK4 step need not copy the spectrum.
    private var stageHoldsState = false

    /// Rows (the product of the leading axes' lengths), and columns of the grid and of the spectrum.
    let rowCount: Int
    let gridColumnCount: Int
    let spectrumColumnCount: Int
    let gridBlocks: PointwiseBlocks
    let spectrumBlocks: PointwiseBlocks

    /// |k|^2 summed over the leading axes per row, and of the last axis per spectrum column.
    let rowSquaredWavenumber: [Double]
    let columnSquaredWavenumber: [Double]
    /// Derivative wavenumbers (Nyquist zeroed): per row for each leading axis, per spectrum column for the last.
    let rowDerivativeWavenumbers: [AlignedBuffer]
    let columnDerivativeWavenumber: AlignedBuffer
    /// Cell-centre coordinates: per row for each leading axis, per grid column for the last.
    let rowCoordinates: [AlignedBuffer]
    let columnCoordinates: [Double]
    /// f(t) x_last / N per grid column, refilled by every linear drift evaluation.
    private let scaledColumnCoordinates: AlignedBuffer
    /// Drift components on the grid, for a general (non-linear) drift; cached when time-independent.
    private var driftField: [AlignedBuffer] = []
    private var driftFieldTime: Double = .nan

    /// exp(-|k|^2 / 2 int g^2) for the first and the second half step, each kept until its integral changes;
    /// `noDiffusion` holds ones (multiplying by 1 is exact, so a pass with it equals a pass without factors).
    private let firstHalfFactors: DiffusionFactors
    private let secondHalfFactors: DiffusionFactors
    private let noDiffusion: DiffusionFactors

    init(grid: Grid, process: any ForwardProcess, rigor: PlanningRigor, threads: Int) throws {
        self.grid = grid
        self.process = process
        let transform = try RealFourierTransform(shape: grid.shape, rigor: rigor, threads: threads)
        self.transform = transform
        let spectrumDoubles = 2 * transform.spectrumCount
        let dimension = grid.dimension
        state = AlignedBuffer(count: spectrumDoubles)
        accumulator = AlignedBuffer(count: spectrumDoubles)
        let stage = transform.spectrumBuffer
        let lastFluxSpectrum = AlignedBuffer(count: spectrumDoubles)
        let physical = transform.realBuffer
        self.stage = stage
        self.lastFluxSpectrum = lastFluxSpectrum
        self.physical = physical
        fluxes = (0..<(dimension - 1)).map { _ in AlignedBuffer(count: transform.realCount) } + [physical]
        switch dimension {
        case 1: fluxSpectra = [lastFluxSpectrum]
        case 2: fluxSpectra = [stage, lastFluxSpectrum]
        default: fluxSpectra = [stage, AlignedBuffer(count: spectrumDoubles), lastFluxSpectrum]
        }

        let spectrumShape = transform.spectrumShape
        let columnCount = spectrumShape[dimension - 1]
        let rowCount = transform.spectrumCount / columnCount
        gridColumnCount = grid.shape[dimension - 1]
        spectrumColumnCount = columnCount
        self.rowCount = rowCount
        gridBlocks = PointwiseBlocks(rowCount: rowCount, columnCount: gridColumnCount, threads: threads)
        spectrumBlocks = PointwiseBlocks(rowCount: rowCount, columnCount: spectrumColumnCount, threads: threads)

        let layout = SpectrumLayout(shape: grid.shape, halfWidth: grid.halfWidth)
        columnSquaredWavenumber = layout.lastSquaredWavenumber
        columnDerivativeWavenumber = AlignedBuffer(
            layout.wavenumbers(axis: dimension - 1, count: spectrumColumnCount, nyquistZero: true))
        let rowSquared = layout.outerSquaredWavenumber
        var rowDerivatives: [AlignedBuffer] = []
        var rowCentres: [AlignedBuffer] = []
        for axis in 0..<(dimension - 1) {
            let axisDerivative = layout.wavenumbers(axis: axis, count: grid.shape[axis], nyquistZero: true)
            let axisCoordinates = grid.coordinates(axis: axis)
            let indices = layout.axisIndexPerRow(axis: axis)
            rowDerivatives.append(AlignedBuffer(indices.map { axisDerivative[$0] }))
            rowCentres.append(AlignedBuffer(indices.map { axisCoordinates[$0] }))
        }
        rowSquaredWavenumber = rowSquared
        rowDerivativeWavenumbers = rowDerivatives
        rowCoordinates = rowCentres
        columnCoordinates = grid.coordinates(axis: dimension - 1)
        scaledColumnCoordinates = AlignedBuffer(count: gridColumnCount)
        firstHalfFactors = DiffusionFactors(rowCount: rowCount, columnCount: spectrumColumnCount)
        secondHalfFactors = DiffusionFactors(rowCount: rowCount, columnCount: spectrumColumnCount)
        noDiffusion = DiffusionFactors(rowCount: rowCount, columnCount: spectrumColumnCount)
    }

    func load(_ values: [Double]) {
        stageHoldsState = false
        _ = physical.values.update(from: values)
        transform.forward(physical, into: state)
    }

    /// The density on the grid (state untouched).
    func density() -> [Double] {
        stageHoldsState = false
        stage.copy(from: state)
        transform.backward(stage, into: physical)
        let scale = 1 / Double(transform.realCount)
        return physical.values.map { $0 * scale }
    }

    /// rho^_0, whether the sum of |rho^_k|^2 is finite, and max_k |rho^_k| / |rho^_0|: one pass, its blocks in
    /// parallel. The largest term does not depend on the blocks; the sum's rounding does, which only matters within
    /// an ulp of overflow (the sum flags non-finite or enormous coefficients, it is not reported).
    func spectrumSummary() -> (zeroMode: Double, isFinite: Bool, ratio: Double) {
        let blocks = spectrumBlocks.blocks
        let values = SharedMutablePointer<Double>(state)
        let columnCount = spectrumColumnCount
        var partials = [(sum: Double, largest: Double)](repeating: (0, 0), count: blocks.count)
        partials.withUnsafeMutableBufferPointer { buffer in
            let output = SharedMutablePointer(base: buffer.baseAddress!)
            let summarize: @Sendable (Int) -> Void = { index in
                var (sum, largest) = (0.0, 0.0)
                for row in blocks[index].rows {
                    for column in blocks[index].columns {
                        let real = 2 * (row * columnCount + column)
                        let squared = values[real] * values[real] + values[real + 1] * values[real + 1]
                        sum += squared
                        largest = max(largest, squared)
                    }
                }
                output.base[index] = (sum, largest)
            }
            if blocks.count == 1 {
                summarize(0)
            } else {
                DispatchQueue.concurrentPerform(iterations: blocks.count, execute: summarize)
            }
        }
        let sum = partials.reduce(0) { $0 + $1.sum }
        let largest = partials.reduce(0) { max($0, $1.largest) }
        return (state[0], sum.isFinite, largest.squareRoot() / abs(state[0]))
    }

    // MARK: Drift

    /// fluxSpectra <- (b_a rho)^ at `time`, rho the stage density; destroys `stage` (in 2-D and 3-D it becomes
    /// the first flux spectrum). The stage derivative N(stage) = -sum_a i k_a (b_a rho)^ is never stored: the
    /// pass that consumes it forms it per coefficient (`StageDerivative`), which saves a write and a read of a
    /// spectrum per stage. Cost: one complex-to-real and d real-to-complex transforms and one pass forming the
    /// fluxes on the grid.
    private func evaluateDrift(time: Double) {
        transform.backward(stage, into: physical)
        let normalization = 1 / Double(transform.realCount)
        if let rate = process.linearDriftRate(at: time) {
            formLinearFluxes(scale: rate * normalization)
        } else {
            updateDriftField(time: time)
            formGeneralFluxes(normalization: normalization)
        }
        for axis in 0..<grid.dimension { transform.forward(fluxes[axis], into: fluxSpectra[axis]) }
    }

    /// fluxes[a] <- (scale x_a) physical for every axis a (linear drift b = f(t) x, scale = f / N), one pass over
    /// the grid: each row of `physical` is read from memory once.
    private func formLinearFluxes(scale: Double) {
        let scaledColumns = SharedMutablePointer<Double>(scaledColumnCoordinates)
        for column in 0..<gridColumnCount { scaledColumns[column] = scale * columnCoordinates[column] }
        let density = SharedMutablePointer<Double>(physical)
        let fluxPointers = fluxes.map(SharedMutablePointer<Double>.init(_:))
        let rowCentres = rowCoordinates.map(SharedMutablePointer<Double>.init(_:))
        let leadingAxisCount = grid.dimension - 1
        let columnCount = gridColumnCount
        gridBlocks.forEach { rows, columns in
            let lastFlux = fluxPointers[leadingAxisCount]
            for row in rows {
                let base = row * columnCount
                for axis in 0..<leadingAxisCount {
                    let factor = scale * rowCentres[axis][row]
                    let flux = fluxPointers[axis]
                    for column in columns { flux[base + column] = factor * density[base + column] }
                }
                for column in columns { lastFlux[base + column] = scaledColumns[column] * density[base + column] }
            }
        }
    }

    /// fluxes[a] <- (b_a / N) physical for every axis a, b the cached drift field, one pass over the grid.
    private func formGeneralFluxes(normalization: Double) {
        let density = SharedMutablePointer<Double>(physical)
        let fluxPointers = fluxes.map(SharedMutablePointer<Double>.init(_:))
        let driftPointers = driftField.map(SharedMutablePointer<Double>.init(_:))
        let columnCount = gridColumnCount
        gridBlocks.forEach { rows, columns in
            for row in rows {
                let base = row * columnCount
                for axis in 0..<fluxPointers.count {
                    let flux = fluxPointers[axis]
                    let drift = driftPointers[axis]
                    for column in columns {
                        let index = base + column
                        flux[index] = drift[index] * normalization * density[index]
                    }
                }
            }
        }
    }

    private func updateDriftField(time: Double) {
        if !driftField.isEmpty && (process.isDriftTimeIndependent || driftFieldTime == time) { return }
        let dimension = grid.dimension
        if driftField.isEmpty { driftField = (0..<dimension).map { _ in AlignedBuffer(count: grid.count) } }
        let field = driftField
        if process.drift(atCellCentresOf: grid, time: time, into: field.map(\.values)) {
            driftFieldTime = time
            return
        }
        // One block evaluation over every cell centre (a score field pays its per-time set-up once).
        let points = grid.allPoints()
        var drift = [Double](repeating: 0, count: points.count)
        points.withUnsafeBufferPointer { allPoints in
            drift.withUnsafeMutableBufferPointer { output in
                process.drift(atPoints: allPoints, dimension: dimension, time: time, into: output)
            }
        }
        for index in 0..<grid.count {
            for axis in 0..<dimension { field[axis][index] = drift[index * dimension + axis] }
        }
        driftFieldTime = time
    }

    // MARK: Combinations
    //
    // Each pass below reads every spectrum it needs once and writes every result once; E is a `DiffusionFactors`
    // (E_row * E_column per coefficient), k the stage derivative, formed per coefficient from the flux spectra.

    /// The stage derivative k = -i sum_a k_a F_a, F_a = fluxSpectra[a], at one coefficient: summed in axis order,
    /// -i k (a + i b) = k b - i k a. Every pass that consumes k reads it through here, so k is the same bits
    /// wherever it is used; a pass may overwrite the coefficient it has just read (each coefficient's flux values
    /// are read before anything is written there).
    private struct StageDerivative {
        let dimension: Int
        let fluxes: [SharedMutablePointer<Double>]
        let rowWavenumbers: [SharedMutablePointer<Double>]
        let columnWavenumber: SharedMutablePointer<Double>

        init(_ state: FourierState) {
            dimension = state.grid.dimension
            fluxes = state.fluxSpectra.map(SharedMutablePointer<Double>.init(_:))
            rowWavenumbers = state.rowDerivativeWavenumbers.map(SharedMutablePointer<Double>.init(_:))
            columnWavenumber = SharedMutablePointer<Double>(state.columnDerivativeWavenumber)
        }

        /// The row's leading-axis wavenumbers (zero for axes the grid lacks).
        @inline(__always) func rowFactors(_ row: Int) -> (first: Double, second: Double) {
            (dimension > 1 ? rowWavenumbers[0][row] : 0, dimension > 2 ? rowWavenumbers[1][row] : 0)
        }

        /// (Re k, Im k) at the coefficient whose real part is at `real`, in spectrum column `column`.
        @inline(__always) func value(
            real: Int, column: Int, row factors: (first: Double, second: Double)
        ) -> (Double, Double) {
            let wavenumber = columnWavenumber[column]
            let last = fluxes[dimension - 1]
            let lastReal = last[real]
            let lastImaginary = last[real + 1]
            switch dimension {
            case 1:
                return (wavenumber * lastImaginary, -wavenumber * lastReal)
            case 2:
                let first = fluxes[0]
                return (
                    factors.first * first[real + 1] + wavenumber * lastImaginary,
                    -factors.first * first[real] + -wavenumber * lastReal
                )
            default:
                let (first, second) = (fluxes[0], fluxes[1])
                return (
                    factors.first * first[real + 1] + factors.second * second[real + 1] + wavenumber * lastImaginary,
                    -factors.first * first[real] + -factors.second * second[real] + -wavenumber * lastReal
                )
            }
        }
    }

    /// accumulator <- E (u + accumulatorScale k), stage <- E (u + stageScale k), and u <- E u when `diffuseState`.
    private func beginStages(
        accumulatorScale: Double, stageScale: Double, diffusion factors: DiffusionFactors, diffuseState: Bool
    ) {
        let stateValues = SharedMutablePointer<Double>(state)
        let slope = StageDerivative(self)
        let sum = SharedMutablePointer<Double>(accumulator)
        let stageValues = SharedMutablePointer<Double>(stage)
        let rowFactor = SharedMutablePointer<Double>(factors.rowFactor)
        let columnFactor = SharedMutablePointer<Double>(factors.columnFactor)
        let columnCount = spectrumColumnCount
        spectrumBlocks.forEach { rows, columns in
            for row in rows {
                let rowValue = rowFactor[row]
                let rowWavenumbers = slope.rowFactors(row)
                let base = 2 * row * columnCount
                for column in columns {
                    let factor = rowValue * columnFactor[column]
                    let real = base + 2 * column
                    let valueReal = stateValues[real]
                    let valueImaginary = stateValues[real + 1]
                    let (rateReal, rateImaginary) = slope.value(real: real, column: column, row: rowWavenumbers)
                    sum[real] = factor * (valueReal + accumulatorScale * rateReal)
                    sum[real + 1] = factor * (valueImaginary + accumulatorScale * rateImaginary)
                    stageValues[real] = factor * (valueReal + stageScale * rateReal)
                    stageValues[real + 1] = factor * (valueImaginary + stageScale * rateImaginary)
                    if diffuseState {
                        stateValues[real] = factor * valueReal
                        stateValues[real + 1] = factor * valueImaginary
                    }
                }
            }
        }
    }

    /// output <- E (first + scale k); with `accumulatorWeight` also accumulator += accumulatorWeight k.
    private func combine(
        into output: AlignedBuffer, _ first: AlignedBuffer, plus scale: Double, diffusion factors: DiffusionFactors,
        accumulatorWeight: Double? = nil
    ) {
        let result = SharedMutablePointer<Double>(output)
        let left = SharedMutablePointer<Double>(first)
        let slope = StageDerivative(self)
        let sum = SharedMutablePointer<Double>(accumulator)
        let rowFactor = SharedMutablePointer<Double>(factors.rowFactor)
        let columnFactor = SharedMutablePointer<Double>(factors.columnFactor)
        let columnCount = spectrumColumnCount
        let weight = accumulatorWeight ?? 0
        let accumulates = accumulatorWeight != nil
        spectrumBlocks.forEach { rows, columns in
            for row in rows {
                let rowValue = rowFactor[row]
                let rowWavenumbers = slope.rowFactors(row)
                let base = 2 * row * columnCount
                for column in columns {
                    let factor = rowValue * columnFactor[column]
                    let real = base + 2 * column
                    let (rateReal, rateImaginary) = slope.value(real: real, column: column, row: rowWavenumbers)
                    result[real] = factor * (left[real] + scale * rateReal)
                    result[real + 1] = factor * (left[real + 1] + scale * rateImaginary)
                    if accumulates {
                        sum[real] += weight * rateReal
                        sum[real + 1] += weight * rateImaginary
                    }
                }
            }
        }
    }

    /// u <- E accumulator + scale k, written into `stage` too (the next IF-RK4 step starts from that copy instead
    /// of copying the spectrum again; `stageHoldsState` records it). Reading the first flux spectrum (which is
    /// `stage` in 2-D and 3-D) and writing `stage` is safe: each coefficient reads and writes only its own entries.
    private func finishIntegratingFactorStep(scale: Double, diffusion factors: DiffusionFactors) {
        let stateValues = SharedMutablePointer<Double>(state)
        let stageValues = SharedMutablePointer<Double>(stage)
        let sum = SharedMutablePointer<Double>(accumulator)
        let slope = StageDerivative(self)
        let rowFactor = SharedMutablePointer<Double>(factors.rowFactor)
        let columnFactor = SharedMutablePointer<Double>(factors.columnFactor)
        let columnCount = spectrumColumnCount
        spectrumBlocks.forEach { rows, columns in
            for row in rows {
                let rowValue = rowFactor[row]
                let rowWavenumbers = slope.rowFactors(row)
                let base = 2 * row * columnCount
                for column in columns {
                    let factor = rowValue * columnFactor[column]
                    let real = base + 2 * column
                    let (rateReal, rateImaginary) = slope.value(real: real, column: column, row: rowWavenumbers)
                    let valueReal = factor * sum[real] + scale * rateReal
                    let valueImaginary = factor * sum[real + 1] + scale * rateImaginary
                    stateValues[real] = valueReal
                    stateValues[real + 1] = valueImaginary
                    stageValues[real] = valueReal
                    stageValues[real + 1] = valueImaginary
                }
            }
        }
        stageHoldsState = true
    }

    /// u <- E u and stage <- u (the new u).
    private func diffuseStateIntoStage(diffusion factors: DiffusionFactors) {
        let stateValues = SharedMutablePointer<Double>(state)
        let stageValues = SharedMutablePointer<Double>(stage)
        let rowFactor = SharedMutablePointer<Double>(factors.rowFactor)
        let columnFactor = SharedMutablePointer<Double>(factors.columnFactor)
        let columnCount = spectrumColumnCount
        spectrumBlocks.forEach { rows, columns in
            for row in rows {
                let rowValue = rowFactor[row]
                let base = 2 * row * columnCount
                for column in columns {
                    let factor = rowValue * columnFactor[column]
                    let real = base + 2 * column
                    let valueReal = factor * stateValues[real]
                    let valueImaginary = factor * stateValues[real + 1]
                    stateValues[real] = valueReal
                    stateValues[real + 1] = valueImaginary
                    stageValues[real] = valueReal
                    stageValues[real + 1] = valueImaginary
                }
            }
        }
    }

    // MARK: Steps

    /// Integrating-factor RK4 with E1 = exp(-|k|^2/2 int_t^{t+h/2} g^2), E2 likewise on the second half:
    /// u+ = E2 [E1 (u + h/6 k1) + h/3 (k2 + k3)] + h/6 k4, with k1 = N(u), k2 = N(E1 (u + h/2 k1)),
    /// k3 = N(E1 u + h/2 k2), k4 = N(E2 (E1 u + h k3)).
    /// Cost: four drift evaluations and four combination passes (each forms its stage derivative as it goes).
    func integratingFactorRK4Step(time: Double, timeStep: Double, firstHalf: Double, secondHalf: Double) {
        let halfTime = time + timeStep / 2
        firstHalfFactors.prepare(
            squaredDiffusionIntegral: firstHalf, rowSquaredWavenumber: rowSquaredWavenumber,
            columnSquaredWavenumber: columnSquaredWavenumber)
        secondHalfFactors.prepare(
            squaredDiffusionIntegral: secondHalf, rowSquaredWavenumber: rowSquaredWavenumber,
            columnSquaredWavenumber: columnSquaredWavenumber)
        if !stageHoldsState { stage.copy(from: state) }
        stageHoldsState = false
        evaluateDrift(time: time) // k1
        // acc = E1 (u + h/6 k1), stage = E1 (u + h/2 k1), u <- E1 u
        beginStages(
            accumulatorScale: timeStep / 6, stageScale: timeStep / 2, diffusion: firstHalfFactors, diffuseState: true)
        evaluateDrift(time: halfTime) // k2
        // acc += h/3 k2, stage = E1 u + h/2 k2
        combine(into: stage, state, plus: timeStep / 2, diffusion: noDiffusion, accumulatorWeight: timeStep / 3)
        evaluateDrift(time: halfTime) // k3
        // acc += h/3 k3, stage = E2 (E1 u + h k3)
        combine(into: stage, state, plus: timeStep, diffusion: secondHalfFactors, accumulatorWeight: timeStep / 3)
        evaluateDrift(time: time + timeStep) // k4
        finishIntegratingFactorStep(scale: timeStep / 6, diffusion: secondHalfFactors) // u+ = E2 acc + h/6 k4
    }

    /// Strang splitting: E1, then classical RK4 for d_t u = N(u) over [t, t + h], then E2.
    func strangStep(time: Double, timeStep: Double, firstHalf: Double, secondHalf: Double) {
        stageHoldsState = false
        firstHalfFactors.prepare(
            squaredDiffusionIntegral: firstHalf, rowSquaredWavenumber: rowSquaredWavenumber,
            columnSquaredWavenumber: columnSquaredWavenumber)
        secondHalfFactors.prepare(
            squaredDiffusionIntegral: secondHalf, rowSquaredWavenumber: rowSquaredWavenumber,
            columnSquaredWavenumber: columnSquaredWavenumber)
        diffuseStateIntoStage(diffusion: firstHalfFactors) // u <- E1 u
        evaluateDrift(time: time) // k1
        beginStages(
            accumulatorScale: timeStep / 6, stageScale: timeStep / 2, diffusion: noDiffusion, diffuseState: false)
        evaluateDrift(time: time + timeStep / 2) // k2
        combine(into: stage, state, plus: timeStep / 2, diffusion: noDiffusion, accumulatorWeight: timeStep / 3)
        evaluateDrift(time: time + timeStep / 2) // k3
        combine(into: stage, state, plus: timeStep, diffusion: noDiffusion, accumulatorWeight: timeStep / 3)
        evaluateDrift(time: time + timeStep) // k4
        combine(into: state, accumulator, plus: timeStep / 6, diffusion: secondHalfFactors) // u+ = E2 (acc + h/6 k4)
    }
}

extension SharedMutablePointer<Double> {
    /// The values of an FFTW-aligned buffer.
    init(_ buffer: AlignedBuffer) { self.init(buffer.values) }
}

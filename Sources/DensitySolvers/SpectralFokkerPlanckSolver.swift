import DiffusionModels
import Foundation
import GridFields
import SpectralTransforms

/// The Fokker–Planck equation d_t rho = -div(b rho) + (g(t)^2 / 2) Lap rho on a periodic box, solved in Fourier
/// space with FFTW.
///
/// State: the unnormalized real-to-complex transform rho^(k) = sum_j rho_j e^(-i k.x_j) of the cell values.
/// Diffusion is exact: rho^ is multiplied by exp(-|k|^2 / 2 int g^2) (wavenumbers k = pi j / L, j the signed
/// integer frequency). The drift is pseudo-spectral: b rho is formed on the grid and its transform multiplied by
/// -i k (the Nyquist mode of the derivative is set to zero). The two are combined by
/// - `integratingFactorRK4`: classical RK4 on v = exp(+|k|^2 G(t)/2) rho^, order 4 in time;
/// - `strangSplitting`: half a diffusion step, RK4 for the drift over the whole step, half a diffusion step;
///   order 2 (the splitting error).
/// Mass (the k = 0 coefficient) is conserved to round-off by construction.
///
/// Cost per step: four drift evaluations, each one complex-to-real and d real-to-complex transforms plus O(N)
/// pointwise work; memory: four spectra and two real arrays (about 200 MB at 2048^2).
///
/// With reflecting walls the basis is the cosine transform (REDFT10/01), which handles pure diffusion
/// (`process.isDriftFree`, e.g. VE) exactly; a drift with reflecting walls needs the finite-volume solver.
public final class SpectralFokkerPlanckSolver: DensityStepper {
    public enum Method: String, CaseIterable, Sendable {
        case integratingFactorRK4 = "if-rk4"
        case strangSplitting = "strang"

        public var temporalOrder: Int {
            switch self {
            case .integratingFactorRK4: return 4
            case .strangSplitting: return 2
            }
        }
    }

    public let grid: Grid
    public let method: Method
    public let process: any ForwardProcess
    public private(set) var time: Double
    public var temporalOrder: Int { method.temporalOrder }
    public var methodName: String { "spectral \(method.rawValue)" }

    private let basis: Basis

    /// - Parameters:
    ///   - initialDensity: the density at `startTime`, sampled at cell centres.
    ///   - rigor, threads: FFTW planning rigor and thread count.
    public init(
        process: any ForwardProcess,
        initialDensity: Field,
        startTime: Double = 0,
        method: Method = .integratingFactorRK4,
        rigor: PlanningRigor = .estimate,
        threads: Int = 1
    ) throws {
        grid = initialDensity.grid
        self.method = method
        self.process = process
        time = startTime
        switch grid.boundary {
        case .periodic:
            basis = .fourier(try FourierState(grid: grid, process: process, rigor: rigor, threads: threads))
        case .reflecting:
            guard process.isDriftFree else {
                throw SolverError("the spectral solver handles reflecting walls only for pure diffusion; use the finite-volume solver for a drift with walls")
            }
            basis = .cosine(try CosineState(grid: grid, rigor: rigor, threads: threads))
        }
        switch basis {
        case .fourier(let state): state.load(initialDensity.values)
        case .cosine(let state): state.load(initialDensity.values)
        }
    }

    public func step(by timeStep: Double) {
        let halfTime = time + timeStep / 2
        let endTime = time + timeStep
        let firstHalf = process.integratedSquaredDiffusion(from: time, to: halfTime)
        let secondHalf = process.integratedSquaredDiffusion(from: halfTime, to: endTime)
        switch basis {
        case .cosine(let state):
            state.diffuse(squaredDiffusionIntegral: firstHalf + secondHalf)
        case .fourier(let state):
            switch method {
            case .integratingFactorRK4:
                state.integratingFactorRK4Step(time: time, timeStep: timeStep, firstHalf: firstHalf, secondHalf: secondHalf)
            case .strangSplitting:
                state.strangStep(time: time, timeStep: timeStep, firstHalf: firstHalf, secondHalf: secondHalf)
            }
        }
        time = endTime
    }

    public func currentDensity() -> Field {
        switch basis {
        case .fourier(let state): return Field(grid: grid, values: state.density())
        case .cosine(let state): return Field(grid: grid, values: state.density())
        }
    }

    public func health() -> StepperHealth {
        let summary: (zeroMode: Double, isFinite: Bool, ratio: Double)
        switch basis {
        case .fourier(let state): summary = state.spectrumSummary()
        case .cosine(let state): summary = state.spectrumSummary()
        }
        return StepperHealth(mass: summary.zeroMode * grid.cellVolume, isFinite: summary.isFinite, amplitudeRatio: summary.ratio)
    }

    /// The default step count for `[startTime, endTime]`: ceil(T max|b| k_max), at least 20 steps per unit time
    /// and 10 in all, where max|b| is the largest drift on the grid (start, middle and end times) and
    /// k_max = pi n / (2 L) the largest wavenumber. It keeps the explicit drift well inside RK4's stability
    /// region; with IF-RK4 on the OU mixture test (256 points, L = 10, T = 1: 403 steps) the error is 4e-12.
    public static func suggestedStepCount(process: any ForwardProcess, grid: Grid, startTime: Double = 0, endTime: Double) -> Int {
        let duration = endTime - startTime
        guard duration > 0 else { return 1 }
        let largestWavenumber = Double.pi * Double(grid.shape.max()!) / (2 * grid.halfWidth)
        let largestDrift = DriftBound.largestDrift(process: process, grid: grid, times: [startTime, (startTime + endTime) / 2, endTime])
        let byStability = duration * largestDrift * largestWavenumber
        // Saturate rather than trap for absurd inputs (callers bound the count they accept).
        return Int(min(max(10, (max(byStability, 20 * duration)).rounded(.up)), 1e15))
    }

    private enum Basis {
        case fourier(FourierState)
        case cosine(CosineState)
    }
}

/// The largest |b(x, t)| over the box's cell centres (linear drifts: |f(t)| L sqrt(d)).
enum DriftBound {
    static func largestDrift(process: any ForwardProcess, grid: Grid, times: [Double]) -> Double {
        if process.isDriftFree { return 0 }
        if process.linearDriftRate(at: times[0]) != nil {
            let corner = grid.halfWidth * Double(grid.dimension).squareRoot()
            return times.map { abs(process.linearDriftRate(at: $0)!) * corner }.max()!
        }
        let points = grid.allPoints()
        var drift = [Double](repeating: 0, count: grid.dimension)
        var largest = 0.0
        for time in times {
            for index in 0..<grid.count {
                let point = Array(points[(index * grid.dimension)..<((index + 1) * grid.dimension)])
                drift = process.drift(at: point, time: time)
                largest = max(largest, drift.reduce(0) { $0 + $1 * $1 }.squareRoot())
            }
        }
        return largest
    }
}

/// Fourier-basis state and work arrays of the spectral solver.
final class FourierState {
    let grid: Grid
    let process: any ForwardProcess
    let transform: RealFourierTransform
    /// rho^ (the state), the RK accumulator, a stage value and a stage derivative: spectra.
    let state: AlignedBuffer
    let accumulator: AlignedBuffer
    let stage: AlignedBuffer
    let derivative: AlignedBuffer
    /// Real work arrays: the stage density on the grid and the flux component b_a rho.
    let physical: AlignedBuffer
    let product: AlignedBuffer

    /// The spectrum as (outer) x (last axis): outer runs over the leading axes.
    let outerCount: Int
    let lastCount: Int
    /// Squared wavenumber sums of the leading axes per outer index, and of the last axis.
    let outerSquaredWavenumber: [Double]
    let lastSquaredWavenumber: [Double]
    /// Derivative wavenumbers (Nyquist zeroed) per axis, indexed by outer index for leading axes.
    let derivativeWavenumber: [[Double]]
    /// Cell-centre coordinates per axis.
    let coordinates: [[Double]]
    /// Drift components on the grid, for a general (non-linear) drift; cached when time-independent.
    private var driftField: [[Double]] = []
    private var driftFieldTime: Double = .nan

    /// Diffusion factors per outer index and per last-axis index, for the current sub-step.
    private var outerFactor: [Double]
    private var lastFactor: [Double]

    init(grid: Grid, process: any ForwardProcess, rigor: PlanningRigor, threads: Int) throws {
        self.grid = grid
        self.process = process
        transform = try RealFourierTransform(shape: grid.shape, rigor: rigor, threads: threads)
        let spectrumDoubles = 2 * transform.spectrumCount
        state = AlignedBuffer(count: spectrumDoubles)
        accumulator = AlignedBuffer(count: spectrumDoubles)
        stage = transform.spectrumBuffer
        derivative = AlignedBuffer(count: spectrumDoubles)
        physical = transform.realBuffer
        product = AlignedBuffer(count: transform.realCount)

        let dimension = grid.dimension
        let spectrumShape = transform.spectrumShape
        lastCount = spectrumShape[dimension - 1]
        outerCount = transform.spectrumCount / lastCount
        let unit = Double.pi / grid.halfWidth   // 2 pi / (2 L)
        func wavenumbers(axis: Int, count: Int, nyquistZero: Bool) -> [Double] {
            let length = grid.shape[axis]
            return (0..<count).map { index in
                let frequency = RealFourierTransform.signedFrequency(index, length: length)
                if nyquistZero && length % 2 == 0 && abs(frequency) == length / 2 { return 0 }
                return unit * Double(frequency)
            }
        }
        let lastAxisSquared = wavenumbers(axis: dimension - 1, count: lastCount, nyquistZero: false).map { $0 * $0 }
        lastSquaredWavenumber = lastAxisSquared
        var outerSquared = [Double](repeating: 0, count: outerCount)
        var derivatives: [[Double]] = []
        for axis in 0..<(dimension - 1) {
            let axisSquared = wavenumbers(axis: axis, count: grid.shape[axis], nyquistZero: false).map { $0 * $0 }
            let axisDerivative = wavenumbers(axis: axis, count: grid.shape[axis], nyquistZero: true)
            let innerStride = spectrumShape[(axis + 1)..<(dimension - 1)].reduce(1, *)
            var perOuter = [Double](repeating: 0, count: outerCount)
            for outer in 0..<outerCount {
                let index = (outer / innerStride) % grid.shape[axis]
                outerSquared[outer] += axisSquared[index]
                perOuter[outer] = axisDerivative[index]
            }
            derivatives.append(perOuter)
        }
        derivatives.append(wavenumbers(axis: dimension - 1, count: lastCount, nyquistZero: true))
        outerSquaredWavenumber = outerSquared
        derivativeWavenumber = derivatives
        coordinates = (0..<dimension).map { grid.coordinates(axis: $0) }
        outerFactor = [Double](repeating: 1, count: outerCount)
        lastFactor = [Double](repeating: 1, count: lastCount)
    }

    func load(_ values: [Double]) {
        _ = physical.values.update(from: values)
        transform.forward(physical, into: state)
    }

    /// The density on the grid (state untouched).
    func density() -> [Double] {
        stage.copy(from: state)
        transform.backward(stage, into: physical)
        let scale = 1 / Double(transform.realCount)
        return physical.values.map { $0 * scale }
    }

    /// rho^_0, whether all coefficients are finite, and max_k |rho^_k| / |rho^_0|.
    func spectrumSummary() -> (zeroMode: Double, isFinite: Bool, ratio: Double) {
        let values = state.values
        var largest = 0.0
        var sum = 0.0
        for index in 0..<(values.count / 2) {
            let squared = values[2 * index] * values[2 * index] + values[2 * index + 1] * values[2 * index + 1]
            sum += squared
            largest = max(largest, squared)
        }
        return (state[0], sum.isFinite, largest.squareRoot() / abs(state[0]))
    }

    // MARK: Building blocks

    /// Sets the factors of exp(-|k|^2 / 2 * squaredDiffusionIntegral), split as outer x last.
    private func prepareDiffusion(_ squaredDiffusionIntegral: Double) {
        let half = -0.5 * squaredDiffusionIntegral
        for index in 0..<outerCount { outerFactor[index] = Foundation.exp(half * outerSquaredWavenumber[index]) }
        for index in 0..<lastCount { lastFactor[index] = Foundation.exp(half * lastSquaredWavenumber[index]) }
    }

    /// buffer <- E buffer, with the prepared diffusion factors.
    private func diffuse(_ buffer: AlignedBuffer) {
        let values = buffer.values
        for outer in 0..<outerCount {
            let outerValue = outerFactor[outer]
            let base = outer * lastCount
            for last in 0..<lastCount {
                let factor = outerValue * lastFactor[last]
                values[2 * (base + last)] *= factor
                values[2 * (base + last) + 1] *= factor
            }
        }
    }

    /// output <- E (first + scale * second), with the prepared diffusion factors (`applyDiffusion` false: no E).
    private func combine(_ output: AlignedBuffer, _ first: AlignedBuffer, _ scale: Double, _ second: AlignedBuffer, applyDiffusion: Bool) {
        let result = output.values
        let left = first.values
        let right = second.values
        if !applyDiffusion {
            for index in 0..<result.count { result[index] = left[index] + scale * right[index] }
            return
        }
        for outer in 0..<outerCount {
            let outerValue = outerFactor[outer]
            let base = 2 * outer * lastCount
            for last in 0..<lastCount {
                let factor = outerValue * lastFactor[last]
                let real = base + 2 * last
                result[real] = factor * (left[real] + scale * right[real])
                result[real + 1] = factor * (left[real + 1] + scale * right[real + 1])
            }
        }
    }

    /// target += scale * source.
    private func accumulate(_ target: AlignedBuffer, _ scale: Double, _ source: AlignedBuffer) {
        let result = target.values
        let added = source.values
        for index in 0..<result.count { result[index] += scale * added[index] }
    }

    /// derivative <- N(input) = -sum_a i k_a (b_a rho)^ at `time`; destroys `input` (used as scratch).
    private func evaluateDrift(_ input: AlignedBuffer, time: Double) {
        transform.backward(input, into: physical)
        let normalization = 1 / Double(transform.realCount)
        let rate = process.linearDriftRate(at: time)
        if rate == nil { updateDriftField(time: time) }
        for axis in 0..<grid.dimension {
            if let rate {
                multiplyByCoordinate(axis: axis, scale: rate * normalization)
            } else {
                let drift = driftField[axis]
                let source = physical.values
                let target = product.values
                for index in 0..<target.count { target[index] = drift[index] * normalization * source[index] }
            }
            transform.forward(product, into: input)
            addDerivative(of: input, axis: axis, overwrite: axis == 0)
        }
    }

    /// product <- scale * x_axis * physical.
    private func multiplyByCoordinate(axis: Int, scale: Double) {
        let length = grid.shape[axis]
        let innerStride = grid.indexStride(axis: axis)
        let outerCount = grid.count / (length * innerStride)
        let axisCoordinates = coordinates[axis]
        let source = physical.values
        let target = product.values
        var index = 0
        for _ in 0..<outerCount {
            for cell in 0..<length {
                let factor = scale * axisCoordinates[cell]
                for _ in 0..<innerStride {
                    target[index] = factor * source[index]
                    index += 1
                }
            }
        }
    }

    /// derivative (=|+=) -i k_axis * flux.
    private func addDerivative(of flux: AlignedBuffer, axis: Int, overwrite: Bool) {
        let source = flux.values
        let target = derivative.values
        let isLastAxis = axis == grid.dimension - 1
        let wavenumbers = derivativeWavenumber[axis]
        for outer in 0..<outerCount {
            let base = 2 * outer * lastCount
            for last in 0..<lastCount {
                let wavenumber = isLastAxis ? wavenumbers[last] : wavenumbers[outer]
                let real = base + 2 * last
                // -i k (a + i b) = k b - i k a
                let newReal = wavenumber * source[real + 1]
                let newImaginary = -wavenumber * source[real]
                if overwrite {
                    target[real] = newReal
                    target[real + 1] = newImaginary
                } else {
                    target[real] += newReal
                    target[real + 1] += newImaginary
                }
            }
        }
    }

    private func updateDriftField(time: Double) {
        if !driftField.isEmpty && (process.isDriftTimeIndependent || driftFieldTime == time) { return }
        let dimension = grid.dimension
        let points = grid.allPoints()
        var field = [[Double]](repeating: [Double](repeating: 0, count: grid.count), count: dimension)
        var drift = [Double](repeating: 0, count: dimension)
        points.withUnsafeBufferPointer { allPoints in
            drift.withUnsafeMutableBufferPointer { driftBuffer in
                for index in 0..<grid.count {
                    let point = UnsafeBufferPointer(rebasing: allPoints[(index * dimension)..<((index + 1) * dimension)])
                    process.drift(at: point, time: time, into: driftBuffer)
                    for axis in 0..<dimension { field[axis][index] = driftBuffer[axis] }
                }
            }
        }
        driftField = field
        driftFieldTime = time
    }

    // MARK: Steps

    /// Integrating-factor RK4 with E1 = exp(-|k|^2/2 int_t^{t+h/2} g^2), E2 likewise on the second half:
    /// u+ = E2 [E1 (u + h/6 k1) + h/3 (k2 + k3)] + h/6 k4, with k1 = N(u), k2 = N(E1 (u + h/2 k1)),
    /// k3 = N(E1 u + h/2 k2), k4 = N(E2 (E1 u + h k3)).
    func integratingFactorRK4Step(time: Double, timeStep: Double, firstHalf: Double, secondHalf: Double) {
        let halfTime = time + timeStep / 2
        stage.copy(from: state)
        evaluateDrift(stage, time: time)                                     // k1
        prepareDiffusion(firstHalf)
        combine(accumulator, state, timeStep / 6, derivative, applyDiffusion: true)   // E1 (u + h/6 k1)
        combine(stage, state, timeStep / 2, derivative, applyDiffusion: true)         // E1 (u + h/2 k1)
        diffuse(state)                                                       // u <- E1 u
        evaluateDrift(stage, time: halfTime)                                 // k2
        accumulate(accumulator, timeStep / 3, derivative)
        combine(stage, state, timeStep / 2, derivative, applyDiffusion: false)        // E1 u + h/2 k2
        evaluateDrift(stage, time: halfTime)                                 // k3
        accumulate(accumulator, timeStep / 3, derivative)
        prepareDiffusion(secondHalf)
        combine(stage, state, timeStep, derivative, applyDiffusion: true)             // E2 (E1 u + h k3)
        evaluateDrift(stage, time: time + timeStep)                          // k4
        combine(state, accumulator, 0, accumulator, applyDiffusion: true)             // E2 acc
        accumulate(state, timeStep / 6, derivative)
    }

    /// Strang splitting: E1, then classical RK4 for d_t u = N(u) over [t, t + h], then E2.
    func strangStep(time: Double, timeStep: Double, firstHalf: Double, secondHalf: Double) {
        prepareDiffusion(firstHalf)
        diffuse(state)
        stage.copy(from: state)
        evaluateDrift(stage, time: time)                                     // k1
        combine(accumulator, state, timeStep / 6, derivative, applyDiffusion: false)
        combine(stage, state, timeStep / 2, derivative, applyDiffusion: false)
        evaluateDrift(stage, time: time + timeStep / 2)                      // k2
        accumulate(accumulator, timeStep / 3, derivative)
        combine(stage, state, timeStep / 2, derivative, applyDiffusion: false)
        evaluateDrift(stage, time: time + timeStep / 2)                      // k3
        accumulate(accumulator, timeStep / 3, derivative)
        combine(stage, state, timeStep, derivative, applyDiffusion: false)
        evaluateDrift(stage, time: time + timeStep)                          // k4
        prepareDiffusion(secondHalf)
        combine(state, accumulator, timeStep / 6, derivative, applyDiffusion: true)
    }
}

/// Cosine-basis state for pure diffusion between reflecting walls: exact in time.
final class CosineState {
    let grid: Grid
    let transform: CosineTransform
    let coefficients: AlignedBuffer
    let scratch: AlignedBuffer
    let squaredWavenumber: [Double]

    init(grid: Grid, rigor: PlanningRigor, threads: Int) throws {
        self.grid = grid
        transform = try CosineTransform(shape: grid.shape, rigor: rigor, threads: threads)
        coefficients = AlignedBuffer(count: grid.count)
        scratch = AlignedBuffer(count: grid.count)
        // Mode j along an axis of n cells on [-L, L] has wavenumber pi j / (2 L).
        var squared = [Double](repeating: 0, count: grid.count)
        for index in 0..<grid.count {
            let modes = grid.indices(of: index)
            squared[index] = modes.reduce(0) { sum, mode in
                let wavenumber = Double.pi * Double(mode) / (2 * grid.halfWidth)
                return sum + wavenumber * wavenumber
            }
        }
        squaredWavenumber = squared
    }

    func load(_ values: [Double]) {
        _ = scratch.values.update(from: values)
        transform.forward(scratch, into: coefficients)
    }

    func diffuse(squaredDiffusionIntegral: Double) {
        let half = -0.5 * squaredDiffusionIntegral
        for index in 0..<grid.count { coefficients[index] *= Foundation.exp(half * squaredWavenumber[index]) }
    }

    func density() -> [Double] {
        transform.backward(coefficients, into: scratch)
        return scratch.values.map { $0 / transform.roundTripScale }
    }

    /// sum_j rho_j (the DCT-II zero mode is 2^d times it), finiteness, and max_k |Y_k| / |Y_0|: the DCT-II
    /// coefficients of a non-negative field obey |Y_k| <= 2^d sum_j rho_j = |Y_0|.
    func spectrumSummary() -> (zeroMode: Double, isFinite: Bool, ratio: Double) {
        var largest = 0.0
        var sum = 0.0
        for value in coefficients.values {
            sum += value
            largest = max(largest, abs(value))
        }
        return (coefficients[0] / Double(1 << grid.dimension), sum.isFinite, largest / abs(coefficients[0]))
    }
}

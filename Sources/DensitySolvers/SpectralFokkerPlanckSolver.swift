import DiffusionModels
import Foundation
import GridFields
import ParallelLoops
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
/// pointwise work (one pass forming the fluxes per evaluation, and one combination pass per stage that forms the
/// divergence as it reads it); memory: four spectra and two
/// real arrays in 1-D and 2-D (about 200 MB at 2048^2), one more of each in 3-D. With `threads` > 1 the
/// pointwise passes are split over rows as well as the transforms over FFTW's threads; the result is
/// bit-identical for every thread count.
///
/// With reflecting walls the basis is the cosine transform (REDFT10/01), which handles pure diffusion
/// (`process.isDriftFree`, e.g. VE) exactly; a drift with reflecting walls needs the finite-volume solver.
public final class SpectralFokkerPlanckSolver: DensityStepper {
    public let grid: Grid
    /// `integratingFactorRK4` or `strangSplitting`.
    public let method: GridMethod
    public let process: any ForwardProcess
    public private(set) var time: Double
    public var temporalOrder: Int? { method.temporalOrder }
    public var methodName: String { method.name }

    private let basis: Basis

    /// - Parameters:
    ///   - initialDensity: the density at `startTime`, sampled at cell centres.
    ///   - rigor, threads: FFTW planning rigor, and the thread count of the transforms and the pointwise passes.
    public init(
        process: any ForwardProcess,
        initialDensity: Field,
        startTime: Double = 0,
        method: GridMethod = .integratingFactorRK4,
        rigor: PlanningRigor = .estimate,
        threads: Int = 1
    ) throws {
        guard method == .integratingFactorRK4 || method == .strangSplitting else {
            throw SolverError("\(method.rawValue) is not a time stepper of this solver; it runs if-rk4 or strang")
        }
        grid = initialDensity.grid
        self.method = method
        self.process = process
        time = startTime
        switch grid.boundary {
        case .periodic:
            basis = .fourier(try FourierState(grid: grid, process: process, rigor: rigor, threads: threads))
        case .reflecting:
            guard process.isDriftFree else {
                throw SolverError(
                    "the spectral solver handles reflecting walls only for pure diffusion; "
                        + "use the finite-volume solver for a drift with walls"
                )
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
                state.integratingFactorRK4Step(
                    time: time, timeStep: timeStep, firstHalf: firstHalf, secondHalf: secondHalf)
            case .strangSplitting:
                state.strangStep(time: time, timeStep: timeStep, firstHalf: firstHalf, secondHalf: secondHalf)
            case .trBDF2, .backwardEuler, .exactLinear:
                preconditionFailure("SpectralFokkerPlanckSolver: \(method.rawValue) is refused at set-up")
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
        return StepperHealth(
            mass: summary.zeroMode * grid.cellVolume, isFinite: summary.isFinite, amplitudeRatio: summary.ratio)
    }

    /// The default step count for `[startTime, endTime]`: ceil(T max|b| k_max), at least 20 steps per unit time
    /// and 10 in all, where max|b| is the largest drift on the grid (start, middle and end times) and
    /// k_max = pi n / (2 L) the largest wavenumber. It keeps the explicit drift well inside RK4's stability
    /// region; with IF-RK4 on the OU mixture test (256 points, L = 10, T = 1: 403 steps) the error is 4e-12.
    public static func suggestedStepCount(
        process: any ForwardProcess, grid: Grid, startTime: Double = 0, endTime: Double
    ) -> Int {
        let duration = endTime - startTime
        guard duration > 0 else { return 1 }
        let largestWavenumber = Double.pi * Double(grid.shape.max()!) / (2 * grid.halfWidth)
        let largestDrift = DriftBound.largestDrift(
            process: process, grid: grid, times: [startTime, (startTime + endTime) / 2, endTime])
        let byStability = duration * largestDrift * largestWavenumber
        // Saturate rather than trap for absurd inputs (callers bound the count they accept).
        return Int(min(max(10, (max(byStability, 20 * duration)).rounded(.up)), 1e15))
    }

    private enum Basis {
        case fourier(FourierState)
        case cosine(CosineState)
    }
}

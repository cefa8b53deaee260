import DiffusionModels
import GridFields
import SpectralTransforms

/// A grid method for the Fokker–Planck equation: which solver, which time stepping, the grid boundary it needs
/// and its order in time. The one type every command, claim and test names a grid method by; a new method added
/// here is run by the claims and tests that iterate `allCases`.
///
/// | method | solver | boundary | order |
/// |---|---|---|---|
/// | `integratingFactorRK4` ("if-rk4") | spectral (FFTW) | periodic | 4 |
/// | `strangSplitting` ("strang") | spectral (FFTW) | periodic | 2 |
/// | `backwardEuler` ("backward-euler") | finite volume (Scharfetter–Gummel) | no-flux walls | 1 |
/// | `trBDF2` ("tr-bdf2") | finite volume (Scharfetter–Gummel) | no-flux walls | 2 |
/// | `exactLinear` ("exact-linear") | spectral (chirp-z through FFTW), linear SDEs only | periodic | exact in time |
public enum GridMethod: String, CaseIterable, Sendable {
    case integratingFactorRK4 = "if-rk4"
    case strangSplitting = "strang"
    case backwardEuler = "backward-euler"
    case trBDF2 = "tr-bdf2"
    case exactLinear = "exact-linear"

    /// The solver's name, as the command line spells it: "spectral" or "finite-volume".
    public var solverName: String { isSpectral ? Self.spectralSolverName : Self.finiteVolumeSolverName }

    public static let spectralSolverName = "spectral"
    public static let finiteVolumeSolverName = "finite-volume"
    /// Every solver name, spectral first.
    public static let solverNames = [spectralSolverName, finiteVolumeSolverName]

    /// True for the FFTW methods on cell-centre values of a periodic box (`SpectralFokkerPlanckSolver`'s if-rk4 and
    /// strang, `ExactLinearPropagator`'s exact-linear), false for the finite-volume ones.
    public var isSpectral: Bool { self != .backwardEuler && self != .trBDF2 }

    /// The boundary of the grid the method runs on: periodic for spectral, no-flux walls for finite volumes. (The
    /// spectral solver also takes reflecting walls for a drift-free process, by the cosine basis.)
    public var boundary: Boundary { isSpectral ? .periodic : .reflecting }

    /// The declared order of accuracy in time, measured by the tests and claims; nil for exact-linear, which has no
    /// time-stepping error (its error is round-off and the spatial discretization, whatever the step count).
    public var temporalOrder: Int? {
        switch self {
        case .integratingFactorRK4: return 4
        case .strangSplitting, .trBDF2: return 2
        case .backwardEuler: return 1
        case .exactLinear: return nil
        }
    }

    /// "spectral if-rk4", "finite-volume tr-bdf2", ...: the solver and the method as the command line names them.
    public var name: String { "\(solverName) \(rawValue)" }

    /// "spectral IF-RK4", "finite-volume TR-BDF2", ...: the solver and the method as a caption writes them.
    public var title: String {
        switch self {
        case .integratingFactorRK4: return "spectral IF-RK4"
        case .strangSplitting: return "spectral Strang"
        case .backwardEuler: return "finite-volume backward Euler"
        case .trBDF2: return "finite-volume TR-BDF2"
        case .exactLinear: return "spectral exact linear propagator"
        }
    }

    /// The method a solver uses when none is named: if-rk4 for spectral, tr-bdf2 for finite volumes; nil for a
    /// name that is not a solver's.
    public static func defaultMethod(solverName: String) -> GridMethod? {
        switch solverName {
        case spectralSolverName: return .integratingFactorRK4
        case finiteVolumeSolverName: return .trBDF2
        default: return nil
        }
    }

    /// The methods of the solver named `solverName`, its default first.
    public static func methods(solverName: String) -> [GridMethod] {
        let methods = allCases.filter { $0.solverName == solverName }
        return methods.filter { $0 == defaultMethod(solverName: solverName) }
            + methods.filter { $0 != defaultMethod(solverName: solverName) }
    }

    /// The step count the method suggests for [startTime, endTime]: the spectral stability estimate
    /// (`SpectralFokkerPlanckSolver.suggestedStepCount`), 100 steps per unit time for finite volumes
    /// (`FiniteVolumeFokkerPlanckSolver.suggestedStepCount`), one step for exact-linear (its steps only move the
    /// time; the run loop still stops at every snapshot).
    public func suggestedStepCount(
        process: any ForwardProcess, grid: Grid, startTime: Double = 0, endTime: Double
    ) -> Int {
        if self == .exactLinear { return 1 }
        return isSpectral
            ? SpectralFokkerPlanckSolver.suggestedStepCount(
                process: process, grid: grid, startTime: startTime, endTime: endTime)
            : FiniteVolumeFokkerPlanckSolver.suggestedStepCount(startTime: startTime, endTime: endTime)
    }

    /// The stepper of this method holding `initialDensity` at `startTime`. `rigor` and `threads` are the FFTW
    /// planning rigor and thread count of the spectral methods (the finite-volume methods run on one thread).
    /// Throws `SolverError` when the grid's boundary does not suit the method, or (exact-linear) the process is not
    /// a `LinearSDE`.
    public func makeStepper(
        process: any ForwardProcess, initialDensity: Field, startTime: Double = 0,
        rigor: PlanningRigor = .estimate, threads: Int = 1
    ) throws -> any DensityStepper {
        if self == .exactLinear {
            return try ExactLinearPropagator(
                process: process, initialDensity: initialDensity, startTime: startTime, rigor: rigor, threads: threads)
        }
        if isSpectral {
            return try SpectralFokkerPlanckSolver(
                process: process, initialDensity: initialDensity, startTime: startTime, method: self, rigor: rigor,
                threads: threads)
        }
        return try FiniteVolumeFokkerPlanckSolver(
            process: process, initialDensity: initialDensity, startTime: startTime, method: self)
    }
}

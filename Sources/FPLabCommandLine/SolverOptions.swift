import ArgumentParser
import FokkerPlanckLab

/// `--solver`, `--method`, `--steps` and `--planning`: which Fokker–Planck grid method advances the density.
///
/// The spectral solver works on a periodic box (methods if-rk4, strang, and exact-linear, the exact propagator of a
/// linear SDE that jumps to each snapshot time with no time-stepping error); the finite-volume solver on a box with
/// no-flux walls (tr-bdf2, backward-euler). Without `--steps`, the method's own suggestion is used.
public struct SolverOptions: ParsableArguments {
    /// FFTW planning rigor (the spectral solver's transforms).
    public enum Planning: String, ExpressibleByArgument, CaseIterable, Sendable {
        case estimate, measure

        public var rigor: PlanningRigor {
            switch self {
            case .estimate: return .estimate
            case .measure: return .measure
            }
        }
    }

    @Option(help: "Fokker–Planck solver: spectral (periodic box) or finite-volume (no-flux walls).")
    public var solver: GridSolverName = .spectral

    @Option(
        help: """
            Time stepping: if-rk4 or strang for spectral (default if-rk4), tr-bdf2 or backward-euler for \
            finite-volume (default tr-bdf2); exact-linear (spectral) evaluates the exact Fourier solution \
            rho^_0(m k) exp(-v |k|^2 / 2) of the linear SDE at each snapshot time (chirp-z transforms, no time \
            steps: --steps only moves the clock).
            """
    )
    public var method: GridMethod?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Time steps from 0 to T (1 to 10^9; default: the solver's suggestion).", valueName: "K")
    )
    public var steps: Int?

    @Option(help: "FFTW planning: estimate (instant) or measure (times candidate plans first).")
    public var planning: Planning = .estimate

    public init() {}

    /// At most a billion steps: days of work for any grid, and an `Int` step count everywhere in the run loop.
    public static let stepRange = 1...1_000_000_000

    public func validate() throws {
        if let steps {
            try OptionCheck.require(
                Self.stepRange.contains(steps),
                "--steps must be from \(Self.stepRange.lowerBound) to \(Self.stepRange.upperBound); got \(steps)."
            )
        }
        if let method, method.solverName != solver.name {
            let allowed = GridMethod.methods(solverName: solver.name).map(\.rawValue).joined(separator: " or ")
            throw ValidationError(
                "--method \(method.rawValue) does not apply to --solver \(solver.name); use \(allowed)."
            )
        }
    }

    /// `--method`, or the solver's default method.
    public var resolvedMethod: GridMethod { method ?? solver.defaultMethod }
}

/// A grid solver named on the command line (`--solver`): "spectral" or "finite-volume", the names
/// `GridMethod.solverNames` gives; the solver's default method is the method a command runs unless told otherwise.
public struct GridSolverName: ExpressibleByArgument, Sendable, Equatable {
    public let name: String

    public static let spectral = GridSolverName(validName: GridMethod.spectralSolverName)
    public static let finiteVolume = GridSolverName(validName: GridMethod.finiteVolumeSolverName)

    private init(validName: String) { name = validName }

    public init?(argument: String) {
        guard GridMethod.solverNames.contains(argument) else { return nil }
        name = argument
    }

    public static var allValueStrings: [String] { GridMethod.solverNames }
    public var defaultValueDescription: String { name }

    /// if-rk4 for spectral, tr-bdf2 for finite-volume.
    public var defaultMethod: GridMethod { GridMethod.defaultMethod(solverName: name) ?? .integratingFactorRK4 }
    /// The boundary of the solver's grid: periodic or reflecting.
    public var boundary: Boundary { defaultMethod.boundary }
}

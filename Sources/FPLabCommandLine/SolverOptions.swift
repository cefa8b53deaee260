import ArgumentParser
import FokkerPlanckLab

/// `--solver`, `--method`, `--steps` and `--planning`: which Fokker–Planck stepper advances the density.
///
/// The spectral solver works on a periodic box (methods if-rk4, strang); the finite-volume solver on a box with
/// no-flux walls (tr-bdf2, backward-euler). Without `--steps`, the solver's own suggestion is used.
public struct SolverOptions: ParsableArguments {
    public enum Solver: String, ExpressibleByArgument, CaseIterable, Sendable {
        case spectral
        case finiteVolume = "finite-volume"

        /// The boundary the solver's grid has.
        public var boundary: Boundary {
            switch self {
            case .spectral: return .periodic
            case .finiteVolume: return .reflecting
            }
        }

        public var defaultMethod: Method {
            switch self {
            case .spectral: return .integratingFactorRK4
            case .finiteVolume: return .trBDF2
            }
        }
    }

    public enum Method: String, ExpressibleByArgument, CaseIterable, Sendable {
        case integratingFactorRK4 = "if-rk4"
        case strangSplitting = "strang"
        case trBDF2 = "tr-bdf2"
        case backwardEuler = "backward-euler"

        public var solver: Solver {
            switch self {
            case .integratingFactorRK4, .strangSplitting: return .spectral
            case .trBDF2, .backwardEuler: return .finiteVolume
            }
        }
    }

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
    public var solver: Solver = .spectral

    @Option(
        help: """
            Time stepping: if-rk4 or strang for spectral (default if-rk4), tr-bdf2 or backward-euler for \
            finite-volume (default tr-bdf2).
            """
    )
    public var method: Method?

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
        if let method, method.solver != solver {
            let allowed = Method.allCases.filter { $0.solver == solver }.map(\.rawValue).joined(separator: " or ")
            throw ValidationError(
                "--method \(method.rawValue) does not apply to --solver \(solver.rawValue); use \(allowed)."
            )
        }
    }

    public var resolvedMethod: Method { method ?? solver.defaultMethod }

    /// `--steps`, or the solver's suggested step count for [0, endTime] on `grid`.
    public func stepCount(process: any ForwardProcess, grid: Grid, endTime: Double) -> Int {
        if let steps { return steps }
        switch solver {
        case .spectral:
            return SpectralFokkerPlanckSolver.suggestedStepCount(process: process, grid: grid, endTime: endTime)
        case .finiteVolume: return FiniteVolumeFokkerPlanckSolver.suggestedStepCount(endTime: endTime)
        }
    }

    /// The stepper, holding `initialDensity` at t = 0.
    public func makeStepper(
        process: any ForwardProcess, initialDensity: Field, threads: Int
    ) throws -> any DensityStepper {
        switch resolvedMethod {
        case .integratingFactorRK4, .strangSplitting:
            let method: SpectralFokkerPlanckSolver.Method =
                resolvedMethod == .strangSplitting ? .strangSplitting : .integratingFactorRK4
            return try SpectralFokkerPlanckSolver(
                process: process, initialDensity: initialDensity, method: method, rigor: planning.rigor,
                threads: threads
            )
        case .trBDF2, .backwardEuler:
            let method: FiniteVolumeFokkerPlanckSolver.Method = resolvedMethod == .trBDF2 ? .trBDF2 : .backwardEuler
            return try FiniteVolumeFokkerPlanckSolver(process: process, initialDensity: initialDensity, method: method)
        }
    }

    /// Manifest entries (the steps are the command's to report: given or suggested).
    public var json: [String: JSONValue] {
        [
            "solver": .string(solver.rawValue), "method": .string(resolvedMethod.rawValue),
            "boundary": .string(solver.boundary.rawValue), "planning": .string(planning.rawValue),
        ]
    }
}

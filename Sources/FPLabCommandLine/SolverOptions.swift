import ArgumentParser
import FokkerPlanckLab
import Foundation

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

    @Option(
        help: """
            FFTW planning: estimate (instant, the same bits on every run) or measure (times candidate plans \
            first, and keeps what it learns in the wisdom file).
            """
    )
    public var planning: Planning = .estimate

    @Option(
        help: ArgumentHelp(
            """
            FFTW wisdom for --planning measure, read before planning and saved after, so each transform size is \
            timed once (default: $XDG_CACHE_HOME/fplab/fftw-wisdom, else ~/.cache/fplab/fftw-wisdom; none: keep no \
            wisdom).
            """, valueName: "file")
    )
    public var wisdom: String?

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
        if let wisdom {
            try OptionCheck.require(
                planning == .measure, "--wisdom applies only to --planning measure (estimate plans read no wisdom).")
            try OptionCheck.require(!wisdom.isEmpty, "--wisdom needs a file path, or none.")
            if wisdom != Self.noWisdom {
                var isDirectory: ObjCBool = false
                let directory = (wisdom as NSString).deletingLastPathComponent
                try OptionCheck.require(
                    directory.isEmpty
                        || FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory)
                            && isDirectory.boolValue,
                    "--wisdom: the directory '\(directory)' does not exist.")
                try OptionCheck.require(
                    !(FileManager.default.fileExists(atPath: wisdom, isDirectory: &isDirectory)
                        && isDirectory.boolValue),
                    "--wisdom: '\(wisdom)' is a directory; give a file path.")
            }
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

    /// The `--wisdom` value that keeps no wisdom.
    public static let noWisdom = "none"

    /// The wisdom file `--wisdom` names: the per-user cache when not given, nil for `none`.
    public var wisdomFile: WisdomFile? {
        switch wisdom {
        case nil: return WisdomFile.userCache()
        case Self.noWisdom?: return nil
        case let path?: return WisdomFile(path: path)
        }
    }
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

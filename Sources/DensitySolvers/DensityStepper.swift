import GridFields

/// A time-stepping method for a density on a grid: it owns the state and advances it.
///
/// The run loop (`DensityRun`) drives any stepper, takes snapshots and checks health; a stepper only knows how to
/// take one step and how to report its state.
public protocol DensityStepper: AnyObject {
    var grid: Grid { get }
    /// The current time.
    var time: Double { get }
    /// The declared order of accuracy in time (measured by the tests); nil for a method exact in time.
    var temporalOrder: Int? { get }
    /// A name for tables: "spectral if-rk4", "finite-volume tr-bdf2", ...
    var methodName: String { get }
    /// Advances the state from `time` to `time + timeStep`.
    func step(by timeStep: Double)
    /// The density now, as a field (may cost a transform).
    func currentDensity() -> Field
    /// The mass, finiteness and amplitude ratio, computed cheaply (no transform).
    func health() -> StepperHealth
}

/// What the run loop checks after every step.
public struct StepperHealth: Sendable, Equatable {
    /// The integral of the density.
    public var mass: Double
    /// Whether every value is finite.
    public var isFinite: Bool
    /// A size-over-mass ratio that is at most 1 for a non-negative density and grows without bound when a solution
    /// blows up: max_k |rho^_k| / rho^_0 for the spectral solver (|rho^_k| <= sum |rho_j| = rho^_0 when rho >= 0),
    /// ||rho||_1 / mass for the finite-volume solver.
    public var amplitudeRatio: Double

    public init(mass: Double, isFinite: Bool, amplitudeRatio: Double) {
        self.mass = mass
        self.isFinite = isFinite
        self.amplitudeRatio = amplitudeRatio
    }
}

/// Why a solver could not be set up; `description` is one sentence.
public struct SolverError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

import GridFields

/// A time-stepping method for a density on a grid: it owns the state and advances it.
///
/// The run loop (`DensityRun`) drives any stepper, takes snapshots and checks health; a stepper only knows how to
/// take one step and how to report its state.
public protocol DensityStepper: AnyObject {
    var grid: Grid { get }
    /// The current time.
    var time: Double { get }
    /// The declared order of accuracy in time (measured by the tests).
    var temporalOrder: Int { get }
    /// A name for tables: "spectral if-rk4", "finite-volume tr-bdf2", ...
    var methodName: String { get }
    /// Advances the state from `time` to `time + timeStep`.
    func step(by timeStep: Double)
    /// The density now, as a field (may cost a transform).
    func currentDensity() -> Field
    /// The mass and whether every value is finite, computed cheaply (no transform).
    func health() -> (mass: Double, isFinite: Bool)
}

/// Why a solver could not be set up; `description` is one sentence.
public struct SolverError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// An error a person reads on one line, raised while an experiment runs: the option (or stage) it concerns, then
/// what went wrong ("--solver spectral: cannot set up the solver: …").
public struct ExperimentError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

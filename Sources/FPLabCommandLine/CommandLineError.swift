/// An error a person reads on one line: the option (or stage) it concerns, then what went wrong.
public struct CommandLineError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

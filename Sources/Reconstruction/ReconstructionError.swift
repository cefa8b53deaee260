/// Why a reconstruction could not be set up; `description` is one sentence naming the quantity and its range.
public struct ReconstructionError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

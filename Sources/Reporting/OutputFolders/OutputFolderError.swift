/// Why a results folder could not be checked or written: one sentence a person reads on one line, naming the
/// option (`--output DIR: ...`) and what went wrong. `fplab` prints it as "Error: " and the sentence, status 1.
public struct OutputFolderError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

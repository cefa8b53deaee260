import Foundation

/// A file a command writes into its `--output` directory.
public struct OutputFile: Sendable, Equatable {
    /// A plain file name (no directory part), e.g. "manifest.json".
    public var name: String
    /// The bytes to write.
    public var data: Data

    /// A text file (UTF-8).
    public init(name: String, contents: String) {
        self.init(name: name, data: Data(contents.utf8))
    }

    /// A binary file (e.g. a NumPy `.npy` array).
    public init(name: String, data: Data) {
        precondition(!name.isEmpty && !name.contains("/"), "OutputFile: '\(name)' must be a plain file name")
        self.name = name
        self.data = data
    }
}

import ArgumentParser

/// The format of a command's standard output.
public enum OutputFormat: String, Sendable, CaseIterable {
    case text
    case json
    case csv
    case markdown
}

extension OutputFormat: ExpressibleByArgument {}

/// The format of a command's standard output (`CommandReport.rendered(as:)`).
public enum OutputFormat: String, Sendable, CaseIterable {
    case text
    case json
    case csv
    case markdown
}

/// One column of a table: a key for machines, a title for people, what it holds, how its numbers are shown and
/// how a comparison with a committed copy treats it.
public struct DataColumn: Sendable, Equatable {
    /// The CSV header and the JSON key (snake_case).
    public var key: String
    /// The header of the text, Markdown and LaTeX renderings.
    public var title: String
    /// One phrase for a README: what the column holds, with its unit.
    public var description: String
    /// How the text, Markdown and LaTeX renderings write its numbers (CSV and JSON: full precision).
    public var style: NumberStyle
    /// How `fplab verify --compare` compares it; `.reproducible` unless the column declares otherwise.
    public var tolerance: Tolerance

    public init(
        key: String, title: String, description: String = "", style: NumberStyle,
        tolerance: Tolerance = .reproducible
    ) {
        self.key = key
        self.title = title
        self.description = description
        self.style = style
        self.tolerance = tolerance
    }

    /// A column of a table a command prints: a title for people, a key for machines, numbers in `style`.
    public init(_ title: String, key: String, style: NumberStyle = .general(significantDigits: 6)) {
        self.init(key: key, title: title, style: style)
    }

    /// A column of a recorded table (`fplab verify --output`): the key is also its title, numbers are shown
    /// with four significant digits, and `description` documents it in the README.
    public init(_ key: String, _ description: String, tolerance: Tolerance = .reproducible) {
        self.init(
            key: key, title: key, description: description, style: Self.recordedStyle, tolerance: tolerance)
    }

    /// How recorded tables show numbers in Markdown and LaTeX: four significant digits (`%.4g`).
    public static let recordedStyle = NumberStyle.general(significantDigits: 4)
}

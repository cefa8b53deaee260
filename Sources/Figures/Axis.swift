/// How values map to distance along an axis.
public enum AxisScale: String, Sendable, CaseIterable, Codable {
    /// Distance proportional to the value.
    case linear
    /// Distance proportional to log₁₀ of the value. Only positive values can be drawn: a plot leaves out
    /// non-positive values and says so in its `notes`.
    case logarithmic
}

/// One axis of a plot: its label, its scale and, optionally, fixed limits.
///
///     Axis("time t")                                         // linear, limits from the data
///     Axis("L¹ error", scale: .logarithmic)                  // log, whole decades around the data
///     Axis("x", limits: -4...4)                              // fixed limits, data outside is clipped
public struct Axis: Sendable, Hashable {
    /// The label under the x axis or beside the y axis; any Unicode ("ρ(x, t)"), escaped when written.
    public var label: String
    public var scale: AxisScale
    /// Fixed limits, or nil to choose them from the data: a linear axis widens the data range to the nearest
    /// tick multiples (1, 2 or 5 × 10ᵏ), a logarithmic one to whole decades. Limits of a log axis must be
    /// positive; invalid limits are ignored with a note.
    public var limits: ClosedRange<Double>?

    public init(_ label: String = "", scale: AxisScale = .linear, limits: ClosedRange<Double>? = nil) {
        self.label = label
        self.scale = scale
        self.limits = limits
    }
}

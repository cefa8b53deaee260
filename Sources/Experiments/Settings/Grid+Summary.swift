import DataFiles
import GridFields
import Reporting

extension Grid {
    /// "256 cells on [-10, 10]" or "128 x 128 cells on [-8, 8]^2": the grid in a report's first line.
    public var summary: String {
        let cells = shape.map(String.init).joined(separator: " x ")
        let box = "[-\(halfWidth.shortText), \(halfWidth.shortText)]"
        return "\(cells) cells on \(box)\(dimension > 1 ? "^\(dimension)" : "")"
    }

    /// Manifest entries: "dimension", "points" (cells per axis; the grids of fplab have as many on every axis)
    /// and "half_width".
    public var manifestEntries: [String: JSONValue] {
        ["dimension": .integer(dimension), "points": .integer(shape[0]), "half_width": .number(halfWidth)]
    }
}

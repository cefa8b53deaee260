import DataFiles
import InverseHeat
import Reporting

extension BackwardEquation {
    /// "ou" or "heat (D = 1)": the equation in a report's first line.
    public var summary: String {
        switch self {
        case .heat(let diffusivity): return "heat (D = \(diffusivity.shortText))"
        case .ornsteinUhlenbeck: return "ou"
        }
    }

    /// Manifest entries: "equation" (`name`) and "diffusivity" (D; null for OU).
    public var manifestEntries: [String: JSONValue] {
        switch self {
        case .heat(let diffusivity): return ["equation": .string(name), "diffusivity": .number(diffusivity)]
        case .ornsteinUhlenbeck: return ["equation": .string(name), "diffusivity": .null]
        }
    }
}

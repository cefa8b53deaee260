import DataFiles
import DiffusionModels
import Reporting

extension LinearSDE {
    /// "ou", "vp (beta 0.1 to 20)", "ve (sigma 0.01 to 50)", or a custom model's name: the model in a report's
    /// first line.
    public var summary: String {
        switch kind {
        case .ornsteinUhlenbeck: return "ou"
        case .variancePreserving(let minimum, let maximum):
            return "vp (beta \(minimum.shortText) to \(maximum.shortText))"
        case .varianceExploding(let minimum, let maximum):
            return "ve (sigma \(minimum.shortText) to \(maximum.shortText))"
        case .custom(let name, _, _): return name
        }
    }

    /// Manifest entries: "model" (`name`) and "model_parameters" (the schedule; empty for OU and custom models).
    public var manifestEntries: [String: JSONValue] {
        let parameters: [String: JSONValue]
        switch kind {
        case .ornsteinUhlenbeck, .custom: parameters = [:]
        case .variancePreserving(let minimum, let maximum):
            parameters = ["beta_min": .number(minimum), "beta_max": .number(maximum)]
        case .varianceExploding(let minimum, let maximum):
            parameters = ["sigma_min": .number(minimum), "sigma_max": .number(maximum)]
        }
        return ["model": .string(name), "model_parameters": .object(parameters)]
    }
}

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
        case .subVariancePreserving(let minimum, let maximum):
            return "sub-vp (beta \(minimum.shortText) to \(maximum.shortText))"
        case .cosine(let offset, let clip): return "cosine (s \(offset.shortText), beta clipped at \(clip.shortText))"
        case .edm: return "edm (sigma = t)"
        case .tabulated(let name, let table):
            return
                "\(name) (\(table.quantity.rawValue) table, \(table.times.count) rows "
                + "to t = \(table.lastTime.shortText))"
        case .custom(let name, _, _): return name
        }
    }

    /// Manifest entries: "model" (`name`) and "model_parameters" (the schedule; empty for OU, EDM and custom models).
    public var manifestEntries: [String: JSONValue] {
        let parameters: [String: JSONValue]
        switch kind {
        case .ornsteinUhlenbeck, .edm, .custom: parameters = [:]
        case .variancePreserving(let minimum, let maximum), .subVariancePreserving(let minimum, let maximum):
            parameters = ["beta_min": .number(minimum), "beta_max": .number(maximum)]
        case .cosine(let offset, let clip): parameters = ["offset": .number(offset), "beta_clip": .number(clip)]
        case .tabulated(_, let table):
            parameters = [
                "quantity": .string(table.quantity.rawValue), "times": .array(table.times.map { .number($0) }),
                "values": .array(table.values.map { .number($0) }),
            ]
        case .varianceExploding(let minimum, let maximum):
            parameters = ["sigma_min": .number(minimum), "sigma_max": .number(maximum)]
        }
        return ["model": .string(name), "model_parameters": .object(parameters)]
    }
}

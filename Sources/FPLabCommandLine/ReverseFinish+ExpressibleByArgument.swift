import ArgumentParser
import FokkerPlanckLab

/// `--finish map|none`: the command line's names of `ReverseFinish` (map: the posterior-mean map).
extension ReverseFinish: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument {
        case "map": self = .posteriorMeanMap
        case "none": self = .none
        default: return nil
        }
    }

    /// "map" or "none".
    public var argumentName: String { self == .posteriorMeanMap ? "map" : "none" }
    public static var allValueStrings: [String] { ["map", "none"] }
    public var defaultValueDescription: String { argumentName }
}

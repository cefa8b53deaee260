import ArgumentParser
import FokkerPlanckLab
import Foundation

/// `--mixture`: the initial density, a Gaussian mixture written `weight:mean:std;...` (see
/// `GaussianMixture.init(specification:dimension:)`). The default depends on the dimension.
public struct MixtureOptions: ParsableArguments {
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Initial Gaussian mixture, components 'weight:mean:std' joined by ';' (a 2-D mean is 'x,y'; weights sum "
                + "to 1; default: '\(GaussianMixture.paperOneDimensional.specification ?? "")' in 1-D, "
                + "'\(GaussianMixture.paperTwoDimensional.specification ?? "")' in 2-D, "
                + "'\(GaussianMixture.paperThreeDimensional.specification ?? "")' in 3-D).",
            valueName: "spec"
        )
    )
    public var mixture: String?

    public init() {}

    /// The text that defines the mixture: the option's, or the default for `dimension`.
    public func specification(dimension: Int) -> String {
        mixture ?? (GaussianMixture.paper(dimension: dimension) ?? .paperTwoDimensional).specification ?? ""
    }

    /// The parsed mixture; a malformed one is a `ValidationError` prefixed "--mixture: ".
    public func gaussianMixture(dimension: Int) throws -> GaussianMixture {
        let text = specification(dimension: dimension)
        do {
            return try GaussianMixture(specification: text, dimension: dimension)
        } catch let error as MixtureSpecificationError {
            throw ValidationError("--mixture: \(error.description)")
        }
    }
}

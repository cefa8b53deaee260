import ArgumentParser
import FokkerPlanckLab
import Foundation

/// `--mixture`: the initial density, a Gaussian mixture written `weight:mean:std;...` (see
/// `GaussianMixture.init(specification:dimension:)`). The default depends on the dimension.
public struct MixtureOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Initial Gaussian mixture, components 'weight:mean:std' joined by ';' (a 2-D mean is 'x,y'; weights sum "
                + "to 1; default: '0.3:-2:0.2;0.7:1.5:0.5' in 1-D, '0.5:-1.5,0:0.5;0.5:1.5,1:0.5' in 2-D).",
            valueName: "spec"
        )
    )
    public var mixture: String?

    public init() {}

    /// The text that defines the mixture: the option's, or the default for `dimension`.
    public func specification(dimension: Int) -> String {
        mixture ?? (dimension == 1 ? "0.3:-2:0.2;0.7:1.5:0.5" : "0.5:-1.5,0:0.5;0.5:1.5,1:0.5")
    }

    /// The standard deviations whose squares are normal doubles (the library builds covariances from them).
    public static let standardDeviationRange = 1e-150...1e150

    /// The parsed mixture; a malformed one is a `ValidationError` prefixed "--mixture: ".
    public func gaussianMixture(dimension: Int) throws -> GaussianMixture {
        let text = specification(dimension: dimension)
        try checkStandardDeviationMagnitudes(text)
        do {
            return try GaussianMixture(specification: text, dimension: dimension)
        } catch let error as MixtureSpecificationError {
            throw ValidationError("--mixture: \(error.description)")
        }
    }

    /// Refuses a standard deviation so small or large that its square underflows to 0 or overflows, which the
    /// library's parser accepts and its Cholesky factorization then traps on. (A stopgap: the check belongs in
    /// `GaussianMixture.init(specification:dimension:)`; until then only the third field of each component is
    /// read here, and everything else is left to the library's parser.)
    private func checkStandardDeviationMagnitudes(_ text: String) throws {
        let range = Self.standardDeviationRange
        let components = text.split(separator: ";").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        for (offset, component) in components.enumerated() {
            let fields = component.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            for field in fields[2].split(separator: ",") {
                guard let value = Double(field.trimmingCharacters(in: .whitespaces)), value.isFinite, value > 0 else {
                    continue
                }
                try OptionCheck.require(
                    range.contains(value),
                    "--mixture: component \(offset + 1): std must be from \(range.lowerBound.shortText) to "
                        + "\(range.upperBound.shortText); got \(value)."
                )
            }
        }
    }
}

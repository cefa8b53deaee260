import ArgumentParser
import FokkerPlanckLab

/// `--model` and its schedule: which forward SDE to run (THEORY §2's table).
///
/// The schedule options are optional so that a value given for another model is an error, not silently ignored;
/// unset, they take the library's defaults (VP: beta from 0.1 to 20, as DDPM) and, for VE, sigma from 0.01 to 50
/// (score_sde's; at t = 1 the density is then far wider than any default grid: lower --sigma-max to keep it in).
public struct ModelOptions: ParsableArguments {
    public enum Model: String, ExpressibleByArgument, CaseIterable, Sendable {
        case ou, vp, ve
    }

    /// The allowed beta and sigma: wide (DDPM's beta_max is 20), yet small enough that a suggested step count,
    /// about T^2 beta_max n, stays far inside `Int` for any grid that fits in memory.
    public static let betaRange = 0.0...100.0
    public static let sigmaLimit = 1e6

    @Option(help: "The forward SDE: ou (dX = -X dt + sqrt(2) dB), vp (variance preserving), ve (variance exploding).")
    public var model: Model = .ou

    @Option(
        name: .customLong("beta-min"), parsing: .unconditional,
        help: ArgumentHelp("VP only: beta at t = 0 (default: 0.1).", valueName: "beta")
    )
    public var betaMinimum: Double?

    @Option(
        name: .customLong("beta-max"), parsing: .unconditional,
        help: ArgumentHelp("VP only: beta at t = 1 (default: 20).", valueName: "beta")
    )
    public var betaMaximum: Double?

    @Option(
        name: .customLong("sigma-min"), parsing: .unconditional,
        help: ArgumentHelp("VE only: sigma at t = 0 (default: 0.01).", valueName: "sigma")
    )
    public var sigmaMinimum: Double?

    @Option(
        name: .customLong("sigma-max"), parsing: .unconditional,
        help: ArgumentHelp("VE only: sigma at t = 1 (default: 50).", valueName: "sigma")
    )
    public var sigmaMaximum: Double?

    public init() {}

    public func validate() throws {
        let modelFor: [(String, Double?, Model)] = [
            ("--beta-min", betaMinimum, .vp), ("--beta-max", betaMaximum, .vp),
            ("--sigma-min", sigmaMinimum, .ve), ("--sigma-max", sigmaMaximum, .ve),
        ]
        for (option, value, owner) in modelFor where value != nil && owner != model {
            throw ValidationError(
                "\(option) applies only to --model \(owner.rawValue); the model is \(model.rawValue).")
        }
        switch model {
        case .ou:
            break
        case .vp:
            let range = Self.betaRange
            let description = "from \(range.lowerBound.shortText) to \(range.upperBound.shortText)"
            try OptionCheck.finite(resolvedBetaMinimum, option: "--beta-min", mustBe: description) {
                range.contains($0)
            }
            try OptionCheck.finite(
                resolvedBetaMaximum, option: "--beta-max",
                mustBe: "from --beta-min (\(resolvedBetaMinimum.shortText)) to \(range.upperBound.shortText)"
            ) { $0 >= resolvedBetaMinimum && $0 <= range.upperBound }
        case .ve:
            let limit = Self.sigmaLimit
            try OptionCheck.finite(
                resolvedSigmaMinimum, option: "--sigma-min", mustBe: "greater than 0 and at most \(limit.shortText)"
            ) { $0 > 0 && $0 <= limit }
            try OptionCheck.finite(
                resolvedSigmaMaximum, option: "--sigma-max",
                mustBe: "from --sigma-min (\(resolvedSigmaMinimum.shortText)) to \(limit.shortText)"
            ) { $0 >= resolvedSigmaMinimum && $0 <= limit }
        }
    }

    public var resolvedBetaMinimum: Double { betaMinimum ?? 0.1 }
    public var resolvedBetaMaximum: Double { betaMaximum ?? 20 }
    public var resolvedSigmaMinimum: Double { sigmaMinimum ?? 0.01 }
    public var resolvedSigmaMaximum: Double { sigmaMaximum ?? 50 }

    /// The library's SDE for these options.
    public var process: LinearSDE {
        switch model {
        case .ou: return .ornsteinUhlenbeck
        case .vp: return .variancePreserving(betaMinimum: resolvedBetaMinimum, betaMaximum: resolvedBetaMaximum)
        case .ve: return .varianceExploding(sigmaMinimum: resolvedSigmaMinimum, sigmaMaximum: resolvedSigmaMaximum)
        }
    }

    /// Refuses a horizon at which the model's variance v(T) overflows a double (VE with a large σ_max: v grows
    /// like σ_max^(2T)); every command that runs the model to --time checks this before it starts.
    public func checkVariance(until time: Double) throws {
        try OptionCheck.require(
            process.variance(to: time).isFinite,
            "--time \(time.shortText) is too long for --model \(summary): the variance overflows a double; "
                + "lower --time or --sigma-max."
        )
    }

    /// "ou", "vp (beta 0.1 to 20)", "ve (sigma 0.01 to 50)" (`LinearSDE.summary`).
    public var summary: String { process.summary }
}

import ArgumentParser
import FokkerPlanckLab

/// The options of `fplab invert` that say what is inverted and how: the equation, the method, the noise, T, the
/// steps, the blow-up threshold, a regularization parameter, the diffusivity, and `--sweep`.
public struct InvertOptions: ParsableArguments {
    public static let timeLimit = 100.0
    public static let noiseLimit = 1e6
    public static let diffusivityLimit = 1e6
    public static let stepRange = 1...10_000_000

    @Option(help: "The diffusion run backward: heat (u_t = D Lap u) or ou (the OU Fokker–Planck equation).")
    public var equation: Invert.Equation = .ou

    @Option(help: "naive (spectral steps until blow-up) or a regularization of THEORY §8 (default: naive).")
    public var method: InversionMethod?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "L2 norm of the white noise added to the data (0 to 1e6; default 0: round-off only).", valueName: "delta")
    )
    public var noise: Double?

    @Option(
        parsing: .unconditional, help: ArgumentHelp("Time T of the data (greater than 0, at most 100).", valueName: "T")
    )
    public var time: Double = 1

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Steps from T back to 0 (1 to 10^7; default: 100 steps before the predicted blow-up).", valueName: "K")
    )
    public var steps: Int?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Relative L2 error at which the naive inversion has blown up (greater than 0).", valueName: "r")
    )
    public var threshold: Double = 1

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Regularized methods only: K, alpha or eps (greater than 0; default: THEORY §8's a priori rule).",
            valueName: "p"
        )
    )
    public var parameter: Double?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Heat only: the diffusivity D (greater than 0; default 1).", valueName: "D"))
    public var diffusivity: Double?

    @Flag(help: "Tabulate blow-up times over cell counts and noise levels, and every method's error over noise levels.")
    public var sweep = false

    public init() {}

    public func validate() throws {
        if let noise {
            try OptionCheck.finite(noise, option: "--noise", mustBe: "from 0 to \(Self.noiseLimit.shortText)") {
                $0 >= 0 && $0 <= Self.noiseLimit
            }
        }
        try OptionCheck.finite(time, option: "--time", mustBe: "greater than 0 and at most \(Self.timeLimit.shortText)")
        {
            $0 > 0 && $0 <= Self.timeLimit
        }
        try OptionCheck.finite(threshold, option: "--threshold", mustBe: "greater than 0") { $0 > 0 }
        if let steps {
            try OptionCheck.require(
                Self.stepRange.contains(steps),
                "--steps must be from \(Self.stepRange.lowerBound) to \(Self.stepRange.upperBound); got \(steps)."
            )
        }
        if let parameter {
            try OptionCheck.require(
                (method ?? .naive) != .naive,
                "--parameter applies only to a regularized --method "
                    + "(cutoff, tikhonov, quasi-reversibility, quasi-boundary)."
            )
            try OptionCheck.finite(parameter, option: "--parameter", mustBe: "greater than 0") { $0 > 0 }
        }
        if let diffusivity {
            try OptionCheck.require(
                equation == .heat,
                "--diffusivity applies only to --equation heat; the equation is \(equation.rawValue).")
            try OptionCheck.finite(
                diffusivity, option: "--diffusivity",
                mustBe: "greater than 0 and at most \(Self.diffusivityLimit.shortText)"
            ) { $0 > 0 && $0 <= Self.diffusivityLimit }
        }
    }
}

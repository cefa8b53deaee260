import ArgumentParser
import FokkerPlanckLab

/// `--seed` and `--threads`: every subcommand has them (a command that draws no random numbers accepts the seed and
/// records it, so that scripts can pass the same options everywhere). `RunOptions` holds them with the output
/// options; `verify`, which has its own output options, declares them alone.
public struct SeedAndThreadOptions: ParsableArguments {
    /// The allowed thread counts.
    public static let threadRange = 1...64

    @Option(parsing: .unconditional, help: ArgumentHelp("Seed for random draws (0 to 2^64 - 1).", valueName: "n"))
    public var seed: UInt64 = 1

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Threads for the FFTW transforms, the particle sampler, the matrix products and the "
                + "nearest-neighbour searches (1 to 64); random draws do not depend on it.",
            valueName: "n"))
    public var threads: Int = 1

    public init() {}

    public func validate() throws {
        try OptionCheck.require(
            Self.threadRange.contains(threads),
            "--threads must be between \(Self.threadRange.lowerBound) and "
                + "\(Self.threadRange.upperBound); got \(threads)."
        )
    }

    /// The seed and the thread count as the library takes them.
    public var settings: RunSettings { RunSettings(seed: seed, threads: threads) }

    /// The values as manifest entries.
    public var json: [String: JSONValue] { settings.manifestEntries }
}

import ArgumentParser
import FokkerPlanckLab
import Foundation

/// `--seed` and `--threads`: every subcommand has them (a command that draws no random numbers accepts the seed and
/// records it, so that scripts can pass the same options everywhere). `RunOptions` holds them with the output
/// options; `verify`, which has its own output options, declares them alone.
public struct SeedAndThreadOptions: ParsableArguments {
    /// The allowed thread counts.
    public static let threadRange = 1...64

    @Option(parsing: .unconditional, help: ArgumentHelp("Seed for random draws (0 to 2^64 - 1).", valueName: "n"))
    public var seed: UInt64 = 1

    @Option(
        name: .customLong("threads"), parsing: .unconditional,
        help: ArgumentHelp(
            "Threads for the FFTW transforms, the particle sampler, the matrix products and the "
                + "nearest-neighbour searches (1 to 64; default: the cores this process may use); random draws "
                + "do not depend on it.",
            valueName: "n"))
    public var requestedThreads: Int?

    public init() {}

    /// `--threads`, or the cores this process may use (at most 64).
    ///
    /// Every default run is at least as fast on two threads as on one (whole processes at the defaults, two
    /// threads against one on 2 cores: sample 0.57, reverse 0.54, support 0.58, crosscheck 0.56, memorize 0.92,
    /// generate 0.67, train 0.51, verify --quick 0.80 of the time; forward and invert equal, since their
    /// transforms are below `FFTWPlanner.threadedTransformMinimumPoints`).
    /// On several ranks of one node each rank takes its share of the node's processors
    /// (`WorldCommunicator.ranksOnThisNode`).
    public var threads: Int { requestedThreads ?? Self.defaultThreads }

    /// The cores this process may use, and on several ranks of one node no more than processors / ranks there.
    public static var defaultThreads: Int {
        let ranks = WorldCommunicator.world.ranksOnThisNode
        guard ranks > 1 else { return availableCores }
        return min(availableCores, max(1, ProcessInfo.processInfo.processorCount / ranks))
    }

    /// The processors this process may run on (`activeProcessorCount`), within `threadRange`.
    public static var availableCores: Int {
        min(max(ProcessInfo.processInfo.activeProcessorCount, threadRange.lowerBound), threadRange.upperBound)
    }

    public func validate() throws {
        guard let requestedThreads else { return }
        try OptionCheck.require(
            Self.threadRange.contains(requestedThreads),
            "--threads must be between \(Self.threadRange.lowerBound) and "
                + "\(Self.threadRange.upperBound); got \(requestedThreads)."
        )
    }

    /// The seed and the thread count as the library takes them.
    public var settings: RunSettings { RunSettings(seed: seed, threads: threads) }
}

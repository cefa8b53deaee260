import ArgumentParser
import FokkerPlanckLab

/// `--time` and `--snapshots`: the interval [0, T] a run covers and the times it reports.
public struct TimeOptions: ParsableArguments {
    public static let timeLimit = 1000.0
    public static let snapshotRange = 1...1000

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("End time T (0 to 1000; T = 0 reports the initial density only).", valueName: "T")
    )
    public var time: Double = 1

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Report at t = 0 and at the n times j T / n, j = 1...n (1 to 1000).", valueName: "n")
    )
    public var snapshots: Int = 4

    public init() {}

    public func validate() throws {
        try OptionCheck.finite(time, option: "--time", mustBe: "from 0 to \(Self.timeLimit.shortText)") {
            $0 >= 0 && $0 <= Self.timeLimit
        }
        let range = Self.snapshotRange
        try OptionCheck.require(
            range.contains(snapshots),
            "--snapshots must be between \(range.lowerBound) and \(range.upperBound); got \(snapshots)."
        )
    }
}

import ArgumentParser
import FokkerPlanckLab

/// The options several subcommands share — `--particles`, the particles' `--steps`, the horizon `--time` and
/// `--t-min` — declared once: one range and one check each, so that every command refuses the same values with the
/// same sentence. (The grid solver's `--steps`, `SolverOptions.stepRange`, counts steps of another kind; its cost
/// check, `gridWork`, is here too, for every command that runs a grid.)
extension OptionCheck {
    /// Particles M: up to 10^8 (800 MB a coordinate for the positions alone; `WorkLimit` bounds M times the steps).
    public static let particleRange = 1...100_000_000
    /// Time steps of a particle run: up to 10^7.
    public static let particleStepRange = 1...10_000_000
    /// The largest horizon T of a particle or reverse run: at T = 1000 every model of fplab has long forgotten its
    /// start (OU's mean factor e^(-T) underflows), so larger values only cost steps.
    public static let horizonLimit = 1000.0

    /// A whole number in `range`: "--particles must be from 1 to 100000000; got 0."
    public static func count(_ value: Int, option: String, in range: ClosedRange<Int>) throws {
        try require(
            range.contains(value), "\(option) must be from \(range.lowerBound) to \(range.upperBound); got \(value).")
    }

    /// `--particles` (or `option`) within `particleRange`.
    public static func particles(_ value: Int, option: String = "--particles") throws {
        try count(value, option: option, in: particleRange)
    }

    /// A particle run's `--steps` (or `option`) within `particleStepRange`.
    public static func particleSteps(_ value: Int, option: String = "--steps") throws {
        try count(value, option: option, in: particleStepRange)
    }

    /// The horizon `--time`: greater than 0 and at most `limit` (`horizonLimit` unless the command's own study
    /// needs less).
    public static func horizon(_ time: Double, limit: Double = horizonLimit) throws {
        try finite(time, option: "--time", mustBe: "greater than 0 and at most \(limit.shortText)") {
            $0 > 0 && $0 <= limit
        }
    }

    /// `--t-min`, where a reverse run stops: greater than 0 and below the horizon `time`.
    public static func timeMinimum(_ value: Double, below time: Double) throws {
        try finite(value, option: "--t-min", mustBe: "greater than 0 and below --time (\(time.shortText))") {
            $0 > 0 && $0 < time
        }
    }

    /// Operations of a grid run: about `gridOperationsPerCellStep` per cell and step (the spectral solver's four
    /// Runge–Kutta stages, each a forward and a backward FFT of about 5 log2 N operations a cell and the
    /// pointwise flux products; the finite-volume solver's two implicit tridiagonal solves cost less).
    public static let gridOperationsPerCellStep = 100.0

    /// Refuses a grid run of `steps` steps on `cells` cells beyond `WorkLimit` (`option` names where the steps came
    /// from: "--steps" or "the suggested steps").
    public static func gridWork(cells: Int, steps: Int, option: String) throws {
        try OptionCheck.work(
            gridOperationsPerCellStep * Double(cells) * Double(steps),
            subject: "\(steps) steps (\(option)) on \(cells) cells",
            formula: "\(Int(gridOperationsPerCellStep)) × cells × steps",
            advice: "lower --steps, --points or --time"
        )
    }
}

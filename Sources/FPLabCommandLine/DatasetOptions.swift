import ArgumentParser
import FokkerPlanckLab

/// `--dataset`, `--data`, `--points`, `--training-count`, `--jitter`: the training set of the finite-data commands.
public struct DatasetOptions: ParsableArguments {
    /// The stream a drawn training set comes from under --seed ("DATA"): `fplab memorize`, `generate` and `train`
    /// draw the same points for the same dataset, count and seed, so a network is measured on the data it saw.
    public static let trainingStream: UInt64 = 0x4441_5441
    /// The most coordinates a training point may have. The finite-data studies measure memorization of
    /// low-dimensional sets (the Swiss roll is 2-D); every score evaluation and nearest-neighbour query costs
    /// N × d, and beyond 3 coordinates the neighbour search's pruning weakens toward a full scan, so a 20000-column
    /// file turned a one-second run into minutes. 1000 coordinates keep one score evaluation of the default
    /// 200 points at 2 × 10^5 operations.
    public static let dimensionLimit = 1000

    @Option(
        help: ArgumentHelp(
            "Training set: swiss-roll, moons, mixture, square, two-intervals "
                + "(drawn with --seed), digits (the 1797 8x8 handwritten digits, 64-D, in [-1, 1]), "
                + "or points (from --points or --data).",
            valueName: "name"))
    public var dataset: String?

    @Option(
        help: ArgumentHelp(
            "Training points from a file: CSV (one point a row) or .npy, shape (N, d), "
                + "d at most 1000.", valueName: "file"))
    public var data: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Training points inline: \"0,2,2.5\" (1-D) or \"0,0; 1,0.5\" (rows separated by ';').",
            valueName: "list"))
    public var points: String?

    @Option(
        name: .customLong("training-count"), parsing: .unconditional,
        help: ArgumentHelp(
            "Number of training points drawn from a named dataset (1 to 100000; default 200), or the first n "
                + "digits (1 to 1797; default all).", valueName: "n"))
    public var trainingCount: Int?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Gaussian jitter of the Swiss roll (standard deviation, at least 0).", valueName: "s"))
    public var jitter: Double = 0

    public init() {}

    /// The training set and, for a named dataset, its law (for fresh draws). Without any option: `fallback`
    /// ("points" reads `defaultPoints`).
    /// Errors name the option: an unknown dataset, a bad count, an empty, ragged or non-finite file or list.
    /// `dimensionLimit` bounds the coordinates of a `--data` file (`Self.dimensionLimit` unless the command's cost
    /// is checked otherwise, as `memorize --samples` does).
    public func trainingSet(
        fallback: String, defaultPoints: String? = nil, seed: UInt64, dimensionLimit: Int = Self.dimensionLimit
    ) throws -> (points: PointSet, law: SyntheticDataset?) {
        if let trainingCount {
            let limit = dataset == "digits" ? HandwrittenDigits.imageCount : 100_000
            try OptionCheck.require(
                (1...limit).contains(trainingCount),
                "--training-count must be from 1 to \(limit)\(dataset == "digits" ? " with --dataset digits" : ""); "
                    + "got \(trainingCount).")
        }
        try OptionCheck.finite(jitter, option: "--jitter", mustBe: "at least 0") { $0 >= 0 }
        try OptionCheck.require(data == nil || points == nil, "--data and --points: give one of them, not both.")
        let name = dataset ?? (data != nil || points != nil ? "points" : fallback)
        if name == "points" {
            if let data {
                let points: PointSet
                do { points = try PointSet.dataset(contentsOf: data) } catch let error as PointFileError {
                    throw ValidationError("--data: \(error.description)")
                }
                try OptionCheck.require(
                    points.dimension <= dimensionLimit,
                    "--data: the points are \(points.dimension)-D; "
                        + "at most \(dimensionLimit) coordinates are allowed.")
                return (points, nil)
            }
            guard let points = points ?? defaultPoints else {
                throw ValidationError("--dataset points needs --points or --data.")
            }
            do { return (try PointSet(listing: points), nil) } catch let error as PointFileError {
                throw ValidationError("--points: \(error.description)")
            }
        }
        try OptionCheck.require(
            data == nil && self.points == nil,
            "--dataset \(name) draws its points: --data and --points go with --dataset points.")
        if name == "digits" {
            return (HandwrittenDigits.trainingSet(count: trainingCount ?? HandwrittenDigits.imageCount), nil)
        }
        guard var law = SyntheticDataset.named(name) else {
            throw ValidationError(
                "--dataset must be one of "
                    + "\((SyntheticDataset.names + ["digits", "points"]).joined(separator: ", ")); got '\(name)'."
            )
        }
        if case .swissRoll = law { law = .swissRoll(SwissRoll(jitter: jitter)) }
        return (law.generate(count: trainingCount ?? 200, seed: seed, stream: Self.trainingStream), law)
    }

    /// A description for summaries and manifests.
    public func describe(fallback: String) -> String {
        if let data { return "file \(data)" }
        if let points { return "points \(points)" }
        if dataset == "digits" {
            return trainingCount.map { "digits (the first \($0) of 1797)" } ?? "digits (all 1797)"
        }
        return dataset ?? fallback
    }
}

/// `--epsilon`, `--time`, `--start`: the settings every finite-data reverse run shares.
public struct ReverseRunOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Memorization (novelty) radius ε > 0.", valueName: "ε"))
    public var epsilon: Double = 1e-3

    @Option(parsing: .unconditional, help: ArgumentHelp("Horizon T > 0 (at most 50).", valueName: "T"))
    public var time: Double = 1

    @Option(
        help: ArgumentHelp(
            "Start law: gaussian (N(0, I)) or rho-t (the data's law at T: uniform endpoint frequencies).",
            valueName: "law"))
    public var start: StartLaw = .gaussian

    public init() {}

    public func validate() throws {
        try OptionCheck.finite(epsilon, option: "--epsilon", mustBe: "greater than 0") { $0 > 0 }
        try OptionCheck.finite(time, option: "--time", mustBe: "greater than 0 and at most 50") { $0 > 0 && $0 <= 50 }
    }
}

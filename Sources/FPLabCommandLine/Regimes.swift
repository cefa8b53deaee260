import ArgumentParser
import FokkerPlanckLab
import Foundation

/// `fplab regimes`: the high-dimensional regimes of the exact finite-data dynamics (THEORY §10), speciation and
/// collapse, measured against their predictions.
public struct Regimes: ParsableCommand {
    public static let configuration = CommandConfiguration(
        abstract: "High-dimensional regimes of exact reverse diffusion: speciation and collapse times.",
        discussion: """
            With n training points in d dimensions and alpha = ln n / d, exact reverse trajectories first choose a \
            class (the speciation time t_S = ½ ln Λ, Λ the largest eigenvalue of the data covariance) and then a \
            single training point (the collapse time t_C, where the entropy of the exact law equals that of the \
            n-point mixture; Biroli, Bonnaire, de Bortoli and Mézard 2024). Both are measured here with the exact \
            score and posterior-bridge steps, which sample every reverse transition exactly.
            """,
        subcommands: [RegimesSpeciation.self, RegimesCollapse.self]
    )

    public init() {}
}

/// `fplab regimes speciation`: the cloning experiment on two Gaussian classes.
public struct RegimesSpeciation: ExperimentCommand {
    public static let configuration = CommandConfiguration(
        commandName: "speciation",
        abstract: "Clone exact reverse trajectories at t_b around t_S: the same-class probability against theory.",
        discussion: """
            Two Gaussian classes N(±m, s² I) in each of --dimensions (m = --mean on every axis, s = --class-sd; \
            Λ = s² + d m², t_S = ½ ln Λ). --pairs trajectories start from the exact law at T = t_S + max offset + 1 \
            and run down with the exact score; at each branch time t_b = t_S + τ (τ from --offsets) every \
            trajectory is cloned and both copies run on to 0 with independent noise. The table gives the fraction \
            of pairs ending in the same class with its binomial SE against φ(t_b), the same-class probability of \
            the exact dynamics (a 1-D quadrature), and a second table where the crossover lies for these and \
            larger d (φ(t_S) → 0.7752 as d → ∞). --output adds CSV, Markdown and LaTeX tables and same-class.svg.
            """)

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Dimensions d (comma-separated, 1 to 100000).", valueName: "list"))
    public var dimensions: String = "16,64,256,1024"

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Branch offsets τ = t_b − t_S (comma-separated, -10 to 10; every t_b must be positive).",
            valueName: "list"))
    public var offsets: String = "-1,-0.5,0,0.5,1"

    @Option(parsing: .unconditional, help: ArgumentHelp("Clone pairs a branch time (1 to 10000000).", valueName: "M"))
    public var pairs: Int = 2000

    @Option(
        name: .customLong("step-width"), parsing: .unconditional,
        help: ArgumentHelp("Largest reverse step (0 < h <= 10).", valueName: "h"))
    public var stepWidth: Double = 0.25

    @Option(parsing: .unconditional, help: ArgumentHelp("Class mean m on every axis (0 < m <= 100).", valueName: "m"))
    public var mean: Double = 1

    @Option(
        name: .customLong("class-sd"), parsing: .unconditional,
        help: ArgumentHelp("Standard deviation s of each class (0 < s <= 100).", valueName: "s"))
    public var classStandardDeviation: Double = 1

    @OptionGroup(title: "Run and output")
    public var runOptions: RunOptions

    public init() {}

    public func run(_ experiment: SpeciationExperiment) throws {
        let outcome = try ProgressReporter.withProgress(label: "regimes speciation") {
            try experiment.run(progress: $0)
        }
        try runOptions.deliver(
            outcome.report(includingFiles: runOptions.writesFiles), stopReason: outcome.stopReason)
    }

    public func experiment() throws -> SpeciationExperiment {
        let dimensionList = try parseCountList(dimensions, option: "--dimensions", in: 1...100_000)
        let offsetList = try parseNumberList(offsets, option: "--offsets", bound: 10)
        try OptionCheck.count(pairs, option: "--pairs", in: 1...10_000_000)
        try OptionCheck.finite(stepWidth, option: "--step-width", mustBe: "greater than 0 and at most 10") {
            $0 > 0 && $0 <= 10
        }
        try OptionCheck.finite(mean, option: "--mean", mustBe: "greater than 0 and at most 100") { $0 > 0 && $0 <= 100 }
        try OptionCheck.finite(
            classStandardDeviation, option: "--class-sd", mustBe: "greater than 0 and at most 100"
        ) { $0 > 0 && $0 <= 100 }
        let study = SpeciationStudy(
            dimensions: dimensionList, meanPerAxis: mean, classStandardDeviation: classStandardDeviation,
            branchOffsets: offsetList, pairs: pairs, stepWidth: stepWidth, seed: runOptions.seed,
            threads: runOptions.threads)
        for dimension in dimensionList {
            let speciationTime = study.data(dimension: dimension).speciationTime
            try OptionCheck.require(
                offsetList.allSatisfy { speciationTime + $0 > 0 },
                "--offsets: every branch time t_S + τ must be positive; at d = \(dimension) t_S = "
                    + "\(speciationTime.shortText), got '\(offsets)'.")
        }
        // Cost: per dimension M (T / h) trunk steps and 2 M Σ_b t_b / h clone steps (one step more a segment),
        // each a two-term posterior of d coordinates (about 20 operations a coordinate); memory: the trunk and
        // the clone pair of every branch time, M × d doubles each.
        var particleSteps = 0.0
        for dimension in dimensionList {
            let speciationTime = study.data(dimension: dimension).speciationTime
            let horizon = study.horizon(dimension: dimension)
            let branchSteps = offsetList.reduce(0.0) { $0 + ((speciationTime + $1) / stepWidth).rounded(.up) + 1 }
            particleSteps += Double(pairs) * ((horizon / stepWidth).rounded(.up) + 2 * branchSteps) * Double(dimension)
        }
        try OptionCheck.work(
            20 * particleSteps, subject: "regimes speciation with --pairs \(pairs)",
            formula: "20 × pairs × (trunk + 2 × clone steps) × d, summed over --dimensions",
            advice: "lower --pairs or --dimensions, or raise --step-width")
        let largest = Double(dimensionList.max()!)
        try OptionCheck.memory(
            OptionCheck.doubles(Double(pairs) * largest * Double(3 + 2 * offsetList.count)),
            subject: "regimes speciation with --pairs \(pairs) in \(Int(largest))-D", advice: "lower --pairs")
        return SpeciationExperiment(study: study, settings: runOptions.settings)
    }
}

/// `fplab regimes collapse`: per-trajectory collapse times against t_C.
public struct RegimesCollapse: ExperimentCommand, DistributedCommand {
    public static let configuration = CommandConfiguration(
        commandName: "collapse",
        abstract: "Per-trajectory collapse times of exact reverse diffusion against t_C.",
        discussion: """
            Training sets of n points: N(0, s² I) draws (s² = --variance) for every d of --dimensions and n = \
            round(e^(αd)) for every α of --alpha, or the n of --training-points; or, with --dataset digits, the \
            first n of the 1797 handwritten digits (64-D, in [-1, 1]); or the points of --data FILE. For each, \
            --trajectories exact empirical-score reverse runs from the law at --horizon to 0 (--steps \
            posterior-bridge steps, exact in law at every step), the posterior weights recorded at every step. \
            Two collapse times a trajectory, both in reverse time: the weight time (the largest weight first \
            exceeds ½) and the owner time (from when the training point of largest weight stays the final one). \
            Their medians with distribution-free 95 % intervals are set against t_C: the closed form for Gaussian \
            draws, the entropy balance of the sample covariance's spectrum for given data (with the isotropic \
            value of the same trace beside it), and σ_C, the finite-d spread. Marginal checks: the fraction of \
            trajectories with largest weight above ½ against fresh draws from ρ_t at a few times. --output adds \
            CSV, Markdown and LaTeX tables, the per-trajectory times and the figures collapse-times.svg and (two or \
            more α) collapse-against-alpha.svg. Cost: trajectories × steps × 2 n d, by matrix products.
            """)

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Dimensions d of the Gaussian data (comma-separated, 1 to 10000).", valueName: "list"))
    public var dimensions: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "α = ln n / d values (comma-separated, positive; n = round(e^(αd)), 2 to 1000000; default 0.15).",
            valueName: "list"))
    public var alpha: String?

    @Option(
        name: .customLong("training-points"), parsing: .unconditional,
        help: ArgumentHelp(
            "Training counts n instead of --alpha (comma-separated, 2 to 1000000; with --dataset digits at most "
                + "1797, default 1797).", valueName: "list"))
    public var trainingPoints: String?

    @Option(
        help: ArgumentHelp(
            "Training data: gaussian (N(0, s² I) draws), or digits (the 8x8 handwritten digits, 64-D).",
            valueName: "name"))
    public var dataset: String = "gaussian"

    @Option(
        help: ArgumentHelp(
            "Training points from a file (CSV, one point a row, or .npy of shape (n, d)); n of --training-points "
                + "are its first rows.", valueName: "file"))
    public var data: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Variance s² per axis of the Gaussian data (0 < s² <= 100).", valueName: "s2"))
    public var variance: Double = 1

    @Option(parsing: .unconditional, help: ArgumentHelp("Trajectories a case (1 to 1000000).", valueName: "M"))
    public var trajectories: Int = 400

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Start time T of the reverse runs (0 < T <= 20).", valueName: "T"))
    public var horizon: Double = 2

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Uniform posterior-bridge steps from T to 0 (2 to 100000).", valueName: "K"))
    public var steps: Int = 100

    @Option(
        name: .customLong("marginal-checks"), parsing: .unconditional,
        help: ArgumentHelp("Times with a marginal check a case (0 to 50).", valueName: "n"))
    public var marginalChecks: Int = 5

    @OptionGroup(title: "Run and output")
    public var runOptions: RunOptions

    public init() {}

    public func run(_ experiment: CollapseExperiment) throws {
        let world = WorldCommunicator.world
        if world.size > 1 {
            let outcome = try ProgressReporter.withProgress(label: "regimes collapse") {
                try experiment.run(on: world, progress: $0)
            }
            guard let outcome else { return }
            try runOptions.deliver(
                outcome.report(includingFiles: runOptions.writesFiles), stopReason: outcome.stopReason)
            return
        }
        let outcome = try ProgressReporter.withProgress(label: "regimes collapse") { try experiment.run(progress: $0) }
        try runOptions.deliver(
            outcome.report(includingFiles: runOptions.writesFiles), stopReason: outcome.stopReason)
    }

    public func experiment() throws -> CollapseExperiment {
        try OptionCheck.count(trajectories, option: "--trajectories", in: 1...1_000_000)
        try OptionCheck.count(steps, option: "--steps", in: 2...100_000)
        try OptionCheck.count(marginalChecks, option: "--marginal-checks", in: 0...50)
        try OptionCheck.finite(horizon, option: "--horizon", mustBe: "greater than 0 and at most 20") {
            $0 > 0 && $0 <= 20
        }
        try OptionCheck.finite(variance, option: "--variance", mustBe: "greater than 0 and at most 100") {
            $0 > 0 && $0 <= 100
        }
        try OptionCheck.require(
            ["gaussian", "digits"].contains(dataset), "--dataset must be gaussian or digits; got '\(dataset)'.")
        try OptionCheck.require(
            alpha == nil || trainingPoints == nil, "--alpha and --training-points: give one of them, not both.")
        try OptionCheck.require(
            data == nil || dataset == "gaussian", "--data and --dataset \(dataset): give one of them, not both.")
        let given: PointSet?
        let description: String
        if let data {
            do { given = try PointSet.dataset(contentsOf: data) } catch let error as PointFileError {
                throw ValidationError("--data: \(error.description)")
            }
            description = "file \(data)"
        } else if dataset == "digits" {
            given = HandwrittenDigits.trainingSet()
            description = "the 8x8 handwritten digits (x = pixel / 8 − 1)"
        } else {
            given = nil
            description = "N(0, \(variance.shortText) I) draws"
        }
        var cases: [CollapseStudy.Case] = []
        if let given {
            try OptionCheck.require(
                dimensions == nil, "--dimensions goes with Gaussian data; --data and --dataset digits fix d.")
            try OptionCheck.require(
                given.count >= 2, "--data: the collapse study needs at least two training points; got \(given.count).")
            let origin = data == nil ? "--dataset digits" : "--data"
            var counts = [given.count]
            if let trainingPoints {
                counts = try parseCountList(trainingPoints, option: "--training-points", in: 2...given.count)
            } else if let alpha {
                counts = try parsePositiveList(alpha, option: "--alpha").map { value in
                    guard let count = CollapsePrediction.trainingCount(alpha: value, dimension: given.dimension),
                        count <= given.count
                    else {
                        throw ValidationError(
                            "--alpha: α = \(value.shortText) in \(given.dimension)-D needs more than the "
                                + "\(given.count) points of \(origin).")
                    }
                    return count
                }
            }
            cases = counts.map { CollapseStudy.Case(dimension: given.dimension, trainingCount: $0) }
        } else {
            let dimensionList = try parseCountList(dimensions ?? "24,40,64", option: "--dimensions", in: 1...10_000)
            if let trainingPoints {
                let counts = try parseCountList(trainingPoints, option: "--training-points", in: 2...1_000_000)
                cases = dimensionList.flatMap { d in counts.map { CollapseStudy.Case(dimension: d, trainingCount: $0) }
                }
            } else {
                let alphas = try parsePositiveList(alpha ?? "0.15", option: "--alpha")
                for value in alphas {
                    for dimension in dimensionList {
                        guard let count = CollapsePrediction.trainingCount(alpha: value, dimension: dimension),
                            count <= 1_000_000
                        else {
                            throw ValidationError(
                                "--alpha: α = \(value.shortText) in \(dimension)-D needs n = e^(αd) above 1000000 "
                                    + "training points; lower --alpha or --dimensions.")
                        }
                        cases.append(CollapseStudy.Case(dimension: dimension, trainingCount: count))
                    }
                }
            }
        }
        // Cost: every case runs M × K steps of the posterior over n points in d (2 n d flops of matrix product and
        // n exponentials, about 2 n d + 20 n operations) and M n d a marginal check; memory: the training set
        // (n d), the record (M K draws of 3 words), a block of 64 × n weights per thread, the particles (M d).
        let operations = cases.reduce(0.0) { total, studyCase in
            let (n, d) = (Double(studyCase.trainingCount), Double(studyCase.dimension))
            return total + Double(trajectories) * (Double(steps) + Double(marginalChecks)) * (2 * n * d + 20 * n)
        }
        try OptionCheck.work(
            operations, subject: "regimes collapse with --trajectories \(trajectories) and --steps \(steps)",
            formula: "trajectories × (steps + marginal checks) × (2 n d + 20 n), summed over the cases",
            advice: "lower --trajectories, --steps, --alpha or --training-points")
        let largest = cases.map { Double($0.trainingCount) * Double($0.dimension + 64 * runOptions.threads) }.max()!
        let widest = Double(cases.map(\.dimension).max()!)
        try OptionCheck.memory(
            OptionCheck.doubles(largest + 3 * Double(trajectories) * Double(steps) + 4 * Double(trajectories) * widest),
            subject: "regimes collapse with --trajectories \(trajectories) and --steps \(steps)",
            advice: "lower --trajectories, --steps or the training count")
        var study = CollapseStudy(
            cases: cases, dataVariance: variance, trajectories: trajectories, horizon: horizon, steps: steps,
            marginalCheckCount: marginalChecks, seed: runOptions.seed, threads: runOptions.threads)
        study.data = given
        return CollapseExperiment(study: study, dataDescription: description, settings: runOptions.settings)
    }
}

import ArgumentParser
import FokkerPlanckLab
import Foundation

/// `fplab crosscheck`: the grid density against particle histograms of the same SDE, forward and reverse, at
/// several times and particle counts, with the sampling level every discrepancy should sit at.
public struct Crosscheck: ExperimentCommand {
    public static let configuration = CommandConfiguration(
        commandName: "crosscheck",
        abstract: "Compare the grid density with particle histograms of the same SDE, forward and reverse.",
        discussion: """
            Forward: the Fokker–Planck solution from --mixture against particles from the same mixture moved by \
            the same SDE (exact steps by default). Reverse: the score-guided reverse Fokker–Planck equation from \
            the exact law at --time, with the exact mixture score, against reverse-SDE particles (Euler–Maruyama, \
            --steps steps spaced geometrically down to --t-min). The particles are binned on the solver's cells; \
            both sides are compared as cell masses (spectral values, which are cell-centre values, are corrected \
            to cell averages: O(h^4)), with one more bin for particles outside the box. Each row gives the total \
            variation next to its expected level for a multinomial histogram of M particles and its standard \
            error (agreement: within 4 SE), Hellinger, KL with a floor, W1 (sliced in 2-D), Kolmogorov–Smirnov \
            (1-D) and chi-square with p-values. The particle counts are nested prefixes of one run. Per \
            direction, the decay exponent of the TV in M is fitted on log-log axes (theory: -1/2). Same --seed, \
            same numbers, whatever --threads.
            """
    )

    public enum Direction: String, ExpressibleByArgument, CaseIterable, Sendable { case forward, reverse, both }

    @Option(help: "forward, reverse or both.")
    public var direction: Direction = .both

    @OptionGroup(title: "Model")
    public var modelOptions: ModelOptions

    @OptionGroup(title: "Data and grid")
    public var mixtureOptions: MixtureOptions

    @OptionGroup(title: "Data and grid")
    public var gridOptions: GridOptions

    @Option(help: "Grid solver: spectral (periodic box) or finite-volume (no-flux walls).")
    public var solver: GridSolverName = .spectral

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "The horizon T > 0: the reverse runs start from the law at T (at most 1000).", valueName: "T"))
    public var time: Double = 1

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Comparison times in (0, T], comma-separated (default: T/4, T/2, 3T/4, T; "
                + "reverse: those at or above --t-min and below T, and --t-min).",
            valueName: "list"))
    public var times: String?

    @Option(
        name: .customLong("t-min"), parsing: .unconditional,
        help: ArgumentHelp("Reverse: the last time, 0 < t-min < T.", valueName: "t"))
    public var timeMinimum: Double = 0.05

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Particle counts M, comma-separated, each from 1 to 10^8.", valueName: "list"))
    public var particles: String = "1000,10000,100000"

    @Option(
        help: ArgumentHelp(
            "Forward particle steps: exact (in law, one step per interval) or euler-maruyama.", valueName: "name"))
    public var integrator: ParticleIntegrator = .exact

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Euler–Maruyama steps (reverse: from T to t-min; "
                + "forward with --integrator euler-maruyama: from 0 to the last time).",
            valueName: "K"))
    public var steps: Int = 1000

    @Option(
        name: .customLong("grid-steps"), parsing: .unconditional,
        help: ArgumentHelp(
            "Grid time steps (default: the solver's suggestion forward; at least 400, geometric in t, reverse).",
            valueName: "K"))
    public var gridSteps: Int?

    @OptionGroup(title: "Run and output")
    public var runOptions: RunOptions

    public init() {}

    public func run(_ experiment: CrosscheckExperiment) throws {
        let outcome = try ProgressReporter.withProgress(label: "crosscheck") { try experiment.run(progress: $0) }
        try runOptions.deliver(outcome.report, stopReason: outcome.stopReason)
    }

    /// The comma-separated numbers of `text`, or nil when one does not parse.
    static func numbers<Value: LosslessStringConvertible>(_ text: String) -> [Value]? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        let values = parts.compactMap { Value($0) }
        return values.count == parts.count && !values.isEmpty ? values : nil
    }

    /// The study these options describe, every default resolved and every option checked.
    public func experiment() throws -> CrosscheckExperiment {
        try OptionCheck.horizon(time)
        let counts: [Int] = try {
            guard let counts: [Int] = Self.numbers(particles) else {
                throw ValidationError(
                    "--particles must be a comma-separated list of whole numbers from 1 to 10^8; got '\(particles)'.")
            }
            return counts
        }()
        if let bad = counts.first(where: { !OptionCheck.particleRange.contains($0) }) {
            throw ValidationError(
                "--particles: every count must be from 1 to \(OptionCheck.particleRange.upperBound); got \(bad).")
        }
        let comparisonTimes: [Double]
        if let times {
            guard let parsed: [Double] = Self.numbers(times) else {
                throw ValidationError(
                    "--times must be a comma-separated list of numbers in (0, --time]; got '\(times)'.")
            }
            comparisonTimes = parsed
        } else {
            comparisonTimes = [0.25, 0.5, 0.75, 1].map { $0 * time }
        }
        if let bad = comparisonTimes.first(where: { !($0.isFinite && $0 > 0 && $0 <= time) }) {
            throw ValidationError("--times must lie in (0, --time] = (0, \(time.shortText)]; got \(bad).")
        }
        try OptionCheck.timeMinimum(timeMinimum, below: time)
        try OptionCheck.particleSteps(steps)
        if let gridSteps { try OptionCheck.count(gridSteps, option: "--grid-steps", in: SolverOptions.stepRange) }
        try OptionCheck.require(
            [.exact, .eulerMaruyama].contains(integrator),
            "--integrator \(integrator.rawValue) is not a forward integrator: use exact or euler-maruyama.")
        let process = modelOptions.process
        try modelOptions.checkVariance(until: time)
        let mixture = try mixtureOptions.gaussianMixture(dimension: gridOptions.dimension)
        try OptionCheck.require(
            mixture.dimension == gridOptions.dimension,
            "--dimension \(gridOptions.dimension) does not match the \(mixture.dimension)-D --mixture.")
        var check = GridParticleCrossCheck(
            mixture: mixture, model: process, grid: gridOptions.grid(boundary: solver.boundary),
            method: solver.defaultMethod,
            horizon: time, times: comparisonTimes, minimumTime: timeMinimum, particleCounts: counts)
        check.forwardIntegrator = integrator
        check.forwardSteps = steps
        check.reverseSteps = steps
        check.gridSteps = gridSteps
        check.seed = runOptions.seed
        check.threads = runOptions.threads
        do { try check.validate() } catch let error as CrossCheckError { throw ValidationError(error.description) }
        // Cost of the particle runs: every count of --particles, through --steps steps in each direction, each
        // step a mixture score of components × d^2 terms (20 operations a term).
        let directionCount: Double = direction == .both ? 2 : 1
        let totalParticles = Double(counts.reduce(0, +))
        let stepCount = Double(steps + comparisonTimes.count)
        let terms = Double(mixture.components.count * mixture.dimension * mixture.dimension)
        let operations: Double = 20 * directionCount * totalParticles * stepCount * terms
        try OptionCheck.work(
            operations,
            subject: "crosscheck with --particles \(particles) and --steps \(steps)",
            formula: "20 × directions × total particles × steps × components × dimension²",
            advice: "lower --particles or --steps"
        )
        let directions: [CrossCheckDirection] =
            direction == .both ? [.forward, .reverse] : [direction == .forward ? .forward : .reverse]
        return CrosscheckExperiment(
            check: check, directions: directions,
            mixtureSpecification: mixtureOptions.specification(dimension: gridOptions.dimension))
    }
}

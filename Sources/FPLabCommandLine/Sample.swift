import ArgumentParser
import FokkerPlanckLab
import Foundation

/// `fplab sample`: particles through the forward SDE, the reverse-time SDE or the probability-flow ODE, from the
/// shared sampler core (THEORY §2–3, §5, §7), with moments and an optional histogram on the solver's grid.
public struct Sample: ExperimentCommand {
    public static let configuration = CommandConfiguration(
        abstract: "Run particles through the forward SDE, the reverse SDE or the probability-flow ODE.",
        discussion: """
            Forward: particles start from --mixture (or at the points of --data) and follow the model's SDE to \
            --time. Reverse: particles start from the exact law at --time (or from N(0, I) with --start gamma) and \
            follow the reverse-time SDE (or, with --probability-flow, the ODE) down to --t-min, guided by the score \
            chosen with --score; ddpm and ddim take a last step to t = 0. The table gives each coordinate's mean \
            and variance with standard errors next to the target law's. Same --seed, same numbers, whatever \
            --threads.
            """
    )

    /// Training points drawn for --score empirical: the score sums over all of them at every particle step, so
    /// 10^7 points already cost 10^7 × d operations per particle step; the run's total is bounded by `WorkLimit`.
    public static let trainingPointRange = 1...10_000_000
    /// Coordinates of --data points: forward sampling without a histogram takes any dimension up to this (a
    /// point per row of a CSV with up to 10^4 columns); the memory and the work bound the rest.
    public static let dataDimensionLimit = 10_000

    @Option(help: "forward or reverse.")
    public var direction: SampleDirection = .reverse

    @OptionGroup(title: "Model")
    public var modelOptions: ModelOptions

    @OptionGroup(title: "Data")
    public var mixtureOptions: MixtureOptions

    @Option(
        help: ArgumentHelp(
            "Training points instead of a mixture: CSV (one point a row) or .npy, shape (N, d).", valueName: "file"))
    public var data: String?

    @Option(
        name: .customLong("training-points"), parsing: .unconditional,
        help: ArgumentHelp(
            "With --score empirical and a mixture: draw this many training points from it "
                + "(1 to 10^7; default 200).", valueName: "n"))
    public var trainingPoints: Int = 200

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Kernel bandwidth of the empirical score (0 to 1e6; 0: the exact finite-data score).",
            valueName: "b"))
    public var bandwidth: Double = 0

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Number of particles M (1 to 10^8; with --steps, within the cap of 10^13 operations).",
            valueName: "M"))
    public var particles: Int = 10_000

    @Option(
        help: ArgumentHelp(
            "euler-maruyama, exact (forward linear models), heun or rk4 (probability flow), ddpm, ddim, "
                + "exponential (reverse SDE: the linear part exact, the score frozen over each step) (default: "
                + "exact forward, euler-maruyama reverse, rk4 with --probability-flow).",
            valueName: "name"))
    public var integrator: ParticleIntegrator?

    @Flag(name: .customLong("probability-flow"), help: "Reverse with the probability-flow ODE instead of the SDE.")
    public var probabilityFlow = false

    @Option(parsing: .unconditional, help: ArgumentHelp("Number of time steps K (1 to 10^7).", valueName: "K"))
    public var steps: Int = 500

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "The horizon T, greater than 0 and at most 1000 (forward: the end time; reverse: "
                + "the start).", valueName: "T"))
    public var time: Double = 1

    @Option(
        name: .customLong("t-min"), parsing: .unconditional,
        help: ArgumentHelp(
            "Reverse: the last time, 0 < t-min < T (default 1e-3; ddpm and ddim go on to 0).", valueName: "t"))
    public var timeMinimum: Double = 1e-3

    @Option(
        help: ArgumentHelp(
            "Reverse time grid: uniform, geometric, ddpm (the DDPM chain's linear beta), edm (Karras rho = 7) or "
                + "log-snr (uniform log signal-to-noise), all between T and t-min (default: geometric).",
            valueName: "name"))
    public var schedule: StepSchedule?

    @Option(
        help: ArgumentHelp(
            "Reverse score: exact (mixture oracle), empirical (finite data), grid (from a forward spectral solve).",
            valueName: "kind"))
    public var score: SampleScoreKind?

    @Option(help: ArgumentHelp("Reverse start law: exact (the law at T) or gamma (N(0, I)).", valueName: "law"))
    public var start: SampleStartLaw = .exact

    @Flag(help: "Bin the particles on the grid of --points/--half-width (and report it in JSON and histogram.csv).")
    public var histogram = false

    @OptionGroup(title: "Grid (histograms and the grid score)")
    public var gridOptions: GridOptions

    @OptionGroup(title: "Run and output")
    public var runOptions: RunOptions

    public init() {}

    public func run(_ experiment: SampleExperiment) throws {
        let outcome: SampleOutcome
        do { outcome = try experiment.run() } catch let error as SamplerError {
            throw ValidationError("--integrator \(experiment.integrator.rawValue): \(error.description)")
        }
        try runOptions.deliver(
            outcome.report(includingFiles: runOptions.writesFiles),
            stopReason: outcome.result.status == .completed ? nil : "\(outcome.result.status)")
    }

    /// The run these options describe, every default resolved and every option checked.
    public func experiment() throws -> SampleExperiment {
        try gridOptions.requirePlanar("sample")
        try OptionCheck.particles(particles)
        try OptionCheck.particleSteps(steps)
        try OptionCheck.horizon(time)
        try OptionCheck.timeMinimum(timeMinimum, below: time)
        try OptionCheck.finite(bandwidth, option: "--bandwidth", mustBe: "from 0 to 1e+06") { $0 >= 0 && $0 <= 1e6 }
        try OptionCheck.require(
            Self.trainingPointRange.contains(trainingPoints),
            "--training-points must be from 1 to \(Self.trainingPointRange.upperBound); "
                + "got \(trainingPoints).")
        try OptionCheck.require(
            data == nil || mixtureOptions.mixture == nil, "--data and --mixture: give one of them, not both.")

        let process = modelOptions.process
        try modelOptions.checkVariance(until: time)
        let training: PointSet?
        if let data {
            do { training = try PointSet(contentsOf: data) } catch let error as PointFileError {
                throw ValidationError("--data: \(error.description)")
            }
            try OptionCheck.require(
                (1...3).contains(training!.dimension) || direction == .forward && !histogram,
                "--data: the points are \(training!.dimension)-D; histograms and "
                    + "reverse sampling need 1 to 3 coordinates."
            )
        } else {
            training = nil
        }
        let dimension = training?.dimension ?? gridOptions.dimension
        try OptionCheck.require(
            dimension <= Self.dataDimensionLimit,
            "--data: the points are \(dimension)-D; "
                + "sampling takes at most \(Self.dataDimensionLimit) coordinates.")
        try OptionCheck.require(
            training == nil || !histogram || training!.dimension == gridOptions.dimension,
            "--dimension \(gridOptions.dimension) does not match the \(dimension)-D points of --data.")
        let mixture = training == nil ? try mixtureOptions.gaussianMixture(dimension: dimension) : nil
        let experiment = SampleExperiment(
            direction: direction, process: process, mixture: mixture,
            mixtureSpecification: mixture == nil ? nil : mixtureOptions.specification(dimension: dimension),
            training: training, dataPath: data, dimension: dimension, scoreKind: score, integrator: integrator,
            schedule: schedule, start: start, usesProbabilityFlow: probabilityFlow, particleCount: particles,
            stepCount: steps, horizon: time, minimumTime: timeMinimum, bandwidth: bandwidth,
            trainingPointCount: trainingPoints, grid: gridOptions.grid(boundary: .periodic),
            recordsHistogram: histogram, settings: runOptions.settings)

        let (resolvedScore, resolvedIntegrator) = (experiment.scoreKind, experiment.integrator)
        if direction == .forward {
            try OptionCheck.require(!probabilityFlow, "--probability-flow applies to --direction reverse only.")
            try OptionCheck.require(score == nil, "--score applies to --direction reverse only.")
            try OptionCheck.require(
                [.eulerMaruyama, .exact].contains(resolvedIntegrator),
                "--integrator \(resolvedIntegrator.rawValue) is not a forward integrator: use euler-maruyama or exact.")
            try OptionCheck.require(
                experiment.schedule == .uniform, "--schedule: forward sampling uses uniform steps.")
        } else {
            try OptionCheck.require(resolvedIntegrator != .exact, "--integrator exact is for --direction forward.")
            try OptionCheck.require(
                resolvedScore != .exact || mixture != nil,
                "--score exact needs a --mixture (the oracle); use --score empirical with --data.")
            try OptionCheck.require(
                resolvedScore != .grid || mixture != nil, "--score grid needs a --mixture to solve forward on the grid."
            )
            try OptionCheck.require(resolvedScore != .grid || dimension <= 2, "--score grid works in 1-D and 2-D.")
        }
        try Self.checkCost(of: experiment)
        return experiment
    }

    /// Refuses a run that would not fit in memory or would run for hours (`SampleExperiment.estimatedBytes` and
    /// `.estimatedOperations`: about 20 × particles × steps × dimension × score terms).
    static func checkCost(of experiment: SampleExperiment) throws {
        let (particles, steps, dimension) = (experiment.particleCount, experiment.stepCount, experiment.dimension)
        try OptionCheck.memory(
            experiment.estimatedBytes,
            subject: "--particles \(particles) in \(dimension)-D with "
                + "\(experiment.heldTrainingPointCount) training points",
            advice: "lower --particles or use fewer or lower-dimensional --data points")
        try OptionCheck.work(
            experiment.estimatedOperations,
            subject: "sample with --particles \(particles) and --steps \(steps)",
            formula: "20 × particles × steps × dimension × score terms (\(Int(experiment.scoreTermsPerStep)))",
            advice: "lower --particles, --steps or --training-points")
    }
}

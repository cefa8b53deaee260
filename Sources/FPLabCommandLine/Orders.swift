import ArgumentParser
import FokkerPlanckLab
import Foundation

/// `fplab orders`: every reverse sampler's discretization error against step count and schedule, with an exact
/// score, and its measured order against the declared one.
public struct Orders: ExperimentCommand {
    public static let configuration = CommandConfiguration(
        commandName: "orders",
        abstract: "Measure each reverse sampler's discretization error and order with an exact score.",
        discussion: """
            Each sampler of --samplers runs from the exact law at --time down to --t-min under each step spacing of \
            --schedules and each step count of --steps, guided by the exact score of the --mixture, and is \
            compared with the exact law at --t-min by the Cramér distance (∫(F_K − F)² dx)^½. In 1-D the \
            deterministic samplers (ddim, heun, rk4) carry --quantiles start quantiles, so their distances (and \
            W1, W2) have no sampling error; the stochastic ones (euler-maruyama, ddpm, pc, exponential) run \
            --particles particles and the sampling bias is removed, with a standard error from --batches batches. \
            With --dimension 2 every sampler runs --particles particles and the distance is the sliced one, over \
            --slices directions, each slice against the exact projected mixture. The table gives each sampler's \
            measured order p (distance ∝ K^−p, fitted over the resolved step counts) next to its declared one. pc \
            is Euler–Maruyama with score_sde's Langevin corrector (--snr, --corrector-steps); exponential solves \
            the reverse SDE's linear part exactly with the score frozen over each step. --output adds errors and \
            orders tables as CSV, Markdown and LaTeX and errors-<sampler>.svg (log–log, the declared slope dashed).
            """)

    @OptionGroup(title: "Model")
    public var modelOptions: ModelOptions

    @OptionGroup(title: "Data")
    public var mixtureOptions: MixtureOptions

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Samplers (comma-separated): \(ReverseSampler.allCases.map(\.rawValue).joined(separator: ", ")).",
            valueName: "list"))
    public var samplers: String = ReverseSampler.allCases.map(\.rawValue).joined(separator: ",")

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Step spacings (comma-separated): uniform, geometric, ddpm (the DDPM chain's linear beta), edm (Karras "
                + "rho = 7), log-snr (uniform log signal-to-noise).",
            valueName: "list"))
    public var schedules: String = StepSchedule.allCases.map(\.rawValue).joined(separator: ",")

    @Option(
        parsing: .unconditional, help: ArgumentHelp("Step counts K (comma-separated, 1 to 100000).", valueName: "list"))
    public var steps: String = "8,16,32,64,128,256"

    @Option(
        name: .customLong("time"), parsing: .unconditional,
        help: ArgumentHelp("The horizon T the samplers start from (t-min < T <= 100).", valueName: "T"))
    public var horizon: Double = 1

    @Option(
        name: .customLong("t-min"), parsing: .unconditional,
        help: ArgumentHelp("The last time, where the laws are compared (1e-6 to T).", valueName: "t"))
    public var minimumTime: Double = 1e-3

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Particles of each stochastic run (100 to 10^8, a multiple of --batches).", valueName: "N"))
    public var particles: Int = 200_000

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Start quantiles of each deterministic run (2 to 10^7).", valueName: "M"))
    public var quantiles: Int = 2000

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Batches of a stochastic run's standard error (2 to 1000).", valueName: "B"))
    public var batches: Int = 20

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Space dimension, 1 or 2 (2: every sampler from --particles draws, the sliced distance over --slices "
                + "directions).", valueName: "d"))
    public var dimension: Int = 1

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("2-D: directions of the sliced Cramér distance (2 to 256).", valueName: "L"))
    public var slices: Int = 16

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("pc: the corrector's target signal-to-noise ratio r (0 < r <= 10).", valueName: "r"))
    public var snr: Double = 0.16

    @Option(
        name: .customLong("corrector-steps"), parsing: .unconditional,
        help: ArgumentHelp("pc: Langevin updates after each predictor step (1 to 100).", valueName: "C"))
    public var correctorSteps: Int = 1

    @OptionGroup(title: "Run and output")
    public var runOptions: RunOptions

    public init() {}

    public func run(_ experiment: OrdersExperiment) throws {
        let outcome = try ProgressReporter.withProgress(label: "orders") { try experiment.run(progress: $0) }
        try runOptions.deliver(
            outcome.report(includingFiles: runOptions.writesFiles), stopReason: outcome.stopReason)
    }

    public func experiment() throws -> OrdersExperiment {
        let samplerList: [ReverseSampler] = try parseNameList(samplers, option: "--samplers")
        let scheduleList: [StepSchedule] = try parseNameList(schedules, option: "--schedules")
        let stepList = try parseCountList(steps, option: "--steps", in: 1...100_000)
        try OptionCheck.finite(horizon, option: "--time", mustBe: "greater than 0 and at most 100") {
            $0 > 0 && $0 <= 100
        }
        try OptionCheck.finite(minimumTime, option: "--t-min", mustBe: "from 1e-6 to below --time (\(horizon))") {
            $0 >= 1e-6 && $0 < horizon
        }
        try OptionCheck.count(batches, option: "--batches", in: 2...1000)
        try OptionCheck.count(particles, option: "--particles", in: 100...100_000_000)
        try OptionCheck.require(
            particles % batches == 0 && particles / batches >= 2,
            "--particles must be a multiple of --batches (\(batches)) with at least 2 a batch; got \(particles).")
        try OptionCheck.count(quantiles, option: "--quantiles", in: 2...10_000_000)
        try OptionCheck.finite(snr, option: "--snr", mustBe: "greater than 0 and at most 10") { $0 > 0 && $0 <= 10 }
        try OptionCheck.count(correctorSteps, option: "--corrector-steps", in: 1...100)
        try modelOptions.checkVariance(until: horizon)
        try OptionCheck.count(dimension, option: "--dimension", in: 1...2)
        try OptionCheck.count(slices, option: "--slices", in: 2...256)
        let mixture = try mixtureOptions.gaussianMixture(dimension: dimension)
        let study = SamplerOrderStudy(
            mixture: mixture, model: modelOptions.process, horizon: horizon, finalTime: minimumTime,
            samplers: samplerList, schedules: scheduleList, stepCounts: stepList, particleCount: particles,
            quantileCount: quantiles, batchCount: batches,
            corrector: LangevinCorrector(steps: correctorSteps, signalToNoise: snr), sliceCount: slices,
            seed: runOptions.seed,
            threads: runOptions.threads)
        // Cost: about 20 operations a mixture component per score evaluation (`SamplerOrderStudy.particleSteps`
        // counts them); memory: the particles and three work copies.
        let components = Double(mixture.components.count)
        try OptionCheck.work(
            20 * components * study.particleSteps, subject: "orders",
            formula: "20 × components × score evaluations of every run's particles",
            advice: "lower --particles, --quantiles or --steps, or give fewer --samplers or --schedules")
        try OptionCheck.memory(
            OptionCheck.doubles(6 * Double(max(particles * dimension, quantiles))),
            subject: "orders with --particles \(particles)",
            advice: "lower --particles")
        return OrdersExperiment(
            study: study, mixtureSpecification: mixtureOptions.specification(dimension: dimension),
            settings: runOptions.settings)
    }
}

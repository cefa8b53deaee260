import ArgumentParser
import FokkerPlanckLab
import Foundation

/// `fplab likelihood`: log rho_0 by the probability-flow ODE against the exact log-density of a Gaussian mixture,
/// its bias against steps and tolerance, Hutchinson's variance against probes, and bits per dimension.
public struct Likelihood: ExperimentCommand {
    public static let configuration = CommandConfiguration(
        commandName: "likelihood",
        abstract: "Check the probability-flow likelihood (log-density, bits/dim) against the exact mixture's.",
        discussion: """
            --points points are drawn from the --mixture and their log-density log ρ_0(x) = log p_T(x_T) + ∫_0^T \
            div F dt is integrated along the probability flow dx/dt = F = f − ½ g² ∇log ρ_t with the mixture's \
            exact score, to --time T, starting from the prior p_T (--prior exact: ρ_T itself, so the only error is \
            the integrator's; standard-normal: N(0, I), what a trained model uses). The routes: RK4 with the exact \
            divergence (the score's Laplacian) at each --steps count, Dormand–Prince (score_sde's default is 1e-5) \
            at each --tolerances value, and Hutchinson's estimator with each --probes count of each \
            --probe-distributions on the largest --steps. The table gives each route's error against the exact \
            log-density (mean ± SE, largest) and, for Hutchinson's, its difference from the exact divergence on \
            the same steps, whose variance falls as 1/K. --bits b rounds the points to the grid of 2^−b and \
            adds bits per dimension at those atoms and uniformly dequantized: a density above 2^(b d) at an atom \
            gives negative bits, dequantized bits cannot be (try --dimension 1 --mixture \
            '0.5:0.25:0.002;0.5:0.75:0.002' --bits 3). --output adds the tables as CSV, Markdown and LaTeX and \
            bias-steps.svg, bias-tolerance.svg and variance-probes.svg.
            """)

    @OptionGroup(title: "Model")
    public var modelOptions: ModelOptions

    @OptionGroup(title: "Data")
    public var mixtureOptions: MixtureOptions

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Space dimension of the mixture (1 to 8; default: 2).", valueName: "d"))
    public var dimension: Int = 2

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Points drawn from the mixture (2 to 10^6).", valueName: "n"))
    public var points: Int = 200

    @Option(
        name: .customLong("time"), parsing: .unconditional,
        help: ArgumentHelp("The horizon T where the prior sits (0 < T <= 100).", valueName: "T"))
    public var horizon: Double = 1

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "The law at T: exact (ρ_T, no prior error) or standard-normal (N(0, I)).", valueName: "law"))
    public var prior: LikelihoodPrior = .exact

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("RK4 step counts (comma-separated, 1 to 100000).", valueName: "list"))
    public var steps: String = "8,16,32,64,128,256"

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "RK4 step spacing: uniform, geometric, ddpm, edm or log-snr (default: uniform).", valueName: "name"))
    public var schedule: StepSchedule = .uniform

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Dormand–Prince tolerances rtol = atol (comma-separated, 1e-12 to 0.1; none: skip).", valueName: "list"))
    public var tolerances: String = "1e-3,1e-4,1e-5,1e-6,1e-7"

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Hutchinson probe counts K (comma-separated, 1 to 1000; none: skip).", valueName: "list"))
    public var probes: String = "1,2,4,8,16"

    @Option(
        name: .customLong("probe-distributions"), parsing: .unconditional,
        help: ArgumentHelp("Hutchinson probes (comma-separated): rademacher, gaussian.", valueName: "list"))
    public var probeDistributions: String = "rademacher,gaussian"

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Quantization bits b a dimension (1 to 16): adds bits per dimension at the atoms and dequantized.",
            valueName: "b"))
    public var bits: Int?

    @Option(
        name: .customLong("dequantization-draws"), parsing: .unconditional,
        help: ArgumentHelp("--bits: draws of u ~ U[0, 2^−b)^d an atom (2 to 10^5).", valueName: "n"))
    public var dequantizationDraws: Int = 100

    @OptionGroup(title: "Run and output")
    public var runOptions: RunOptions

    public init() {}

    public func run(_ experiment: LikelihoodExperiment) throws {
        let outcome = try ProgressReporter.withProgress(label: "likelihood") { try experiment.run(progress: $0) }
        try runOptions.deliver(
            outcome.report(includingFiles: runOptions.writesFiles), stopReason: outcome.stopReason)
    }

    public func experiment() throws -> LikelihoodExperiment {
        try OptionCheck.count(dimension, option: "--dimension", in: 1...8)
        try OptionCheck.count(points, option: "--points", in: 2...1_000_000)
        try OptionCheck.finite(horizon, option: "--time", mustBe: "greater than 0 and at most 100") {
            $0 > 0 && $0 <= 100
        }
        let stepList = try parseCountList(steps, option: "--steps", in: 1...100_000, distinct: true)
        let toleranceList: [Double] =
            tolerances == "none"
            ? []
            : try parseList(
                tolerances, option: "--tolerances", expected: "distinct numbers from 1e-12 to 0.1 (or none)",
                distinct: true
            ) { entry in StrictNumber.double(entry).flatMap { (1e-12...0.1).contains($0) ? $0 : nil } }
        let probeList =
            probes == "none" ? [] : try parseCountList(probes, option: "--probes", in: 1...1000, distinct: true)
        let distributionList: [ProbeDistribution] = try parseNameList(
            probeDistributions, option: "--probe-distributions")
        if let bits { try OptionCheck.count(bits, option: "--bits", in: 1...16) }
        try OptionCheck.count(dequantizationDraws, option: "--dequantization-draws", in: 2...100_000)
        try modelOptions.checkVariance(until: horizon)
        try OptionCheck.require(
            prior == .exact || modelOptions.process.stationaryDistribution(dimension: dimension) != nil,
            "--prior standard-normal needs a model whose law tends to N(0, I) (ou, vp, sub-vp, cosine, a beta "
                + "table); --model "
                + "\(modelOptions.model.rawValue) has none: use --prior exact.")
        try OptionCheck.require(
            dimension <= 3 || mixtureOptions.mixture != nil,
            "--mixture is needed for --dimension \(dimension) (the defaults are 1-D, 2-D and 3-D).")
        let mixture = try mixtureOptions.gaussianMixture(dimension: dimension)
        let experiment = LikelihoodExperiment(
            dataLaw: mixture, mixtureSpecification: mixtureOptions.specification(dimension: dimension),
            model: modelOptions.process, pointCount: points, horizon: horizon, prior: prior, stepCounts: stepList,
            schedule: schedule, tolerances: toleranceList, probeCounts: probeList,
            probeDistributions: distributionList, bits: bits, dequantizationDraws: dequantizationDraws,
            settings: runOptions.settings)
        try OptionCheck.work(
            experiment.fixedStepWork + Double(points * dequantizationDraws) * 20 * Double(mixture.components.count)
                * Double(dimension * dimension),
            subject: "likelihood",
            formula: "points × 4 K evaluations of every RK4 route × 20 (d³ + probes d²) a mixture component",
            advice: "lower --points or --steps, or give fewer --probes")
        try OptionCheck.memory(
            OptionCheck.doubles(Double(points) * Double(dimension + 8) * Double(experiment.methods.count + 2)),
            subject: "likelihood with --points \(points)", advice: "lower --points")
        return experiment
    }
}

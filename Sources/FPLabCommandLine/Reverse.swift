import ArgumentParser
import FokkerPlanckLab
import Foundation

/// `fplab reverse`: the four-way reconstruction contrast (THEORY §3, §8): the same rho_T taken back to t = 0 by
/// the naive inversion, the score-guided reverse PDE, reverse-SDE particles and probability-flow particles.
public struct Reverse: ExperimentCommand {
    public static let configuration = CommandConfiguration(
        abstract:
            "Take one density at T back to t = 0 four ways: naive inversion, "
            + "reverse PDE, reverse-SDE and probability-flow particles.",
        discussion: """
            rho_0 (--mixture) is evolved to --time T on the grid with the spectral solver; white noise of L2 norm \
            --noise is added (seeded). From that rho_T: naive is the backward spectral inversion of the inverse-heat \
            lab (VP and VE run as time changes of OU and heat; it blows up, and the row says when, in which mode and \
            where); pde is the score-guided reverse Fokker–Planck equation on the same grid; sde and flow are \
            particles drawn from rho_T, run through the reverse SDE (Euler–Maruyama) and the probability-flow ODE \
            (RK4) on geometric steps, and histogrammed on the same cells. The pde, sde and flow runs stop at --t-min \
            (the drift grows like 1/t near 0) and finish as --finish says: map (default) pushes the result through \
            the exact denoiser x -> <X0>(x, t-min), none reports the density at t-min. Each row compares the \
            reconstruction with rho_0: L1, total variation, KL(rho_0 || q) with a floor of 1e-12, W1 (exact in 1-D, \
            sliced over 64 directions in 2-D), max error, mass, minimum. The naive blow-up is the measurement (exit \
            status 0); a pde, sde or flow run that stops early gives exit status 2.
            """
    )

    /// The largest --noise: 10^6 times the L2 norm of any density on the grid (about 1 for the default boxes), as
    /// `fplab invert`'s; far beyond it the noise's square overflows in the relative errors.
    public static let noiseLimit = 1e6

    @OptionGroup(title: "Model")
    public var modelOptions: ModelOptions

    @OptionGroup(title: "Initial density and grid")
    public var mixtureOptions: MixtureOptions

    @OptionGroup(title: "Initial density and grid")
    public var gridOptions: GridOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("The horizon T > 0 (at most 1000).", valueName: "T"))
    public var time: Double = 1

    @Option(
        name: .customLong("t-min"), parsing: .unconditional,
        help: ArgumentHelp("Where the pde, sde and flow runs stop, 0 < t-min < T.", valueName: "t"))
    public var timeMinimum: Double = 1e-5

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("L2 norm delta of the white noise added to rho_T (0 to 1e6).", valueName: "delta"))
    public var noise: Double = 0

    @Option(help: ArgumentHelp("Comma-separated methods from naive, pde, sde, flow.", valueName: "list"))
    public var methods: String = "naive,pde,sde,flow"

    @Option(
        help: ArgumentHelp(
            "The score of pde, sde and flow: exact (mixture oracle) or grid (read off the forward solve).",
            valueName: "kind"))
    public var score: ContrastScore = .exact

    @Option(help: ArgumentHelp("The last step at t-min: map (the exact <X0> map) or none.", valueName: "finish"))
    public var finish: ReverseFinish = .posteriorMeanMap

    @Option(
        help: ArgumentHelp(
            "Grid method of pde: spectral (IF-RK4) or finite-volume (TR-BDF2, same cells between walls).",
            valueName: "solver"))
    public var solver: GridSolverName = .spectral

    @Option(
        name: .customLong("pde-steps"), parsing: .unconditional,
        help: ArgumentHelp(
            "Uniform steps of pde, merged with 400 geometric ones (default: the spectral solver's suggestion).",
            valueName: "K"))
    public var pdeSteps: Int?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Number of particles M for sde and flow (1 to 10^8; with --steps, within the cap of "
                + "10^13 operations).", valueName: "M"))
    public var particles: Int = 100_000

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Geometric time steps of the particles from T to t-min (1 to 10^7).", valueName: "K"))
    public var steps: Int = 500

    @OptionGroup(title: "Run and output")
    public var runOptions: RunOptions

    public init() {}

    public func run(_ experiment: ReverseExperiment) throws {
        let outcome = try ProgressReporter.withProgress(label: "reverse") { try experiment.run(progress: $0) }
        let report = outcome.report(
            includingConfiguration: runOptions.format == .json || runOptions.writesFiles,
            includingFiles: runOptions.writesFiles)
        try runOptions.deliver(report, stopReason: outcome.stopReason)
    }

    /// The methods of `--methods`, in the order given; an unknown or repeated name is a one-line error.
    public func resolvedMethods() throws -> [ReconstructionMethod] {
        var chosen: [ReconstructionMethod] = []
        for name in methods.split(separator: ",", omittingEmptySubsequences: false).map({
            $0.trimmingCharacters(in: .whitespaces)
        }) {
            guard let method = ReconstructionMethod(rawValue: name) else {
                throw ValidationError(
                    "--methods: unknown method '\(name)'; choose from naive, pde, sde, flow (comma-separated).")
            }
            try OptionCheck.require(!chosen.contains(method), "--methods: '\(name)' is given twice.")
            chosen.append(method)
        }
        return chosen
    }

    /// The run these options describe, every option checked.
    public func experiment() throws -> ReverseExperiment {
        try gridOptions.requirePlanar("reverse")
        try OptionCheck.horizon(time)
        try OptionCheck.timeMinimum(timeMinimum, below: time)
        try OptionCheck.finite(noise, option: "--noise", mustBe: "from 0 to \(Self.noiseLimit.shortText)") {
            $0 >= 0 && $0 <= Self.noiseLimit
        }
        try OptionCheck.particles(particles)
        try OptionCheck.particleSteps(steps)
        if let pdeSteps { try OptionCheck.particleSteps(pdeSteps, option: "--pde-steps") }
        let process = modelOptions.process
        try modelOptions.checkVariance(until: time)
        let mixture = try mixtureOptions.gaussianMixture(dimension: gridOptions.dimension)
        try OptionCheck.require(
            mixture.dimension == gridOptions.dimension,
            "--mixture is \(mixture.dimension)-D but --dimension is \(gridOptions.dimension): they must match.")
        let chosen = try resolvedMethods()
        try OptionCheck.require(
            !chosen.contains(.naive) || NaiveReconstruction.isTimeChange(process),
            "--model \(process.name) is not a time change of OU or the heat equation, which the naive inversion "
                + "needs: leave naive out of --methods.")
        // Cost of the particle runs: sde (one score per step) and flow (RK4: four), each score a sum over the
        // mixture's components of d^2 terms; 20 operations a term.
        let sdeScores: Double = chosen.contains(.sde) ? 1 : 0
        let flowScores: Double = chosen.contains(.flow) ? 4 : 0
        let dimension = Double(mixture.dimension)
        let terms: Double = (sdeScores + flowScores) * Double(mixture.components.count) * dimension * dimension
        let operations: Double = 20 * Double(particles) * Double(steps) * terms
        try OptionCheck.work(
            operations,
            subject: "reverse with --particles \(particles) and --steps \(steps)",
            formula: "20 × particles × steps × scores per step × components × dimension²",
            advice: "lower --particles or --steps"
        )
        let contrast = ReconstructionContrast(
            model: process, mixture: mixture, grid: gridOptions.grid(boundary: .periodic), horizon: time,
            minimumTime: timeMinimum,
            noiseLevel: noise, methods: chosen, score: score,
            pdeMethod: solver.defaultMethod,
            pdeSteps: pdeSteps.map { ReverseStepPlan(uniformSteps: $0, geometricSteps: 400) }, finish: finish,
            particleCount: particles, particleSteps: steps, seed: runOptions.seed, threads: runOptions.threads)
        return ReverseExperiment(
            contrast: contrast, mixtureSpecification: mixtureOptions.specification(dimension: gridOptions.dimension))
    }
}

import ArgumentParser
import FokkerPlanckLab
import Foundation

/// `fplab support`: support containment (THEORY §4): the exact reverse dynamics of data with a gap in its support,
/// started from N(0, 1) instead of rho_T, on the grid and with particles, against the h-reweighting prediction.
public struct Support: ExperimentCommand {
    public static let configuration = CommandConfiguration(
        abstract: "Support containment: reverse dynamics of 0.3·U[-2,-1] + 0.7·U[1,2] started from N(0, 1).",
        discussion: """
            The data is rho_0 = 0.3·U[-2, -1] + 0.7·U[1, 2], whose exact score under the model is a mixture of \
            truncated normals (computed in log space). The reverse dynamics start from gamma = N(0, 1), the stationary \
            law, instead of rho_T, and run to --t-min on the grid (finite volumes by default: positive, implicit) and \
            with particles (DDPM's ancestral update by default), then finish with the exact map x -> <X0>(x, t-min) \
            (--finish none: stop at t-min). The table gives each region's mass at the end — each interval, the gap \
            (-1, 1), and |x| > 2 — next to the prediction int h(x, 0) rho_0(x) dx, h(x, 0) = int p_T(y|x) gamma(y) / \
            rho_T(y) dy, computed by quadrature independently of both runs; the history gives the mass in the gap \
            and beyond the ends as reverse time runs. Exit status 2 when a run stops early.
            """
    )

    @OptionGroup(title: "Model")
    public var modelOptions: ModelOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("The horizon T > 0 (at most 100).", valueName: "T"))
    public var time: Double = 1

    @Option(
        name: .customLong("t-min"), parsing: .unconditional,
        help: ArgumentHelp("Where the runs stop, 0 < t-min < T.", valueName: "t"))
    public var timeMinimum: Double = 1e-3

    @Option(parsing: .unconditional, help: ArgumentHelp("Cells of the 1-D grid (at least 16).", valueName: "n"))
    public var points: Int = 1024

    @Option(
        name: .customLong("half-width"), parsing: .unconditional,
        help: ArgumentHelp("The grid is [-L, L] (L > 2, at most 1000).", valueName: "L"))
    public var halfWidth: Double = 8

    @Option(help: ArgumentHelp("finite-volume (TR-BDF2) or spectral (IF-RK4).", valueName: "solver"))
    public var solver: GridSolverName = .finiteVolume

    @Option(
        name: .customLong("uniform-steps"), parsing: .unconditional,
        help: ArgumentHelp("Uniform steps of the grid run.", valueName: "K"))
    public var uniformSteps: Int = 200

    @Option(
        name: .customLong("geometric-steps"), parsing: .unconditional,
        help: ArgumentHelp(
            "Geometric steps of the grid run (shrinking with t toward t-min), merged with the uniform ones.",
            valueName: "K"))
    public var geometricSteps: Int = 600

    @Option(parsing: .unconditional, help: ArgumentHelp("Number of particles M.", valueName: "M"))
    public var particles: Int = 100_000

    @Option(parsing: .unconditional, help: ArgumentHelp("Geometric particle steps from T to t-min.", valueName: "K"))
    public var steps: Int = 200

    @Option(help: ArgumentHelp("Particle update: ddpm or euler-maruyama.", valueName: "name"))
    public var integrator: ParticleIntegrator = .ddpm

    @Option(help: ArgumentHelp("The last step at t-min: map (the exact <X0> map) or none.", valueName: "finish"))
    public var finish: ReverseFinish = .posteriorMeanMap

    @OptionGroup(title: "Run and output")
    public var runOptions: RunOptions

    public init() {}

    public func run(_ experiment: SupportExperiment) throws {
        let outcome = try ProgressReporter.withProgress(label: "support") { try experiment.run(progress: $0) }
        try runOptions.deliver(
            outcome.report(includingFiles: runOptions.writesFiles), stopReason: outcome.stopReason)
    }

    /// The experiment these options describe, every option checked.
    public func experiment() throws -> SupportExperiment {
        try OptionCheck.require(
            modelOptions.process.stationaryDistribution(dimension: 1) != nil,
            "--model \(modelOptions.model.rawValue) has no stationary law to start from: use ou, vp, sub-vp, cosine "
                + "or a beta table.")
        try OptionCheck.horizon(time, limit: 100)
        try modelOptions.checkVariance(until: time)
        try OptionCheck.timeMinimum(timeMinimum, below: time)
        try OptionCheck.require(
            points >= 16 && points <= 1 << 22, "--points must be from 16 to \(1 << 22); got \(points).")
        try OptionCheck.finite(halfWidth, option: "--half-width", mustBe: "greater than 2 and at most 1000") {
            $0 > 2 && $0 <= 1000
        }
        let stepCounts = 0...OptionCheck.particleStepRange.upperBound
        try OptionCheck.count(uniformSteps, option: "--uniform-steps", in: stepCounts)
        try OptionCheck.count(geometricSteps, option: "--geometric-steps", in: stepCounts)
        try OptionCheck.require(
            uniformSteps + geometricSteps > 0, "--uniform-steps and --geometric-steps: at least one step in all.")
        try OptionCheck.particles(particles)
        try OptionCheck.particleSteps(steps)
        try OptionCheck.require(
            [.ddpm, .eulerMaruyama].contains(integrator),
            "--integrator must be ddpm or euler-maruyama; got \(integrator.rawValue).")
        // Cost: the grid run, about 100 operations per cell and step (OptionCheck.gridOperationsPerCellStep), and the
        // particles, about 100 operations per particle step (the data's score on two intervals and the update).
        try OptionCheck.work(
            OptionCheck.gridOperationsPerCellStep
                * (Double(points) * Double(uniformSteps + geometricSteps) + Double(particles) * Double(steps)),
            subject: "support with --points \(points), --particles \(particles) and --steps \(steps)",
            formula: "100 × (points × grid steps + particles × particle steps)",
            advice: "lower --particles, --steps, --points or the grid steps"
        )
        let containment = SupportContainment(
            model: modelOptions.process, horizon: time, minimumTime: timeMinimum,
            grid: Grid(
                dimension: 1, points: points, halfWidth: halfWidth,
                boundary: solver.boundary),
            method: solver.defaultMethod,
            steps: ReverseStepPlan(uniformSteps: uniformSteps, geometricSteps: geometricSteps), finish: finish,
            particleCount: particles, particleSteps: steps, particleIntegrator: integrator, seed: runOptions.seed,
            threads: runOptions.threads)
        return SupportExperiment(containment: containment)
    }
}

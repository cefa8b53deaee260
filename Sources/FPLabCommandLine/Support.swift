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
    public var finish: Reverse.Finish = .map

    @OptionGroup(title: "Run and output")
    public var runOptions: RunOptions

    @OptionGroup(title: "Run and output")
    public var outputOptions: OutputOptions

    public init() {}

    public func run(_ experiment: SupportContainment) throws {
        let reporter = ProgressReporter.forTerminal(label: "support")
        let clock = ContinuousClock.now
        let result: SupportContainment.Result
        do { result = try experiment.run(progress: { reporter?.update(fraction: $0) }) } catch let error
            as ReconstructionError
        {
            throw ExperimentError("support: \(error.description)")
        }
        reporter?.finish()
        let elapsed = ContinuousClock.now - clock
        let outcome = SupportOutcome(
            options: self, experiment: experiment, result: result,
            wallSeconds: elapsed / .seconds(1))
        let stopped = [("grid", result.grid), ("particles", result.particles)].compactMap { name, history in
            history.flatMap { $0.status.isCompleted ? nil : "\(name): \($0.statusDetail)" }
        }
        try outputOptions.deliver(outcome.report, stopReason: stopped.isEmpty ? nil : stopped.joined(separator: "; "))
    }

    /// The experiment these options describe, every option checked.
    public func experiment() throws -> SupportContainment {
        try OptionCheck.require(
            modelOptions.model != .ve, "--model ve has no stationary law to start from: use ou or vp.")
        try OptionCheck.finite(time, option: "--time", mustBe: "greater than 0 and at most 100") { $0 > 0 && $0 <= 100 }
        try OptionCheck.finite(
            timeMinimum, option: "--t-min", mustBe: "greater than 0 and below --time (\(time.shortText))"
        ) { $0 > 0 && $0 < time }
        try OptionCheck.require(
            points >= 16 && points <= 1 << 22, "--points must be from 16 to \(1 << 22); got \(points).")
        try OptionCheck.finite(halfWidth, option: "--half-width", mustBe: "greater than 2 and at most 1000") {
            $0 > 2 && $0 <= 1000
        }
        try OptionCheck.require(
            uniformSteps >= 0 && uniformSteps <= 10_000_000,
            "--uniform-steps must be from 0 to 10000000; got \(uniformSteps).")
        try OptionCheck.require(
            geometricSteps >= 0 && geometricSteps <= 10_000_000,
            "--geometric-steps must be from 0 to 10000000; got \(geometricSteps).")
        try OptionCheck.require(
            uniformSteps + geometricSteps > 0, "--uniform-steps and --geometric-steps: at least one step in all.")
        try OptionCheck.require(
            Reverse.particleRange.contains(particles),
            "--particles must be from 1 to \(Reverse.particleRange.upperBound); got \(particles).")
        try OptionCheck.require(
            Reverse.stepRange.contains(steps),
            "--steps must be from 1 to \(Reverse.stepRange.upperBound); got \(steps).")
        try OptionCheck.require(
            [.ddpm, .eulerMaruyama].contains(integrator),
            "--integrator must be ddpm or euler-maruyama; got \(integrator.rawValue).")
        // Cost: the grid run, about 100 operations per cell and step (Forward.operationsPerCellStep), and the
        // particles, about 100 operations per particle step (the data's score on two intervals and the update).
        try OptionCheck.work(
            Forward.operationsPerCellStep
                * (Double(points) * Double(uniformSteps + geometricSteps) + Double(particles) * Double(steps)),
            subject: "support with --points \(points), --particles \(particles) and --steps \(steps)",
            formula: "100 × (points × grid steps + particles × particle steps)",
            advice: "lower --particles, --steps, --points or the grid steps"
        )
        return SupportContainment(
            model: modelOptions.process, horizon: time, minimumTime: timeMinimum,
            grid: Grid(
                dimension: 1, points: points, halfWidth: halfWidth,
                boundary: solver.boundary),
            method: solver.defaultMethod,
            steps: ReverseStepPlan(uniformSteps: uniformSteps, geometricSteps: geometricSteps), finish: finish.library,
            particleCount: particles, particleSteps: steps, particleIntegrator: integrator, seed: runOptions.seed,
            threads: runOptions.threads)
    }
}

/// What `fplab support` measured, and its report.
struct SupportOutcome {
    let options: Support
    let experiment: SupportContainment
    let result: SupportContainment.Result
    let wallSeconds: Double

    /// One row per region: prediction, grid mass and its deviation, particle mass ± SE and its deviation in SE.
    var table: DataTable {
        var table = DataTable(columns: [
            .init("region", key: "region"),
            .init("predicted", key: "predicted_mass", style: .general(significantDigits: 7)),
            .init("grid", key: "grid_mass", style: .general(significantDigits: 7)),
            .init("grid − predicted", key: "grid_deviation", style: .scientific(fractionDigits: 2)),
            .init("particles", key: "particle_mass", style: .general(significantDigits: 6)),
            .init("± SE", key: "particle_standard_error", style: .scientific(fractionDigits: 2)),
            .init(
                "(particles − predicted)/SE", key: "particle_deviation_in_standard_errors",
                style: .general(significantDigits: 3)),
        ])
        let pieces = experiment.data.pieces
        for (index, piece) in pieces.enumerated() {
            let predicted = result.prediction[index]
            let gridMass = result.grid?.finalPieceMasses[index]
            let particleMass = result.particles?.finalPieceMasses[index]
            let error = result.particles?.finalStandardErrors?[index]
            table.append([
                .text("[\(piece.lower.shortText), \(piece.upper.shortText)]"), .number(predicted),
                .number(gridMass), .number(gridMass.map { $0 - predicted }), .number(particleMass), .number(error),
                .number(particleMass.flatMap { mass in error.map { (mass - predicted) / $0 } }),
            ])
        }
        let gridLast = result.grid?.points.last
        let particleLast = result.particles?.points.last
        table.append([
            .text("gap (-1, 1)"), .number(0), .number(gridLast?.gapMass), .number(gridLast?.gapMass),
            .number(particleLast?.gapMass), .missing, .missing,
        ])
        table.append([
            .text("|x| > 2"), .number(0), .number(gridLast?.outerMass), .number(gridLast?.outerMass),
            .number(particleLast?.outerMass), .missing, .missing,
        ])
        return table
    }

    /// Mass in the gap and beyond the ends against reverse time, grid and particles.
    var historyTable: DataTable {
        var table = DataTable(columns: [
            .init("run", key: "run"),
            .init("reverse time s", key: "reverse_time", style: .general(significantDigits: 8)),
            .init("gap mass", key: "gap_mass", style: .scientific(fractionDigits: 3)),
            .init("outer mass", key: "outer_mass", style: .scientific(fractionDigits: 3)),
        ])
        for (name, history) in [("grid", result.grid), ("particles", result.particles)] {
            for point in history?.points ?? [] {
                table.append([
                    .text(name), .number(point.reverseTime), .number(point.gapMass), .number(point.outerMass),
                ])
            }
        }
        return table
    }

    var report: CommandReport {
        let grid = experiment.grid
        var summary = [
            "support: data \(experiment.data.summary), model \(options.modelOptions.summary), "
                + "T = \(experiment.horizon.shortText), start N(0, 1)",
            "grid: \(grid.count) cells on [-\(grid.halfWidth.shortText), \(grid.halfWidth.shortText)], "
                + "\(experiment.method.name), \(experiment.steps.summary)",
            "particles: \(experiment.particleCount), \(experiment.particleIntegrator.rawValue), "
                + "\(experiment.particleSteps) geometric steps",
            "t → 0: \(experiment.finish.sentence(minimumTime: experiment.minimumTime))",
        ]
        summary.append(
            "prediction by quadrature: h-reweighting \(result.prediction.map(\.shortText).joined(separator: ", ")); "
                + "Bayes form \(result.predictionByPosterior.map(\.shortText).joined(separator: ", "))"
        )
        var closing: [String] = []
        if let points = result.grid?.points, points.count >= 2, experiment.finish == .posteriorMeanMap {
            closing.append(
                "grid at t_min, before the map: gap mass \(points[points.count - 2].gapMass.shortText), "
                    + "outer mass \(points[points.count - 2].outerMass.shortText)"
            )
        }
        for (name, history) in [("grid", result.grid), ("particles", result.particles)] {
            if let history {
                closing.append(String(format: "%@: %@ (%.3g s)", name, history.statusDetail, history.wallSeconds))
            }
        }
        closing.append(
            String(
                format: "wall %.3g s, seed %llu, %d thread(s)", wallSeconds, options.runOptions.seed,
                options.runOptions.threads))
        var json: [String: JSONValue] = [
            "command": "support", "version": .string(fokkerPlanckLabVersion), "data": .string(experiment.data.summary),
            "time": .number(experiment.horizon), "t_min": .number(experiment.minimumTime),
            "points": .integer(grid.count),
            "half_width": .number(grid.halfWidth), "solver": .string("\(experiment.method.name)"),
            "grid_steps": .string(experiment.steps.summary),
            "particles": .integer(experiment.particleCount), "particle_steps": .integer(experiment.particleSteps),
            "integrator": .string(experiment.particleIntegrator.rawValue),
            "finish": .string(experiment.finish.rawValue),
            "finish_detail": .string(experiment.finish.sentence(minimumTime: experiment.minimumTime)),
            "predicted_masses": .array(result.prediction.map { .number($0) }),
            "predicted_masses_bayes": .array(result.predictionByPosterior.map { .number($0) }),
            "regions": table.jsonValue(), "history": historyTable.jsonValue(), "wall_seconds": .number(wallSeconds),
        ]
        json.merge(options.modelOptions.json) { current, _ in current }
        json.merge(options.runOptions.json) { current, _ in current }
        for (name, history) in [("grid", result.grid), ("particles", result.particles)] {
            json["\(name)_status"] = .string(history?.status.name ?? "not run")
        }
        var files: [OutputFile] = []
        if options.outputOptions.outputDirectory != nil {
            var plot = LinePlot(
                title: "Mass outside the support from N(0, 1)", xAxis: Axis("reverse time s = T − t"),
                yAxis: Axis("mass", scale: .logarithmic), marksPoints: true)
            for (name, history) in [("grid", result.grid), ("particles", result.particles)] {
                guard let points = history?.points else { continue }
                plot.series.append(
                    .init("\(name): gap (-1, 1)", x: points.map(\.reverseTime), y: points.map(\.gapMass)))
                plot.series.append(.init("\(name): |x| > 2", x: points.map(\.reverseTime), y: points.map(\.outerMass)))
            }
            files = [
                OutputFile(name: "regions.csv", contents: table.rendered(as: .csv)),
                OutputFile(name: "regions.md", contents: table.rendered(as: .markdown)),
                OutputFile(name: "history.csv", contents: historyTable.rendered(as: .csv)),
                OutputFile(name: "outside-mass.svg", contents: plot.svg()),
            ]
            if let density = result.gridDensity {
                var densityPlot = LinePlot(
                    title: "Grid density at the end from N(0, 1)", xAxis: Axis("x"), yAxis: Axis("density"))
                densityPlot.series.append(.init("grid", x: density.grid.coordinates(axis: 0), y: density.values))
                files.append(OutputFile(name: "density.svg", contents: densityPlot.svg()))
            }
        }
        return CommandReport(summary: summary, table: table, closing: closing, json: .object(json), files: files)
    }
}

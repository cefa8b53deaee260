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

    public enum ScoreKind: String, ExpressibleByArgument, CaseIterable, Sendable { case exact, grid }
    public enum Finish: String, ExpressibleByArgument, CaseIterable, Sendable {
        case map, none
        var library: ReverseFinish { self == .map ? .posteriorMeanMap : .none }
    }

    public static let particleRange = 1...100_000_000
    public static let stepRange = 1...10_000_000
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
    public var score: ScoreKind = .exact

    @Option(help: ArgumentHelp("The last step at t-min: map (the exact <X0> map) or none.", valueName: "finish"))
    public var finish: Finish = .map

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

    @OptionGroup(title: "Run and output")
    public var outputOptions: OutputOptions

    public init() {}

    public func run(_ experiment: ReverseExperiment) throws {
        let reporter = ProgressReporter.forTerminal(label: "reverse")
        let outcome = try experiment.run(progress: { reporter?.update(fraction: $0) })
        reporter?.finish()
        let stopped = outcome.result.rows.filter { $0.method != .naive && !$0.status.isCompleted }
        try outputOptions.deliver(
            outcome.report,
            stopReason: stopped.isEmpty
                ? nil : stopped.map { "\($0.method.rawValue): \($0.statusDetail)" }.joined(separator: "; "))
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
        try OptionCheck.finite(time, option: "--time", mustBe: "greater than 0 and at most 1000") {
            $0 > 0 && $0 <= 1000
        }
        try OptionCheck.finite(
            timeMinimum, option: "--t-min", mustBe: "greater than 0 and below --time (\(time.shortText))"
        ) { $0 > 0 && $0 < time }
        try OptionCheck.finite(noise, option: "--noise", mustBe: "from 0 to \(Self.noiseLimit.shortText)") {
            $0 >= 0 && $0 <= Self.noiseLimit
        }
        try OptionCheck.require(
            Self.particleRange.contains(particles),
            "--particles must be from 1 to \(Self.particleRange.upperBound); got \(particles).")
        try OptionCheck.require(
            Self.stepRange.contains(steps), "--steps must be from 1 to \(Self.stepRange.upperBound); got \(steps).")
        if let pdeSteps {
            try OptionCheck.require(
                Self.stepRange.contains(pdeSteps),
                "--pde-steps must be from 1 to \(Self.stepRange.upperBound); got \(pdeSteps).")
        }
        let process = modelOptions.process
        try modelOptions.checkVariance(until: time)
        let mixture = try mixtureOptions.gaussianMixture(dimension: gridOptions.dimension)
        try OptionCheck.require(
            mixture.dimension == gridOptions.dimension,
            "--mixture is \(mixture.dimension)-D but --dimension is \(gridOptions.dimension): they must match.")
        let chosen = try resolvedMethods()
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
            noiseLevel: noise, methods: chosen, score: score == .exact ? .exact : .grid,
            pdeMethod: solver.defaultMethod,
            pdeSteps: pdeSteps.map { ReverseStepPlan(uniformSteps: $0, geometricSteps: 400) }, finish: finish.library,
            particleCount: particles, particleSteps: steps, seed: runOptions.seed, threads: runOptions.threads)
        return ReverseExperiment(options: self, contrast: contrast)
    }
}

/// One `fplab reverse` run with every default resolved.
public struct ReverseExperiment {
    public let options: Reverse
    public let contrast: ReconstructionContrast

    public func run(progress: ((Double) -> Void)? = nil) throws -> ReverseOutcome {
        let clock = ContinuousClock.now
        let result: ContrastResult
        do { result = try contrast.run(progress: progress) } catch let error as ReconstructionError {
            throw ExperimentError("reverse: \(error.description)")
        }
        let elapsed = ContinuousClock.now - clock
        return ReverseOutcome(
            experiment: self, result: result,
            wallSeconds: elapsed / .seconds(1))
    }
}

/// What `fplab reverse` measured, and its report.
public struct ReverseOutcome {
    public let experiment: ReverseExperiment
    public let result: ContrastResult
    public let wallSeconds: Double

    /// The table: one row per method.
    public var table: DataTable {
        var table = DataTable(columns: [
            .init("method", key: "method"),
            .init("L1", key: "l1_error", style: .scientific(fractionDigits: 3)),
            .init("TV", key: "tv_distance", style: .scientific(fractionDigits: 3)),
            .init("KL", key: "kl_divergence", style: .scientific(fractionDigits: 3)),
            .init("W1", key: "w1_distance", style: .scientific(fractionDigits: 3)),
            .init("max error", key: "max_error", style: .scientific(fractionDigits: 3)),
            .init("mass", key: "mass", style: .general(significantDigits: 8)),
            .init("min density", key: "min_density", style: .scientific(fractionDigits: 2)),
            .init("status", key: "status"),
            .init("blow-up s", key: "blow_up_time", style: .general(significantDigits: 4)),
            .init("wall s", key: "wall_seconds", style: .general(significantDigits: 3)),
        ])
        for row in result.rows {
            let comparison = row.comparison
            table.append([
                .text(row.method.rawValue), .number(comparison?.l1Distance), .number(comparison?.totalVariation),
                .number(comparison?.klDivergence), .number(comparison?.wassersteinDistance),
                .number(comparison?.maximumError),
                .number(comparison?.mass), .number(comparison?.minimumDensity), .text(row.status.name),
                .number(row.blowUpTime),
                .number(row.wallSeconds),
            ])
        }
        return table
    }

    /// One row per (method, reverse time): the error histories, for a plot on a log scale.
    public var historyTable: DataTable {
        var table = DataTable(columns: [
            .init("method", key: "method"),
            .init("reverse time s", key: "reverse_time", style: .general(significantDigits: 8)),
            .init("L1 error", key: "l1_error", style: .scientific(fractionDigits: 4)),
        ])
        for row in result.rows {
            for point in row.history {
                table.append([.text(row.method.rawValue), .number(point.reverseTime), .number(point.l1Error)])
            }
        }
        return table
    }

    public var report: CommandReport {
        let options = experiment.options
        let contrast = experiment.contrast
        let grid = contrast.grid
        let summary = [
            "reverse: model \(options.modelOptions.summary), grid \(options.gridOptions.summary) "
                + "(periodic), T = \(contrast.horizon.shortText), "
                + "t_min = \(contrast.minimumTime.shortText), noise δ = \(contrast.noiseLevel.shortText) "
                + "(L2 norm, seed \(options.runOptions.seed)), score \(contrast.score.rawValue)",
            "ρ0: \(options.mixtureOptions.specification(dimension: grid.dimension)); ρ_T from the "
                + "spectral solver (L1 to the exact mixture \(result.forwardError.shortText))",
            "pde: \(contrast.pdeMethod.name), \(result.pdeSteps); sde, flow: \(contrast.particleCount) "
                + "particles, \(contrast.particleSteps) geometric steps",
            "t → 0: \(result.finishSentence)",
        ]
        var closing = result.rows.map { "\($0.method.rawValue): \($0.statusDetail)" }
        closing.append(String(format: "wall %.3g s, %d thread(s)", wallSeconds, options.runOptions.threads))
        var json =
            options.outputOptions.format == .json || options.outputOptions.outputDirectory != nil
            ? configurationJSON : [:]
        guard case .array(let rowObjects) = table.jsonValue() else {
            preconditionFailure("a table renders as an array")
        }
        json["rows"] = .array(
            zip(rowObjects, result.rows).map { object, row in
                var members = object.members
                members["status_detail"] = .string(row.statusDetail)
                return .object(members)
            })
        json["history"] = historyTable.jsonValue()
        var files: [OutputFile] = []
        if options.outputOptions.outputDirectory != nil {
            files =
                [
                    OutputFile(name: "contrast.csv", contents: table.rendered(as: .csv)),
                    OutputFile(name: "contrast.md", contents: table.rendered(as: .markdown)),
                    OutputFile(name: "history.csv", contents: historyTable.rendered(as: .csv)),
                    OutputFile(name: "densities.csv", contents: densitiesCSV),
                    OutputFile(name: "error-history.svg", contents: errorFigure),
                ] + reconstructionFigures
        }
        return CommandReport(summary: summary, table: table, closing: closing, json: .object(json), files: files)
    }

    var configurationJSON: [String: JSONValue] {
        let options = experiment.options
        let contrast = experiment.contrast
        var members: [String: JSONValue] = [
            "command": "reverse", "version": .string(fokkerPlanckLabVersion), "time": .number(contrast.horizon),
            "t_min": .number(contrast.minimumTime), "noise": .number(contrast.noiseLevel),
            "mixture": .string(options.mixtureOptions.specification(dimension: contrast.grid.dimension)),
            "methods": .array(contrast.methods.map { .string($0.rawValue) }), "score": .string(contrast.score.rawValue),
            "finish": .string(contrast.finish.rawValue), "finish_detail": .string(result.finishSentence),
            "pde_solver": .string(contrast.pdeMethod.name), "pde_steps": .string(result.pdeSteps),
            "particles": .integer(contrast.particleCount), "particle_steps": .integer(contrast.particleSteps),
            "forward_l1_error": .number(result.forwardError), "wall_seconds": .number(wallSeconds),
        ]
        members.merge(options.modelOptions.json) { current, _ in current }
        members.merge(options.gridOptions.json) { current, _ in current }
        members.merge(options.runOptions.json) { current, _ in current }
        return members
    }

    /// Cell centres, rho_0, rho_T (with noise) and every reconstruction, one cell a row.
    var densitiesCSV: String {
        let grid = result.initialDensity.grid
        let axes = grid.dimension == 1 ? ["x"] : ["x", "y"]
        let rows = result.rows.filter { $0.reconstruction != nil }
        var text = (axes + ["rho_0", "rho_T"] + rows.map { $0.method.rawValue }).joined(separator: ",") + "\n"
        for cell in 0..<grid.count {
            let fields =
                grid.point(at: cell).map { NumberStyle.fullPrecision.format($0) }
                + [result.initialDensity.values[cell], result.data.values[cell]].map {
                    NumberStyle.fullPrecision.format($0)
                }
                + rows.map { NumberStyle.fullPrecision.format($0.reconstruction!.values[cell]) }
            text += fields.joined(separator: ",") + "\n"
        }
        return text
    }

    /// 1-D: one line plot, every reconstruction over rho_0 (dashed), "reconstructions.svg"; 2-D: a heat map each of
    /// rho_0 and of every reconstruction, "density-rho0.svg", "density-pde.svg", ...
    var reconstructionFigures: [OutputFile] {
        let grid = result.initialDensity.grid
        let rows = result.rows.filter { $0.reconstruction != nil }
        if grid.dimension == 1 {
            let xs = grid.coordinates(axis: 0)
            var plot = LinePlot(
                title: "Reconstructions of ρ0 from ρ_T (T = \(experiment.contrast.horizon.shortText))",
                xAxis: Axis("x"), yAxis: Axis("density"))
            for row in rows { plot.series.append(.init(row.method.rawValue, x: xs, y: row.reconstruction!.values)) }
            plot.series.append(.init("ρ0", x: xs, y: result.initialDensity.values, color: .darkGray, dash: .dashed))
            return [OutputFile(name: "reconstructions.svg", contents: plot.svg())]
        }
        let extent = -grid.halfWidth...grid.halfWidth
        let panels =
            [("rho0", "ρ0", result.initialDensity)]
            + rows.map { ($0.method.rawValue, "\($0.method.rawValue) reconstruction", $0.reconstruction!) }
        return panels.map { name, title, field in
            OutputFile(
                name: "density-\(name).svg",
                contents: HeatMap(
                    values: field.values, shape: grid.shape, xExtent: extent, yExtent: extent,
                    title: title, colorLabel: "density"
                ).svg())
        }
    }

    /// L1 error against reverse time, logarithmic error axis, one line per method.
    var errorFigure: String {
        var plot = LinePlot(
            title: "L1 error against the exact ρ(T − s)", xAxis: Axis("reverse time s = T − t"),
            yAxis: Axis("L1 error", scale: .logarithmic), marksPoints: true)
        for row in result.rows {
            let shown =
                row.history.count > 2000
                ? stride(from: 0, to: row.history.count, by: row.history.count / 2000 + 1).map { row.history[$0] }
                : row.history
            plot.series.append(.init(row.method.rawValue, x: shown.map(\.reverseTime), y: shown.map(\.l1Error)))
        }
        return plot.svg()
    }
}

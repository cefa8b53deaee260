import CrossChecks
import DataFiles
import DiffusionModels
import Figures
import Foundation
import ParticleSampling
import RandomStreams
import Reporting

/// One `fplab likelihood` run: log rho_0 at points drawn from the data law, by the probability-flow ODE
/// (`LikelihoodRun`, THEORY §11) through every route of `methods`, against the mixture's exact log-density; with
/// `bits`, bits per dimension of the points quantized to 2^b levels, at the atoms and uniformly dequantized.
///
/// The routes: RK4 with the exact divergence at each of `stepCounts` (its bias against steps), Dormand–Prince with
/// the exact divergence at each of `tolerances` (rtol = atol; its bias against tolerance), and RK4 at the largest
/// step count with Hutchinson's estimator for each probe distribution and probe count (its variance against K,
/// measured as the spread of L_Hutchinson - L_exact over the points at the same steps, which removes the ODE error).
public struct LikelihoodExperiment: Sendable {
    public var dataLaw: GaussianMixture
    public var mixtureSpecification: String
    public var model: LinearSDE
    public var pointCount: Int
    public var horizon: Double
    public var prior: LikelihoodPrior
    public var stepCounts: [Int]
    public var schedule: StepSchedule
    public var tolerances: [Double]
    public var probeCounts: [Int]
    public var probeDistributions: [ProbeDistribution]
    /// Quantization bits b per axis (nil: no bits-per-dimension table).
    public var bits: Int?
    /// Draws of u per atom for the dequantized bits.
    public var dequantizationDraws: Int
    public var settings: RunSettings

    /// The stream the evaluation points are drawn from: far from the per-point probe streams 0 ..< n of the seed
    /// (`LikelihoodRun`), so a point's place and its probes never share random numbers.
    static let pointStream: UInt64 = 1 << 48
    /// The stream of the dequantization draws (atom i uses stream dequantizationStream + i).
    static let dequantizationStream: UInt64 = 1 << 49

    public init(
        dataLaw: GaussianMixture, mixtureSpecification: String, model: LinearSDE, pointCount: Int, horizon: Double,
        prior: LikelihoodPrior, stepCounts: [Int], schedule: StepSchedule, tolerances: [Double], probeCounts: [Int],
        probeDistributions: [ProbeDistribution], bits: Int?, dequantizationDraws: Int, settings: RunSettings
    ) {
        self.dataLaw = dataLaw
        self.mixtureSpecification = mixtureSpecification
        self.model = model
        self.pointCount = pointCount
        self.horizon = horizon
        self.prior = prior
        self.stepCounts = stepCounts.sorted()
        self.schedule = schedule
        self.tolerances = tolerances.sorted(by: >)
        self.probeCounts = probeCounts.sorted()
        self.probeDistributions = probeDistributions
        self.bits = bits
        self.dequantizationDraws = dequantizationDraws
        self.settings = settings
    }

    /// `pointCount` draws from the data law (stream `pointStream` of the seed).
    public var points: [[Double]] {
        var generator = Xoshiro256StarStar(seed: settings.seed, stream: Self.pointStream)
        let flat = dataLaw.sample(count: pointCount, using: &generator)
        let dimension = dataLaw.dimension
        return (0..<pointCount).map { Array(flat[(dimension * $0)..<(dimension * $0 + dimension)]) }
    }

    /// The finest RK4 route: Hutchinson's routes use its steps, and it is their reference.
    public var referenceIntegrator: LikelihoodIntegrator {
        .rungeKutta4(steps: stepCounts.last ?? 256, schedule: schedule)
    }

    /// Every route in the order of the table.
    public var methods: [LikelihoodMethod] {
        stepCounts.map { LikelihoodMethod(integrator: .rungeKutta4(steps: $0, schedule: schedule)) }
            + tolerances.map {
                LikelihoodMethod(integrator: .dormandPrince(relativeTolerance: $0, absoluteTolerance: $0))
            }
            + probeDistributions.flatMap { distribution in
                probeCounts.map {
                    LikelihoodMethod(
                        integrator: referenceIntegrator,
                        divergence: .hutchinson(probeCount: $0, distribution: distribution))
                }
            }
    }

    /// Evaluations of (F, div F) a point for the fixed-step routes, 4 K each (Dormand–Prince's depend on the
    /// tolerance and are not counted), times the work of one evaluation, about 20 (d^3 + probes d^2) operations a
    /// component.
    public var fixedStepWork: Double {
        let dimension = Double(dataLaw.dimension)
        let components = Double(dataLaw.components.count)
        let perEvaluation = { (probes: Int) in
            20 * components * (dimension * dimension * dimension + Double(probes) * dimension * dimension)
        }
        let exact = stepCounts.reduce(0.0) { $0 + 4 * Double($1) * perEvaluation(0) }
        let finest = Double(4 * (stepCounts.last ?? 0))
        let hutchinson = Double(probeDistributions.count) * probeCounts.reduce(0.0) { $0 + finest * perEvaluation($1) }
        return Double(pointCount) * (exact + hutchinson)
    }

    /// Every route over every point; `progress` hears the fraction of routes done.
    public func run(progress: ((Double) -> Void)? = nil) throws -> LikelihoodExperimentOutcome {
        let clock = ContinuousClock.now
        let points = self.points
        let problem = LikelihoodProblem(
            dataLaw: dataLaw, model: model, points: points, horizon: horizon, prior: prior)
        let methods = self.methods
        var outcomes: [LikelihoodOutcome] = []
        for (index, method) in methods.enumerated() {
            let run = try LikelihoodRun(
                problem: problem, method: method, seed: settings.seed, threads: settings.threads)
            outcomes.append(run.execute())
            progress?(Double(index + 1) / Double(methods.count + (bits == nil ? 0 : 1)))
        }
        var quantized: QuantizedBits?
        if let bits {
            quantized = try quantizedBits(points: points, bits: bits)
            progress?(1)
        }
        return LikelihoodExperimentOutcome(
            experiment: self, outcomes: outcomes, bits: quantized, wallSeconds: secondsElapsed(since: clock))
    }

    /// The points quantized to atoms x = round(2^b y) / 2^b (the nearest point of the grid; its cell is
    /// x + [0, 2^-b)^d, as score_sde dequantizes x + u / 256): bits per dimension at the atoms by the exact density
    /// and by the probability flow (score_sde's Dormand–Prince, rtol = atol = 1e-5), and dequantized by the exact
    /// density over `dequantizationDraws` draws of u per atom, with the code length -log2 P(x) / d estimated from the
    /// same draws (P(x) = 2^(-b d) E_u[p(x + u)]).
    func quantizedBits(points: [[Double]], bits: Int) throws -> QuantizedBits {
        let scale = Foundation.exp2(Double(bits))
        let atoms = points.map { $0.map { ($0 * scale).rounded() / scale } }
        let dimension = dataLaw.dimension
        let flow = try LikelihoodRun(
            problem: LikelihoodProblem(dataLaw: dataLaw, model: model, points: atoms, horizon: horizon, prior: prior),
            method: LikelihoodMethod(integrator: .scoreSDEDefault), seed: settings.seed, threads: settings.threads
        ).execute()
        var atomExact: [Double?] = []
        var atomFlow: [Double?] = []
        var dequantized: [Double?] = []
        var codeLengths: [Double?] = []
        for (index, atom) in atoms.enumerated() {
            atomExact.append(
                BitsPerDimension.value(logDensity: dataLaw.logDensity(at: atom), dimension: dimension, bits: bits))
            atomFlow.append(
                flow.points[index].estimate.flatMap {
                    BitsPerDimension.value(logDensity: $0, dimension: dimension, bits: bits)
                })
            var generator = Xoshiro256StarStar(
                seed: settings.seed, stream: Self.dequantizationStream + UInt64(index))
            let logDensities = (0..<dequantizationDraws).map { _ in
                dataLaw.logDensity(at: BitsPerDimension.dequantized(atom, bits: bits, using: &generator))
            }
            dequantized.append(
                BitsPerDimension.average(logDensities: logDensities, dimension: dimension, bits: bits)?.mean)
            // log E_u[p] by log-sum-exp of the draws.
            let largest = logDensities.max() ?? -.infinity
            if largest.isFinite {
                let meanDensity =
                    logDensities.reduce(0) { $0 + Foundation.exp($1 - largest) } / Double(logDensities.count)
                let logMass = largest + Foundation.log(meanDensity) - Double(bits * dimension) * M_LN2
                codeLengths.append(-logMass / (Double(dimension) * M_LN2))
            } else {
                codeLengths.append(nil)
            }
        }
        return QuantizedBits(
            bits: bits, atomExact: atomExact, atomFlow: atomFlow, dequantized: dequantized, codeLengths: codeLengths)
    }
}

/// Bits per dimension of the quantized points, one entry an atom (nil where a log-density is not finite or the flow
/// did not complete).
public struct QuantizedBits: Sendable {
    public var bits: Int
    /// -log2 p(x) / d + b at the atom, p the exact density.
    public var atomExact: [Double?]
    /// The same with log p(x) from the probability flow.
    public var atomFlow: [Double?]
    /// The mean of -log2 p(x + u) / d + b over the atom's draws of u.
    public var dequantized: [Double?]
    /// -log2 P(x) / d, P(x) = 2^(-b d) E_u[p(x + u)] from the same draws: the discrete code length, >= 0 since
    /// P(x) <= 1.
    public var codeLengths: [Double?]
}

/// What `fplab likelihood` measured.
public struct LikelihoodExperimentOutcome: Sendable {
    public let experiment: LikelihoodExperiment
    /// One outcome a route, in the order of `experiment.methods`.
    public let outcomes: [LikelihoodOutcome]
    public let bits: QuantizedBits?
    public let wallSeconds: Double

    /// The first route with a point that did not complete, as a sentence.
    public var stopReason: String? {
        for outcome in outcomes {
            if let point = outcome.points.first(where: { !$0.status.isCompleted }) {
                let unfinished = outcome.points.count - outcome.completedCount
                return "\(outcome.run.method.name): \(unfinished) of \(outcome.points.count) points did not "
                    + "complete (point \(point.index): \(point.status))"
            }
        }
        return nil
    }

    /// The reference route of Hutchinson's: the exact-divergence RK4 at the largest step count.
    var reference: LikelihoodOutcome? {
        outcomes.first {
            $0.run.method == LikelihoodMethod(integrator: experiment.referenceIntegrator, divergence: .exact)
        }
    }

    /// Over the points where both routes completed: L_route - L_reference.
    func differences(_ outcome: LikelihoodOutcome, from reference: LikelihoodOutcome) -> [Double] {
        zip(outcome.points, reference.points).compactMap { route, base in
            guard let estimate = route.estimate, let baseline = base.estimate else { return nil }
            return estimate - baseline
        }
    }

    /// The routes table (one row a route), the bits table when quantized; with `includingFiles` each as CSV,
    /// Markdown and LaTeX, and the figures bias-steps.svg, bias-tolerance.svg and variance-probes.svg.
    public func report(includingFiles: Bool) -> CommandReport {
        let routes = routeTable()
        var summary = [
            "likelihood: \(experiment.model.summary), data \(experiment.mixtureSpecification), "
                + "\(experiment.pointCount) points drawn from it, log ρ_0(x) = log p_T(x_T) + ∫_0^T div F dt along "
                + "the probability flow to T = \(experiment.horizon.shortText), prior \(priorText)",
            "error = estimate − exact log ρ_0(x) (the mixture's log-sum-exp); Hutchinson's rows also give "
                + "L_Hutchinson − L_exact on the same \(experiment.stepCounts.last ?? 0) RK4 steps (no ODE error): "
                + "its mean ± SE, and its variance over the points, which falls as 1/K",
        ]
        if experiment.prior == .standardNormal {
            summary.append(
                "with the N(0, I) prior the error includes log γ(x_T) − log ρ_T(x_T): a prior bias, not the ODE's")
        }
        var closing: [String] = []
        var files: [OutputFile] = []
        var json: [String: JSONValue] = [
            "command": "likelihood", "model": .string(experiment.model.name),
            "mixture": .string(experiment.mixtureSpecification), "points": .integer(experiment.pointCount),
            "horizon": .number(experiment.horizon), "prior": .string(experiment.prior.rawValue),
            "step_counts": .array(experiment.stepCounts.map { .integer($0) }),
            "schedule": .string(experiment.schedule.rawValue),
            "tolerances": .array(experiment.tolerances.map { .number($0) }),
            "probe_counts": .array(experiment.probeCounts.map { .integer($0) }),
            "routes": routes.jsonValue(), "wall_seconds": .number(wallSeconds),
            "version": .string(fokkerPlanckLabVersion),
        ]
        if let bitsTable = bitsTable() {
            closing.append(
                "bits per dimension (b = \(bits!.bits)): the atoms are the points rounded to the grid 2^−b, "
                    + "dequantized over x + [0, 2^−b)^d; a "
                    + "density above 2^(b d) at an atom gives negative bits there, dequantized bits are a code "
                    + "length and cannot be negative on average (Jensen)")
            closing.append(bitsTable.rendered(as: .text).trimmingCharacters(in: .newlines))
            json["bits_per_dimension"] = bitsTable.jsonValue()
            if includingFiles { files += TableFiles.tableFiles(bitsTable, stem: "bits") }
        }
        closing.append(
            String(
                format: "wall %.3g s, seed %llu, %d thread(s)", wallSeconds, experiment.settings.seed,
                experiment.settings.threads))
        json.merge(experiment.settings.manifestEntries) { $1 }
        if includingFiles {
            files += TableFiles.tableFiles(routes, stem: "routes")
            if let plot = biasAgainstStepsPlot() {
                files.append(OutputFile(name: "bias-steps.svg", contents: plot.svg()))
            }
            if let plot = biasAgainstTolerancePlot() {
                files.append(OutputFile(name: "bias-tolerance.svg", contents: plot.svg()))
            }
            if let plot = varianceAgainstProbesPlot() {
                files.append(OutputFile(name: "variance-probes.svg", contents: plot.svg()))
            }
        }
        return CommandReport(summary: summary, table: routes, closing: closing, json: .object(json), files: files)
    }

    var priorText: String {
        experiment.prior == .exact ? "the exact ρ_T" : "N(0, I)"
    }

    /// One row a route: its error against the exact log-density over the points, and for Hutchinson's routes the
    /// difference from the exact-divergence route on the same steps.
    public func routeTable() -> DataTable {
        var table = DataTable(
            "routes", title: "Each route's log ρ_0 against the exact log-density over the points",
            columns: [
                .init("integrator", key: "integrator"), .init("divergence", key: "divergence"),
                .init("mean error", key: "mean_error", style: .general(significantDigits: 3)),
                .init("± SE", key: "mean_error_standard_error", style: .general(significantDigits: 2)),
                .init("max |error|", key: "largest_absolute_error", style: .general(significantDigits: 3)),
                .init("F evals/point", key: "evaluations_per_point", style: .general(significantDigits: 4)),
                .init("vs exact div: mean", key: "hutchinson_mean", style: .general(significantDigits: 3)),
                .init("± SE", key: "hutchinson_standard_error", style: .general(significantDigits: 2)),
                .init("variance", key: "hutchinson_variance", style: .general(significantDigits: 3)),
                .init("completed", key: "completed"),
            ])
        let reference = self.reference
        for outcome in outcomes {
            let method = outcome.run.method
            let errors = outcome.points.compactMap(\.error)
            let error = MeanEstimate(errors)
            var row: [DataValue] = [
                .text(method.integrator.name), .text(method.divergence.name),
                error.map { .number($0.mean) } ?? .missing, error.map { .number($0.standardError) } ?? .missing,
                outcome.largestAbsoluteError.map { .number($0) } ?? .missing,
                .number(Double(outcome.totalEvaluations) / Double(max(outcome.points.count, 1))),
            ]
            if case .hutchinson = method.divergence, let reference {
                let differences = self.differences(outcome, from: reference)
                let estimate = MeanEstimate(differences)
                row += [
                    estimate.map { .number($0.mean) } ?? .missing,
                    estimate.map { .number($0.standardError) } ?? .missing,
                    estimate.map { .number($0.variance) } ?? .missing,
                ]
            } else {
                row += [.missing, .missing, .missing]
            }
            row.append(.text("\(outcome.completedCount)/\(outcome.points.count)"))
            table.append(row)
        }
        return table
    }

    /// One row a quantity: bits per dimension at the atoms (exact density, probability flow), dequantized, and the
    /// code length; mean ± SE over the atoms, the smallest, and the fraction below 0.
    public func bitsTable() -> DataTable? {
        guard let bits else { return nil }
        var table = DataTable(
            "bits", title: "Bits per dimension of the quantized points (b = \(bits.bits))",
            columns: [
                .init("quantity", key: "quantity"),
                .init("mean", key: "mean", style: .general(significantDigits: 4)),
                .init("± SE", key: "standard_error", style: .general(significantDigits: 2)),
                .init("smallest", key: "smallest", style: .general(significantDigits: 4)),
                .init("fraction < 0", key: "negative_fraction", style: .general(significantDigits: 3)),
                .init("atoms", key: "atoms"),
            ])
        let rows: [(String, [Double?])] = [
            ("−log₂ p(x)/d + b at the atoms, exact p", bits.atomExact),
            ("−log₂ p(x)/d + b at the atoms, probability flow (dp45 1e-5)", bits.atomFlow),
            ("E_u[−log₂ p(x + u)]/d + b, dequantized (\(experiment.dequantizationDraws) draws)", bits.dequantized),
            ("−log₂ P(x)/d, the code length (P from the same draws)", bits.codeLengths),
        ]
        for (name, values) in rows {
            let present = values.compactMap { $0 }
            let estimate = MeanEstimate(present)
            table.append([
                .text(name), estimate.map { .number($0.mean) } ?? .missing,
                estimate.map { .number($0.standardError) } ?? .missing, present.min().map { .number($0) } ?? .missing,
                present.isEmpty ? .missing : .number(Double(present.filter { $0 < 0 }.count) / Double(present.count)),
                .text("\(present.count)/\(values.count)"),
            ])
        }
        return table
    }

    /// max |error| and the RMS error of the RK4 routes against K on log–log axes, with a dashed slope −4.
    public func biasAgainstStepsPlot() -> LinePlot? {
        let rows = outcomes.compactMap { outcome -> (Double, Double, Double)? in
            guard case .rungeKutta4(let steps, _) = outcome.run.method.integrator,
                outcome.run.method.divergence == .exact,
                let largest = outcome.largestAbsoluteError, largest > 0
            else { return nil }
            let errors = outcome.points.compactMap(\.error)
            let rms = (errors.reduce(0) { $0 + $1 * $1 } / Double(errors.count)).squareRoot()
            return (Double(steps), largest, rms)
        }
        guard rows.count >= 2 else { return nil }
        var plot = LinePlot(
            title: "RK4, exact divergence: log-density error against steps",
            xAxis: Axis("steps K", scale: .logarithmic), yAxis: Axis("|error| of log ρ_0", scale: .logarithmic),
            marksPoints: true)
        plot.series.append(.init("max |error|", x: rows.map(\.0), y: rows.map(\.1), color: Palette.color(at: 0)))
        plot.series.append(.init("RMS error", x: rows.map(\.0), y: rows.map(\.2), color: Palette.color(at: 1)))
        plot.referenceLines.append(
            .powerLaw(
                exponent: -4, through: (rows[0].0, rows[0].1), label: "slope −4", color: Palette.color(at: 0),
                dash: .dashed))
        return plot
    }

    /// max |error| of the Dormand–Prince routes against the tolerance on log–log axes, with a dashed slope 1, and
    /// the evaluations a point on the legend.
    public func biasAgainstTolerancePlot() -> LinePlot? {
        let rows = outcomes.compactMap { outcome -> (Double, Double)? in
            guard case .dormandPrince(let tolerance, _, _) = outcome.run.method.integrator,
                let largest = outcome.largestAbsoluteError, largest > 0
            else { return nil }
            return (tolerance, largest)
        }
        guard rows.count >= 2 else { return nil }
        var plot = LinePlot(
            title: "Dormand–Prince, exact divergence: log-density error against tolerance",
            xAxis: Axis("rtol = atol", scale: .logarithmic), yAxis: Axis("max |error| of log ρ_0", scale: .logarithmic),
            marksPoints: true)
        plot.series.append(.init("max |error|", x: rows.map(\.0), y: rows.map(\.1), color: Palette.color(at: 0)))
        plot.referenceLines.append(
            .powerLaw(
                exponent: 1, through: (rows[0].0, rows[0].1), label: "slope 1", color: Palette.color(at: 0),
                dash: .dashed))
        return plot
    }

    /// The variance over the points of L_Hutchinson - L_exact against the probe count K, one line a distribution,
    /// with a dashed slope −1 (independent probes: variance ∝ 1/K).
    public func varianceAgainstProbesPlot() -> LinePlot? {
        guard let reference else { return nil }
        var plot = LinePlot(
            title: "Hutchinson's estimator: variance of the log-density against probes",
            xAxis: Axis("probes K", scale: .logarithmic),
            yAxis: Axis("variance of L_H − L_exact", scale: .logarithmic), marksPoints: true)
        for (index, distribution) in experiment.probeDistributions.enumerated() {
            let rows = outcomes.compactMap { outcome -> (Double, Double)? in
                guard case .hutchinson(let probes, let kind) = outcome.run.method.divergence, kind == distribution,
                    let estimate = MeanEstimate(differences(outcome, from: reference))
                else { return nil }
                let variance = estimate.variance
                return variance > 0 ? (Double(probes), variance) : nil
            }
            guard rows.count >= 2 else { continue }
            plot.series.append(
                .init(distribution.rawValue, x: rows.map(\.0), y: rows.map(\.1), color: Palette.color(at: index)))
            if index == 0 {
                plot.referenceLines.append(
                    .powerLaw(
                        exponent: -1, through: (rows[0].0, rows[0].1), label: "slope −1",
                        color: Palette.color(at: index), dash: .dashed))
            }
        }
        return plot.series.isEmpty ? nil : plot
    }
}

import ArgumentParser
import FokkerPlanckLab
import Foundation

/// `fplab memorize`: the exact-score experiments of THEORY §5 and §7 on a finite training set — memorization
/// against step count and final step size (bridge and Euler–Maruyama), endpoint frequencies against
/// E_mu[lambda_i(Y, T)] with a chi-square test, and the Voronoi limit.
public struct Memorize: ExperimentCommand {
    public static let configuration = CommandConfiguration(
        abstract: "Exact finite-data score: memorization, endpoint frequencies, Voronoi cells.",
        discussion: """
            With the exact score of a finite training set, reverse diffusion only returns training points. \
            Memorization: the fraction of --particles runs that end within --epsilon of a training point, for the \
            bridge (ddpm) update and Euler–Maruyama at each count of --step-sweep (uniform steps from --time to 0), \
            and with --final-step sizes. Endpoint frequencies: how often each training point is reached from \
            --start (gaussian or rho-t) against the prediction E_mu[lambda_i(Y, T)] (quadrature in 1-D, Monte Carlo \
            otherwise), with Pearson's chi-square test. Voronoi: runs from x ~ rho_t* for each t* of --t-stars, the \
            fraction ending at the training point nearest to e^t* x and the agreement of the one-step <X0>(x, t*). \
            Default data: the points 0, 2, 2.5. Same --seed, same numbers, whatever --threads.
            """
    )

    @OptionGroup(title: "Data")
    public var datasetOptions: DatasetOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("Runs per measurement (1 to 10000000).", valueName: "M"))
    public var particles: Int = 10_000

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Bridge steps of the endpoint-frequency runs and the headline memorized fraction (1 to 1000000).",
            valueName: "K"))
    public var steps: Int = 1000

    @Option(
        name: .customLong("step-sweep"), parsing: .unconditional,
        help: ArgumentHelp("Step counts of the memorization sweep (comma-separated).", valueName: "list"))
    public var stepSweep: String = "10,100,1000"

    @Option(
        name: .customLong("final-step"), parsing: .unconditional,
        help: ArgumentHelp(
            "Final step sizes h_last of the sweep at --steps steps (comma-separated, below --time).",
            valueName: "list"))
    public var finalSteps: String = "1e-2,1e-4"

    @OptionGroup(title: "Reverse runs")
    public var reverseOptions: ReverseRunOptions

    @Option(
        name: .customLong("t-stars"), parsing: .unconditional,
        help: ArgumentHelp("Voronoi start times t* (comma-separated, positive).", valueName: "list"))
    public var timeStars: String = "0.5,0.1,0.01,1e-3,1e-4,1e-5"

    @Option(
        name: .customLong("voronoi-runs"), parsing: .unconditional,
        help: ArgumentHelp("Runs per t* (1 to 10000000).", valueName: "n"))
    public var voronoiRuns: Int = 2000

    @Option(
        name: .customLong("prediction-samples"), parsing: .unconditional,
        help: ArgumentHelp(
            "Monte Carlo draws for the endpoint prediction in d >= 2 (1000 to 100000000).", valueName: "n"))
    public var predictionSamples: Int = 100_000

    @OptionGroup(title: "Run and output")
    public var runOptions: RunOptions

    @OptionGroup(title: "Run and output")
    public var outputOptions: OutputOptions

    public init() {}

    public func run(_ experiment: MemorizeExperiment) throws {
        let report = try experiment.run()
        try outputOptions.deliver(report)
    }

    /// The experiment these options describe, every option checked.
    public func experiment() throws -> MemorizeExperiment {
        try OptionCheck.require(
            (1...10_000_000).contains(particles), "--particles must be from 1 to 10000000; got \(particles).")
        try OptionCheck.require((1...1_000_000).contains(steps), "--steps must be from 1 to 1000000; got \(steps).")
        try reverseOptions.validate()
        let time = reverseOptions.time
        try OptionCheck.require(
            (1...10_000_000).contains(voronoiRuns), "--voronoi-runs must be from 1 to 10000000; got \(voronoiRuns).")
        try OptionCheck.require(
            (1000...100_000_000).contains(predictionSamples),
            "--prediction-samples must be from 1000 to 100000000; got \(predictionSamples).")
        let sweep = try parsePositiveList(stepSweep, option: "--step-sweep")
        try OptionCheck.require(
            sweep.allSatisfy { $0 >= 1 && $0 <= 1_000_000 && $0 == $0.rounded() },
            "--step-sweep must list whole step counts from 1 to 1000000; got '\(stepSweep)'.")
        let finals = try parsePositiveList(finalSteps, option: "--final-step")
        try OptionCheck.require(
            finals.allSatisfy { $0 < time },
            "--final-step sizes must be below --time (\(time.shortText)); got '\(finalSteps)'.")
        let stars = try parsePositiveList(timeStars, option: "--t-stars")
        let training = try datasetOptions.trainingSet(
            fallback: "points", defaultPoints: "0,2,2.5", seed: runOptions.seed)
        let experiment = MemorizeExperiment(
            options: self, training: training.points, sweepSteps: sweep.map { Int($0) },
            finalSteps: finals, timeStars: stars)
        // Cost: each particle step evaluates the exact score, a sum over the N training points of d coordinates
        // (about 20 operations a term). Particle steps: both integrators at every --step-sweep count and --final-step
        // size, the headline and endpoint runs at --steps, 100 steps per Voronoi run per t*; plus the Monte Carlo
        // endpoint prediction, --prediction-samples posterior weights of N terms.
        let particleSteps =
            Double(particles) * (2 * sweep.reduce(0, +) + Double(2 * finals.count + 2) * Double(steps))
            + Double(voronoiRuns) * 100 * Double(stars.count) + Double(predictionSamples)
        let terms = Double(training.points.count * training.points.dimension)
        try OptionCheck.work(
            20 * particleSteps * terms, subject: "memorize with --particles \(particles) and --steps \(steps)",
            formula: "20 × particle steps (\(particleSteps.shortText)) × training points × dimension",
            advice: "lower --particles, --steps, --step-sweep, --voronoi-runs or --prediction-samples"
        )
        return experiment
    }
}

/// One `fplab memorize` run with every option resolved.
public struct MemorizeExperiment {
    public let options: Memorize
    public let training: PointSet
    public let sweepSteps: [Int]
    public let finalSteps: [Double]
    public let timeStars: [Double]

    public var setup: FiniteDataSetup {
        FiniteDataSetup(
            training: training, horizon: options.reverseOptions.time, startLaw: options.reverseOptions.start,
            seed: options.runOptions.seed,
            threads: options.runOptions.threads)
    }

    public func run() throws -> CommandReport {
        let clock = ContinuousClock.now
        let setup = self.setup
        let progress = ProgressReporter.forTerminal(label: "memorize")
        let study = MemorizationStudy(setup: setup, count: options.particles, threshold: options.reverseOptions.epsilon)
        var measurements: [MemorizationMeasurement] = []
        let plan: [(ParticleIntegrator, Int, Double?)] =
            sweepSteps.flatMap { steps in [(.ddpm, steps, nil), (.eulerMaruyama, steps, nil)] }
            + finalSteps.flatMap { final in
                [(ParticleIntegrator.ddpm, options.steps, Optional(final)), (.eulerMaruyama, options.steps, final)]
            }
        let total = Double(plan.count + 1 + timeStars.count)
        for (index, item) in plan.enumerated() {
            progress?.update(fraction: Double(index) / total)
            measurements.append(try study.measure(integrator: item.0, steps: item.1, finalStepSize: item.2))
        }
        let headline = try study.measure(integrator: .ddpm, steps: options.steps)
        progress?.update(fraction: Double(plan.count) / total)
        let frequencies = try EndpointFrequencyStudy(
            setup: setup, count: options.particles, steps: options.steps, threshold: options.reverseOptions.epsilon,
            predictionSamples: options.predictionSamples
        ).run()
        let voronoiStudy = VoronoiStudy(setup: setup, count: options.voronoiRuns, steps: 100)
        var voronoi: [VoronoiMeasurement] = []
        for (index, star) in timeStars.enumerated() {
            progress?.update(fraction: Double(plan.count + 1 + index) / total)
            voronoi.append(try voronoiStudy.measure(startTime: star, offset: UInt64(index)))
        }
        progress?.finish()
        return report(
            headline: headline, sweep: measurements, frequencies: frequencies, voronoi: voronoi,
            seconds: secondsElapsed(since: clock))
    }

    func report(
        headline: MemorizationMeasurement, sweep: [MemorizationMeasurement], frequencies: EndpointFrequencies,
        voronoi: [VoronoiMeasurement], seconds: Double
    ) -> CommandReport {
        var table = DataTable(columns: [
            .init("integrator", key: "integrator"), .init("steps", key: "steps"),
            .init("h_last", key: "final_step_size", style: .general(significantDigits: 4)),
            .init("memorized", key: "memorized_fraction", style: .general(significantDigits: 5)),
            .init("± SE", key: "memorized_standard_error", style: .scientific(fractionDigits: 1)),
            .init("RMS distance", key: "rms_distance", style: .scientific(fractionDigits: 3)),
            .init("√(2 h d)", key: "predicted_spread", style: .scientific(fractionDigits: 3)),
            .init("max h/(2 tanh t)", key: "stability_ratio", style: .general(significantDigits: 4)),
            .init("status", key: "status"),
        ])
        for row in sweep {
            table.append([
                .text(row.integrator.rawValue), .integer(row.steps), .number(row.finalStepSize),
                .number(row.memorizedFraction),
                .number(row.novelty.fractionStandardError), .number(row.rootMeanSquareDistance),
                .number(row.integrator == .ddpm ? nil : row.predictedSpread), .number(row.stabilityRatio),
                .text(row.status.name),
            ])
        }
        let chi = frequencies.chiSquare
        let summary = [
            "memorize: \(training.count) training points "
                + "(\(options.datasetOptions.describe(fallback: "points 0,2,2.5"))), d = \(training.dimension), "
                + "T = \(options.reverseOptions.time.shortText), start \(options.reverseOptions.start.rawValue), "
                + "\(options.particles) runs, ε = \(options.reverseOptions.epsilon.shortText)",
            String(
                format: "bridge, %d uniform steps: memorized fraction %.5f ± %.1e", options.steps,
                headline.memorizedFraction,
                headline.novelty.fractionStandardError),
        ]
        let test =
            chi.isTest
            ? String(
                format: "chi-square %.4g on %d degrees of freedom, p = %.4g; largest |f - p|/SE %.3g",
                chi.statistic, chi.degreesOfFreedom, chi.pValue, frequencies.largestStandardizedDeviation)
            : "no chi-square test (the runs within --epsilon of a training point leave no degree of freedom)"
        var closing = [
            String(
                format: "endpoint frequencies (%@ prediction): %@; %d runs unassigned",
                frequencies.prediction.method, test, frequencies.unassigned)
        ]
        if training.count <= 10 {
            closing.append(
                "  frequencies " + frequencies.frequencies.map { String(format: "%.4f", $0) }.joined(separator: ", ")
                    + "; predicted "
                    + frequencies.prediction.probabilities.map { String(format: "%.4f", $0) }.joined(separator: ", "))
        }
        for row in voronoi {
            closing.append(
                String(
                    format:
                        "Voronoi t* = %-8@ ends at nearest to e^t* x: %.4f ± %.1e; "
                        + "one-step <X0> agrees with the end: %.4f",
                    row.startTime.shortText, row.endsAtNearest, row.standardError(row.endsAtNearest),
                    row.oneStepAgreement))
        }
        closing.append(
            String(
                format: "wall %.3g s, seed %llu, %d thread(s)", seconds, options.runOptions.seed,
                options.runOptions.threads))
        let voronoiJSON: [JSONValue] = voronoi.map { row in
            .object([
                "t_star": .number(row.startTime), "ends_at_nearest": .number(row.endsAtNearest),
                "ends_at_nearest_standard_error": .number(row.standardError(row.endsAtNearest)),
                "one_step_agreement": .number(row.oneStepAgreement),
                "one_step_at_nearest": .number(row.oneStepAtNearest),
                "runs": .integer(row.runCount),
            ])
        }
        let json: [String: JSONValue] = [
            "command": "memorize", "dataset": .string(options.datasetOptions.describe(fallback: "points 0,2,2.5")),
            "training_count": .integer(training.count), "dimension": .integer(training.dimension),
            "time": .number(options.reverseOptions.time), "start": .string(options.reverseOptions.start.rawValue),
            "particles": .integer(options.particles),
            "steps": .integer(options.steps), "epsilon": .number(options.reverseOptions.epsilon),
            "seed": .unsignedInteger(options.runOptions.seed), "threads": .integer(options.runOptions.threads),
            "memorized_fraction": .number(headline.memorizedFraction),
            "memorized_standard_error": .number(headline.novelty.fractionStandardError),
            "sweep": table.jsonValue(),
            "endpoint_frequencies": .array(frequencies.frequencies.map { .number($0) }),
            "endpoint_counts": .array(frequencies.counts.map { .integer($0) }),
            "unassigned": .integer(frequencies.unassigned),
            "predicted_frequencies": .array(frequencies.prediction.probabilities.map { .number($0) }),
            "predicted_standard_errors": .array(frequencies.prediction.standardErrors.map { .number($0) }),
            "prediction_method": .string(frequencies.prediction.method),
            "chi2_statistic": chi.isTest ? .number(chi.statistic) : .null,
            "chi2_degrees_of_freedom": .integer(chi.degreesOfFreedom),
            "chi2_p_value": chi.isTest ? .number(chi.pValue) : .null,
            "largest_standardized_deviation": .number(frequencies.largestStandardizedDeviation),
            "voronoi_agreement": .array(voronoiJSON),
            "wall_seconds": .number(seconds), "version": .string(fokkerPlanckLabVersion),
        ]
        var files: [OutputFile] = []
        if options.outputOptions.outputDirectory != nil {
            var endpoints =
                (training.dimension == 1 ? "x" : (1...training.dimension).map { "x\($0)" }.joined(separator: ","))
                + ",count,frequency,predicted\n"
            for index in 0..<training.count {
                let point = (0..<training.dimension).map { "\(training.points[index * training.dimension + $0])" }
                    .joined(separator: ",")
                endpoints +=
                    "\(point),\(frequencies.counts[index]),\(frequencies.frequencies[index]),"
                    + "\(frequencies.prediction.probabilities[index])\n"
            }
            var voronoiCSV = "t_star,ends_at_nearest,standard_error,one_step_agreement,one_step_at_nearest,runs\n"
            for row in voronoi {
                voronoiCSV +=
                    "\(row.startTime),\(row.endsAtNearest),\(row.standardError(row.endsAtNearest)),"
                    + "\(row.oneStepAgreement),\(row.oneStepAtNearest),\(row.runCount)\n"
            }
            files = [
                OutputFile(name: "sweep.csv", contents: table.rendered(as: .csv)),
                OutputFile(name: "endpoints.csv", contents: endpoints),
                OutputFile(name: "voronoi.csv", contents: voronoiCSV),
            ]
        }
        return CommandReport(summary: summary, table: table, closing: closing, json: .object(json), files: files)
    }
}

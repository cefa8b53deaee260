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

    public enum Direction: String, ExpressibleByArgument, CaseIterable, Sendable { case forward, reverse }
    public enum ScoreKind: String, ExpressibleByArgument, CaseIterable, Sendable { case exact, empirical, grid }
    public enum StartLaw: String, ExpressibleByArgument, CaseIterable, Sendable {
        case exact, gamma
    }
    public enum Schedule: String, ExpressibleByArgument, CaseIterable, Sendable { case uniform, geometric, ddpm }

    public static let particleRange = 1...100_000_000
    public static let stepRange = 1...10_000_000
    /// Training points drawn for --score empirical: the score sums over all of them at every particle step, so
    /// 10^7 points already cost 10^7 × d operations per particle step; the run's total is bounded by `WorkLimit`.
    public static let trainingPointRange = 1...10_000_000
    /// Coordinates of --data points: forward sampling without a histogram takes any dimension up to this (a
    /// point per row of a CSV with up to 10^4 columns); the memory and the work bound the rest.
    public static let dataDimensionLimit = 10_000
    /// Bytes a particle coordinate costs: the positions and the sampler's scratch copy (8 + 8), the moments (8),
    /// and with --output its text in samples.csv (up to 25) and its bytes in samples.npy (8).
    public static let bytesPerCoordinate = 57.0

    @Option(help: "forward or reverse.")
    public var direction: Direction = .reverse

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
            "euler-maruyama, exact (forward linear models), heun or rk4 (probability flow), ddpm, "
                + "ddim (default: exact forward, euler-maruyama reverse, rk4 with --probability-flow).",
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
            "Time grid: uniform, geometric or ddpm (the discrete DDPM schedule in OU time; "
                + "default: uniform forward, geometric reverse).",
            valueName: "name"))
    public var schedule: Schedule?

    @Option(
        help: ArgumentHelp(
            "Reverse score: exact (mixture oracle), empirical (finite data), grid (from a forward spectral solve).",
            valueName: "kind"))
    public var score: ScoreKind?

    @Option(help: ArgumentHelp("Reverse start law: exact (the law at T) or gamma (N(0, I)).", valueName: "law"))
    public var start: StartLaw = .exact

    @Flag(help: "Bin the particles on the grid of --points/--half-width (and report it in JSON and histogram.csv).")
    public var histogram = false

    @OptionGroup(title: "Grid (histograms and the grid score)")
    public var gridOptions: GridOptions

    @OptionGroup(title: "Run and output")
    public var runOptions: RunOptions

    @OptionGroup(title: "Run and output")
    public var outputOptions: OutputOptions

    public init() {}

    public func run(_ experiment: SampleExperiment) throws {
        let outcome = try experiment.run()
        try outputOptions.deliver(
            outcome.report, stopReason: outcome.result.status == .completed ? nil : "\(outcome.result.status)")
    }

    /// The run these options describe, every default resolved and every option checked.
    public func experiment() throws -> SampleExperiment {
        try OptionCheck.require(
            Self.particleRange.contains(particles),
            "--particles must be from 1 to \(Self.particleRange.upperBound); got \(particles).")
        try OptionCheck.require(
            Self.stepRange.contains(steps), "--steps must be from 1 to \(Self.stepRange.upperBound); got \(steps).")
        try OptionCheck.finite(time, option: "--time", mustBe: "greater than 0 and at most 1000") {
            $0 > 0 && $0 <= 1000
        }
        try OptionCheck.finite(
            timeMinimum, option: "--t-min", mustBe: "greater than 0 and below --time (\(time.shortText))"
        ) {
            $0 > 0 && $0 < time
        }
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

        let resolvedScore = score ?? (training == nil ? .exact : .empirical)
        let resolvedIntegrator =
            integrator ?? (direction == .forward ? .exact : (probabilityFlow ? .rungeKutta4 : .eulerMaruyama))
        let resolvedSchedule = schedule ?? (direction == .forward ? .uniform : .geometric)
        if direction == .forward {
            try OptionCheck.require(!probabilityFlow, "--probability-flow applies to --direction reverse only.")
            try OptionCheck.require(score == nil, "--score applies to --direction reverse only.")
            try OptionCheck.require(
                [.eulerMaruyama, .exact].contains(resolvedIntegrator),
                "--integrator \(resolvedIntegrator.rawValue) is not a forward integrator: use euler-maruyama or exact.")
            try OptionCheck.require(resolvedSchedule == .uniform, "--schedule: forward sampling uses uniform steps.")
        } else {
            try OptionCheck.require(resolvedIntegrator != .exact, "--integrator exact is for --direction forward.")
            try OptionCheck.require(
                resolvedScore != .exact || mixture != nil,
                "--score exact needs a --mixture (the oracle); use --score empirical with --data.")
            try OptionCheck.require(
                resolvedScore != .grid || mixture != nil, "--score grid needs a --mixture to solve forward on the grid."
            )
            try OptionCheck.require(resolvedScore != .grid || dimension <= 2, "--score grid works in 1-D and 2-D.")
            try OptionCheck.require(
                resolvedSchedule != .ddpm || modelOptions.model == .ou,
                "--schedule ddpm maps the DDPM schedule to OU time: use it with --model ou.")
        }
        let experiment = SampleExperiment(
            options: self, process: process, mixture: mixture, training: training,
            dimension: dimension, scoreKind: resolvedScore,
            integrator: resolvedIntegrator,
            schedule: resolvedSchedule)
        try experiment.checkCost()
        return experiment
    }
}

/// One `fplab sample` run with every default resolved.
public struct SampleExperiment {
    public let options: Sample
    public let process: LinearSDE
    public let mixture: GaussianMixture?
    public let training: PointSet?
    public let dimension: Int
    public let scoreKind: Sample.ScoreKind
    public let integrator: ParticleIntegrator
    public let schedule: Sample.Schedule

    /// Refuses a run that would not fit in memory or would run for hours. Cost model, with M particles, K steps,
    /// d coordinates and S score terms per particle step (the mixture's components for exact scores and for the
    /// forward exact law, the training points N for the empirical score, the cells for the grid score):
    /// bytes ≈ `Sample.bytesPerCoordinate` × M d + 8 N d (the training points) + 16 N d^2 (the exact start from
    /// --data: one Gaussian per point, its covariance and Cholesky factor); operations ≈ 20 × M K d S.
    func checkCost() throws {
        let particles = Double(options.particles)
        let steps = Double(options.steps + 1)
        let coordinates = Double(dimension)
        let trainingCount = Double(training?.count ?? (scoreKind == .empirical ? options.trainingPoints : 0))
        let exactStartFromData = mixture == nil && options.direction == .reverse && options.start == .exact
        let bytes =
            Sample.bytesPerCoordinate * particles * coordinates + 8 * trainingCount * coordinates
            + (exactStartFromData ? 16 * trainingCount * coordinates * coordinates : 0)
        try OptionCheck.memory(
            bytes,
            subject: "--particles \(options.particles) in \(dimension)-D with "
                + "\(Int(trainingCount)) training points",
            advice: "lower --particles or use fewer or lower-dimensional --data points")
        let scoreTerms: Double
        switch (options.direction, scoreKind) {
        case (.forward, _): scoreTerms = Double(mixture?.components.count ?? 1)
        case (.reverse, .exact): scoreTerms = Double(mixture?.components.count ?? 1)
        case (.reverse, .empirical): scoreTerms = trainingCount
        case (.reverse, .grid): scoreTerms = Double(1 << (2 * dimension))
        }
        try OptionCheck.work(
            20 * particles * steps * coordinates * scoreTerms,
            subject: "sample with --particles \(options.particles) and --steps \(options.steps)",
            formula: "20 × particles × steps × dimension × score terms (\(Int(scoreTerms)))",
            advice: "lower --particles, --steps or --training-points")
    }

    /// The forward times the particles step through.
    public var timeGrid: TimeGrid {
        let (horizon, last, count) = (options.time, options.timeMinimum, options.steps)
        var grid: TimeGrid
        switch (options.direction, schedule) {
        case (.forward, _): return .uniform(from: 0, to: horizon, steps: count)
        case (.reverse, .uniform): grid = .uniform(from: horizon, to: last, steps: count)
        case (.reverse, .geometric): grid = .geometric(from: horizon, to: last, steps: count)
        case (.reverse, .ddpm):
            // The DDPM schedule's times below the horizon (and above t-min).
            let times = TimeGrid.ddpmSchedule(steps: count).times.filter { $0 < horizon && $0 >= last }
            grid = TimeGrid(times: [horizon] + (times.isEmpty ? [last] : times))
        }
        if integrator == .ddpm || integrator == .ddim { grid = grid.appending(0) }
        return grid
    }

    /// The training points behind an empirical score: --data, or draws from the mixture.
    public var trainingPoints: PointSet? {
        if let training { return training }
        guard scoreKind == .empirical, let mixture else { return nil }
        var generator = Xoshiro256StarStar(seed: options.runOptions.seed, stream: UInt64.max)
        var points = [Double](repeating: 0, count: options.trainingPoints * dimension)
        points.withUnsafeMutableBufferPointer { MixtureDraws(mixture: mixture).fill($0, using: &generator) }
        return PointSet(points: points, dimension: dimension)
    }

    func makeScore() throws -> any ScoreProvider {
        switch scoreKind {
        case .exact:
            return ExactMixtureScore(mixture: mixture!, model: process)
        case .empirical:
            let points = trainingPoints!
            return FiniteDatasetScore(
                data: points.points, dimension: points.dimension, model: process, bandwidth: options.bandwidth)
        case .grid:
            let grid = options.gridOptions.grid(boundary: .periodic)
            // Snapshots at up to 400 of the reverse times (the score is interpolated linearly between them).
            let times = timeGrid.times.filter { $0 > 0 }
            let stride = max(1, times.count / 400)
            let snapshotTimes = Array(
                Set(times.enumerated().filter { $0.offset % stride == 0 }.map(\.element) + [options.timeMinimum])
            ).sorted()
            let problem = FokkerPlanckProblem(
                process: process, initialDensity: mixture!.field(on: grid), endTime: options.time)
            let result = try solve(
                problem, .integratingFactorRK4,
                options: SolveOptions(
                    snapshotTimes: snapshotTimes, keepDensities: true, threads: options.runOptions.threads))
            guard result.status.isCompleted else {
                throw ExperimentError("--score grid: the forward solve stopped early: \(result.status)")
            }
            return GridScore(
                snapshots: result.snapshots.compactMap { snapshot in
                    snapshot.density.map { (snapshot.diagnostics.time, $0) }
                }, model: process)
        }
    }

    /// The law the particles should follow at the end, when known exactly.
    public var targetMixture: GaussianMixture? {
        guard let mixture else { return nil }
        switch options.direction {
        case .forward: return mixture.evolved(under: process, to: options.time)
        case .reverse:
            // From the exact law at T with the exact score, the particles return to the mixture (at t-min for the
            // SDE and ODE; at 0 for ddpm/ddim).
            guard options.start == .exact, scoreKind != .empirical else { return nil }
            let end = timeGrid.times.last!
            return end > 0 ? mixture.evolved(under: process, to: end) : mixture
        }
    }

    public func run() throws -> SampleOutcome {
        let clock = ContinuousClock.now
        let dynamics: ParticleDynamics
        let initial: InitialLaw
        switch options.direction {
        case .forward:
            dynamics = .forward(process)
            if let training {
                let repeats = (options.particles + training.count - 1) / training.count
                let points = Array(
                    Array(repeating: training.points, count: repeats).joined().prefix(options.particles * dimension))
                initial = .points(points, dimension: dimension)
            } else {
                initial = .mixture(mixture!)
            }
        case .reverse:
            let score = try makeScore()
            dynamics =
                options.probabilityFlow
                ? .probabilityFlow(process: process, score: score)
                : .reverseSDE(process: process, score: score, form: .score)
            switch options.start {
            case .gamma: initial = .mixture(.standardNormal(dimension: dimension))
            case .exact:
                if let mixture {
                    initial = .mixture(mixture.evolved(under: process, to: options.time))
                } else {
                    let points = trainingPoints!
                    // rho_T of the data: (1/N) sum N(m x_i, v I).
                    let scale = process.meanScale(to: options.time)
                    let spread = process.variance(to: options.time).squareRoot()
                    initial = .mixture(
                        GaussianMixture(
                            components: stride(from: 0, to: points.points.count, by: dimension).map { start in
                                .init(
                                    weight: 1 / Double(points.count),
                                    mean: (0..<dimension).map { scale * points.points[start + $0] },
                                    standardDeviations: Array(repeating: spread, count: dimension))
                            }))
                }
            }
        }
        let sampler = ParticleSampler(
            dynamics: dynamics, integrator: integrator, timeGrid: timeGrid,
            seed: options.runOptions.seed, threads: options.runOptions.threads)
        let result: ParticleRunResult
        do { result = try sampler.run(initial: initial, count: options.particles) } catch let error as SamplerError {
            throw ValidationError("--integrator \(integrator.rawValue): \(error.description)")
        }
        return SampleOutcome(experiment: self, result: result, wallSeconds: secondsElapsed(since: clock))
    }
}

/// What `fplab sample` measured.
public struct SampleOutcome {
    public let experiment: SampleExperiment
    public let result: ParticleRunResult
    public let wallSeconds: Double

    public var moments: SampleMoments? {
        result.particleCount >= 2 ? SampleMoments(positions: result.positions, dimension: result.dimension) : nil
    }

    public var histogram: ParticleHistogram? {
        guard experiment.options.histogram else { return nil }
        return ParticleHistogram(
            positions: result.positions, grid: experiment.options.gridOptions.grid(boundary: .periodic))
    }

    public var report: CommandReport {
        let options = experiment.options
        let target = experiment.targetMixture
        var table = DataTable(columns: [
            .init("coordinate", key: "coordinate"),
            .init("mean", key: "mean", style: .general(significantDigits: 6)),
            .init("± SE", key: "mean_standard_error", style: .scientific(fractionDigits: 2)),
            .init("target mean", key: "target_mean", style: .general(significantDigits: 6)),
            .init("variance", key: "variance", style: .general(significantDigits: 6)),
            .init("± SE", key: "variance_standard_error", style: .scientific(fractionDigits: 2)),
            .init("target variance", key: "target_variance", style: .general(significantDigits: 6)),
        ])
        let moments = self.moments
        let dimension = result.dimension
        for axis in 0..<dimension {
            table.append([
                .text(dimension == 1 ? "x" : ["x", "y", "z"][min(axis, 2)]),
                .number(moments?.mean[axis]), .number(moments?.meanStandardError[axis]), .number(target?.mean[axis]),
                .number(moments?.variance[axis]), .number(moments?.varianceStandardError[axis]),
                .number(target.map { $0.covariance[axis * dimension + axis] }),
            ])
        }
        let times = experiment.timeGrid.times
        var summary = [
            "sample: \(options.direction.rawValue), model \(options.modelOptions.summary), "
                + "integrator \(experiment.integrator.rawValue)"
                + (options.direction == .reverse
                    ? ", score \(experiment.scoreKind.rawValue)\(options.probabilityFlow ? ", probability flow" : "")"
                    : "")
                + ", \(result.particleCount) particles, \(times.count - 1) steps "
                + "from t = \(times.first!.shortText) to \(times.last!.shortText)"
        ]
        if let data = options.data {
            summary.append("data: \(data) (\(experiment.training!.count) points)")
        } else {
            summary.append("mixture: \(options.mixtureOptions.specification(dimension: dimension))")
        }
        var closing = [
            String(
                format: "status: %@ (sampling %.3g s, wall %.3g s, seed %llu, %d thread(s))",
                result.status.description, result.elapsedSeconds, wallSeconds, options.runOptions.seed,
                options.runOptions.threads)
        ]
        if let moments, !(moments.mean + moments.variance).allSatisfy(\.isFinite) {
            closing.append("moments: non-finite (the particles' mean or spread overflows a double); the table says so")
        }
        var json: [String: JSONValue] = [
            "command": "sample", "direction": .string(options.direction.rawValue),
            "integrator": .string(experiment.integrator.rawValue),
            "count": .integer(result.particleCount), "dimension": .integer(dimension),
            "steps": .integer(times.count - 1),
            "time": .number(options.time), "final_time": .number(times.last!),
            "seed": .unsignedInteger(options.runOptions.seed),
            "threads": .integer(options.runOptions.threads), "status": .string(result.status.name),
            "status_detail": .string(result.status.description), "sampling_seconds": .number(result.elapsedSeconds),
            "wall_seconds": .number(wallSeconds), "version": .string(fokkerPlanckLabVersion),
            "mean": .array((moments?.mean ?? []).map { .number($0) }),
            "mean_standard_error": .array((moments?.meanStandardError ?? []).map { .number($0) }),
            "variance": .array((moments?.variance ?? []).map { .number($0) }),
            "variance_standard_error": .array((moments?.varianceStandardError ?? []).map { .number($0) }),
        ]
        json.merge(options.modelOptions.json) { current, _ in current }
        if options.direction == .reverse {
            json["score"] = .string(experiment.scoreKind.rawValue)
            json["probability_flow"] = .bool(options.probabilityFlow)
            json["start"] = .string(options.start.rawValue)
        }
        if let data = options.data {
            json["data"] = .string(data)
        } else {
            json["mixture"] = .string(options.mixtureOptions.specification(dimension: dimension))
        }
        if let target {
            json["target_mean"] = .array(target.mean.map { .number($0) })
            json["target_variance"] = .array((0..<dimension).map { .number(target.covariance[$0 * dimension + $0]) })
        }
        // The sample files can be large: built only when they will be written.
        let writesFiles = options.outputOptions.outputDirectory != nil
        var files =
            writesFiles
            ? [
                OutputFile(
                    name: "samples.csv", contents: PointSet(points: result.positions, dimension: dimension).csvText),
                OutputFile(
                    name: "samples.npy", data: PointSet(points: result.positions, dimension: dimension).numpyData),
                OutputFile(name: "moments.csv", contents: table.rendered(as: .csv)),
            ] : []
        if let histogram {
            let density = histogram.density
            let errors = histogram.standardErrors
            var histogramJSON: [String: JSONValue] = [
                "grid": .object(options.gridOptions.json), "outside_count": .integer(histogram.outsideCount),
                "density": .array(density.values.map { .number($0) }),
                "standard_error": .array(errors.values.map { .number($0) }),
            ]
            var csv =
                (dimension == 1 ? "x" : "x,y") + ",density,standard_error" + (target != nil ? ",exact" : "") + "\n"
            let exact = target.map { $0.field(on: histogram.grid) }
            for cell in 0..<histogram.grid.count {
                let point = histogram.grid.point(at: cell).map { "\($0)" }.joined(separator: ",")
                csv +=
                    "\(point),\(density.values[cell]),\(errors.values[cell])"
                    + (exact.map { ",\($0.values[cell])" } ?? "") + "\n"
            }
            if writesFiles { files.append(OutputFile(name: "histogram.csv", contents: csv)) }
            if let exact {
                let distance = density.distanceL1(to: exact)
                histogramJSON["l1_to_exact"] = .number(distance)
                closing.append(
                    "histogram: \(histogram.grid.count) cells, L1 distance to the exact density "
                        + "\(distance.shortText), \(histogram.outsideCount) particles outside the box"
                )
            }
            json["histogram"] = .object(histogramJSON)
        }
        return CommandReport(summary: summary, table: table, closing: closing, json: .object(json), files: files)
    }
}

import ArgumentParser
import FokkerPlanckLab
import Foundation

/// `fplab memorize`: the exact-score experiments of THEORY §5 and §7 on a finite training set — memorization
/// against step count and final step size (bridge and Euler–Maruyama), endpoint frequencies against
/// E_mu[lambda_i(Y, T)] with a chi-square test, and the Voronoi limit.
public struct Memorize: ExperimentCommand {
    public static let configuration = CommandConfiguration(
        abstract:
            "Exact finite-data score: memorization, endpoint frequencies, Voronoi cells; or any model's samples "
            + "against its training data (--samples).",
        discussion: """
            With the exact score of a finite training set, reverse diffusion only returns training points. \
            Memorization: the fraction of --particles runs that end within --epsilon of a training point, for the \
            bridge (ddpm) update and Euler–Maruyama at each count of --step-sweep (from --time to 0, spaced by \
            --schedule), and with --final-step sizes. Endpoint frequencies: how often each training point is \
            reached from --start (gaussian or rho-t) against the prediction E_mu[lambda_i(Y, T)] (quadrature in \
            1-D, Monte Carlo otherwise), with Pearson's chi-square test. Voronoi: runs from x ~ rho_t* for each t* \
            of --t-stars, the fraction ending at the training point nearest to e^t* x and the agreement of the \
            one-step <X0>(x, t*). Default data: the points 0, 2, 2.5. Same --seed, same numbers, whatever --threads.

            With --samples FILE (CSV or .npy, one sample a row, any model's output) the samples are measured \
            against the training set (--data FILE, or --dataset) instead: a sample is memorized when its distance \
            to the nearest training point is below --ratio times that to the second-nearest (1/3, as in Yoon et \
            al. and Gu et al., "On memorization in diffusion models"); the memorized and the novel fraction \
            (farther than --epsilon from every training point) with exact Clopper-Pearson 95 % intervals, the \
            coverage of the training set, and quantiles of the distances and ratios; exact nearest neighbours by \
            matrix products in any dimension. The reverse-run options do not apply then.
            """
    )

    /// Runs per measurement (`--particles`, a bridge trajectory each) and bridge steps a run: the runs are
    /// independent trials of "which training point", so 10^7 gives frequencies to 2e-4 (binomial SE ≤ ½/√M); the work
    /// cap bounds their product.
    public static let particleRange = 1...10_000_000
    public static let stepRange = 1...1_000_000

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

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Spacing of the reverse grids: geometric (K − 1 steps from --time to 1e-5, then one to 0), uniform (K "
                + "uniform steps to 0: the last one T/K, too long for close training points), ddpm, edm or log-snr "
                + "(spacings of OU's log-SNR to 1e-5, then one step to 0).",
            valueName: "name"))
    public var schedule: StepSchedule = .geometric

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

    @Option(
        help: ArgumentHelp(
            "A model's samples to measure against the training set: CSV (one sample a row) or .npy, shape (M, d), "
                + "d that of the training set.", valueName: "file"))
    public var samples: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "With --samples: memorized when d1/d2 is below this (0 < r <= 1; d1, d2 the distances to the nearest "
                + "and second-nearest training point).", valueName: "r"))
    public var ratio: Double = 1.0 / 3

    @OptionGroup(title: "Run and output")
    public var runOptions: RunOptions

    public init() {}

    /// The exact-score studies, or (`--samples`) a model's samples against its training data.
    public enum Run {
        case exactScore(MemorizeExperiment)
        case samples(SampleMemorizationExperiment)
    }

    public func run(_ experiment: Run) throws {
        switch experiment {
        case .exactScore(let experiment):
            let outcome = try ProgressReporter.withProgress(label: "memorize") { try experiment.run(progress: $0) }
            try runOptions.deliver(outcome.report(includingFiles: runOptions.writesFiles))
        case .samples(let experiment):
            try runOptions.deliver(experiment.run().report(includingFiles: runOptions.writesFiles))
        }
    }

    /// The run these options describe, every option checked.
    public func experiment() throws -> Run {
        if let samples { return .samples(try sampleExperiment(samplesFile: samples)) }
        return .exactScore(try exactScoreExperiment())
    }

    /// `--samples`: both files read and checked (sizes, dimensions, memory and work).
    public func sampleExperiment(samplesFile: String) throws -> SampleMemorizationExperiment {
        try OptionCheck.finite(ratio, option: "--ratio", mustBe: "greater than 0 and at most 1") { $0 > 0 && $0 <= 1 }
        try OptionCheck.finite(reverseOptions.epsilon, option: "--epsilon", mustBe: "greater than 0") { $0 > 0 }
        let sampleSet: PointSet
        do { sampleSet = try PointSet.dataset(contentsOf: samplesFile) } catch let error as PointFileError {
            throw ValidationError("--samples: \(error.description)")
        }
        // Any dimension: the cost of the neighbour search is checked below, in work and memory, not by a cap on d.
        let training = try datasetOptions.trainingSet(
            fallback: "points", seed: runOptions.seed, dimensionLimit: .max
        ).points
        try OptionCheck.require(
            sampleSet.dimension == training.dimension,
            "--samples: the samples are \(sampleSet.dimension)-D and the training points \(training.dimension)-D.")
        try OptionCheck.require(
            training.count >= 2, "--data: the criterion needs at least two training points; got \(training.count).")
        // Work: one matrix product of M × N × d multiply-adds (2 flops each) and two passes over M × N distances;
        // memory: a block of distances per thread (`DenseNeighbourSearch.queryBlock` rows × N).
        let (sampleCount, trainingCount) = (Double(sampleSet.count), Double(training.count))
        try OptionCheck.work(
            2 * sampleCount * trainingCount * Double(training.dimension + 2),
            subject: "memorize --samples with \(sampleSet.count) samples and \(training.count) training points",
            formula: "2 × samples × training points × (dimension + 2)",
            advice: "give fewer samples or training points")
        let threads = Double(runOptions.settings.threads)
        try OptionCheck.memory(
            OptionCheck.doubles(
                threads * Double(DenseNeighbourSearch.queryBlock(referenceCount: training.count)) * trainingCount
                    + 6 * sampleCount),
            subject:
                "memorize --samples against \(training.count) training points on "
                + "\(runOptions.settings.threads) thread(s)",
            advice: "give fewer training points or --threads")
        return SampleMemorizationExperiment(
            samples: sampleSet, training: training, samplesDescription: "file \(samplesFile)",
            trainingDescription: datasetOptions.describe(fallback: "points"), ratio: ratio,
            noveltyThreshold: reverseOptions.epsilon, settings: runOptions.settings)
    }

    /// The exact-score studies these options describe, every option checked.
    public func exactScoreExperiment() throws -> MemorizeExperiment {
        try OptionCheck.count(particles, option: "--particles", in: Self.particleRange)
        try OptionCheck.count(steps, option: "--steps", in: Self.stepRange)
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
            training: training.points, datasetDescription: datasetOptions.describe(fallback: "points 0,2,2.5"),
            horizon: time, startLaw: reverseOptions.start, epsilon: reverseOptions.epsilon, particleCount: particles,
            stepCount: steps, sweepSteps: sweep.map { Int($0) }, finalStepSizes: finals, startTimes: stars,
            voronoiRunCount: voronoiRuns, predictionSamples: predictionSamples, schedule: schedule,
            settings: runOptions.settings)
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

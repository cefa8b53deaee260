import DataFiles
import Datasets
import DiffusionModels
import Figures
import Foundation
import Memorization
import ParticleSampling
import ScoreNetworks
import Scores

/// The claims about learned scores: a network trained by denoising score matching generalizes where the exact
/// finite-data score memorizes (THEORY §6, §7, §9), and on the Swiss roll the raw scalar time input beats the
/// sinusoidal embedding (THEORY §9, table (2)).
extension VerificationSuite {
    static let networkGeneralizes = Claim(
        name: "network-generalizes",
        statement:
            "A score network trained by denoising score matching on 50 Swiss-roll points generates new samples "
            + "(farther than 0.02 from every training point) that lie closer to the roll than a Gaussian with the "
            + "points' mean and covariance, where the exact finite-data score returns the training points.",
        bounds: [
            "DSM loss ratio ≤ 0.5 (a reason, not a derivation): at initialization ε̂ is O(1) noise and the minibatch "
                + "loss starts near or above d = 2 (the zero predictor's loss E|ε|²), while the optimal denoiser of "
                + "the roll averages about 0.41 over uniform n (the held-out loss of time-embedding); "
                + "a network that learned the roll's score at all has halved its starting loss.",
            "Exact score's novelty, 99.9 % Wilson upper limit ≤ 0.05: with 1000 bridge steps on the DDPM grid the last "
                + "step starts at t_1 = 5e-5 (noise σ = 0.01) and returns the one-hot <X0>; only pairs of training "
                + "points closer than a few σ blend, and a blend is novel only for a gap above 2 × 0.02, "
                + "i.e. a deviation beyond 2σ, so the predicted novelty is of order 1e-3; 0.05 leaves room for the "
                + "unknown pair spacing of the 50 points.",
            "Network minus exact novelty, 99.9 % Wilson lower limit of the network's minus the upper limit of the "
                + "exact score's ≥ 0.5 (a reason): 'generates new samples' read as 'most samples are new', "
                + "with the Wilson limits (z = 3.090, no SE floor) as the significance.",
            "Closer to the roll than the Gaussian: (Gaussian's mean distance − network's) / (SE_g² + SE_n²)^½ ≥ 4, "
                + "the two means from independent samples, one-sided at 3e-5.",
        ],
        controls: [.untrainedNetwork, .shiftedParticles(0.05)]
    ) { settings, record in
        let training = SwissRoll().sample(count: 50, seed: settings.seed &+ 3)
        let architecture = NetworkArchitecture(dimension: 2, width: 128, depth: 3, embedding: .scalar)
        let configuration = TrainingConfiguration(batchSize: 256, learningRate: 2e-3, seed: settings.seed)
        let trainer = DenoisingTrainer(
            state: TrainingState(architecture: architecture, configuration: configuration),
            data: training.points, threads: settings.threads)
        let updates = settings.quick ? 1500 : 2500
        let (sampleCount, networkSteps, exactSteps, threshold) = (settings.quick ? 1000 : 2000, 250, 1000, 0.02)
        record.parameter("training_points", training.count)
        record.parameter("network", "3×128 SiLU, scalar time input n/N")
        record.parameter("batch", configuration.batchSize)
        record.parameter("learning_rate", configuration.learningRate)
        record.parameter("updates", updates)
        record.parameter("samples", sampleCount)
        record.parameter("network_sampling_steps", networkSteps)
        record.parameter("exact_sampling_steps", exactSteps)
        record.parameter("novelty_threshold", threshold)
        let trained = trainer.train(steps: updates) { step, loss in
            settings.report(
                Double(step) / Double(updates), String(format: "update %d of %d, loss %.4f", step, updates, loss))
        }
        guard trained == .completed else { throw SamplerError("the network's training stopped: non-finite loss") }
        let losses = trainer.state.lossHistory
        let lossRatio = (losses.suffix(100).reduce(0, +) / 100) / (losses.prefix(10).reduce(0, +) / 10)
        let network = settings.subjects.network(trainer.state.network)
        // The sampler of `ScoreNetwork.generate`, written out so that the score passes through the subjects.
        let networkSamples = try ParticleSampler(
            dynamics: .reverseSDE(
                process: ornsteinUhlenbeck, score: settings.subjects.score(NetworkScore(network: network)), form: .score
            ),
            integrator: .ddpm, timeGrid: network.schedule.samplingGrid(steps: networkSteps), seed: settings.seed,
            threads: settings.threads
        ).run(initial: .mixture(.standardNormal(dimension: 2)), count: sampleCount)
        let exactScore = settings.subjects.score(FiniteDatasetScore(data: training.points, dimension: 2))
        let exactSamples = try ParticleSampler(
            dynamics: .reverseSDE(process: ornsteinUhlenbeck, score: exactScore, form: .score),
            integrator: .ddpm, timeGrid: network.schedule.samplingGrid(steps: exactSteps), seed: settings.seed,
            threads: settings.threads
        ).run(initial: .mixture(.standardNormal(dimension: 2)), count: sampleCount)
        func finite(_ positions: [Double]) -> [Double] { positions.map { $0.isFinite ? $0 : .greatestFiniteMagnitude } }
        let networkSet = PointSet(points: finite(settings.subjects.particles(networkSamples.positions)), dimension: 2)
        let exactSet = PointSet(points: finite(settings.subjects.particles(exactSamples.positions)), dimension: 2)
        let gaussianSet = SyntheticDataset.mixture(momentMatchedGaussian(training)).generate(
            count: sampleCount, seed: settings.seed, stream: 5)
        let sets = [
            ("network", networkSet, networkSteps), ("exact", exactSet, exactSteps), ("gaussian", gaussianSet, 0),
        ]
        let summaries = sets.map { NoveltySummary(samples: $0.1, training: training, threshold: threshold) }
        let rollDistances = sets.map { SwissRoll.meanDistanceToCurve(of: $0.1) }

        var novelty = DataTable(
            "novelty", title: "Samples against the training points and the roll, one sampler a row.",
            columns: [
                .init(
                    "sampler",
                    "network (trained by DSM), exact (the finite-data score of the 50 points) or gaussian (the points' "
                        + "mean and covariance, drawn directly)",
                    tolerance: .exact),
                .init("sampling_steps", "DDPM bridge steps from N(0, I) (0: direct draws)", tolerance: .exact),
                .init(
                    "novelty_fraction", "fraction of samples farther than 0.02 from every training point",
                    tolerance: .standardErrors(4, column: "novelty_standard_error")),
                .init(
                    "novelty_standard_error", "binomial SE of the fraction",
                    tolerance: .within(relative: 0.5, absolute: 1e-3)),
                .init(
                    "mean_nearest_distance", "mean distance from a sample to its nearest training point",
                    tolerance: .within(relative: 0.2, absolute: 1e-3)),
                .init(
                    "roll_distance", "mean distance from a sample to the noise-free roll",
                    tolerance: .standardErrors(4, column: "roll_distance_standard_error")),
                .init(
                    "roll_distance_standard_error", "SE of that mean", tolerance: .within(relative: 0.5, absolute: 1e-4)
                ),
            ])
        for (index, set) in sets.enumerated() {
            novelty.append(
                set.0, set.2, summaries[index].noveltyFraction, summaries[index].fractionStandardError,
                summaries[index].meanNearestDistance,
                rollDistances[index].mean, rollDistances[index].standardError)
        }
        var loss = DataTable(
            "loss", title: "The denoising loss during training, one window of 50 updates a row.",
            columns: [
                .init("update", "last update of the window", tolerance: .exact),
                .init(
                    "loss", "mean minibatch loss |ε̂ − ε|² over the window",
                    tolerance: .within(relative: 0.1, absolute: 0)),
            ])
        for end in stride(from: 50, through: losses.count, by: 50) {
            loss.append(end, losses[(end - 50)..<end].reduce(0, +) / 50)
        }
        record.tables += [novelty, loss]
        record.figures.append(
            DataFigure(
                "loss",
                caption:
                    "The minibatch denoising loss, averaged over windows of 50 updates, on log axes: "
                    + "it falls and levels off at the loss of the optimal denoiser plus the network's error.",
                figure: LinePlot(
                    title: "Denoising loss during training", xAxis: Axis("update", scale: .logarithmic),
                    yAxis: Axis("loss", scale: .logarithmic),
                    series: [.init("network", x: loss.numbers("update"), y: loss.numbers("loss"))])))
        record.figures.append(
            DataFigure(
                "samples",
                caption:
                    "The 50 training points (black), samples with the exact finite-data score "
                    + "(on top of them: memorized) and samples from the network: new points, spread along the roll "
                    + "(blurred: the network is small and briefly trained) where the training points are isolated "
                    + "dots.",
                figure: scatter(
                    title: "Training points, exact-score and network samples",
                    sets: [
                        ("network samples", networkSet), ("exact-score samples", exactSet),
                        ("training points", training),
                    ],
                    colors: [Palette.color(at: 0), Palette.color(at: 1), .black])))
        record.summary =
            "A 3×128 SiLU network with the scalar time input is trained by denoising score matching (Adam, batch 256) "
            + "on 50 Swiss-roll points; samples drawn from it with the DDPM bridge, samples drawn with the exact "
            + "finite-data score of the same 50 points, and direct draws from the Gaussian with the points' mean "
            + "and covariance are measured by their distance to the nearest training point (a sample farther than "
            + "0.02 is new) and by their distance to the noise-free roll. The Gaussian is the baseline a network "
            + "that learned only two moments would reach."
        let intervals = summaries.map {
            WilsonInterval(
                fraction: $0.noveltyFraction, trials: sampleCount, normalQuantile: WilsonInterval.oneSided999)
        }
        let rollAdvantage =
            (rollDistances[2].mean - rollDistances[0].mean)
            / (rollDistances[2].standardError * rollDistances[2].standardError + rollDistances[0].standardError
            * rollDistances[0].standardError).squareRoot()
        return [
            .atMost(
                "DSM loss, mean of the last 100 updates / mean of the first 10", lossRatio, 0.5, settings: settings),
            .atMost(
                "novelty with the exact finite-data score, 99.9 % Wilson upper limit", intervals[1].upper, 0.05,
                settings: settings),
            .atLeast(
                "novelty, network's 99.9 % lower limit − exact score's upper limit",
                intervals[0].lower - intervals[1].upper, 0.5, settings: settings),
            .atLeast(
                "distance to the roll, Gaussian minus network, in combined SEs", rollAdvantage, 4, settings: settings),
        ]
    }

    /// The Gaussian with the sample mean and covariance of `points` (2-D).
    static func momentMatchedGaussian(_ points: PointSet) -> GaussianMixture {
        let count = Double(points.count)
        var mean = [0.0, 0.0]
        for index in 0..<points.count { for axis in 0..<2 { mean[axis] += points.points[2 * index + axis] / count } }
        var covariance = [0.0, 0.0, 0.0, 0.0]
        for index in 0..<points.count {
            for row in 0..<2 {
                for column in 0..<2 {
                    covariance[2 * row + column] +=
                        (points.points[2 * index + row] - mean[row])
                        * (points.points[2 * index + column] - mean[column]) / (count - 1)
                }
            }
        }
        return GaussianMixture(components: [.init(weight: 1, mean: mean, covariance: covariance)])
    }

    static let timeEmbedding = Claim(
        name: "time-embedding",
        statement:
            "On the Swiss roll, with the same 3×128 SiLU network (trained in float32), updates, batch and "
            + "learning rate, the raw scalar time input n/N beats the 64-feature sinusoidal embedding, paired over "
            + "3 seeds, in held-out ε-loss, "
            + "sliced W2 to fresh points and distance to the roll, each by a paired t-statistic of at least "
            + "t_(0.975, 2) = 4.303 (one-sided 97.5 %; the study note: scalar input is smoother in 2-D). "
            + "Coverage along τ is recorded, not ranked (1 for every network at this budget).",
        bounds: [
            "Scalar ahead by ≥ t_(0.975, 2) = 4.303 SEs of the paired difference (scipy.stats.t.ppf(0.975, 2); "
                + "tested against the closed form F_2(t) = 1/2 + t/(2 (2 + t²)^½)): with three seeds the mean paired "
                + "difference over its SE is Student-t with 2 degrees of freedom under no difference, "
                + "so each metric's check falsely passes with probability 2.5 %."
        ],
        controls: [.timeInputConstant(.scalar)]
    ) { settings, record in
        var study = EmbeddingComparisonStudy(
            configuration: TrainingConfiguration(
                batchSize: settings.quick ? 256 : 512, learningRate: 1e-3, seed: settings.seed, precision: .float32),
            updates: settings.quick ? 1000 : 1500, trainingPoints: 2000, samples: settings.quick ? 1000 : 2000,
            samplingSteps: settings.quick ? 200 : 250, threads: settings.threads)
        study.trainedNetwork = settings.subjects.network
        record.parameter("network", "\(study.depth)×\(study.width) \(study.activation.rawValue)")
        record.parameter("batch", study.configuration.batchSize)
        record.parameter("learning_rate", study.configuration.learningRate)
        record.parameter("precision", study.configuration.precision.rawValue)
        record.parameter("updates", study.updates)
        record.parameter("training_points", study.trainingPoints)
        record.parameter("samples", study.samples)
        record.parameter("sampling_steps", study.samplingSteps)
        record.parameter("novelty_threshold", study.noveltyThreshold)
        record.parameter("seeds", list: study.seeds.map { Int($0) })
        let result = try study.run { fraction, line in settings.report(fraction, line) }
        let metrics = result.metrics.filter { $0.key != "training_seconds" }

        var comparison = DataTable(
            "comparison",
            title:
                "Table (2): sinusoidal against scalar time embedding, one metric a row (means over the seeds, "
                + "differences paired by seed).",
            columns: [
                .init("metric", "what is measured", tolerance: .exact),
                .init(
                    "sinusoidal", "mean over the seeds, sinusoidal embedding",
                    tolerance: .standardErrors(4, column: "sinusoidal_standard_error")),
                .init(
                    "sinusoidal_standard_error", "SE of that mean (sd/√3)",
                    tolerance: .within(relative: 1, absolute: 1e-3)),
                .init(
                    "scalar", "mean over the seeds, scalar embedding n/N",
                    tolerance: .standardErrors(4, column: "scalar_standard_error")),
                .init("scalar_standard_error", "SE of that mean", tolerance: .within(relative: 1, absolute: 1e-3)),
                .init(
                    "difference", "mean paired difference sinusoidal − scalar",
                    tolerance: .standardErrors(4, column: "difference_standard_error")),
                .init(
                    "difference_standard_error", "SE of the paired difference",
                    tolerance: .within(relative: 1, absolute: 1e-3)),
                .init(
                    "scalar_advantage",
                    "SEs by which the scalar embedding is ahead (negative: the sinusoidal one; NaN: not ranked)",
                    tolerance: .ignored),
                .init("better", "scalar, sinusoidal, tie, or — (novelty is reported, not ranked)", tolerance: .ignored),
            ])
        for metric in metrics {
            let first = metric.sinusoidalSummary
            let second = metric.scalarSummary
            let difference = metric.difference
            comparison.append(
                metric.name, first.mean, first.standardError, second.mean, second.standardError, difference.mean,
                difference.standardError, metric.scalarAdvantage, metric.better)
        }
        var runs = DataTable(
            "runs", title: "Every trained network, one (embedding, seed) a row.",
            columns: [
                .init("embedding", "sinusoidal (64 features) or scalar (n/N)", tolerance: .exact),
                .init("seed", "training set, initialization, minibatches and sampling noise", tolerance: .exact),
                .init(
                    "final_loss", "mean minibatch loss over the last 100 updates",
                    tolerance: .within(relative: 0.1, absolute: 0)),
                .init(
                    "held_out_loss", "held-out ε-loss over all n (bucket mean)",
                    tolerance: .within(relative: 0.1, absolute: 0)),
                .init(
                    "sliced_wasserstein", "sliced W2 to fresh roll points",
                    tolerance: .within(relative: 0.3, absolute: 0)),
                .init(
                    "roll_distance", "mean distance of the samples to the noise-free roll",
                    tolerance: .within(relative: 0.3, absolute: 0)),
                .init(
                    "coverage", "fraction of 30 bins along τ reached within 0.05 of the roll",
                    tolerance: .within(relative: 0, absolute: 0.1)),
                .init(
                    "novelty_fraction", "samples farther than 0.02 from every training point",
                    tolerance: .within(relative: 0, absolute: 0.05)),
                .init("training_seconds", "wall time of the training", tolerance: .ignored),
            ])
        for run in result.runs {
            let evaluation = run.evaluation
            runs.append(
                run.embedding.rawValue, Int(run.seed),
                run.losses.suffix(100).reduce(0, +) / Double(min(100, run.losses.count)),
                evaluation.heldOutLoss, evaluation.slicedWasserstein, evaluation.rollDistance?.mean ?? .nan,
                evaluation.coverage ?? .nan,
                evaluation.novelty.noveltyFraction, run.trainingSeconds)
        }
        record.tables += [comparison, runs]

        let bucketMetrics = metrics.filter { $0.key.hasPrefix("loss_") && $0.key != "loss_all" }
        let midpoints = (result.runs.first?.evaluation.bucketLosses ?? []).map {
            Double($0.steps.lowerBound + $0.steps.upperBound) / 2
        }
        func relative(_ shift: Double) -> [Double] {
            bucketMetrics.map { ($0.difference.mean + shift * $0.difference.standardError) / $0.scalarSummary.mean }
        }
        let color = Palette.color(at: 0)
        let buckets = LinePlot(
            title: "Held-out ε-loss: sinusoidal against scalar, by time bucket",
            xAxis: Axis("DDPM step n (bucket midpoint)", scale: .logarithmic),
            yAxis: Axis("(sinusoidal − scalar) / scalar"),
            series: [
                .init(
                    "paired difference, mean over seeds", x: midpoints, y: relative(0), color: color, marker: .circle),
                .init("± 2 SE", x: midpoints, y: relative(2), color: color, dash: .dashed, lineWidth: 1),
                .init("", x: midpoints, y: relative(-2), color: color, dash: .dashed, lineWidth: 1),
            ],
            referenceLines: [.horizontal(0, label: "no difference")])
        record.figures.append(
            DataFigure(
                "held_out_loss",
                caption:
                    "The held-out ε-loss of the sinusoidal networks relative to the scalar ones, time bucket by time "
                    + "bucket (paired by seed, dashed: ± 2 SE): above zero the scalar input predicts the noise "
                    + "better.",
                figure: buckets))
        let reference = EmbeddingComparisonStudy.swissRoll(
            count: study.samples, seed: study.configuration.seed, stream: 2)
        for embedding in [TimeEmbedding.sinusoidal, .scalar] {
            guard let run = result.runs.first(where: { $0.embedding == embedding }) else { continue }
            let distance = run.evaluation.rollDistance?.mean ?? .nan
            record.figures.append(
                DataFigure(
                    "samples_\(embedding.rawValue)",
                    caption:
                        "Samples from the \(embedding.rawValue)-embedding network of seed \(run.seed) over fresh roll "
                        + "points (grey); compare the spread around the roll with the other embedding's figure.",
                    figure: scatter(
                        title:
                            "Samples, \(embedding.rawValue) embedding, seed \(run.seed) (mean distance to the roll "
                            + "\(Check.format(distance)))",
                        sets: [
                            ("fresh roll points", reference), ("\(embedding.rawValue) samples", run.evaluation.samples),
                        ],
                        colors: [.darkGray, Palette.color(at: embedding == .sinusoidal ? 0 : 1)])))
        }
        record.summary =
            "For each of three seeds a Swiss-roll training set of 2000 points is drawn, and two networks differing "
            + "only in the time input (64 sinusoidal features or the scalar n/N) are trained on it with the same "
            + "initialization stream, minibatches and Adam settings (passes in float32, Adam and weights in float64); "
            + "each is measured by its held-out ε-loss in "
            + "five time buckets (4000 fresh examples each), and by samples drawn with the DDPM bridge: "
            + "sliced W2 to fresh roll points, mean distance to the noise-free roll, coverage along τ and novelty. "
            + "Differences are paired by seed; a metric's verdict is its mean difference in units of its standard "
            + "error over the seeds, a Student-t statistic with 2 degrees of freedom checked against "
            + "t_(0.975, 2) = 4.303. Coverage along τ is recorded in the tables but not checked: "
            + "it is 1 for every network at this budget and does not tell the embeddings apart. The budget (1500 "
            + "updates of batch 512; 1000 of 256 with --quick) is far below the note's 10k–20k updates, "
            + "so both networks still blur the roll: the claim compares the embeddings at equal budget, "
            + "and `fplab train --compare-embeddings --steps N` measures other budgets."
        func advantage(_ key: String) -> Double { result.metric(key)?.scalarAdvantage ?? .nan }
        let quantile = StudentQuantile.oneSided975TwoDegrees
        precondition(study.seedCount == 3, "time-embedding: the t quantile is for 3 seeds (2 degrees of freedom)")
        return [
            .atLeast(
                "held-out ε-loss (all n): scalar ahead by, in SEs of the paired difference", advantage("loss_all"),
                quantile, settings: settings),
            .atLeast(
                "sliced W2 to fresh roll points: scalar ahead by, in SEs", advantage("sliced_wasserstein"), quantile,
                settings: settings),
            .atLeast(
                "mean distance to the roll: scalar ahead by, in SEs", advantage("roll_distance"), quantile,
                settings: settings),
        ]
    }

    /// 2-D point sets on equal axes, each set in its colour, thinned to at most 800 points a set (the SVG stays small).
    static func scatter(title: String, sets: [(name: String, points: PointSet)], colors: [RGBColor]) -> ScatterPlot {
        ScatterPlot(
            title: title, xAxis: Axis("x"), yAxis: Axis("y"),
            sets: zip(sets, colors).map { set, color in
                ScatterPlot.PointSet(set.name, interleaved: set.points.points, color: color, radius: 1.5)
            }, maximumPointsPerSet: 800, preservesAspectRatio: true)
    }
}

import DiffusionModels
import Foundation
import ParticleSampling
import RandomStreams
import Safeguards
import Scores

/// The discretization error of reverse samplers with an exact score, against the exact law they should reach.
///
/// Problem: a 1-D or 2-D Gaussian mixture rho_0 under a linear model; every sampler runs from the exact law rho_T at
/// the horizon T down to t_min > 0 and is compared with the exact mixture rho_(t_min) (closed form, THEORY §2), so the
/// only error left is the time discretization (the score is exact and the start law is exact).
///
/// Method: for each sampler, schedule and step count K,
/// - deterministic samplers transport the M start quantiles Q_T((i + 1/2) / M); the ends give the Cramér distance,
///   W1 and W2 with no sampling error (`LawDistance.squaredCramerFromQuantiles`, `.wasserstein`);
/// - stochastic samplers run N independent particles from rho_T; the squared Cramér distance is estimated without
///   bias on B disjoint batches of N / B (`LawDistance.unbiasedSquaredCramer`), its standard error the batches'
///   standard deviation over sqrt(B) (B − 1 degrees of freedom); each (sampler, schedule, K) has its own random
///   streams, so the runs are independent;
/// - in 2-D every sampler runs N particles from rho_T and the distance is the sliced one: C^2 the mean over
///   `sliceCount` directions e_j of the squared Cramér distance between the projections e_j . X, each against the
///   exact projected mixture (`GaussianMixture.projected(onto:)`), estimated without bias as above
///   (`LawDistance.unbiasedSlicedSquaredCramer`); no W1 or W2;
/// - for the stochastic samplers in 1-D, also the total variation of the N draws' histogram on 200 cells against the
///   exact cell masses, beside the level sampling alone gives it (`MultinomialSamplingLevel`: E TV and its SE for N
///   exact draws): the law's error shows in TV only where TV stands more than a few SE above that level;
/// - for Euler–Maruyama, exponential and DDPM in 1-D, also the scheme's exact law propagated on a grid
///   (`SchemeLaw`): its Cramér distance, W1 and W2 with no sampling error.
/// The measured order is minus the least-squares slope of log C against log K over the resolved step counts
/// (C^2 above 4 standard errors and C above `floor`), with the delta-method standard error
/// SE(p) = (sum_i (x_i − xbar)^2 SE_i^2)^(1/2) / sum_i (x_i − xbar)^2, x = log K, SE_i = SE(C_i^2) / (2 C_i^2).
///
/// Cost: sum over runs of K (score evaluations per step: 1 Euler–Maruyama, DDPM and DDIM, 2 Heun and the corrector,
/// 4 RK4) times N or M particles.
public struct SamplerOrderStudy: Sendable {
    /// rho_0, 1-D or 2-D.
    public var mixture: GaussianMixture
    /// The model of the exact laws (the oracle's).
    public var model: LinearSDE
    /// The process the samplers receive (the model itself, but for a planted defect).
    public var process: LinearSDE
    /// The score the samplers receive (the mixture's exact score, but for a planted defect).
    public var score: any ScoreProvider
    public var horizon: Double
    public var finalTime: Double
    public var samplers: [ReverseSampler]
    public var schedules: [StepSchedule]
    public var stepCounts: [Int]
    /// N, the particles of each stochastic run.
    public var particleCount: Int
    /// M, the start quantiles of each deterministic run.
    public var quantileCount: Int
    /// B, the batches of a stochastic run's standard error.
    public var batchCount: Int
    public var corrector: LangevinCorrector
    /// L, the directions of the sliced distance in 2-D.
    public var sliceCount: Int
    /// Errors below this are round-off, not discretization: left out of the order fit.
    public var floor: Double
    public var seed: UInt64
    public var threads: Int
    /// Applied to every run's end positions before they are measured (the identity, but for a planted defect).
    public var endPositions: @Sendable ([Double]) -> [Double]

    public init(
        mixture: GaussianMixture, model: LinearSDE, process: LinearSDE? = nil, score: (any ScoreProvider)? = nil,
        horizon: Double = 1, finalTime: Double = 1e-3, samplers: [ReverseSampler] = ReverseSampler.allCases,
        schedules: [StepSchedule] = StepSchedule.allCases, stepCounts: [Int] = [8, 16, 32, 64, 128, 256],
        particleCount: Int = 400_000, quantileCount: Int = 2000, batchCount: Int = 20,
        corrector: LangevinCorrector = LangevinCorrector(), sliceCount: Int = 16, floor: Double = 1e-11,
        seed: UInt64 = 1,
        threads: Int = 1, endPositions: @escaping @Sendable ([Double]) -> [Double] = { $0 }
    ) {
        precondition(mixture.dimension <= 2, "SamplerOrderStudy: a 1-D or 2-D mixture")
        self.mixture = mixture
        self.model = model
        self.process = process ?? model
        self.score = score ?? ExactMixtureScore(mixture: mixture, model: process ?? model)
        self.horizon = horizon
        self.finalTime = finalTime
        self.samplers = samplers
        self.schedules = schedules
        self.stepCounts = stepCounts
        self.particleCount = particleCount
        self.quantileCount = quantileCount
        self.batchCount = batchCount
        self.corrector = corrector
        self.sliceCount = sliceCount
        self.floor = floor
        self.seed = seed
        self.threads = threads
        self.endPositions = endPositions
    }

    /// Score evaluations a particle makes over the whole study, summed over particles (for the work check): one a
    /// step for Euler–Maruyama, DDPM and DDIM, two for Heun, four for RK4, 1 + C for pc.
    public var particleSteps: Double {
        let steps = Double(stepCounts.reduce(0, +)) * Double(schedules.count)
        return samplers.reduce(0) { total, sampler in
            let evaluations: Double
            switch sampler {
            case .rungeKutta4: evaluations = 4
            case .heun: evaluations = 2
            case .predictorCorrector: evaluations = 1 + Double(corrector.steps)
            default: evaluations = 1
            }
            return total + steps * evaluations * Double(transportsQuantiles(sampler) ? quantileCount : particleCount)
                * Double(mixture.dimension)
        }
    }

    /// True when `sampler`'s distance has no sampling error: a deterministic sampler in 1-D, which transports the
    /// start quantiles. In 2-D every sampler is measured from draws.
    public func transportsQuantiles(_ sampler: ReverseSampler) -> Bool {
        sampler.isDeterministic && mixture.dimension == 1
    }

    /// The exact law at t_min, the sampler's target.
    public var targetLaw: GaussianMixture { mixture.evolved(under: model, to: finalTime) }

    /// Runs every sampler × schedule × step count; `progress(done, total)` after each run.
    public func run(progress: ((Int, Int) -> Void)? = nil) throws -> SamplerOrderOutcome {
        let start = mixture.evolved(under: model, to: horizon)
        let target = targetLaw
        let planar = mixture.dimension == 2
        let probabilities = planar ? [] : (0..<quantileCount).map { (Double($0) + 0.5) / Double(quantileCount) }
        let startQuantiles = probabilities.map { start.quantile($0) }
        let exactQuantiles = probabilities.map { target.quantile($0) }
        let directions = planar ? LawDistance.sliceDirections(count: sliceCount) : []
        let quadratures = planar ? directions.map { LawDistance.quadrature(for: target.projected(onto: $0)) } : []
        let quadrature = planar ? quadratures[0] : LawDistance.quadrature(for: target)
        let window =
            planar
            ? 0...0
            : (min(start.quantile(1e-9), target.quantile(1e-9)) - 2)...(max(
                start.quantile(1 - 1e-9), target.quantile(1 - 1e-9)) + 2)
        let histogram = planar ? nil : LawDistance.Histogram(law: target)
        var schemeTarget: SchemeLawTarget? // the same nodes for every run: prepared once
        let level = histogram.map { MultinomialSamplingLevel(binMasses: $0.binMasses, particleCount: particleCount) }
        var measurements: [SamplerOrderMeasurement] = []
        let total = samplers.count * schedules.count * stepCounts.count
        for (samplerIndex, sampler) in samplers.enumerated() {
            for (scheduleIndex, schedule) in schedules.enumerated() {
                for steps in stepCounts {
                    let grid = schedule.timeGrid(model: model, from: horizon, to: finalTime, steps: steps)
                    let runSeed = SplitMix64.mix(
                        seed ^ SplitMix64.mix(UInt64(samplerIndex) << 48 | UInt64(scheduleIndex) << 40 | UInt64(steps)))
                    let particles = sampler.sampler(
                        process: process, score: score, timeGrid: grid, corrector: corrector, seed: runSeed,
                        threads: threads)
                    let result =
                        transportsQuantiles(sampler)
                        ? try particles.run(initial: .points(startQuantiles, dimension: 1), count: quantileCount)
                        : try particles.run(initial: .mixture(start), count: particleCount)
                    var measurement = SamplerOrderMeasurement(
                        sampler: sampler, schedule: schedule, stepCount: steps, status: result.status,
                        seconds: result.elapsedSeconds)
                    if result.status.isCompleted {
                        let ends = endPositions(result.positions)
                        if transportsQuantiles(sampler) {
                            let sorted = ends.sorted()
                            measurement.squaredCramer = LawDistance.squaredCramerFromQuantiles(
                                ends: sorted, law: target)
                            measurement.squaredCramerStandardError = 0
                            let distances = LawDistance.wasserstein(ends: sorted, exactQuantiles: exactQuantiles)
                            (measurement.wasserstein1, measurement.wasserstein2) = (distances.first, distances.second)
                        } else {
                            let size = ends.count / batchCount
                            let estimates = (0..<batchCount).map { batch in
                                let slice = ends[(batch * size)..<((batch + 1) * size)]
                                return planar
                                    ? LawDistance.unbiasedSlicedSquaredCramer(
                                        points: slice, directions: directions, quadratures: quadratures)
                                    : LawDistance.unbiasedSquaredCramer(samples: slice, quadrature: quadrature)
                            }
                            let mean = estimates.reduce(0, +) / Double(batchCount)
                            let spread =
                                estimates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(batchCount - 1)
                            measurement.squaredCramer = mean
                            measurement.squaredCramerStandardError = (spread / Double(batchCount)).squareRoot()
                            if let histogram {
                                measurement.totalVariation = histogram.totalVariation(of: ends)
                                measurement.totalVariationLevel = level
                            }
                            if !planar && SchemeLaw.supports(sampler) {
                                let law = SchemeLaw(
                                    sampler: sampler, process: process, score: score, timeGrid: grid,
                                    threads: threads
                                ).propagate(from: start, window: window)
                                if law.resolution >= SchemeLaw.resolutionFloor && law.lostMass < SchemeLaw.lostMassLimit
                                {
                                    if schemeTarget == nil {
                                        schemeTarget = SchemeLawTarget(law: target, nodes: law.nodes)
                                    }
                                    let distances = law.distances(to: schemeTarget!)
                                    measurement.schemeLaw = SchemeLawDistances(
                                        squaredCramer: distances.squaredCramer,
                                        wasserstein1: distances.wasserstein1, wasserstein2: distances.wasserstein2)
                                }
                            }
                        }
                    }
                    measurements.append(measurement)
                    progress?(measurements.count, total)
                }
            }
        }
        return SamplerOrderOutcome(study: self, measurements: measurements)
    }
}

/// C^2, W1 and W2 of a scheme's law propagated on a grid (`SchemeLaw`).
public struct SchemeLawDistances: Sendable, Equatable {
    public var squaredCramer: Double
    public var wasserstein1: Double
    public var wasserstein2: Double

    public var cramer: Double { squaredCramer.squareRoot() }
}

/// One run of the study: a sampler, a schedule and a step count, and what its end law's distance to the target is.
public struct SamplerOrderMeasurement: Sendable {
    public var sampler: ReverseSampler
    public var schedule: StepSchedule
    public var stepCount: Int
    public var status: RunStatus
    public var seconds: Double
    /// C^2 (nil when the run did not complete).
    public var squaredCramer: Double?
    /// Its standard error (0 for a deterministic sampler).
    public var squaredCramerStandardError: Double?
    /// W1 and W2 (deterministic samplers only).
    public var wasserstein1: Double?
    public var wasserstein2: Double?
    /// The histogram's TV against the exact cell masses, and the level N exact draws would give (stochastic samplers
    /// in 1-D only).
    public var totalVariation: Double?
    public var totalVariationLevel: MultinomialSamplingLevel?
    /// The distances of the scheme's exact law (`SchemeLaw`, no sampling error) for Euler–Maruyama, exponential
    /// and DDPM in 1-D.
    public var schemeLaw: SchemeLawDistances?

    /// C = sqrt(C^2), nil when C^2 is not positive.
    public var cramer: Double? { squaredCramer.flatMap { $0 > 0 ? $0.squareRoot() : nil } }

    /// SE(C) = SE(C^2) / (2 C) by the delta method (nil where C is).
    public var cramerStandardError: Double? {
        guard let cramer, let error = squaredCramerStandardError else { return nil }
        return error / (2 * cramer)
    }

    /// True when C^2 exceeds 4 of its standard errors and C exceeds `floor`: the run measures discretization.
    public func isResolved(floor: Double) -> Bool {
        guard let squared = squaredCramer, let error = squaredCramerStandardError, let cramer else { return false }
        return squared > 4 * error && cramer > floor
    }
}

/// The measured order of one sampler under one schedule.
public struct SamplerOrderFit: Sendable {
    public var sampler: ReverseSampler
    public var schedule: StepSchedule
    /// The resolved step counts the fit used.
    public var stepCounts: [Int]
    /// p = −d log C / d log K by least squares (nil with fewer than two resolved counts).
    public var order: Double?
    /// Its delta-method standard error (0 for deterministic samplers).
    public var orderStandardError: Double?
    /// The order between each pair of consecutive resolved counts, log(C_i / C_(i+1)) / log(K_(i+1) / K_i).
    public var localOrders: [Double]

    /// The fit over the resolved measurements among `measurements` (one sampler and schedule).
    public init(measurements: [SamplerOrderMeasurement], floor: Double) {
        sampler = measurements[0].sampler
        schedule = measurements[0].schedule
        let resolved = measurements.filter { $0.isResolved(floor: floor) }.sorted { $0.stepCount < $1.stepCount }
        stepCounts = resolved.map(\.stepCount)
        let xs: [Double] = resolved.map { log(Double($0.stepCount)) }
        let ys: [Double] = resolved.map { log($0.cramer!) }
        let deviations: [Double] = resolved.map { $0.cramerStandardError! / $0.cramer! }
        var local: [Double] = []
        for index in 0..<max(resolved.count - 1, 0) {
            let rise: Double = ys[index + 1] - ys[index]
            let run: Double = xs[index + 1] - xs[index]
            local.append(-rise / run)
        }
        localOrders = local
        guard resolved.count >= 2 else {
            (order, orderStandardError) = (nil, nil)
            return
        }
        let meanX = xs.reduce(0, +) / Double(xs.count)
        let spread = xs.reduce(0) { $0 + ($1 - meanX) * ($1 - meanX) }
        let slope = zip(xs, ys).reduce(0) { $0 + ($1.0 - meanX) * $1.1 } / spread
        order = -slope
        var variance = 0.0
        for (x, deviation) in zip(xs, deviations) { variance += (x - meanX) * (x - meanX) * deviation * deviation }
        orderStandardError = variance.squareRoot() / spread
    }
}

/// Every measurement of a study and the fits drawn from them.
public struct SamplerOrderOutcome: Sendable {
    public var study: SamplerOrderStudy
    public var measurements: [SamplerOrderMeasurement]

    /// One fit per sampler and schedule, in the study's order.
    public var fits: [SamplerOrderFit] {
        study.samplers.flatMap { sampler in
            study.schedules.map { schedule in
                SamplerOrderFit(
                    measurements: measurements.filter { $0.sampler == sampler && $0.schedule == schedule },
                    floor: study.floor)
            }
        }
    }

    /// The fit of the scheme laws' Cramér distances (no sampling error) for `sampler` under `schedule`, over the
    /// step counts that have one; nil for samplers without a scheme law or with fewer than two such counts.
    public func schemeLawFit(sampler: ReverseSampler, schedule: StepSchedule) -> SamplerOrderFit? {
        let rows = measurements.filter { $0.sampler == sampler && $0.schedule == schedule && $0.schemeLaw != nil }
            .map { row -> SamplerOrderMeasurement in
                var exact = row
                exact.squaredCramer = row.schemeLaw!.squaredCramer
                exact.squaredCramerStandardError = 0
                return exact
            }
        guard rows.count >= 2 else { return nil }
        return SamplerOrderFit(measurements: rows, floor: study.floor)
    }

    /// The schedule with the smallest C at `steps` for `sampler` among the resolved runs (nil when none is: below
    /// the sampling noise the ranking would be noise).
    public func bestSchedule(for sampler: ReverseSampler, steps: Int) -> StepSchedule? {
        measurements.filter { $0.sampler == sampler && $0.stepCount == steps && $0.isResolved(floor: study.floor) }
            .min { $0.cramer! < $1.cramer! }?.schedule
    }
}

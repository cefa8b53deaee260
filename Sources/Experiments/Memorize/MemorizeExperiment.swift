import DataFiles
import Foundation
import Memorization
import ParticleSampling

/// One `fplab memorize` run, every option resolved: the exact-score experiments of THEORY §5 and §7 on a finite
/// training set. Memorization: the fraction of `particleCount` reverse runs from `horizon` to 0 that end within
/// `epsilon` of a training point, for the bridge (ddpm) update and Euler–Maruyama at each of `sweepSteps` step
/// counts and, at `stepCount` steps, each final step size of `finalStepSizes`, every grid spaced by `schedule`
/// (`FiniteDataSetup.bridgeTimeGrid`: geometric by default, whose last step 1e-5 resolves t -> 0). Endpoint
/// frequencies: how often each training point is reached (bridge, `stepCount` steps) against E_mu[lambda_i(Y, T)]
/// with a chi-square test. Voronoi: `voronoiRunCount` runs from x ~ rho_t* for each t* of `startTimes`.
public struct MemorizeExperiment: Sendable {
    public var training: PointSet
    /// How the training set was given, for summaries and manifests ("points 0,2,2.5", "file a.csv", "moons").
    public var datasetDescription: String
    /// The horizon T the reverse runs start from, and the law they start with.
    public var horizon: Double
    public var startLaw: StartLaw
    /// The memorization (novelty) radius ε.
    public var epsilon: Double
    /// Runs per measurement.
    public var particleCount: Int
    /// Bridge steps of the endpoint-frequency runs, the headline memorized fraction and the final-step sweep.
    public var stepCount: Int
    public var sweepSteps: [Int]
    public var finalStepSizes: [Double]
    /// The spacing of every reverse grid but the Voronoi runs' (`FiniteDataSetup.bridgeTimeGrid`).
    public var schedule: StepSchedule
    /// The Voronoi start times t* and the runs per t* (each of 100 steps).
    public var startTimes: [Double]
    public var voronoiRunCount: Int
    /// Monte Carlo draws of the endpoint prediction in d ≥ 2.
    public var predictionSamples: Int
    public var settings: RunSettings

    public init(
        training: PointSet, datasetDescription: String, horizon: Double, startLaw: StartLaw, epsilon: Double,
        particleCount: Int, stepCount: Int, sweepSteps: [Int], finalStepSizes: [Double], startTimes: [Double],
        voronoiRunCount: Int, predictionSamples: Int, schedule: StepSchedule = .geometric,
        settings: RunSettings = RunSettings()
    ) {
        self.training = training
        self.datasetDescription = datasetDescription
        self.horizon = horizon
        self.startLaw = startLaw
        self.epsilon = epsilon
        self.particleCount = particleCount
        self.stepCount = stepCount
        self.sweepSteps = sweepSteps
        self.finalStepSizes = finalStepSizes
        self.schedule = schedule
        self.startTimes = startTimes
        self.voronoiRunCount = voronoiRunCount
        self.predictionSamples = predictionSamples
        self.settings = settings
    }

    public var setup: FiniteDataSetup {
        FiniteDataSetup(
            training: training, horizon: horizon, startLaw: startLaw, seed: settings.seed, threads: settings.threads)
    }

    /// Runs the sweep (both integrators at every step count, then at every final step size), the headline bridge
    /// run, the endpoint-frequency study and the Voronoi runs, in that order; `progress` hears the fraction of the
    /// measurements done.
    public func run(progress: ((Double) -> Void)? = nil) throws -> MemorizeOutcome {
        let clock = ContinuousClock.now
        let setup = self.setup
        let study = MemorizationStudy(setup: setup, count: particleCount, threshold: epsilon, schedule: schedule)
        var measurements: [MemorizationMeasurement] = []
        let plan: [(ParticleIntegrator, Int, Double?)] =
            sweepSteps.flatMap { steps in [(.ddpm, steps, nil), (.eulerMaruyama, steps, nil)] }
            + finalStepSizes.flatMap { final in
                [(ParticleIntegrator.ddpm, stepCount, Optional(final)), (.eulerMaruyama, stepCount, final)]
            }
        let total = Double(plan.count + 1 + startTimes.count)
        for (index, item) in plan.enumerated() {
            progress?(Double(index) / total)
            measurements.append(try study.measure(integrator: item.0, steps: item.1, finalStepSize: item.2))
        }
        let headline = try study.measure(integrator: .ddpm, steps: stepCount)
        progress?(Double(plan.count) / total)
        let frequencies = try EndpointFrequencyStudy(
            setup: setup, count: particleCount, steps: stepCount, threshold: epsilon,
            predictionSamples: predictionSamples, schedule: schedule
        ).run()
        let voronoiStudy = VoronoiStudy(setup: setup, count: voronoiRunCount, steps: 100)
        var voronoi: [VoronoiMeasurement] = []
        for (index, star) in startTimes.enumerated() {
            progress?(Double(plan.count + 1 + index) / total)
            voronoi.append(try voronoiStudy.measure(startTime: star, offset: UInt64(index)))
        }
        return MemorizeOutcome(
            experiment: self, headline: headline, sweep: measurements, frequencies: frequencies, voronoi: voronoi,
            wallSeconds: secondsElapsed(since: clock))
    }
}

/// What `fplab memorize` measured.
public struct MemorizeOutcome: Sendable {
    public let experiment: MemorizeExperiment
    /// The bridge at `stepCount` steps: the headline memorized fraction.
    public let headline: MemorizationMeasurement
    /// One measurement a row of the sweep table.
    public let sweep: [MemorizationMeasurement]
    public let frequencies: EndpointFrequencies
    /// One measurement a Voronoi start time.
    public let voronoi: [VoronoiMeasurement]
    public let wallSeconds: Double
}

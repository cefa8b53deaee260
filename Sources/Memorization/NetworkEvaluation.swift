import DataFiles
import Datasets
import Foundation
import ParticleSampling
import ScoreNetworks

/// What a trained score network is measured by: the held-out denoising loss by time bucket, and samples drawn
/// from it with their distances to fresh data, to the noise-free roll and to the training points (THEORY §6, §9).
public struct NetworkEvaluation: Sendable {
    public var bucketLosses: [BucketLoss]
    /// Samples from the network (DDPM bridge from N(0, I), score −ε̂/σ_t).
    public var samples: PointSet
    /// Sliced W2 between the samples and fresh data (the training points when there is no dataset).
    public var slicedWasserstein: Double
    /// Mean distance of the samples to the noise-free roll, with its standard error (Swiss roll only).
    public var rollDistance: (mean: Double, standardError: Double)?
    /// Fraction of 30 bins along τ reached by samples within 0.05 of the roll (Swiss roll only).
    public var coverage: Double?
    public var novelty: NoveltySummary
    public var samplingSeconds: Double

    /// The held-out ε-loss over all n: the bucket means weighted by the number of steps in each bucket.
    public var heldOutLoss: Double {
        let steps = bucketLosses.reduce(0) { $0 + $1.steps.count }
        return bucketLosses.reduce(0) { $0 + $1.mean * Double($1.steps.count) } / Double(max(steps, 1))
    }

    /// Measures `network`. Held-out examples: 4000 per bucket (`ScoreNetwork.defaultBuckets`), from fresh points of
    /// `dataset` (stream 1 of `seed`) or, without one, the training points; `samples` samples with `samplingSteps`
    /// bridge steps from stream 3 of `seed`; sliced W2 on 64 directions against max(samples, 2000) fresh points
    /// (stream 2); novelty against the training points at `noveltyThreshold`; the roll's distance and coverage when
    /// `dataset` is the Swiss roll. Cost: one network pass per held-out example and per sample and step.
    public static func measure(
        network: ScoreNetwork, training: PointSet, dataset: SyntheticDataset?, samples sampleCount: Int,
        samplingSteps: Int, noveltyThreshold: Double, seed: UInt64, threads: Int = 1
    ) throws -> NetworkEvaluation {
        let isSwissRoll = dataset?.name == "swiss-roll"
        let heldOut = dataset?.generate(count: 4000, seed: seed, stream: 1) ?? training
        let losses = network.heldOutLoss(
            data: heldOut.points, buckets: network.defaultBuckets, examplesPerBucket: 4000, seed: seed)
        let clock = ContinuousClock.now
        let result = try network.generate(count: sampleCount, steps: samplingSteps, seed: seed &+ 3, threads: threads)
        let samplingSeconds = (ContinuousClock.now - clock) / .seconds(1)
        guard result.status == .completed else {
            throw SamplerError("sampling from the network stopped early: \(result.status)")
        }
        let samples = PointSet(points: result.positions, dimension: result.dimension)
        let reference = dataset?.generate(count: max(sampleCount, 2000), seed: seed, stream: 2) ?? training
        let sliced = SlicedWasserstein(dimension: samples.dimension, directionCount: 64, seed: seed).distance(
            samples, reference)
        let novelty = NoveltySummary(
            samples: samples, training: training, threshold: noveltyThreshold, threads: threads)
        return NetworkEvaluation(
            bucketLosses: losses, samples: samples, slicedWasserstein: sliced,
            rollDistance: isSwissRoll && samples.dimension == 2 ? SwissRoll.meanDistanceToCurve(of: samples) : nil,
            coverage: isSwissRoll && samples.dimension == 2 ? SwissRoll.coverage(of: samples) : nil,
            novelty: novelty, samplingSeconds: samplingSeconds)
    }
}

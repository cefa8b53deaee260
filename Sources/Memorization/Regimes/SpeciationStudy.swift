import DiffusionModels
import Foundation
import ParticleSampling
import RandomStreams
import Safeguards
import Scores

/// One branch time of the cloning experiment.
public struct SpeciationMeasurement: Sendable, Equatable {
    public let dimension: Int
    /// t_S = (1/2) ln Lambda of this dimension's data.
    public let speciationTime: Double
    /// t_b - t_S.
    public let offset: Double
    public let branchTime: Double
    /// The fraction of the clone pairs whose two ends have <e, x_0> of the same sign.
    public let measured: Double
    /// sqrt(phi (1 - phi) / M) at the predicted phi: the binomial SE of `measured` for M independent pairs.
    public let standardError: Double
    /// phi(t_b) by quadrature (`TwoClassData.sameClassProbability`).
    public let predicted: Double
    public let pairs: Int
    public let status: RunStatus

    /// (measured - predicted) / SE.
    public var standardScore: Double { (measured - predicted) / standardError }
}

/// Where the crossover of one dimension lies, from the quadrature: phi at t_S against its d -> infinity limit, and
/// the branch times at which phi = 0.9 and phi = 0.6 with the width between them, absolute and over t_S.
public struct SpeciationCrossover: Sendable, Equatable {
    public let dimension: Int
    public let largestEigenvalue: Double
    public let speciationTime: Double
    public let predictedAtSpeciation: Double
    public let limitAtSpeciation: Double
    public let timeAtNinetyPercent: Double
    public let timeAtSixtyPercent: Double
    public var width: Double { timeAtSixtyPercent - timeAtNinetyPercent }
    public var relativeWidth: Double { width / speciationTime }

    public init(data: TwoClassData) {
        dimension = data.dimension
        largestEigenvalue = data.largestEigenvalue
        speciationTime = data.speciationTime
        predictedAtSpeciation = data.sameClassProbability(branchTime: data.speciationTime)
        limitAtSpeciation = TwoClassData.limitingSameClassProbabilityAtSpeciation
        timeAtNinetyPercent = data.branchTime(atSameClassProbability: 0.9)
        timeAtSixtyPercent = data.branchTime(atSameClassProbability: 0.6)
    }
}

/// The cloning experiment of Biroli et al. (THEORY §10) on two Gaussian classes (`TwoClassData`) in each dimension d:
/// M reverse trajectories start from X_T ~ rho_T (drawn exactly: a class, then e^-T (+-m) + sqrt(V_T) z) and run with
/// the exact score of rho_0 (a `FiniteDatasetScore` of the two class means with bandwidth s: the two-component
/// mixture is exactly that smoothed pair) down through the branch times t_b = t_S + offset, largest first. At each
/// t_b every trajectory is cloned once and both copies run on to t = 0 with independent noise; the fraction of pairs
/// ending in the same class (sign of <e, x_0>) estimates phi(t_b), against the quadrature.
///
/// With `posteriorBridge` (the default) every step samples the reverse transition exactly (`PosteriorBridge`), so
/// the measured fraction is unbiased for phi(t_b) at any step width and differs from it by sampling error alone:
/// binomial with SE sqrt(phi (1 - phi) / M). Other reverse integrators (`ddpm`, `eulerMaruyama`) add their
/// discretization error. Random streams: one per (dimension, segment), so results do not depend on threads.
/// Cost per dimension: M (T / h) + 2 M sum_b (t_b / h) particle steps of O(d) each (h = `stepWidth`).
public struct SpeciationStudy: Sendable {
    public var dimensions: [Int]
    public var meanPerAxis: Double
    public var classStandardDeviation: Double
    /// t_b - t_S for each branch time; every t_b must be positive.
    public var branchOffsets: [Double]
    public var pairs: Int
    /// The largest step of the reverse runs (each segment has ceil(length / h) uniform steps).
    public var stepWidth: Double
    public var integrator: ParticleIntegrator
    public var seed: UInt64
    public var threads: Int
    /// The process the sampler and the score receive (the study's start points and prediction are OU's own).
    public var process: LinearSDE = .ornsteinUhlenbeck
    /// Applied to the class means (flat, 2 x d) before the score receives them.
    public var scoreData: @Sendable ([Double]) -> [Double] = { $0 }

    public init(
        dimensions: [Int], meanPerAxis: Double = 1, classStandardDeviation: Double = 1, branchOffsets: [Double],
        pairs: Int, stepWidth: Double = 0.05, integrator: ParticleIntegrator = .posteriorBridge, seed: UInt64 = 1,
        threads: Int = 1
    ) {
        precondition(!dimensions.isEmpty && dimensions.allSatisfy { $0 >= 1 } && pairs >= 1 && stepWidth > 0)
        (self.dimensions, self.meanPerAxis, self.classStandardDeviation) =
            (dimensions, meanPerAxis, classStandardDeviation)
        (self.branchOffsets, self.pairs, self.stepWidth, self.integrator) = (
            branchOffsets, pairs, stepWidth, integrator
        )
        (self.seed, self.threads) = (seed, threads)
    }

    public func data(dimension: Int) -> TwoClassData {
        TwoClassData(dimension: dimension, meanPerAxis: meanPerAxis, classStandardDeviation: classStandardDeviation)
    }

    /// The horizon of the trunk runs: one time unit above the largest branch time.
    public func horizon(dimension: Int) -> Double {
        data(dimension: dimension).speciationTime + (branchOffsets.max() ?? 0) + 1
    }

    /// Measurements for every dimension and branch time (dimensions in order, branch times largest first);
    /// `progress` hears the fraction of dimensions done.
    public func run(progress: ((Double) -> Void)? = nil) throws -> [SpeciationMeasurement] {
        var measurements: [SpeciationMeasurement] = []
        for (dimensionIndex, dimension) in dimensions.enumerated() {
            measurements += try measure(dimension: dimension, stream: UInt64(dimensionIndex))
            progress?(Double(dimensionIndex + 1) / Double(dimensions.count))
        }
        return measurements
    }

    /// The cloning experiment in one dimension.
    func measure(dimension: Int, stream: UInt64) throws -> [SpeciationMeasurement] {
        let data = data(dimension: dimension)
        let speciation = data.speciationTime
        let branchTimes = branchOffsets.map { speciation + $0 }.sorted(by: >)
        precondition(branchTimes.allSatisfy { $0 > 0 }, "SpeciationStudy: every branch time must be positive")
        let model = process
        let score = FiniteDatasetScore(
            data: scoreData(data.classMeans), dimension: dimension, model: model, bandwidth: classStandardDeviation)
        let dynamics = ParticleDynamics.reverseSDE(process: model, score: score, form: .score)
        let horizon = self.horizon(dimension: dimension)
        var positions = startPoints(data: data, horizon: horizon, stream: stream)
        var now = horizon
        var measurements: [SpeciationMeasurement] = []
        for (branchIndex, branchTime) in branchTimes.enumerated() {
            let trunk = try run(
                dynamics, from: now, to: branchTime, points: positions, dimension: dimension,
                seed: segmentSeed(stream: stream, segment: 2 * UInt64(branchIndex)))
            positions = trunk.positions
            now = branchTime
            var clones = [Double](repeating: 0, count: 2 * positions.count)
            for particle in 0..<pairs {
                for copy in 0..<2 {
                    for axis in 0..<dimension {
                        clones[(2 * particle + copy) * dimension + axis] = positions[particle * dimension + axis]
                    }
                }
            }
            let ends = try run(
                dynamics, from: branchTime, to: 0, points: clones, dimension: dimension,
                seed: segmentSeed(stream: stream, segment: 2 * UInt64(branchIndex) + 1))
            var same = 0
            for particle in 0..<pairs {
                let first = (0..<dimension).reduce(0) { $0 + ends.positions[2 * particle * dimension + $1] }
                let second = (0..<dimension).reduce(0) { $0 + ends.positions[(2 * particle + 1) * dimension + $1] }
                if (first > 0) == (second > 0) { same += 1 }
            }
            let predicted = data.sameClassProbability(branchTime: branchTime)
            let status = trunk.status == .completed ? ends.status : trunk.status
            measurements.append(
                SpeciationMeasurement(
                    dimension: dimension, speciationTime: speciation, offset: branchTime - speciation,
                    branchTime: branchTime, measured: Double(same) / Double(pairs),
                    standardError: (predicted * (1 - predicted) / Double(pairs)).squareRoot(), predicted: predicted,
                    pairs: pairs, status: status))
        }
        return measurements
    }

    /// X_T ~ rho_T exactly: class +-1 with probability 1/2, then e^-T (+-mu) + sqrt(e^-2T s^2 + 1 - e^-2T) z per axis.
    func startPoints(data: TwoClassData, horizon: Double, stream: UInt64) -> [Double] {
        var generator = Xoshiro256StarStar(seed: seed, stream: SplitMix64.mix(stream) ^ 0x5354_4152_54)
        let normals = Ziggurat.table
        let scale = exp(-horizon)
        let spread =
            (scale * scale * classStandardDeviation * classStandardDeviation - expm1(-2 * horizon)).squareRoot()
        var points = [Double](repeating: 0, count: pairs * data.dimension)
        for particle in 0..<pairs {
            let sign: Double = generator.nextUniform() < 0.5 ? 1 : -1
            for axis in 0..<data.dimension {
                points[particle * data.dimension + axis] =
                    scale * sign * meanPerAxis + spread * normals.normal(using: &generator)
            }
        }
        return points
    }

    func segmentSeed(stream: UInt64, segment: UInt64) -> UInt64 {
        SplitMix64.mix(SplitMix64.mix(seed ^ SplitMix64.mix(stream)) ^ SplitMix64.mix(segment &+ 1))
    }

    /// One reverse segment from `start` to `end` in ceil((start - end) / h) uniform steps.
    func run(
        _ dynamics: ParticleDynamics, from start: Double, to end: Double, points: [Double], dimension: Int,
        seed: UInt64
    ) throws -> ParticleRunResult {
        let steps = max(1, Int(((start - end) / stepWidth).rounded(.up)))
        let sampler = ParticleSampler(
            dynamics: dynamics, integrator: integrator, timeGrid: .uniform(from: start, to: end, steps: steps),
            seed: seed, threads: threads, blockSize: 256)
        return try sampler.run(initial: .points(points, dimension: dimension), count: points.count / dimension)
    }
}

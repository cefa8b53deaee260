import DataFiles
import DiffusionModels
import Foundation
import ParticleSampling
import RandomStreams
import Safeguards
import SampleStatistics
import Scores

/// The collapse time of Biroli et al. for Gaussian data in R^d with n training points (THEORY §10), alpha = ln n / d.
///
/// Isotropic data N(0, s^2 I): t_C = (1/2) ln(1 + s^2 / (e^(2 alpha) - 1)), the time at which the entropy of the
/// n-point empirical law at t, (1/2) ln(2 pi e D_t) + alpha per dimension (well-separated components,
/// D_t = 1 - e^-2t), equals that of the exact law, (1/2) ln(2 pi e (s^2 e^-2t + D_t)). Asymptotic in d at fixed alpha.
///
/// Data of covariance spectrum lambda_1 ... lambda_d (the Gaussian approximation of a real data set, as for the
/// digits): the exact law at t is N(0, e^-2t C + D_t I), whose entropy per dimension is
/// (1/2d) sum_k ln(2 pi e (e^-2t lambda_k + D_t)), so t_C solves
///     f(t) = (1/2d) sum_k ln(1 + e^-2t lambda_k / D_t) - alpha = 0.
/// f falls strictly from +infinity (t -> 0, any lambda_k > 0) to -alpha (t -> infinity), so the root is unique; it is
/// found by bisection in ln t to 1e-13 relative. With all lambda_k = s^2 it is the isotropic closed form.
public struct CollapsePrediction: Sendable, Equatable {
    public let dimension: Int
    public let trainingCount: Int
    /// s^2 for isotropic data; the mean eigenvalue (trace / d) for a spectrum.
    public let dataVariance: Double
    /// The covariance spectrum, or nil for isotropic data of variance `dataVariance`.
    public let eigenvalues: [Double]?

    public init(dimension: Int, trainingCount: Int, dataVariance: Double = 1) {
        precondition(dimension >= 1 && trainingCount >= 2 && dataVariance > 0)
        (self.dimension, self.trainingCount, self.dataVariance) = (dimension, trainingCount, dataVariance)
        eigenvalues = nil
    }

    /// Data of covariance spectrum `eigenvalues` (d = its count; negative round-off values are clamped to 0).
    public init(trainingCount: Int, eigenvalues: [Double]) {
        let spectrum = eigenvalues.map { max(0, $0) }
        precondition(!spectrum.isEmpty && trainingCount >= 2 && spectrum.contains { $0 > 0 })
        (dimension, self.trainingCount, self.eigenvalues) = (spectrum.count, trainingCount, spectrum)
        dataVariance = spectrum.reduce(0, +) / Double(spectrum.count)
    }

    /// alpha = ln n / d (of the rounded n actually used).
    public var alpha: Double { log(Double(trainingCount)) / Double(dimension) }

    /// The speciation time t_S = (1/2) ln Lambda of the largest eigenvalue (s^2 when isotropic); nil when
    /// Lambda <= 1 (no speciation: the data are not more spread than the noise along any direction).
    public var speciationTime: Double? {
        let largest = eigenvalues?.max() ?? dataVariance
        return largest > 1 ? 0.5 * log(largest) : nil
    }

    /// t_C: the isotropic closed form, with expm1 for small alpha, or the root of f for a spectrum.
    public var collapseTime: Double {
        guard let eigenvalues else { return 0.5 * log1p(dataVariance / expm1(2 * alpha)) }
        func excessEntropy(_ time: Double) -> Double {
            let ratio = exp(-2 * time) / -expm1(-2 * time)
            return eigenvalues.reduce(0) { $0 + log1p(ratio * $1) } / Double(2 * dimension) - alpha
        }
        var (low, high) = (log(1e-12), log(50.0))
        guard excessEntropy(exp(low)) > 0 else { return exp(low) }
        guard excessEntropy(exp(high)) < 0 else { return exp(high) }
        while high - low > 1e-13 {
            let middle = 0.5 * (low + high)
            if excessEntropy(exp(middle)) > 0 { low = middle } else { high = middle }
        }
        return exp(0.5 * (low + high))
    }

    /// sigma_C, the finite-d spread of the collapse criterion around t_C: at t = t_C, with a = e^-t, v_t = 1 - a^2,
    /// V_k = a^2 lambda_k + v_t and rho_k^2 = a^2 lambda_k / V_k,
    ///     sigma_C = sqrt(sum_k rho_k^2) / |(1/2) sum_k (2 a^2 (1 - lambda_k) / V_k - 2 a^2 / v_t)|,
    /// which for isotropic data (lambda_k = s^2) is 2 rho / (sqrt(d) |d/dt ln(V_t / v_t)|).
    ///
    /// Derivation: for a trajectory at x = a a_j + sqrt(v_t) z (its own training point a_j), the other points'
    /// weights relative to its own sum to Z with E[Z | x] = (n - 1) prod_k (V_k / v_t)^(-1/2) e^u over fresh
    /// a_i ~ N(0, C), u = |z|^2 / 2 - sum_k x_k^2 / (2 V_k) in C's eigenbasis. Writing x_k / sqrt(V_k) =
    /// rho_k g_k + sqrt(v_t / V_k) z_k (g ~ N(0, I)), u is a sum of d independent terms (z_k^2 - w_k^2) / 2 with
    /// w_k = rho_k g_k + sqrt(1 - rho_k^2) z_k, each of mean 0 and variance (2 + 2 - 4 (1 - rho_k^2)) / 4 = rho_k^2,
    /// so sd(u) = sqrt(sum_k rho_k^2). The annealed criterion ln(n - 1) - (1/2) sum_k ln(V_k / v_t) + u = 0 (the own
    /// weight is 1/2 when Z = 1) crosses 0 at t_C (n - 1 for n) when u = 0, and, linearized in t, at
    /// t_C + u / |(1/2) d/dt sum_k ln(V_k / v_t)|, with d/dt ln V_k = 2 a^2 (1 - lambda_k) / V_k and
    /// d/dt ln v_t = 2 a^2 / v_t: a spread of sigma_C. So sigma_C is the scale of the finite-d corrections,
    /// O(d^(-1/2)); the quenched shift of the collapse times is of that order too (Z's typical value lies below its
    /// mean), which is what the collapse claim's band allows.
    public var finiteDimensionSpread: Double {
        let time = collapseTime
        let scale2 = exp(-2 * time)
        let spread = -expm1(-2 * time)
        let spectrum = eigenvalues ?? [Double](repeating: dataVariance, count: dimension)
        var (correlations, slope) = (0.0, 0.0)
        for eigenvalue in spectrum {
            let variance = scale2 * eigenvalue + spread
            correlations += scale2 * eigenvalue / variance
            slope += scale2 * (1 - eigenvalue) / variance - scale2 / spread
        }
        return correlations.squareRoot() / abs(slope)
    }

    /// n = round(e^(alpha d)), at least 2: the training count for a target alpha (nil above 10^9).
    public static func trainingCount(alpha: Double, dimension: Int) -> Int? {
        let value = exp(alpha * Double(dimension)).rounded()
        guard value.isFinite, value <= 1e9 else { return nil }
        return max(2, Int(value))
    }
}

/// A distribution-free interval for a median: [x_(j), x_(M + 1 - j)] of the sorted sample with the largest j whose
/// coverage P(x_(j) <= median <= x_(M + 1 - j)) = 1 - 2 P(Binomial(M, 1/2) < j) is at least `level` (exact binomial
/// sums through log-gamma).
public struct MedianInterval: Sendable, Equatable {
    public let median: Double
    public let lower: Double
    public let upper: Double

    public init(sample: [Double], level: Double = 0.95) {
        precondition(!sample.isEmpty && level > 0 && level < 1)
        let sorted = sample.sorted()
        let count = sorted.count
        median =
            count % 2 == 1 ? sorted[count / 2] : 0.5 * (sorted[count / 2 - 1] + sorted[count / 2])
        // P(B < j) for B ~ Binomial(M, 1/2), accumulated over j.
        let logHalf = Double(count) * log(0.5)
        var below = 0.0
        var order = 0
        for candidate in 1...((count + 1) / 2) {
            // below = P(B <= candidate - 1).
            let k = Double(candidate - 1)
            below += exp(lgamma(Double(count) + 1) - lgamma(k + 1) - lgamma(Double(count) - k + 1) + logHalf)
            if 1 - 2 * below >= level { order = candidate } else { break }
        }
        if order == 0 {
            (lower, upper) = (sorted[0], sorted[count - 1])
        } else {
            (lower, upper) = (sorted[order - 1], sorted[count - order])
        }
    }
}

/// One (d, n) case of the collapse study.
public struct CollapseMeasurement: Sendable {
    public let prediction: CollapsePrediction
    /// Per trajectory: the reverse time at which the largest posterior weight first exceeds 1/2 (interpolated
    /// linearly in the weight between the two grid times around the crossing).
    public let weightTimes: [Double]
    /// Per trajectory: the reverse time from which the owner (the training point of largest weight) stays the one
    /// the trajectory ends on (the midpoint of the grid interval in which it last changed).
    public let ownerTimes: [Double]
    public let weightMedian: MedianInterval
    public let ownerMedian: MedianInterval
    /// Grid times at which the fraction of trajectories with largest weight above 1/2 is compared with the fraction
    /// among fresh draws from rho_t (the reverse process's exact marginal).
    public let marginalChecks: [MarginalCheck]
    public let horizon: Double
    public let steps: Int
    public let status: RunStatus

    public struct MarginalCheck: Sendable, Equatable {
        public let time: Double
        public let trajectoryFraction: Double
        public let forwardFraction: Double
        /// sqrt(p (1 - p) (1/M + 1/M')) at the pooled fraction p: the SE of the difference of two independent
        /// binomial fractions under the hypothesis that both estimate the same probability.
        public let standardError: Double
    }
}

/// The collapse experiment (THEORY §10): for each case, n points a_i ~ N(0, s^2 I) in R^d, M trajectories of the
/// exact empirical-score reverse dynamics from X_T ~ rho_T (a training point, then e^-T a_j + sqrt(D_T) z) to 0 by
/// the posterior bridge (exact in law at every grid time), the posterior weights lambda_i(x_t, t) recorded at every
/// step. Two per-trajectory collapse times, both in reverse time:
/// - the weight time: the first time the largest weight exceeds 1/2 (from then on one training point holds most of
///   the posterior: the definition of "captured" that matches the entropy argument's condensation);
/// - the owner time: from when the owner stays the training point the trajectory ends on (a later weight dip below
///   1/2 does not count; so it is the later of the two, in reverse time, when they differ).
/// Both tend to t_C as d -> infinity at fixed alpha (the weights jump from ~0 to ~1 there); at finite d they spread
/// and shift, which the study measures. The marginal checks compare the trajectories' weight fractions with fresh
/// forward draws at a few times: the reverse chain's marginals are exactly rho_t, so those agree to sampling error.
/// Cost: M K (2 n d + n) per case for the trajectories (dgemm for d >= 32), plus M n d a marginal check.
public struct CollapseStudy: Sendable {
    public struct Case: Sendable, Equatable {
        public let dimension: Int
        public let trainingCount: Int
        public init(dimension: Int, trainingCount: Int) {
            precondition(dimension >= 1 && trainingCount >= 2)
            (self.dimension, self.trainingCount) = (dimension, trainingCount)
        }
    }

    public var cases: [Case]
    public var dataVariance: Double
    public var trajectories: Int
    public var horizon: Double
    public var steps: Int
    /// How many grid times get a marginal check (spread over those where the fraction is between 0.05 and 0.95).
    public var marginalCheckCount: Int
    public var seed: UInt64
    public var threads: Int
    /// The process the sampler and the score receive (start points and marginal checks use OU's closed forms).
    public var process: LinearSDE = .ornsteinUhlenbeck
    /// Applied to the training set (flat, n x d) before the score receives it.
    public var scoreData: @Sendable ([Double]) -> [Double] = { $0 }
    /// A given data set (a real one, as the digits): each case's training set is its first n points instead of
    /// N(0, s^2 I) draws (the case's d must be the set's), and the prediction is the spectral one, from the sample
    /// covariance of those n points (`CollapsePrediction(trainingCount:eigenvalues:)`; O(n d^2 + d^3) a case).
    public var data: PointSet?

    public init(
        cases: [Case], dataVariance: Double = 1, trajectories: Int, horizon: Double = 2.5, steps: Int = 250,
        marginalCheckCount: Int = 5, seed: UInt64 = 1, threads: Int = 1
    ) {
        precondition(!cases.isEmpty && dataVariance > 0 && trajectories >= 1 && horizon > 0 && steps >= 2)
        (self.cases, self.dataVariance, self.trajectories, self.horizon, self.steps) =
            (cases, dataVariance, trajectories, horizon, steps)
        (self.marginalCheckCount, self.seed, self.threads) = (marginalCheckCount, seed, threads)
    }

    public func run(progress: ((Double) -> Void)? = nil) throws -> [CollapseMeasurement] {
        var measurements: [CollapseMeasurement] = []
        for (index, studyCase) in cases.enumerated() {
            measurements.append(try measure(studyCase, stream: UInt64(index)))
            progress?(Double(index + 1) / Double(cases.count))
        }
        return measurements
    }

    /// The training set of a case: the first n points of `data`, or n x d draws of N(0, s^2), its own stream.
    public func trainingSet(_ studyCase: Case, stream: UInt64) -> [Double] {
        if let data {
            precondition(
                data.dimension == studyCase.dimension && studyCase.trainingCount <= data.count,
                "CollapseStudy: a case beyond the given data")
            return Array(data.points.prefix(studyCase.trainingCount * studyCase.dimension))
        }
        var generator = Xoshiro256StarStar(seed: seed, stream: SplitMix64.mix(stream) ^ 0x4441_5441)
        let normals = Ziggurat.table
        let scale = dataVariance.squareRoot()
        return (0..<(studyCase.trainingCount * studyCase.dimension)).map { _ in
            scale * normals.normal(using: &generator)
        }
    }

    /// M draws from rho_t of the training set: a uniform training point j, then e^-t a_j + sqrt(1 - e^-2t) z.
    func forwardDraws(training: [Double], dimension: Int, time: Double, count: Int, stream: UInt64) -> [Double] {
        var generator = Xoshiro256StarStar(seed: seed, stream: stream)
        let normals = Ziggurat.table
        let trainingCount = training.count / dimension
        let scale = exp(-time)
        let spread = (-expm1(-2 * time)).squareRoot()
        var points = [Double](repeating: 0, count: count * dimension)
        for particle in 0..<count {
            let index = min(trainingCount - 1, Int(generator.nextUniform() * Double(trainingCount)))
            for axis in 0..<dimension {
                points[particle * dimension + axis] =
                    scale * training[index * dimension + axis] + spread * normals.normal(using: &generator)
            }
        }
        return points
    }

    func measure(_ studyCase: Case, stream: UInt64) throws -> CollapseMeasurement {
        let dimension = studyCase.dimension
        let training = trainingSet(studyCase, stream: stream)
        let model = process
        let score = FiniteDatasetScore(data: scoreData(training), dimension: dimension, model: model)
        let grid = TimeGrid.uniform(from: horizon, to: 0, steps: steps)
        let record = PosteriorRecord(steps: steps, particles: trajectories)
        let sampler = ParticleSampler(
            dynamics: .reverseSDE(process: model, score: score, form: .score), integrator: .posteriorBridge,
            timeGrid: grid, seed: SplitMix64.mix(seed ^ SplitMix64.mix(stream &+ 17)), threads: threads,
            blockSize: 64, posteriorRecord: record)
        let start = forwardDraws(
            training: training, dimension: dimension, time: horizon, count: trajectories,
            stream: SplitMix64.mix(stream) ^ 0x5354_4152_54)
        let result = try sampler.run(initial: .points(start, dimension: dimension), count: trajectories)
        let times = grid.times
        var weightTimes = [Double](repeating: 0, count: trajectories)
        var ownerTimes = [Double](repeating: 0, count: trajectories)
        for particle in 0..<trajectories {
            // Weight time: the first step whose weight exceeds 1/2, interpolated from the one before (the weight
            // at t = 0 is 1: the chain ends on a training point).
            var crossing = 0.0
            var previous = (time: times[0], weight: record[step: 0, particle: particle].largestWeight)
            if previous.weight > 0.5 {
                crossing = times[0]
            } else {
                var found = false
                for step in 1...steps {
                    let weight = step < steps ? record[step: step, particle: particle].largestWeight : 1
                    if weight > 0.5 {
                        let fraction = (0.5 - previous.weight) / (weight - previous.weight)
                        crossing = previous.time + fraction * (times[step] - previous.time)
                        found = true
                        break
                    }
                    previous = (times[step], weight)
                }
                if !found { crossing = 0 }
            }
            weightTimes[particle] = crossing
            // Owner time: the final training point is the one drawn at the last step.
            let final = record[step: steps - 1, particle: particle].drawn
            var settled = steps
            while settled > 0 && record[step: settled - 1, particle: particle].owner == final { settled -= 1 }
            ownerTimes[particle] = settled == 0 ? times[0] : 0.5 * (times[settled - 1] + times[settled])
        }
        let checks = marginalChecks(
            record: record, times: times, score: score, training: training, dimension: dimension, stream: stream)
        return CollapseMeasurement(
            prediction: prediction(studyCase, training: training),
            weightTimes: weightTimes, ownerTimes: ownerTimes, weightMedian: MedianInterval(sample: weightTimes),
            ownerMedian: MedianInterval(sample: ownerTimes), marginalChecks: checks, horizon: horizon, steps: steps,
            status: result.status)
    }

    /// The isotropic prediction for Gaussian draws; the spectral one of the training set's covariance for `data`.
    public func prediction(_ studyCase: Case, training: [Double]) -> CollapsePrediction {
        guard data != nil else {
            return CollapsePrediction(
                dimension: studyCase.dimension, trainingCount: studyCase.trainingCount, dataVariance: dataVariance)
        }
        let covariance = SymmetricEigenvalues.covariance(points: training, dimension: studyCase.dimension)
        return CollapsePrediction(
            trainingCount: studyCase.trainingCount,
            eigenvalues: SymmetricEigenvalues.of(covariance, size: studyCase.dimension))
    }

    /// At up to `marginalCheckCount` grid times, evenly spread over those where the trajectories' fraction with
    /// largest weight above 1/2 lies in [0.05, 0.95], that fraction against M fresh draws from rho_t.
    func marginalChecks(
        record: PosteriorRecord, times: [Double], score: FiniteDatasetScore, training: [Double], dimension: Int,
        stream: UInt64
    ) -> [CollapseMeasurement.MarginalCheck] {
        let fractions = (0..<steps).map { step in
            Double((0..<trajectories).filter { record[step: step, particle: $0].largestWeight > 0.5 }.count)
                / Double(trajectories)
        }
        let candidates = (0..<steps).filter { fractions[$0] >= 0.05 && fractions[$0] <= 0.95 }
        guard !candidates.isEmpty, marginalCheckCount > 0 else { return [] }
        let picked = Set(
            (0..<min(marginalCheckCount, candidates.count)).map { index in
                candidates[
                    marginalCheckCount == 1
                        ? candidates.count / 2
                        : index * (candidates.count - 1) / max(1, min(marginalCheckCount, candidates.count) - 1)]
            }
        ).sorted()
        return picked.map { step in
            let time = times[step]
            let draws = forwardDraws(
                training: training, dimension: dimension, time: time, count: trajectories,
                stream: SplitMix64.mix(SplitMix64.mix(stream) ^ UInt64(step + 1)))
            var summaries = [PosteriorDraw](
                repeating: PosteriorDraw(drawn: 0, owner: 0, largestWeight: 0), count: trajectories)
            draws.withUnsafeBufferPointer { points in
                summaries.withUnsafeMutableBufferPointer { output in
                    score.posteriorDraws(at: points, time: time, uniforms: nil, into: output)
                }
            }
            let forward = Double(summaries.filter { $0.largestWeight > 0.5 }.count) / Double(trajectories)
            let pooled = 0.5 * (forward + fractions[step])
            let standardError = (pooled * (1 - pooled) * 2 / Double(trajectories)).squareRoot()
            return .init(
                time: time, trajectoryFraction: fractions[step], forwardFraction: forward,
                standardError: standardError)
        }
    }
}

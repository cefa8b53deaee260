import DiffusionModels
import Foundation
import Memorization
import MessagePassing
import ParticleSampling
import RandomStreams

/// The problem of `fplab empirical`: the exact empirical-score reverse dynamics of n Gaussian training points
/// x_i ~ N(0, s^2 I_d) under OU, M trajectories from T down to t_min, the data split over the ranks
/// (`ShardedDatasetScore`).
///
/// What it measures is the collapse of Biroli and Mézard (THEORY §9): the largest posterior weight
/// max_i lambda_i(x, t) of a trajectory jumps from about 1/n to about 1 near t_C = (1/2) ln(1 + s^2 / (e^(2 alpha)
/// - 1)), alpha = ln n / d (`CollapsePrediction`). A trajectory's weight time is the first time (going down from T)
/// at which its largest weight passes 1/2.
public struct ShardedCollapseProblem: Sendable, Equatable {
    public var trainingCount: Int
    public var dimension: Int
    public var dataVariance: Double
    public var trajectories: Int
    public var steps: Int
    public var horizon: Double
    public var finalTime: Double
    public var seed: UInt64

    public init(
        trainingCount: Int, dimension: Int, dataVariance: Double = 1, trajectories: Int, steps: Int,
        horizon: Double = 3, finalTime: Double = 1e-3, seed: UInt64 = 1
    ) {
        (self.trainingCount, self.dimension, self.dataVariance) = (trainingCount, dimension, dataVariance)
        (self.trajectories, self.steps, self.horizon, self.finalTime) = (trajectories, steps, horizon, finalTime)
        self.seed = seed
    }

    /// The collapse time of the theory for these (n, d, s^2).
    public var prediction: CollapsePrediction {
        CollapsePrediction(dimension: dimension, trainingCount: trainingCount, dataVariance: dataVariance)
    }

    /// K geometric steps from T to t_min (`TimeGrid.geometric`).
    public var timeGrid: TimeGrid { .geometric(from: horizon, to: finalTime, steps: steps) }

    /// Training points a stream: block b of the data (`ShardedDatasetScore.dataBlock` points) is drawn from stream
    /// 2^32 + b of the seed, by the rank that holds it, so no rank ever holds more than its shard.
    public func trainingShard(rank: Int, size: Int) -> [Double] {
        let owned = ShardedDatasetScore.ownedPoints(trainingCount: trainingCount, rank: rank, size: size)
        var shard = [Double](repeating: 0, count: owned.count * dimension)
        let spread = dataVariance.squareRoot()
        shard.withUnsafeMutableBufferPointer { buffer in
            var start = owned.lowerBound
            while start < owned.upperBound {
                let block = start / ShardedDatasetScore.dataBlock
                let end = min(owned.upperBound, (block + 1) * ShardedDatasetScore.dataBlock)
                var generator = Xoshiro256StarStar(seed: seed, stream: (1 << 32) + UInt64(block))
                let slice = UnsafeMutableBufferPointer(
                    rebasing: buffer[((start - owned.lowerBound) * dimension)..<((end - owned.lowerBound) * dimension)])
                Ziggurat.fill(slice, using: &generator)
                for index in slice.indices { slice[index] *= spread }
                start = end
            }
        }
        return shard
    }
}

/// What one run measured (identical on every rank).
public struct ShardedCollapseResult: Sendable {
    /// The trajectories' ends: the posterior means <X0>(x, t_min) of the last step (M × d, flat).
    public var ends: [Double]
    /// The largest posterior weight of every trajectory at every grid time (K + 1 rows of M).
    public var largestWeights: [[Double]]
    /// The time (going down from T) at which each trajectory's largest weight first passes 1/2, linear in the
    /// weight between the two grid times around the crossing (as `CollapseMeasurement`); nil if it never does.
    public var weightTimes: [Double?]
    public var times: [Double]
    public var wallSeconds: Double
    /// Seconds this rank spent in the score's reductions (waiting for the other ranks included).
    public var reductionSeconds: Double
    /// FNV-1a hash of the ends' bits: equal hashes across rank counts mean equal bits.
    public var fingerprint: UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for value in ends {
            var bits = value.bitPattern
            for _ in 0..<8 {
                hash = (hash ^ (bits & 0xFF)) &* 0x100_0000_01b3
                bits >>= 8
            }
        }
        return hash
    }
}

/// Runs the problem on every rank of `communicator` (collective): Euler–Maruyama on the reverse OU SDE,
/// dY = [Y + 2 s(Y, t)] ds + sqrt(2) dW in reverse time (THEORY §3), with the sharded exact score, then the
/// trajectories' ends as the posterior means at t_min. Every rank advances all M trajectories with the same draws
/// (trajectory block b draws from stream b), so every rank holds the same state; only the score is split.
public struct ShardedCollapseRun: Sendable {
    public let problem: ShardedCollapseProblem
    public let communicator: any Communicator
    public let threads: Int
    /// Trajectories a random stream.
    public static let trajectoryBlock = 64

    public init(problem: ShardedCollapseProblem, communicator: any Communicator, threads: Int) {
        (self.problem, self.communicator, self.threads) = (problem, communicator, threads)
    }

    public func run(progress: ((Double) -> Void)? = nil) -> ShardedCollapseResult {
        let clock = ContinuousClock.now
        let problem = self.problem
        let dimension = problem.dimension
        let score = ShardedDatasetScore(
            shard: problem.trainingShard(rank: communicator.rank, size: communicator.size),
            trainingCount: problem.trainingCount, dimension: dimension, communicator: communicator, threads: threads)
        let model = LinearSDE.ornsteinUhlenbeck
        let times = problem.timeGrid.times
        let blockCount = (problem.trajectories + Self.trajectoryBlock - 1) / Self.trajectoryBlock
        var generators = (0..<blockCount).map { Xoshiro256StarStar(seed: problem.seed, stream: UInt64($0)) }
        // Start: N(0, (m^2 s^2 + v) I) at T, the law of rho_T for the population N(0, s^2 I).
        let startScale = model.meanScale(to: times[0])
        let startSpread = (startScale * startScale * problem.dataVariance + model.variance(to: times[0])).squareRoot()
        var positions = [Double](repeating: 0, count: problem.trajectories * dimension)
        drawNormals(into: &positions, generators: &generators, scale: startSpread)
        var noise = [Double](repeating: 0, count: positions.count)
        var largestWeights: [[Double]] = []
        var reductionSeconds = 0.0
        var means: [Double] = []
        for (index, time) in times.enumerated() {
            let posterior = score.posterior(at: positions, time: time)
            reductionSeconds += posterior.reductionSeconds
            largestWeights.append(posterior.largestWeights)
            means = posterior.means
            guard index + 1 < times.count else { break }
            let step = time - times[index + 1]
            let scale = model.meanScale(to: time)
            let variance = model.variance(to: time)
            let rate = model.driftRate(at: time)
            let diffusion = model.diffusionScale(at: time)
            drawNormals(into: &noise, generators: &generators, scale: diffusion * step.squareRoot())
            for entry in positions.indices {
                let scoreValue = (scale * means[entry] - positions[entry]) / variance
                positions[entry] +=
                    step * (-rate * positions[entry] + diffusion * diffusion * scoreValue) + noise[entry]
            }
            progress?(Double(index + 1) / Double(times.count))
        }
        let weightTimes: [Double?] = (0..<problem.trajectories).map { trajectory in
            guard let crossing = largestWeights.indices.first(where: { largestWeights[$0][trajectory] > 0.5 }) else {
                return nil
            }
            guard crossing > 0 else { return times[0] }
            let (before, after) = (largestWeights[crossing - 1][trajectory], largestWeights[crossing][trajectory])
            let fraction = (0.5 - before) / (after - before)
            return times[crossing - 1] + fraction * (times[crossing] - times[crossing - 1])
        }
        return ShardedCollapseResult(
            ends: means, largestWeights: largestWeights, weightTimes: weightTimes, times: times,
            wallSeconds: secondsSince(clock), reductionSeconds: reductionSeconds)
    }

    /// Fills `values` (M × d) with N(0, scale^2): trajectory block b from generator b.
    private func drawNormals(into values: inout [Double], generators: inout [Xoshiro256StarStar], scale: Double) {
        let dimension = problem.dimension
        values.withUnsafeMutableBufferPointer { buffer in
            for block in generators.indices {
                let start = block * Self.trajectoryBlock * dimension
                let end = min(buffer.count, start + Self.trajectoryBlock * dimension)
                let slice = UnsafeMutableBufferPointer(rebasing: buffer[start..<end])
                Ziggurat.fill(slice, using: &generators[block])
                for index in slice.indices { slice[index] *= scale }
            }
        }
    }
}

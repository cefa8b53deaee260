import DistributedRuns
import Foundation
import MessagePassing
import RandomStreams
import Testing

/// The sharded empirical score against a direct evaluation of THEORY §7's formula written out again here, and its
/// bits against themselves over rank and thread counts (ranks as threads: `InProcessCommunicator`).
@Suite struct ShardedDatasetScoreTests {
    static func normals(_ count: Int, seed: UInt64, scale: Double = 1) -> [Double] {
        var generator = Xoshiro256StarStar(seed: seed)
        return (0..<count).map { _ in scale * Ziggurat.normal(using: &generator) }
    }

    /// <X0>(x, t) = sum_i softmax_i(l) x_i with l_i = (m <x, x_i> - m^2 |x_i|^2 / 2) / v, by plain loops and
    /// log-sum-exp; and the largest weight.
    static func reference(data: [Double], dimension: Int, point: ArraySlice<Double>, time: Double)
        -> (mean: [Double], largest: Double)
    {
        let point = Array(point)
        let scale = exp(-time)
        let variance = -expm1(-2 * time)
        let count = data.count / dimension
        var logits = [Double](repeating: 0, count: count)
        for index in 0..<count {
            var product = 0.0
            var norm = 0.0
            for axis in 0..<dimension {
                product += point[axis] * data[index * dimension + axis]
                norm += data[index * dimension + axis] * data[index * dimension + axis]
            }
            logits[index] = (scale * product - 0.5 * scale * scale * norm) / variance
        }
        let largest = logits.max()!
        let weights = logits.map { exp($0 - largest) }
        let total = weights.reduce(0, +)
        var mean = [Double](repeating: 0, count: dimension)
        for index in 0..<count {
            for axis in 0..<dimension { mean[axis] += weights[index] / total * data[index * dimension + axis] }
        }
        return (mean, 1 / total)
    }

    /// n = 3 blocks + 100 points (a partial last block), d = 40, M = 300 points (two chunks), at t = 0.05, 0.3, 2.
    static let dimension = 40
    static let trainingCount = 3 * ShardedDatasetScore.dataBlock + 100
    static let data = normals(trainingCount * dimension, seed: 11)
    static let points = normals(300 * dimension, seed: 12, scale: 1.2)

    static func posterior(ranks: Int, threads: Int, time: Double) -> [ShardedDatasetScore.Posterior] {
        InProcessCommunicator.run(ranks: ranks) { communicator in
            let owned = ShardedDatasetScore.ownedPoints(
                trainingCount: trainingCount, rank: communicator.rank, size: communicator.size)
            let score = ShardedDatasetScore(
                shard: Array(data[(owned.lowerBound * dimension)..<(owned.upperBound * dimension)]),
                trainingCount: trainingCount, dimension: dimension, communicator: communicator, threads: threads)
            return score.posterior(at: points, time: time)
        }
    }

    /// Within the round-off bound: a logit carries an error of at most about (d + 2) ε |terms| with
    /// |terms| <= (m/v)(|x||x_i| + |x_i|^2) (ε = 2^-53), a weight's relative error is that, and <X0>'s error is at
    /// most twice the largest logit error times max |x_i| (the weights' errors move mass between points at most
    /// that far). Both sides round, so the bound is doubled; the largest weight is checked to the same relative
    /// error.
    @Test func posteriorMatchesTheFormulaWithinRoundOff() {
        let epsilon = Double.ulpOfOne / 2
        let largestCoordinate = Self.data.map(abs).max()!
        for time in [0.05, 0.3, 2.0] {
            let result = Self.posterior(ranks: 2, threads: 1, time: time)[0]
            let scale = exp(-time)
            let variance = -expm1(-2 * time)
            for point in stride(from: 0, to: 300, by: 37) {
                let slice = Self.points[(point * Self.dimension)..<((point + 1) * Self.dimension)]
                let expected = Self.reference(data: Self.data, dimension: Self.dimension, point: slice, time: time)
                let pointNorm = slice.reduce(0) { $0 + $1 * $1 }.squareRoot()
                let dataNorm = largestCoordinate * Double(Self.dimension).squareRoot()
                let logitError =
                    Double(Self.dimension + 2) * epsilon * scale / variance
                    * (pointNorm * dataNorm + dataNorm * dataNorm)
                let bound = 2 * 2 * logitError * largestCoordinate
                for axis in 0..<Self.dimension {
                    let error = abs(result.means[point * Self.dimension + axis] - expected.mean[axis])
                    #expect(error <= bound, "t \(time) point \(point) axis \(axis): \(error) > \(bound)")
                }
                let weightError = abs(result.largestWeights[point] - expected.largest)
                #expect(weightError <= 2 * 2 * logitError * expected.largest, "t \(time) point \(point)")
            }
        }
    }

    /// The same bits on 1, 2, 3 and 5 ranks and on 1 and 2 threads a rank (every rank returns them), and the largest
    /// weight in (1/n, 1].
    @Test func posteriorBitsDoNotDependOnRanksOrThreads() {
        let time = 0.3
        let single = Self.posterior(ranks: 1, threads: 1, time: time)[0]
        #expect(single.largestWeights.allSatisfy { $0 > 1 / Double(Self.trainingCount) && $0 <= 1 })
        for (ranks, threads) in [(2, 1), (3, 2), (5, 1), (1, 2)] {
            for result in Self.posterior(ranks: ranks, threads: threads, time: time) {
                #expect(result.means.map(\.bitPattern) == single.means.map(\.bitPattern), "\(ranks) × \(threads)")
                #expect(result.largestWeights.map(\.bitPattern) == single.largestWeights.map(\.bitPattern))
            }
        }
    }

    /// More ranks than blocks (5 ranks, 4 blocks): one rank holds nothing and the result is unchanged; shares cover
    /// every point once.
    @Test func sharesCoverEveryPointOnce() {
        for ranks in 1...7 {
            let shares = (0..<ranks).map {
                ShardedDatasetScore.ownedPoints(trainingCount: Self.trainingCount, rank: $0, size: ranks)
            }
            #expect(shares.first!.lowerBound == 0 && shares.last!.upperBound == Self.trainingCount)
            for (left, right) in zip(shares, shares.dropFirst()) { #expect(left.upperBound == right.lowerBound) }
            #expect(shares.allSatisfy { $0.lowerBound % ShardedDatasetScore.dataBlock == 0 || $0.isEmpty })
        }
    }
}

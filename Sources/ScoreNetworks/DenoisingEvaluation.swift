import Foundation
import RandomStreams

/// The held-out denoising loss of a network over a range of steps.
public struct BucketLoss: Sendable, Equatable {
    /// The steps n the bucket draws from (uniformly).
    public var steps: ClosedRange<Int>
    /// The mean of |ε̂(x_n, n) − ε|² over the bucket's examples and its standard error (sample sd / √count).
    public var mean: Double
    public var standardError: Double
    public var count: Int
}

extension ScoreNetwork {
    /// The usual time buckets for held-out losses: n in 1–20, 21–100, 101–300, 301–600, 601–1000 (scaled to N).
    public var defaultBuckets: [ClosedRange<Int>] {
        let count = schedule.stepCount
        let edges = [0, 20, 100, 300, 600, 1000].map { max(0, min(count, $0 * count / 1000)) }
        return zip(edges, edges.dropFirst()).compactMap { $0.1 > $0.0 ? ($0.0 + 1)...$0.1 : nil }
    }

    /// The denoising loss |ε̂(√ᾱ_n x_0 + √(1 − ᾱ_n) ε, n) − ε|² on data the network was not trained on, by bucket of
    /// steps: example k of a bucket uses data point k mod M, a step uniform in the bucket and ε ~ N(0, I), all from
    /// stream b of `seed` for bucket b (so two networks compared on one seed see the same examples).
    /// Cost: `examplesPerBucket` forward passes per bucket (plus 64 sin/cos per example for the sinusoidal embedding).
    public func heldOutLoss(data: [Double], buckets: [ClosedRange<Int>], examplesPerBucket: Int, seed: UInt64)
        -> [BucketLoss]
    {
        let dimension = architecture.dimension
        let width = inputWidth
        let pointCount = data.count / dimension
        precondition(
            pointCount >= 1 && examplesPerBucket >= 2, "heldOutLoss: data and at least two examples per bucket")
        let rowsPerPass = min(examplesPerBucket, 1024)
        let pass = NetworkPass<Double>(architecture: architecture, rowCapacity: rowsPerPass, backward: false)
        let targets = UnsafeMutablePointer<Double>.allocate(capacity: rowsPerPass * dimension)
        defer { targets.deallocate() }
        let normals = Ziggurat.table
        return buckets.enumerated().map { bucket, steps in
            precondition(
                steps.lowerBound >= 1 && steps.upperBound <= schedule.stepCount, "heldOutLoss: steps within 1 … N")
            var generator = Xoshiro256StarStar(seed: seed, stream: UInt64(bucket))
            var losses: [Double] = []
            losses.reserveCapacity(examplesPerBucket)
            for first in stride(from: 0, to: examplesPerBucket, by: rowsPerPass) {
                let rows = min(rowsPerPass, examplesPerBucket - first)
                for row in 0..<rows {
                    let point = (first + row) % pointCount
                    let step =
                        steps.lowerBound + Int(generator.next().multipliedFullWidth(by: UInt64(steps.count)).high)
                    let (signal, noise) = (schedule.signalScale(step: step), schedule.noiseScale(step: step))
                    for axis in 0..<dimension {
                        let epsilon = normals.normal(using: &generator)
                        targets[row * dimension + axis] = epsilon
                        pass.input[row * width + axis] = signal * data[point * dimension + axis] + noise * epsilon
                    }
                    architecture.embedding.features(
                        step: Double(step), stepCount: schedule.stepCount,
                        into: pass.input + row * width + dimension)
                }
                parameters.withUnsafeBufferPointer {
                    pass.forward(parameters: $0.baseAddress!, rows: rows, keepDerivatives: false)
                }
                for row in 0..<rows {
                    var sum = 0.0
                    for axis in 0..<dimension {
                        let difference = pass.output[row * dimension + axis] - targets[row * dimension + axis]
                        sum += difference * difference
                    }
                    losses.append(sum)
                }
            }
            let count = Double(losses.count)
            let mean = losses.reduce(0, +) / count
            let variance = losses.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (count - 1)
            return BucketLoss(
                steps: steps, mean: mean, standardError: (variance / count).squareRoot(), count: losses.count)
        }
    }
}

import Foundation
import RandomStreams
import Testing

@testable import ScoreNetworks

/// Random inputs [x, emb(n)] and targets for a gradient check: x ~ N(0, I), n uniform on 1 … N, targets ~ N(0, I).
func randomBatch(_ network: ScoreNetwork, rows: Int, seed: UInt64) -> (inputs: [Double], targets: [Double]) {
    var generator = Xoshiro256StarStar(seed: seed, stream: 3)
    let dimension = network.architecture.dimension
    var inputs: [Double] = []
    var targets: [Double] = []
    for _ in 0..<rows {
        inputs += (0..<dimension).map { _ in Ziggurat.normal(using: &generator) }
        let step = 1 + Int(generator.next() % UInt64(network.schedule.stepCount))
        inputs += network.architecture.embedding.features(step: Double(step), stepCount: network.schedule.stepCount)
        targets += (0..<dimension).map { _ in Ziggurat.normal(using: &generator) }
    }
    return (inputs, targets)
}

@Suite("Backpropagation")
struct BackpropagationTests {
    struct Case: CustomStringConvertible, Sendable {
        var dimension: Int, width: Int, depth: Int, activation: Activation, embedding: TimeEmbedding
        var description: String { "d \(dimension), \(depth)×\(width) \(activation.rawValue), \(embedding.rawValue)" }
    }

    /// Widths 5 and 7 exercise the element-wise loops' remainder lanes, 8 and 16 the full ones.
    static let cases = [
        Case(dimension: 2, width: 8, depth: 1, activation: .silu, embedding: .sinusoidal),
        Case(dimension: 2, width: 5, depth: 3, activation: .silu, embedding: .scalar),
        Case(dimension: 2, width: 16, depth: 2, activation: .relu, embedding: .sinusoidal),
        Case(dimension: 3, width: 7, depth: 2, activation: .relu, embedding: .scalar),
        Case(dimension: 1, width: 12, depth: 4, activation: .silu, embedding: .sinusoidal),
    ]

    /// Every component of ∂L/∂θ against the central difference (L(θ + h e_i) − L(θ − h e_i))/(2h), h = 1e-5:
    /// its truncation error is about h² L'''/6 ~ 1e-10 and its round-off about 1e-16 L/h ~ 1e-11, so agreement to
    /// 1e-6 relative (largest difference over the largest gradient component, and in the 2-norm) leaves four
    /// orders of magnitude of margin while any wrong term in the backward pass (a missing activation derivative, a
    /// transposed product, a bias sum over the wrong axis) gives differences of order one.
    @Test(arguments: cases)
    func gradientMatchesCentralDifferences(_ configuration: Case) {
        let architecture = NetworkArchitecture(
            dimension: configuration.dimension, width: configuration.width,
            depth: configuration.depth, activation: configuration.activation,
            embedding: configuration.embedding)
        var network = ScoreNetwork(architecture: architecture, seed: 11)
        let (inputs, targets) = randomBatch(network, rows: 9, seed: 5)
        let gradient = network.lossAndGradient(inputs: inputs, targets: targets).gradient
        let step = 1e-5
        var differences: [Double] = []
        let original = network.parameters
        for index in 0..<original.count {
            network.parameters[index] = original[index] + step
            let plus = network.loss(inputs: inputs, targets: targets)
            network.parameters[index] = original[index] - step
            let minus = network.loss(inputs: inputs, targets: targets)
            network.parameters[index] = original[index]
            differences.append((plus - minus) / (2 * step))
        }
        let largestGradient = gradient.map(abs).max()!
        let largestError = zip(gradient, differences).map { abs($0 - $1) }.max()!
        let normError = zip(gradient, differences).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        let norm = gradient.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(largestGradient > 1e-3, "a gradient that vanishes checks nothing")
        #expect(
            largestError / largestGradient <= 1e-6,
            "max |FD − backprop| / max |backprop| = \(largestError / largestGradient)")
        #expect(normError / norm <= 1e-6, "‖FD − backprop‖ / ‖backprop‖ = \(normError / norm)")
    }

    /// The loss is the mean over rows of |y − target|², computed independently here from a slow forward pass.
    @Test func lossEqualsSlowForwardPass() {
        let architecture = NetworkArchitecture(dimension: 2, width: 6, depth: 2, activation: .silu, embedding: .scalar)
        let network = ScoreNetwork(architecture: architecture, seed: 3)
        let (inputs, targets) = randomBatch(network, rows: 4, seed: 8)
        var slowLoss = 0.0
        let widths = architecture.layerWidths
        for row in 0..<4 {
            var values = Array(inputs[(row * widths[0])..<((row + 1) * widths[0])])
            for layer in 0..<architecture.layerCount {
                let (weights, biases) = architecture.offsets(layer: layer)
                values = (0..<widths[layer + 1]).map { column in
                    var sum = network.parameters[biases + column]
                    for inner in 0..<widths[layer] {
                        sum += values[inner] * network.parameters[weights + inner * widths[layer + 1] + column]
                    }
                    return layer < architecture.depth ? sum / (1 + exp(-sum)) : sum
                }
            }
            for axis in 0..<2 {
                slowLoss += (values[axis] - targets[row * 2 + axis]) * (values[axis] - targets[row * 2 + axis])
            }
        }
        slowLoss /= 4
        #expect(abs(network.loss(inputs: inputs, targets: targets) - slowLoss) <= 1e-13 * slowLoss)
    }
}

@Suite("Time embedding and schedule")
struct TimeEmbeddingTests {
    /// THEORY §9: 64 features, ω_j = exp(−ln(1e4) j/31), [sin(n ω), cos(n ω)]; here ω_j = 10^(−4 j/31) by pow.
    @Test func sinusoidalFeaturesFollowTheFormula() {
        let step = 437.0
        let features = TimeEmbedding.sinusoidal.features(step: step, stepCount: 1000)
        #expect(features.count == 64)
        #expect(TimeEmbedding.frequencies.first == 1)
        #expect(abs(TimeEmbedding.frequencies.last! - 1e-4) <= 1e-18)
        for index in 0..<32 {
            let frequency = pow(10, -4 * Double(index) / 31)
            #expect(abs(features[index] - sin(step * frequency)) <= 1e-12)
            #expect(abs(features[32 + index] - cos(step * frequency)) <= 1e-12)
        }
        #expect(TimeEmbedding.scalar.features(step: 250, stepCount: 1000) == [0.25])
    }

    /// The schedule's times are TimeGrid.ddpmSchedule's; ᾱ_n = e^(−2 t_n) = ∏ (1 − β_i); n(t) is exact at each t_n
    /// and linear between.
    @Test func scheduleMatchesTheDiscreteProduct() {
        let schedule = NoiseSchedule()
        var product = 1.0
        for step in 1...1000 {
            product *= 1 - (1e-4 + (0.02 - 1e-4) * Double(step - 1) / 999)
            #expect(abs(schedule.signalScale(step: step) * schedule.signalScale(step: step) - product) <= 1e-12)
            #expect(schedule.step(atTime: schedule.times[step]) == Double(step))
        }
        let middle = 0.5 * (schedule.times[10] + schedule.times[11])
        #expect(abs(schedule.step(atTime: middle) - 10.5) <= 1e-12)
        #expect(schedule.step(atTime: 100) == 1000)
        #expect(schedule.step(atTime: 0) == 0)
    }
}

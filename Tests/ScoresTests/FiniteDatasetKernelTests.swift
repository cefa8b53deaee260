import CVectorMath
import DiffusionModels
import Foundation
import ParticleSampling
import RandomStreams
import Testing

@testable import Scores

/// The vectors kernels of `FiniteDatasetScore` (the C target `CVectorMath`) and the score they compute.
@Suite struct FiniteDatasetKernelTests {
    static let paths: [VectorMathPath] = [VectorMathPortable, VectorMathAVX2, VectorMathAVX512]
    static let epsilon = Double.ulpOfOne / 2 // unit round-off 2^-53

    static func uniforms(_ count: Int, seed: UInt64, from low: Double, to high: Double) -> [Double] {
        var generator = Xoshiro256StarStar(seed: seed)
        return (0..<count).map { _ in low + (high - low) * Double(generator.next() >> 11) * 0x1p-53 }
    }

    static func exponentials(_ inputs: [Double], path: VectorMathPath) -> [Double] {
        var outputs = [Double](repeating: .nan, count: inputs.count)
        vector_math_exponential_path(path, inputs, &outputs, inputs.count)
        return outputs
    }

    /// Every path against Foundation's exp on 10^6 points of [-708, 0] (and 10^5 of [-0.7, 0], the range of r):
    /// within 3 ulp of exp's value. Derivation (VectorMath.c): the reduction r = x - k ln 2 is exact up to one
    /// rounding of r (1/4 ulp of e^r), the degree-13 Taylor truncation is below 0.04 ulp, the Horner steps add at
    /// most about 1.1 ulp, 2^k is exact, and libm's exp is within 1 ulp: 2.4 ulp, rounded up to 3. Below -708: 0.
    @Test func exponentialIsWithinThreeUlpOfTheLibraryExponential() {
        let inputs =
            Self.uniforms(1_000_000, seed: 5, from: -708, to: 0) + Self.uniforms(100_000, seed: 6, from: -0.7, to: 0)
            + [0, -0.0, -1e-300, -708]
        for path in Self.paths where vector_math_path_available(path) {
            let outputs = Self.exponentials(inputs, path: path)
            var worst = 0.0
            for (input, output) in zip(inputs, outputs) {
                let expected = exp(input)
                worst = max(worst, abs(output - expected) / expected.ulp)
            }
            #expect(worst <= 3, "path \(path.rawValue): worst error \(worst) ulp")
        }
        #expect(Self.exponentials([-708.5, -1000, -.infinity, 0, -745], path: VectorMathPortable) == [0, 0, 0, 1, 0])
    }

    /// The dispatched kernels (AVX2, AVX-512F where the CPU has them) return the portable kernels' bits: the
    /// exponential on 10^6 inputs, the planar softmax for 300 points against 1003 training points (a partial last
    /// vector), and the softmax row on the same logits.
    @Test func acceleratedPathsGiveThePortableBits() {
        let inputs = Self.uniforms(1_000_000, seed: 7, from: -720, to: 0)
        let portable = Self.exponentials(inputs, path: VectorMathPortable)
        let count = 1003
        let xs = Self.uniforms(count, seed: 8, from: -3, to: 3)
        let ys = Self.uniforms(count, seed: 9, from: -3, to: 3)
        let norms = zip(xs, ys).map { 0.5 * ($0 * $0 + $1 * $1) }
        let points = Self.uniforms(600, seed: 10, from: -4, to: 4)
        func planar(_ path: VectorMathPath) -> [UInt64] {
            var results: [Double] = []
            var sums = [0.0, 0.0]
            for start in stride(from: 0, to: points.count, by: 2) {
                let total = vector_math_softmax_planar_path(
                    path, xs, ys, norms, count, 1.7 * points[start], 1.7 * points[start + 1], 2.9, &sums)
                results += [total] + sums
            }
            return results.map(\.bitPattern)
        }
        func row(_ path: VectorMathPath) -> [UInt64] {
            var row = xs
            let total = vector_math_softmax_row_path(path, &row, norms, count, 40, 25)
            return (row + [total]).map(\.bitPattern)
        }
        var compared = 0
        for path in Self.paths.dropFirst() where vector_math_path_available(path) {
            compared += 1
            #expect(Self.exponentials(inputs, path: path).map(\.bitPattern) == portable.map(\.bitPattern))
            #expect(planar(path) == planar(VectorMathPortable), "path \(path.rawValue)")
            #expect(row(path) == row(VectorMathPortable), "path \(path.rawValue)")
        }
        // The CPUs this runs on have AVX2; the comparison must not be skipped silently.
        #expect(compared >= 1)
    }

    /// Tweedie's score by a slow direct log-sum-exp (libm exp, plain loops) for `points` against `data`.
    static func referenceScores(data: [Double], points: [Double], dimension: Int, time: Double) -> [Double] {
        let model = LinearSDE.ornsteinUhlenbeck
        let (scale, variance) = (model.meanScale(to: time), model.variance(to: time))
        let count = data.count / dimension
        var scores: [Double] = []
        for start in stride(from: 0, to: points.count, by: dimension) {
            let point = Array(points[start..<(start + dimension)])
            let logits = (0..<count).map { index -> Double in
                let x = data[(index * dimension)..<((index + 1) * dimension)]
                let product = zip(point, x).reduce(0) { $0 + $1.0 * $1.1 }
                let norm = x.reduce(0) { $0 + $1 * $1 }
                return (scale * product - scale * scale * norm / 2) / variance
            }
            let largest = logits.max()!
            let weights = logits.map { exp($0 - largest) }
            let total = weights.reduce(0, +)
            for axis in 0..<dimension {
                let mean = (0..<count).reduce(0) { $0 + weights[$1] * data[$1 * dimension + axis] } / total
                scores.append((scale * mean - point[axis]) / variance)
            }
        }
        return scores
    }

    /// The score against `referenceScores` at d = 1, 2 (the C kernel), 5 (the Swift loop) and 64 (dgemm blocks of
    /// 32 points; 70 points make two full blocks and a partial one), N = 1003 training points, t = 0.05 and 0.5.
    /// Bound, per component: a logit l_i = c <x, x_i> - q |x_i|^2/2 is a sum of d + 1 products, so both codes
    /// compute it within (d + 3) eps S_i, S_i = c sum_j |x_j x_ij| + q |x_i|^2/2 (eps = 2^-53); the weight
    /// e^(l_i - L) then carries a relative error of at most 2 (d + 3) eps S + 6 eps (S = max_i S_i; 3 ulp of exp);
    /// the sums of N positive weights and of N signed terms w_i x_ij add N eps relative to sum w_i |x_ij| each, so
    /// the mean is off by at most R (2 delta_w + 3 N eps), R = max |x_ij|, and the score (m <X0> - x)/v by m/v
    /// times that plus 4 eps (m R + |x|)/v. The reference has the same bound: the tolerance is twice it.
    @Test(arguments: [1, 2, 5, 64]) func scoreMatchesADirectLogSumExp(dimension: Int) {
        let count = 1003
        let data = Self.uniforms(count * dimension, seed: 11, from: -2, to: 2)
        let points = Self.uniforms(70 * dimension, seed: 12, from: -2.5, to: 2.5)
        let score = FiniteDatasetScore(data: data, dimension: dimension)
        for time in [0.05, 0.5] {
            let model = LinearSDE.ornsteinUhlenbeck
            let (scale, variance) = (model.meanScale(to: time), model.variance(to: time))
            let expected = Self.referenceScores(data: data, points: points, dimension: dimension, time: time)
            let computed = score.score(at: points, time: time)
            let radius = data.map(abs).max()!
            let coefficient = scale / variance
            let quadratic = scale * scale / variance
            var worstRatio = 0.0
            for start in stride(from: 0, to: points.count, by: dimension) {
                let point = points[start..<(start + dimension)]
                let spread = (0..<count).map { index -> Double in
                    let x = data[(index * dimension)..<((index + 1) * dimension)]
                    let products = zip(point, x).reduce(0) { $0 + abs($1.0 * $1.1) }
                    return coefficient * products + quadratic * x.reduce(0) { $0 + $1 * $1 } / 2
                }.max()!
                let weightError = 2 * Double(dimension + 3) * Self.epsilon * spread + 6 * Self.epsilon
                let meanError = radius * (2 * weightError + 3 * Double(count) * Self.epsilon)
                for axis in 0..<dimension {
                    let index = start + axis
                    let bound =
                        coefficient * meanError
                        + 4 * Self.epsilon * (scale * radius + abs(points[index])) / variance
                    let error = abs(computed[index] - expected[index])
                    worstRatio = max(worstRatio, error / (2 * bound))
                }
            }
            #expect(worstRatio <= 1, "d = \(dimension), t = \(time): worst error / tolerance \(worstRatio)")
        }
    }

    /// The d = 64 path (dgemm blocks) in the sampler: one and two threads give the same bits.
    @Test func matrixProductPathDoesNotDependOnTheThreadCount() throws {
        let dimension = FiniteDatasetScore.matrixProductDimension * 2
        let score = FiniteDatasetScore(
            data: Self.uniforms(300 * dimension, seed: 13, from: -1, to: 1), dimension: dimension)
        func run(threads: Int) throws -> [UInt64] {
            let sampler = ParticleSampler(
                dynamics: .reverseSDE(process: LinearSDE.ornsteinUhlenbeck, score: score, form: .score),
                integrator: .eulerMaruyama, timeGrid: .uniform(from: 1, to: 0.1, steps: 4), seed: 3,
                threads: threads, blockSize: 50)
            return try sampler.run(initial: .mixture(.standardNormal(dimension: dimension)), count: 230)
                .positions.map(\.bitPattern)
        }
        let single = try run(threads: 1)
        #expect(single == (try run(threads: 2)))
        #expect(single.contains { Double(bitPattern: $0) != 0 })
    }
}

import CVectorMath
import Foundation
import RandomStreams
import Testing

/// The score networks' SiLU kernels and the float exponential of the C target `CVectorMath`, against plain Swift
/// references written with libm's exp in double precision.
@Suite struct ActivationKernelTests {
    static let paths = FiniteDatasetKernelTests.paths
    /// Unit round-offs: 2^-53 and 2^-24.
    static let doubleEpsilon = Double.ulpOfOne / 2
    static let floatEpsilon = Double(Float.ulpOfOne) / 2

    /// SiLU(a) = a / (1 + e^(−a)) and SiLU'(a) = σ(a) (1 + a (1 − σ(a))), written directly (not the kernel's
    /// branch on the sign), and the magnitude M = σ + |SiLU| (1 − σ) of the derivative's two terms (its error scale,
    /// since the terms cancel near a = −1.28 where SiLU' = 0).
    static func reference(_ preactivation: Double) -> (value: Double, slope: Double, magnitude: Double) {
        let sigmoid = 1 / (1 + exp(-preactivation))
        let value = preactivation * sigmoid
        return (value, sigmoid + value * (1 - sigmoid), sigmoid + abs(value) * (1 - sigmoid))
    }

    /// rows × columns preactivations on [−40, 40] (beyond ±37 σ saturates in double) and one bias a column.
    static func block(rows: Int, columns: Int, seed: UInt64) -> (values: [Double], biases: [Double]) {
        let values = FiniteDatasetKernelTests.uniforms(rows * columns, seed: seed, from: -39, to: 39)
        let biases = FiniteDatasetKernelTests.uniforms(columns, seed: seed + 1, from: -1, to: 1)
        return (values, biases)
    }

    /// Float's exponential on 10^6 points of [−87, 0] and 10^5 of [−0.35, 0] within 3 ulp (of float) of the double
    /// exponential rounded to float. Derivation (VectorMath.c): within 1.4 ulp of e^x; rounding the double
    /// reference to float adds 0.5 ulp: 1.9, rounded up to 3. Below −87: 0; at 0: exactly 1.
    @Test func floatExponentialIsWithinThreeUlp() {
        let inputs =
            (FiniteDatasetKernelTests.uniforms(1_000_000, seed: 21, from: -87, to: 0)
            + FiniteDatasetKernelTests.uniforms(100_000, seed: 22, from: -0.35, to: 0)).map { Float($0) } + [0, -87]
        for path in Self.paths where vector_math_path_available(path) {
            var outputs = [Float](repeating: .nan, count: inputs.count)
            vector_math_exponential_float_path(path, inputs, &outputs, inputs.count)
            var worst = 0.0
            for (input, output) in zip(inputs, outputs) {
                let expected = Float(exp(Double(input)))
                worst = max(worst, Double(abs(output - expected) / expected.ulp))
            }
            #expect(worst <= 3, "path \(path.rawValue): worst error \(worst) ulp")
            var edges = [Float](repeating: .nan, count: 4)
            vector_math_exponential_float_path(path, [-87.5, -1000, -.infinity, 0], &edges, 4)
            #expect(edges == [0, 0, 0, 1])
        }
    }

    /// The double kernel against `reference` on a 37 × 133 block (133 = 16 × 8 + 5: full and partial vectors).
    /// Bound per entry, eps = 2^-53 (an ulp is at most 2 eps relative): the kernel's e^(−|a|) is within 1.4 ulp
    /// (2.8 eps; VectorMath.c), 1 + e, its reciprocal and e/(1 + e) add one rounding each, so its σ is within
    /// 5.8 eps σ and its SiLU = a σ within 6.8 eps |SiLU|; the reference (libm's exp within 1 ulp, then three
    /// roundings) within 5 eps σ and 6 eps |SiLU|: 12 eps |SiLU| between them (+ the smallest normal, for lanes that
    /// underflow). SiLU' = σ + SiLU (1 − σ): the two σ errors (11 eps σ <= 11 eps absolute) enter 1 − σ unscaled, so
    /// the term SiLU (1 − σ) carries 11 eps |SiLU| absolute besides its own relative 13 eps; with σ's share and the
    /// final rounding, 14 eps M + 11 eps |SiLU|.
    @Test func doubleSiLUMatchesTheDirectFormula() {
        let (rows, columns) = (37, 133)
        let (values, biases) = Self.block(rows: rows, columns: columns, seed: 23)
        for path in Self.paths where vector_math_path_available(path) {
            var outputs = values
            var slopes = [Double](repeating: .nan, count: values.count)
            vector_math_bias_silu_path(path, &outputs, &slopes, biases, rows, columns)
            var worst = (value: 0.0, slope: 0.0)
            for index in 0..<values.count {
                let expected = Self.reference(values[index] + biases[index % columns])
                let valueBound = 12 * Self.doubleEpsilon * abs(expected.value) + Double.leastNormalMagnitude
                let slopeBound =
                    Self.doubleEpsilon * (14 * expected.magnitude + 11 * abs(expected.value))
                    + Double.leastNormalMagnitude
                worst.value = max(worst.value, abs(outputs[index] - expected.value) / valueBound)
                worst.slope = max(worst.slope, abs(slopes[index] - expected.slope) / slopeBound)
            }
            #expect(worst.value <= 1 && worst.slope <= 1, "path \(path.rawValue): worst error / bound \(worst)")
        }
    }

    /// The float kernel against the double `reference` on a 29 × 141 block (141 = 8 × 16 + 13), the reference taken
    /// at the kernel's own input a = Float(value + bias) (float's sum, rounded as the kernel rounds it). The kernel's
    /// share of the double derivation with float's eps = 2^-24 (the double reference's error, a few 2^-53, is
    /// negligible): 6.8 eps |SiLU|, and 5.8 eps σ + 5.8 eps |SiLU| + 7.8 eps |SiLU| (1 − σ) + eps M for SiLU';
    /// bounds 8 eps |SiLU| and 10 eps M + 6 eps |SiLU|, plus the smallest normal float.
    @Test func floatSiLUMatchesTheDirectFormula() {
        let (rows, columns) = (29, 141)
        let (doubles, doubleBiases) = Self.block(rows: rows, columns: columns, seed: 25)
        let values = doubles.map { Float($0) }
        let biases = doubleBiases.map { Float($0) }
        let floor = Double(Float.leastNormalMagnitude)
        for path in Self.paths where vector_math_path_available(path) {
            var outputs = values
            var slopes = [Float](repeating: .nan, count: values.count)
            vector_math_bias_silu_float_path(path, &outputs, &slopes, biases, rows, columns)
            var worst = (value: 0.0, slope: 0.0)
            for index in 0..<values.count {
                let expected = Self.reference(Double(values[index] + biases[index % columns]))
                let valueBound = 8 * Self.floatEpsilon * abs(expected.value) + floor
                let slopeBound = Self.floatEpsilon * (10 * expected.magnitude + 6 * abs(expected.value)) + floor
                worst.value = max(worst.value, abs(Double(outputs[index]) - expected.value) / valueBound)
                worst.slope = max(worst.slope, abs(Double(slopes[index]) - expected.slope) / slopeBound)
            }
            #expect(worst.value <= 1 && worst.slope <= 1, "path \(path.rawValue): worst error / bound \(worst)")
        }
    }

    /// The accelerated paths give the portable bits (double and float), and leaving out the derivatives (NULL)
    /// changes no value.
    @Test func acceleratedPathsGiveThePortableBits() {
        let (rows, columns) = (9, 45)
        let (values, biases) = Self.block(rows: rows, columns: columns, seed: 27)
        func double(_ path: VectorMathPath, derivatives: Bool) -> [UInt64] {
            var outputs = values
            var slopes = [Double](repeating: 0, count: values.count)
            if derivatives {
                vector_math_bias_silu_path(path, &outputs, &slopes, biases, rows, columns)
            } else {
                vector_math_bias_silu_path(path, &outputs, nil, biases, rows, columns)
            }
            return (outputs + (derivatives ? slopes : [])).map(\.bitPattern)
        }
        func float(_ path: VectorMathPath) -> [UInt32] {
            var outputs = values.map { Float($0) }
            var slopes = [Float](repeating: 0, count: values.count)
            vector_math_bias_silu_float_path(path, &outputs, &slopes, biases.map { Float($0) }, rows, columns)
            return (outputs + slopes).map(\.bitPattern)
        }
        let portable = double(VectorMathPortable, derivatives: true)
        #expect(Array(portable.prefix(values.count)) == double(VectorMathPortable, derivatives: false))
        var compared = 0
        for path in Self.paths.dropFirst() where vector_math_path_available(path) {
            compared += 1
            #expect(double(path, derivatives: true) == portable, "path \(path.rawValue)")
            #expect(float(path) == float(VectorMathPortable), "path \(path.rawValue)")
        }
        #expect(compared >= 1)
    }
}

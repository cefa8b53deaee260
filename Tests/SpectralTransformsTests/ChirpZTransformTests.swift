import Foundation
import Testing

@testable import SpectralTransforms

/// The chirp-z (Bluestein) transform against the sum it stands for, written out term by term.
@Suite struct ChirpZTransformTests {
    /// C(j) = Σ_l a_l exp(−2πi r j l / n), summed directly in O(n M) (the angle reduced modulo 2π through the
    /// integer j l first at r = 1, so that the reference is the exact DFT there).
    static func directSum(_ values: [Double], isComplex: Bool, ratio: Double, frequencies: Range<Int>) -> [Double] {
        let length = isComplex ? values.count / 2 : values.count
        var result: [Double] = []
        for frequency in frequencies {
            var (real, imaginary) = (0.0, 0.0)
            for index in 0..<length {
                let product = frequency * index
                let turns =
                    ratio == 1
                    ? Double(((product % length) + length) % length) / Double(length)
                    : ratio * Double(product) / Double(length)
                let angle = -2 * Double.pi * turns
                let (valueReal, valueImaginary) =
                    isComplex ? (values[2 * index], values[2 * index + 1]) : (values[index], 0)
                real += valueReal * cos(angle) - valueImaginary * sin(angle)
                imaginary += valueReal * sin(angle) + valueImaginary * cos(angle)
            }
            result += [real, imaginary]
        }
        return result
    }

    /// Round-off allowance relative to Σ|a_l|: the direct sum errs by about n ε (n terms, angles of size up to
    /// 2π r n, each good to a few ε of itself), Bluestein by about (3 log₂ P + 4) ε (three FFTs and three chirp
    /// products); both under 150 ε for n ≤ 64 (P ≤ 256): 1e-13 is that with a factor 3.
    static let relativeBound = 1e-13

    struct Case: Sendable, CustomTestStringConvertible {
        let length: Int
        let firstFrequency: Int
        let outputLength: Int
        let ratio: Double
        let isComplex: Bool
        var testDescription: String {
            "n \(length), j from \(firstFrequency), \(outputLength) outputs, r \(ratio), "
                + (isComplex ? "complex" : "real")
        }
    }

    static let cases: [Case] = [
        Case(length: 16, firstFrequency: 0, outputLength: 16, ratio: 1, isComplex: true),
        Case(length: 17, firstFrequency: 0, outputLength: 17, ratio: 1, isComplex: false),
        Case(length: 64, firstFrequency: 0, outputLength: 33, ratio: 0.367_879_441_171_442_3, isComplex: false),
        Case(length: 64, firstFrequency: -32, outputLength: 65, ratio: 0.367_879_441_171_442_3, isComplex: true),
        Case(length: 33, firstFrequency: -16, outputLength: 33, ratio: 0.999_9, isComplex: true),
        Case(length: 48, firstFrequency: -24, outputLength: 49, ratio: 0.013, isComplex: true),
        Case(length: 40, firstFrequency: -7, outputLength: 11, ratio: 1.7, isComplex: false),
        Case(length: 1, firstFrequency: 0, outputLength: 1, ratio: 0.5, isComplex: false),
    ]

    @Test(arguments: cases)
    func matchesTheDirectSum(_ testCase: Case) throws {
        let batchCount = 3
        let width = testCase.isComplex ? 2 : 1
        let data = testData(count: width * testCase.length * batchCount, seed: 11)
        let transform = try ChirpZTransform(
            inputLength: testCase.length, firstFrequency: testCase.firstFrequency,
            outputLength: testCase.outputLength, batchCount: batchCount)
        transform.setRatio(testCase.ratio)
        let output = AlignedBuffer(count: 2 * testCase.outputLength * batchCount)
        // Rows interleaved: row b, value l at b + l · batchCount (a strided read, as along a leading axis).
        data.withUnsafeBufferPointer { input in
            transform.transform(
                input.baseAddress!, isComplex: testCase.isComplex, elementStride: batchCount,
                batchOffsets: Array(0..<batchCount), into: output.values.baseAddress!)
        }
        for batch in 0..<batchCount {
            var row: [Double] = []
            for index in 0..<testCase.length {
                let source = width * (batch + index * batchCount)
                row += data[source..<(source + width)]
            }
            let expected = Self.directSum(
                row, isComplex: testCase.isComplex, ratio: testCase.ratio,
                frequencies: testCase.firstFrequency..<(testCase.firstFrequency + testCase.outputLength))
            let computed = Array(
                output.array[(2 * batch * testCase.outputLength)..<(2 * (batch + 1) * testCase.outputLength)])
            let size = row.reduce(0) { $0 + abs($1) }
            #expect(
                largestDifference(computed, expected) <= Self.relativeBound * size,
                "row \(batch): \(largestDifference(computed, expected)) against \(Self.relativeBound * size)")
        }
    }

    /// At r = 1 the transform is FFTW's DFT (`ReferenceTransforms`, the O(n²) DFT the other transforms are tested
    /// with), to the same allowance.
    @Test func ratioOneIsTheDiscreteFourierTransform() throws {
        let length = 24
        let data = testData(count: 2 * length, seed: 3)
        let transform = try ChirpZTransform(inputLength: length, firstFrequency: 0, outputLength: length)
        transform.setRatio(1)
        let output = AlignedBuffer(count: 2 * length)
        data.withUnsafeBufferPointer { input in
            transform.transform(
                input.baseAddress!, isComplex: true, elementStride: 1, batchOffsets: [0],
                into: output.values.baseAddress!)
        }
        let reference = ReferenceTransforms.complexTransform(data, shape: [length], axis: 0, sign: -1)
        let size = data.reduce(0) { $0 + abs($1) }
        #expect(largestDifference(output.array, reference) <= Self.relativeBound * size)
    }

    /// The phase helper reduces exactly: e^(iπ c s / d) at s and at s + 2d/c (c = 1) agree to a few ε, and a huge
    /// product c s keeps its angle good to ε · 2π instead of ε · π c s / d.
    @Test func halfTurnsReduceExactly() {
        let near = ChirpZTransform.halfTurns(1, times: 3, over: 7)
        let far = ChirpZTransform.halfTurns(1, times: 3 + 14 * 1_000_000, over: 7)
        #expect(abs(near.cosine - far.cosine) <= 4e-16 && abs(near.sine - far.sine) <= 4e-16)
        #expect(abs(ChirpZTransform.halfTurns(0.5, times: 1, over: 1).cosine) <= 1e-16)
    }

    @Test func convolutionLengthsAreSmooth() {
        #expect(ChirpZTransform.smoothLength(atLeast: 1535) == 1536)
        #expect(ChirpZTransform.smoothLength(atLeast: 2047) == 2048)
        #expect(ChirpZTransform.smoothLength(atLeast: 11) == 12)
        #expect(ChirpZTransform.smoothLength(atLeast: 121) == 125)
    }
}

import Foundation
import Testing

@testable import SpectralTransforms

/// Deterministic pseudo-random test data (a linear congruential sequence in [-1, 1)).
func testData(count: Int, seed: UInt64) -> [Double] {
    var state = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53) * 2 - 1
    }
}

func largestDifference(_ first: [Double], _ second: [Double]) -> Double {
    zip(first, second).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// Round-off tolerance for an O(n log n) transform of O(1) data summing n terms: 1e-12 times the size.
func transformTolerance(_ count: Int) -> Double { 1e-13 * Double(count) + 1e-13 }

@Suite struct RealFourierTransformTests {
    /// Odd, even and prime sizes in 1-D, 2-D and 3-D.
    static let shapes: [[Int]] = [
        [1], [2], [7], [16], [17], [30], [31], [4, 6], [5, 7], [8, 9], [13, 12], [3, 4, 5], [2, 5, 6],
    ]

    @Test(arguments: shapes)
    func forwardMatchesReferenceDFT(shape: [Int]) throws {
        let transform = try RealFourierTransform(shape: shape)
        let data = testData(count: transform.realCount, seed: UInt64(shape.reduce(0, +)))
        let input = AlignedBuffer(data)
        let output = AlignedBuffer(count: 2 * transform.spectrumCount)
        transform.forward(input, into: output)
        let expected = ReferenceTransforms.halfSpectrum(
            ReferenceTransforms.forwardDFT(data, shape: shape), shape: shape)
        #expect(largestDifference(output.array, expected) <= transformTolerance(transform.realCount))
        #expect(input.array == data, "the forward transform preserves its input")
    }

    @Test(arguments: shapes)
    func backwardInvertsForwardUpToSize(shape: [Int]) throws {
        let transform = try RealFourierTransform(shape: shape)
        let data = testData(count: transform.realCount, seed: 99)
        _ = transform.realBuffer.values.update(from: data)
        transform.forward()
        transform.backward()
        let recovered = transform.realBuffer.array.map { $0 / Double(transform.realCount) }
        #expect(largestDifference(recovered, data) <= transformTolerance(transform.realCount))
    }

    @Test func spectrumShapeHalvesTheLastAxis() throws {
        let transform = try RealFourierTransform(shape: [6, 10])
        #expect(transform.spectrumShape == [6, 6])
        #expect(transform.spectrumCount == 36)
        #expect(RealFourierTransform.signedFrequency(4, length: 6) == -2)
        #expect(RealFourierTransform.signedFrequency(3, length: 6) == 3)
        #expect(RealFourierTransform.signedFrequency(3, length: 5) == -2)
    }

    @Test func invalidShapesAreRejected() {
        #expect(throws: TransformError.invalidShape([0])) { try RealFourierTransform(shape: [0]) }
        #expect(throws: TransformError.invalidShape([2, 2, 2, 2])) { try RealFourierTransform(shape: [2, 2, 2, 2]) }
    }

    @Test func measuredPlansWithThreadsGiveTheSameTransform() throws {
        let shape = [32, 24]
        let estimated = try RealFourierTransform(shape: shape)
        let measured = try RealFourierTransform(shape: shape, rigor: .measure, threads: 2)
        let data = AlignedBuffer(testData(count: 32 * 24, seed: 5))
        let first = AlignedBuffer(count: 2 * estimated.spectrumCount)
        let second = AlignedBuffer(count: 2 * measured.spectrumCount)
        estimated.forward(data, into: first)
        measured.forward(data, into: second)
        #expect(largestDifference(first.array, second.array) <= transformTolerance(32 * 24))
    }

    /// Planning from many threads at once must not crash (the planner lock).
    @Test func concurrentPlanningIsSafe() async throws {
        try await withThrowingTaskGroup(of: Double.self) { group in
            for index in 0..<16 {
                group.addTask {
                    let transform = try RealFourierTransform(shape: [16 + index, 8], rigor: .measure)
                    transform.realBuffer.fill(with: 1)
                    transform.forward()
                    return transform.spectrumBuffer[0]
                }
            }
            for try await zeroMode in group { #expect(zeroMode > 0) }
        }
    }

    @Test func wisdomRoundTrips() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fplab-wisdom-\(getpid()).txt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try RealFourierTransform(shape: [64, 64], rigor: .measure)
        try FFTWPlanner.exportWisdom(toFile: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("fftw_wisdom"))
        try FFTWPlanner.importWisdom(fromFile: path)
        #expect(throws: TransformError.wisdomUnreadable("/nonexistent/wisdom")) {
            try FFTWPlanner.importWisdom(fromFile: "/nonexistent/wisdom")
        }
    }
}

@Suite struct CosineTransformTests {
    @Test(arguments: [[1], [2], [7], [16], [17], [4, 6], [5, 7], [3, 4, 5]])
    func forwardMatchesReferenceDCT(shape: [Int]) throws {
        let transform = try CosineTransform(shape: shape)
        let data = testData(count: transform.count, seed: 11)
        let input = AlignedBuffer(data)
        let output = AlignedBuffer(count: transform.count)
        transform.forward(input, into: output)
        let expected = ReferenceTransforms.cosineTransformII(data, shape: shape)
        #expect(largestDifference(output.array, expected) <= transformTolerance(transform.count))
        let recovered = AlignedBuffer(count: transform.count)
        transform.backward(output, into: recovered)
        #expect(
            largestDifference(recovered.array.map { $0 / transform.roundTripScale }, data)
                <= transformTolerance(transform.count))
    }
}

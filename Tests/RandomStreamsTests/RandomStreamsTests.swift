import Foundation
import Testing

@testable import RandomStreams

/// The standard normal CDF.
func normalDistribution(_ value: Double) -> Double { 0.5 * erfc(-value / 2.0.squareRoot()) }

@Suite struct GeneratorTests {
    @Test func sameSeedAndStreamGiveTheSameSequence() {
        var first = Xoshiro256StarStar(seed: 42, stream: 7)
        var second = Xoshiro256StarStar(seed: 42, stream: 7)
        for _ in 0..<1000 { #expect(first.next() == second.next()) }
    }

    /// Neighbouring streams and seeds are unrelated: no shared outputs among the first 10^4 of each, and the
    /// correlation of their uniforms is within 4 standard errors (1/sqrt(n)) of 0.
    @Test func neighbouringStreamsAreIndependent() {
        let count = 10_000
        for (left, right) in [((1, 0), (1, 1)), ((1, 0), (2, 0)), ((0, 1), (1, 0))] {
            var first = Xoshiro256StarStar(seed: UInt64(left.0), stream: UInt64(left.1))
            var second = Xoshiro256StarStar(seed: UInt64(right.0), stream: UInt64(right.1))
            let firstValues = (0..<count).map { _ in first.next() }
            let secondValues = (0..<count).map { _ in second.next() }
            #expect(Set(firstValues).isDisjoint(with: secondValues))
            let u = firstValues.map { Double($0 >> 11) * 0x1.0p-53 - 0.5 }
            let v = secondValues.map { Double($0 >> 11) * 0x1.0p-53 - 0.5 }
            let correlation = zip(u, v).reduce(0) { $0 + $1.0 * $1.1 } / Double(count) / (1.0 / 12)
            #expect(abs(correlation) < 4 / Double(count).squareRoot())
        }
    }

    /// Known-answer check of the xoshiro256** step from an explicit state (reference: the authors' C code).
    @Test func splitMixIsTheReferenceMixer() {
        // SplitMix64 from state 0: first outputs of the reference implementation.
        var generator = SplitMix64(state: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test func uniformsAreInTheUnitInterval() {
        var generator = Xoshiro256StarStar(seed: 3)
        let values = (0..<100_000).map { _ in generator.nextUniform() }
        #expect(values.allSatisfy { $0 >= 0 && $0 < 1 })
        let mean = values.reduce(0, +) / Double(values.count)
        #expect(abs(mean - 0.5) < 4 * (1.0 / 12 / Double(values.count)).squareRoot())
    }
}

@Suite struct ZigguratTests {
    static let sampleCount = 1_000_000
    static let samples: [Double] = {
        var generator = Xoshiro256StarStar(seed: 2026)
        return (0..<sampleCount).map { _ in Ziggurat.normal(using: &generator) }
    }()

    @Test func tablesCloseAtZeroWithEqualAreas() {
        #expect(Ziggurat.edges[1] == Ziggurat.tailStart)
        // The last computed edge is close to 0, so the top layer (x_255 .. 0) has the same area as the others.
        let top = Ziggurat.edges[255] * (1 - Ziggurat.heights[255])
        #expect(abs(top - Ziggurat.layerArea) / Ziggurat.layerArea < 1e-6)
    }

    /// Moments 1 to 4 within 4 standard errors: E Z = 0, E Z^2 = 1, E Z^3 = 0, E Z^4 = 3.
    @Test func momentsOfTheStandardNormal() {
        let count = Double(Self.sampleCount)
        let expected: [(power: Double, value: Double, variance: Double)] = [
            (1, 0, 1), (2, 1, 2), (3, 0, 15), (4, 3, 96),
        ]
        for (power, value, variance) in expected {
            let mean = Self.samples.reduce(0) { $0 + pow($1, power) } / count
            #expect(abs(mean - value) < 4 * (variance / count).squareRoot(), "moment \(power): \(mean)")
        }
    }

    /// Kolmogorov–Smirnov against Phi on 10^6 draws: D < 1.95 / sqrt(n) (p > 0.001).
    @Test func kolmogorovSmirnovAgainstTheNormalCDF() {
        let sorted = Self.samples.sorted()
        let count = Double(sorted.count)
        var largest = 0.0
        for (index, value) in sorted.enumerated() {
            let cdf = normalDistribution(value)
            largest = max(largest, abs(cdf - Double(index) / count), abs(Double(index + 1) / count - cdf))
        }
        #expect(largest < 1.95 / count.squareRoot(), "D = \(largest)")
    }

    /// The tail beyond R = 3.654 (drawn by a separate algorithm) has the right mass, within 4 SE.
    @Test func tailMass() {
        let beyond = Double(Self.samples.filter { abs($0) > Ziggurat.tailStart }.count) / Double(Self.sampleCount)
        let expected = 2 * (1 - normalDistribution(Ziggurat.tailStart))
        #expect(abs(beyond - expected) < 4 * (expected / Double(Self.sampleCount)).squareRoot())
    }
}

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

/// The Marsaglia–Tsang ziggurat written out again in its plain form, from tables recomputed here: layer i from the
/// low 8 bits, the sign from bit 8, u = m 2^-53 from the top 53 bits, the candidate x = u x_i accepted when
/// x < x_(i+1); otherwise the base layer draws Marsaglia's tail and the other layers compare one uniform height
/// in the wedge with exp(-x^2/2), every time (no integer limits, no bounds that spare exp), and a rejected draw
/// starts over. It also counts the draws that took each path, so a test can show that it reached all of them.
struct ReferenceZiggurat {
    var edges = [Double](repeating: 0, count: 257)
    var heights = [Double](repeating: 0, count: 257)
    var (tailDraws, wedgeAccepts, wedgeRejects) = (0, 0, 0)

    init() {
        let (area, tail) = (0.00492867323399, 3.6541528853610088)
        edges[0] = area / exp(-0.5 * tail * tail)
        edges[1] = tail
        for index in 2..<256 {
            edges[index] = (-2 * log(area / edges[index - 1] + exp(-0.5 * edges[index - 1] * edges[index - 1])))
                .squareRoot()
        }
        heights = edges.map { exp(-0.5 * $0 * $0) }
    }

    mutating func normal(using generator: inout Xoshiro256StarStar) -> Double {
        while true {
            let bits = generator.next()
            let layer = Int(bits & 0xFF)
            let sign: Double = bits & 0x100 == 0 ? 1 : -1
            let candidate = Double(bits >> 11) * 0x1.0p-53 * edges[layer]
            if candidate < edges[layer + 1] { return sign * candidate }
            if layer == 0 {
                tailDraws += 1
                while true {
                    let exponential = -log(1 - generator.nextUniform()) / edges[1]
                    if -2 * log(1 - generator.nextUniform()) > exponential * exponential {
                        return sign * (edges[1] + exponential)
                    }
                }
            }
            let height = heights[layer + 1] + generator.nextUniform() * (heights[layer] - heights[layer + 1])
            if height < exp(-0.5 * candidate * candidate) {
                wedgeAccepts += 1
                return sign * candidate
            }
            wedgeRejects += 1
        }
    }
}

@Suite struct ZigguratFastPathTests {
    /// 2 x 10^6 draws on four streams equal the plain ziggurat's bit for bit, and the generators end in the same
    /// state. The comparison reaches every path: with p the chance of a path per draw, its count is n p +- sqrt(n p);
    /// tail p = (1 - x_1/x_0)/256 = 2.6e-4 (about 520 draws), wedge about 1.45 % (about 0.8 % accepted, 0.65 %
    /// rejected); each count must exceed n p - 5 sqrt(n p) with p rounded down (tail 2e-4, wedge accepted 5e-3,
    /// wedge rejected 4e-3).
    @Test func drawsEqualThePlainZigguratBitForBit() {
        var reference = ReferenceZiggurat()
        let table = Ziggurat.table
        let perStream = 500_000
        var mismatches = 0
        for stream in UInt64(0)..<4 {
            var fast = Xoshiro256StarStar(seed: 2027, stream: stream)
            var plain = fast
            for _ in 0..<perStream {
                let value = table.normal(using: &fast)
                let expected = reference.normal(using: &plain)
                if value.bitPattern != expected.bitPattern { mismatches += 1 }
            }
            #expect(fast == plain, "stream \(stream): the generators drew different numbers of words")
        }
        #expect(mismatches == 0)
        let count = Double(4 * perStream)
        for (name, observed, probability) in [
            ("tail", reference.tailDraws, 2e-4), ("wedge accepted", reference.wedgeAccepts, 5e-3),
            ("wedge rejected", reference.wedgeRejects, 4e-3),
        ] {
            let expected = count * probability
            #expect(Double(observed) > expected - 5 * expected.squareRoot(), "\(name): \(observed) draws")
        }
    }

    /// Each acceptance limit is the first 53-bit integer m whose candidate fl(fl(m 2^-53) x_i) leaves the inner
    /// rectangle: m = limit - 1 stays inside, m = limit does not (the top layer, x_256 = 0, accepts nothing).
    @Test func acceptanceLimitsAreTheFirstRejectedIntegers() {
        let table = Ziggurat.table
        let reference = ReferenceZiggurat()
        func inside(_ integer: UInt64, _ layer: Int) -> Bool {
            Double(integer) * 0x1.0p-53 * reference.edges[layer] < reference.edges[layer + 1]
        }
        for layer in 0..<256 {
            let limit = table.acceptanceLimits[layer]
            #expect(!inside(limit, layer), "layer \(layer)")
            if limit > 0 { #expect(inside(limit - 1, layer), "layer \(layer)") }
        }
        #expect(table.acceptanceLimits[255] == 0)
    }
}

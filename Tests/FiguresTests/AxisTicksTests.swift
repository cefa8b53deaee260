import Foundation
import Testing

@testable import Figures

@Suite("Axis ticks")
struct AxisTicksTests {
    /// Relative tolerance for tick values built as m · 10ᵏ: exact for |k| ≤ 22, within an ulp or two beyond.
    static let valueTolerance = 1e-12

    static func isClose(_ a: Double, _ b: Double) -> Bool {
        abs(a - b) <= valueTolerance * max(abs(a), abs(b))
    }

    @Test("0…1 gets 0, 0.2, …, 1, the doubles nearest those decimals, labelled with one decimal")
    func unitInterval() {
        let ticks = AxisTicks.linear(from: 0, to: 1)
        #expect(ticks.major == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(ticks.labels == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        #expect(ticks.lower == 0 && ticks.upper == 1)
        #expect(ticks.multiplierExponent == nil)
    }

    @Test(
        "linear ticks cover the range, step by 1, 2 or 5 × 10ᵏ, and respect the maximum count",
        arguments: [
            (-3.7, 8.2), (0.0013, 0.0021), (-1e-9, 3e-9), (17.0, 1234.0), (-50.0, -49.5), (0.0, 7.3e12),
            (1.0, 1.0 + 1e-9),
        ])
    func linearCoverage(range: (Double, Double)) {
        for maximumCount in [3, 5, 8, 10] {
            let ticks = AxisTicks.linear(from: range.0, to: range.1, maximumCount: maximumCount)
            #expect(ticks.major.count >= 2 && ticks.major.count <= maximumCount)
            #expect(ticks.lower <= range.0 && ticks.upper >= range.1)
            #expect(ticks.major.first == ticks.lower && ticks.major.last == ticks.upper)
            let step = ticks.major[1] - ticks.major[0]
            let exponent = floor(log10(step))
            let mantissa = step / pow(10, exponent)
            #expect([1.0, 2.0, 5.0, 10.0].contains { abs($0 - mantissa) < 1e-6 }, "step \(step)")
            // Equal spacing up to the rounding of the tick values themselves (ulps of the largest tick).
            let magnitude = ticks.major.map(abs).max()!
            for (a, b) in zip(ticks.major, ticks.major.dropFirst()) {
                #expect(abs((b - a) - step) <= 1e-9 * step + 4 * magnitude.ulp)
            }
        }
    }

    @Test("ticks that keep fixed limits lie inside them")
    func linearInside() {
        let ticks = AxisTicks.linear(from: 0.95, to: 1.05, maximumCount: 8, expandsToTicks: false)
        #expect(ticks.lower == 0.95 && ticks.upper == 1.05)
        #expect(ticks.major.count >= 3)
        #expect(ticks.major.allSatisfy { $0 >= 0.95 && $0 <= 1.05 })
        #expect(ticks.labels == ["0.96", "0.98", "1.00", "1.02", "1.04"])
    }

    @Test("an empty range is widened around its value")
    func constantRange() {
        let ticks = AxisTicks.linear(from: 5, to: 5)
        #expect(ticks.lower < 5 && ticks.upper > 5)
        let zero = AxisTicks.linear(from: 0, to: 0)
        #expect(zero.lower <= -1 && zero.upper >= 1)
    }

    @Test("tiny and huge linear values are labelled in units of 10ᵏ, negatives with a minus sign")
    func multiplier() {
        let tiny = AxisTicks.linear(from: 0, to: 3e-5)
        #expect(tiny.multiplierExponent == -5)
        #expect(tiny.labels.first == "0.0" && tiny.labels.last == "3.0")
        let huge = AxisTicks.linear(from: 0, to: 2.5e6)
        #expect(huge.multiplierExponent == 6)
        let negative = AxisTicks.linear(from: -2, to: 2)
        #expect(negative.labels.first == "\u{2212}2")
        #expect(negative.labels.contains("0"))
    }

    @Test("3e-7…2e-2 on a log axis is labelled at every power of ten from 1e-7 to 1e-1")
    func logDecades() {
        let ticks = AxisTicks.logarithmic(from: 3e-7, to: 2e-2)
        let expected = (-7...(-1)).map { pow(10, Double($0)) }
        #expect(ticks.major.count == expected.count)
        #expect(zip(ticks.major, expected).allSatisfy { Self.isClose($0, $1) })
        #expect(ticks.labels == ["10⁻⁷", "10⁻⁶", "10⁻⁵", "10⁻⁴", "10⁻³", "10⁻²", "10⁻¹"])
        #expect(Self.isClose(ticks.lower, 1e-7) && Self.isClose(ticks.upper, 1e-1))
        // 2…9 × 10ᵏ in each of the six decades.
        #expect(ticks.minor.count == 6 * 8)
        #expect(ticks.minor.contains { Self.isClose($0, 2e-7) } && ticks.minor.contains { Self.isClose($0, 9e-2) })
    }

    @Test(
        "log ticks cover the data with powers of ten for ranges of every width",
        arguments: [(1.5, 3.0e4), (2e-12, 5e-3), (1e-3, 1e-3), (1e-8, 1.7e308), (3e-300, 1.0), (0.7, 0.9)])
    func logCoverage(range: (Double, Double)) {
        for maximumCount in [4, 8] {
            let ticks = AxisTicks.logarithmic(from: range.0, to: range.1, maximumCount: maximumCount)
            #expect(ticks.lower <= range.0 * (1 + 1e-12) && ticks.upper >= range.1 * (1 - 1e-12))
            #expect(ticks.lower > 0 && ticks.upper.isFinite)
            #expect(ticks.major.count >= 2 && ticks.major.count <= maximumCount)
            #expect(ticks.major.allSatisfy { $0 >= ticks.lower * (1 - 1e-12) && $0 <= ticks.upper * (1 + 1e-12) })
            // At most 8 minor ticks between neighbouring labels, so they never merge into a bar.
            #expect(ticks.minor.count <= 8 * ticks.major.count)
            let exponents = ticks.major.map { log10($0) }
            if exponents.allSatisfy({ abs($0 - $0.rounded()) < 1e-9 }) {
                let steps = Set(zip(exponents, exponents.dropFirst()).map { Int(($1 - $0).rounded()) })
                #expect(steps.count == 1 && [1, 2, 3, 5, 10, 20, 25, 50, 100, 200].contains(steps.first!))
            }
        }
    }

    @Test("a single value is widened to the decades either side; a range inside one decade to that decade")
    func logNarrow() {
        let single = AxisTicks.logarithmic(from: 1e-3, to: 1e-3)
        #expect(Self.isClose(single.lower, 1e-4) && Self.isClose(single.upper, 1e-2))
        let inside = AxisTicks.logarithmic(from: 2, to: 8)
        #expect(inside.lower == 1 && inside.upper == 10)
        #expect(inside.labels == ["1", "2", "5", "10"])
    }

    @Test("log ticks inside fixed limits: powers of ten when two fit, else 1, 2 and 5 × 10ᵏ")
    func logInside() {
        let wide = AxisTicks.logarithmic(from: 3e-6, to: 0.4, expandsToDecades: false)
        #expect(wide.lower == 3e-6 && wide.upper == 0.4)
        #expect(wide.labels == ["10⁻⁵", "10⁻⁴", "10⁻³", "10⁻²", "10⁻¹"])
        let narrow = AxisTicks.logarithmic(from: 1.5, to: 8, expandsToDecades: false)
        #expect(narrow.major == [2, 5])
        let small = AxisTicks.logarithmic(from: 1.5e-7, to: 8e-7, expandsToDecades: false)
        #expect(small.labels == ["2×10⁻⁷", "5×10⁻⁷"])
        let narrower = AxisTicks.logarithmic(from: 1.1, to: 1.9, expandsToDecades: false)
        #expect(narrower.major.count >= 3 && narrower.major.allSatisfy { $0 >= 1.1 && $0 <= 1.9 })
        #expect(narrower.labels.first == "1.2")
        let equal = AxisTicks.logarithmic(from: 5, to: 5, expandsToDecades: false)
        #expect(equal.lower < 5 && equal.upper > 5)
    }

    @Test("fraction maps the limits to 0 and 1 and refuses what the scale cannot place")
    func fraction() {
        let log = AxisTicks.logarithmic(from: 1e-4, to: 1)
        #expect(log.fraction(of: 1e-4) == 0)
        #expect(abs(log.fraction(of: 1e-2)! - 0.5) < 1e-12)
        #expect(log.fraction(of: 0) == nil && log.fraction(of: -1) == nil && log.fraction(of: .infinity) == nil)
        let linear = AxisTicks.linear(from: 0, to: 1)
        #expect(linear.fraction(of: .nan) == nil)
        #expect(linear.fraction(of: 0.25) == 0.25)
    }
}

import Foundation

/// The tick marks of one axis: its limits, the labelled major ticks, the unlabelled minor ticks and the
/// labels.
///
/// Linear axes step by 1, 2 or 5 × 10ᵏ, the smallest such step that gives at most `maximumCount` ticks
/// (so 0…1 gets 0, 0.2, …, 1). Logarithmic axes put major ticks on powers of ten, every decade when that
/// fits in `maximumCount` ticks and every k-th decade otherwise, with minor ticks at 2…9 × 10ᵏ (or at the
/// skipped decades). Cost O(number of ticks).
///
///     AxisTicks.linear(from: 0, to: 1).major                  // [0, 0.2, 0.4, 0.6, 0.8, 1]
///     AxisTicks.logarithmic(from: 3e-7, to: 2e-2).labels      // ["10⁻⁷", "10⁻⁶", …, "10⁻¹"]
public struct AxisTicks: Sendable, Equatable {
    public let scale: AxisScale
    /// The axis limits the ticks were chosen for (widened to tick multiples or whole decades when the
    /// ticks were asked to cover the range, the requested range otherwise).
    public let lower: Double
    public let upper: Double
    /// Labelled tick values, increasing, all within `lower...upper`.
    public let major: [Double]
    /// Unlabelled tick values, increasing, within `lower...upper`.
    public let minor: [Double]
    /// One label a major tick, with exponents in Unicode superscript ("10⁻⁶", "2.5", "−1"); the SVG draws the
    /// same labels with raised `<tspan>`s.
    public var labels: [String] { richLabels.map(\.plainText) }
    /// When set, linear labels are in units of 10^multiplierExponent (shown once, beside the axis label), as
    /// for ticks 0, 1e-5, 2e-5 labelled 0, 1, 2 with "×10⁻⁵". Set only for values below 10⁻³ or from 10⁵ up.
    public let multiplierExponent: Int?

    let richLabels: [RichText]

    /// Ticks for a linear axis over `lower...upper`.
    ///
    /// - Parameters:
    ///   - maximumCount: the most major ticks wanted (at least 2).
    ///   - expandsToTicks: true widens the limits outwards to the nearest step multiples, so the first and
    ///     last ticks sit on the frame; false keeps the limits and labels the multiples inside them.
    ///   An empty range (lower == upper) is widened by 10 % of its magnitude, or by 1 around zero.
    public static func linear(from lower: Double, to upper: Double, maximumCount: Int = 8, expandsToTicks: Bool = true)
        -> AxisTicks
    {
        precondition(lower.isFinite && upper.isFinite && lower <= upper, "AxisTicks.linear: need finite lower <= upper")
        precondition(maximumCount >= 2, "AxisTicks.linear: maximumCount must be at least 2")
        var low = max(lower, -1e300)
        var high = min(upper, 1e300)
        let magnitude = max(abs(low), abs(high))
        if high - low <= magnitude * 1e-12 {
            let pad = magnitude == 0 ? 1 : magnitude * 0.1
            low -= pad
            high += pad
        }
        let span = high - low
        // Tolerance for values that land a rounding error away from a step multiple.
        let slack = 1e-9
        var exponent = Int(floor(log10(span / Double(maximumCount)))) - 1
        while true {
            for mantissa in [1.0, 2.0, 5.0] {
                let step = scaledByPowerOfTen(mantissa, exponent)
                let first = expandsToTicks ? floor(low / step + slack) : ceil(low / step - slack)
                let last = expandsToTicks ? ceil(high / step - slack) : floor(high / step + slack)
                guard last - first + 1 <= Double(maximumCount) else { continue }
                let multiples = first <= last ? Array(stride(from: first, through: last, by: 1)) : []
                let values = multiples.map { scaledByPowerOfTen($0 * mantissa, exponent) }
                let (labels, multiplier) = linearLabels(multiples: multiples, mantissa: mantissa, exponent: exponent)
                return AxisTicks(
                    scale: .linear,
                    lower: expandsToTicks ? (values.first ?? low) : low,
                    upper: expandsToTicks ? (values.last ?? high) : high,
                    major: values, minor: [], multiplierExponent: multiplier, richLabels: labels)
            }
            exponent += 1
        }
    }

    /// Ticks for a logarithmic axis over `lower...upper` (both positive).
    ///
    /// - Parameters:
    ///   - maximumCount: the most major ticks wanted (at least 2); more decades than that are labelled
    ///     every k-th decade, k the first of 1, 2, 3, 5, 10, 20, 25, 50, 100, 200 that fits.
    ///   - expandsToDecades: true widens the limits to whole decades (to multiples of k decades), so the
    ///     labelled powers of ten cover the data; false keeps the limits, and when fewer than two powers of
    ///     ten fall inside them labels 1, 2 and 5 × 10ᵏ instead (every integer × 10ᵏ, or linear ticks, for
    ///     still narrower limits).
    ///   A range within a single decade is widened to that decade (1e-3 exactly becomes 1e-4…1e-2). Limits
    ///   stay within the normal finite doubles, about 2.2e-308…1.8e308.
    public static func logarithmic(
        from lower: Double, to upper: Double, maximumCount: Int = 8, expandsToDecades: Bool = true
    ) -> AxisTicks {
        precondition(
            lower > 0 && upper.isFinite && lower <= upper, "AxisTicks.logarithmic: need 0 < lower <= upper < ∞")
        precondition(maximumCount >= 2, "AxisTicks.logarithmic: maximumCount must be at least 2")
        let slack = 1e-9
        let logLow = log10(lower)
        let logHigh = log10(upper)
        if expandsToDecades || lower == upper {
            var first = Int(floor(logLow + slack))
            var last = Int(ceil(logHigh - slack))
            if last <= first {
                first -= 1
                last += 1
            }
            let decadeStep = niceDecadeStep(first: first, last: last, maximumCount: maximumCount, snapsOutwards: true)
            first = floorMultiple(first, decadeStep)
            last = ceilMultiple(last, decadeStep)
            // Whole decades past the double range are cut back to it (10³⁵⁰ is +∞).
            let low = max(scaledByPowerOfTen(1, first), Double.leastNormalMagnitude)
            let high = min(scaledByPowerOfTen(1, last), Double.greatestFiniteMagnitude)
            if last - first == 1 {
                // One decade: label 1, 2, 5 and 10 × 10ᵏ so the axis has more than two numbers on it.
                let major = [1.0, 2.0, 5.0].map { ($0, first) } + [(1.0, last)]
                return mixedDecadeTicks(major: major, lower: low, upper: high)
            }
            let decades = stride(from: first, through: last, by: decadeStep).filter {
                isWithin(scaledByPowerOfTen(1, $0), low, high)
            }
            return AxisTicks(
                scale: .logarithmic, lower: low, upper: high,
                major: decades.map { scaledByPowerOfTen(1, $0) },
                minor: logMinorTicks(first: first, last: last, decadeStep: decadeStep, lower: low, upper: high),
                multiplierExponent: nil,
                richLabels: decades.map { RichText.power(base: "10", exponent: $0) })
        }
        let firstInside = Int(ceil(logLow - slack))
        let lastInside = Int(floor(logHigh + slack))
        if lastInside - firstInside >= 1 {
            let decadeStep = niceDecadeStep(
                first: firstInside, last: lastInside, maximumCount: maximumCount, snapsOutwards: false)
            let decades = (firstInside...lastInside).filter { $0 % decadeStep == 0 }
            if decades.count >= 2 {
                return AxisTicks(
                    scale: .logarithmic, lower: lower, upper: upper,
                    major: decades.map { scaledByPowerOfTen(1, $0) },
                    minor: logMinorTicks(
                        first: Int(floor(logLow)), last: Int(ceil(logHigh)), decadeStep: decadeStep, lower: lower,
                        upper: upper),
                    multiplierExponent: nil,
                    richLabels: decades.map { RichText.power(base: "10", exponent: $0) })
            }
        }
        // Less than about a decade inside the limits: label 1-2-5 multiples, or every integer multiple.
        let decadesAround = Int(floor(logLow))...Int(ceil(logHigh))
        for mantissas in [[1.0, 2.0, 5.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]] {
            let candidates = decadesAround.flatMap { decade in mantissas.map { ($0, decade) } }
                .filter { isWithin(scaledByPowerOfTen($0.0, $0.1), lower, upper) }
            if candidates.count >= 2 {
                return mixedDecadeTicks(major: candidates, lower: lower, upper: upper)
            }
        }
        // Narrower still (1.1…1.9): the linear ticks inside the limits, placed on the log scale.
        let inside = AxisTicks.linear(from: lower, to: upper, maximumCount: maximumCount, expandsToTicks: false)
        return AxisTicks(
            scale: .logarithmic, lower: lower, upper: upper, major: inside.major, minor: [],
            multiplierExponent: inside.multiplierExponent, richLabels: inside.richLabels)
    }
}

extension AxisTicks {
    /// Position of `value` along the axis, 0 at `lower` and 1 at `upper`; nil for values the scale cannot
    /// place (non-finite, or non-positive on a log axis). Values outside the limits give t outside [0, 1].
    func fraction(of value: Double) -> Double? {
        guard value.isFinite else { return nil }
        switch scale {
        case .linear:
            return (value - lower) / (upper - lower)
        case .logarithmic:
            guard value > 0 else { return nil }
            return (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
        }
    }
}

/// m × 10ᵉ with 10ᵉ exact for |e| ≤ 22, so 3 × 10⁻¹ is the double nearest 0.3 rather than 0.30000000000000004.
func scaledByPowerOfTen(_ mantissa: Double, _ exponent: Int) -> Double {
    exponent >= 0 ? mantissa * pow(10, Double(exponent)) : mantissa / pow(10, Double(-exponent))
}

/// Decades between labelled powers of ten: the first of 1, 2, 3, 5, 10, 20, 25, 50, 100, 200 that labels at
/// most `maximumCount` multiples of itself between decades `first` and `last` (after widening them outwards to
/// multiples when `snapsOutwards`).
private func niceDecadeStep(first: Int, last: Int, maximumCount: Int, snapsOutwards: Bool) -> Int {
    let steps = [1, 2, 3, 5, 10, 20, 25, 50, 100, 200]
    for step in steps {
        let count =
            snapsOutwards
            ? (ceilMultiple(last, step) - floorMultiple(first, step)) / step + 1
            : (floorMultiple(last, step) - ceilMultiple(first, step)) / step + 1
        if count <= maximumCount { return step }
    }
    return steps[steps.count - 1]
}

/// The largest multiple of `step` at or below `value` (also for negative values).
private func floorMultiple(_ value: Int, _ step: Int) -> Int {
    Int((Double(value) / Double(step)).rounded(.down)) * step
}

/// The smallest multiple of `step` at or above `value`.
private func ceilMultiple(_ value: Int, _ step: Int) -> Int {
    Int((Double(value) / Double(step)).rounded(.up)) * step
}

private func isWithin(_ value: Double, _ lower: Double, _ upper: Double) -> Bool {
    value >= lower * (1 - 1e-9) && value <= upper * (1 + 1e-9)
}

/// Labels for linear ticks k · m · 10ᵉ: fixed decimals (max(0, −e) of them), or, when the largest tick is
/// below 10⁻³ or from 10⁵ up, the same in units of 10ᵖ with p the largest tick's exponent.
private func linearLabels(multiples: [Double], mantissa: Double, exponent: Int) -> ([RichText], Int?) {
    let values = multiples.map { scaledByPowerOfTen($0 * mantissa, exponent) }
    let largest = values.map(abs).max() ?? 0
    let power = largest > 0 ? Int(floor(log10(largest) + 1e-9)) : 0
    let multiplier: Int? = (power >= 5 || power <= -4) ? power : nil
    let shift = multiplier ?? 0
    let decimals = max(0, shift - exponent)
    let labels = multiples.map { multiple -> RichText in
        let value = scaledByPowerOfTen(multiple * mantissa, exponent - shift)
        return RichText(fixedDecimal(value, decimals: decimals))
    }
    return (labels, multiplier)
}

/// `value` with `decimals` digits after the point, "−" for negatives, and never "−0".
func fixedDecimal(_ value: Double, decimals: Int) -> String {
    var written = String(format: "%.\(decimals)f", value)
    if written.hasPrefix("-") && written.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) {
        written.removeFirst()
    }
    return typographicMinus(written)
}

/// Minor ticks of a log axis between decades `first` and `last`: 2…9 × 10ᵏ when every decade is labelled;
/// otherwise the unlabelled decades that are multiples of a fifth (or half) of the labelled step, so there
/// are at most four minor ticks between labels; only those within the limits.
private func logMinorTicks(first: Int, last: Int, decadeStep: Int, lower: Double, upper: Double) -> [Double] {
    var ticks: [Double] = []
    if decadeStep == 1 {
        for decade in first..<max(first, last) {
            for mantissa in 2...9 {
                ticks.append(scaledByPowerOfTen(Double(mantissa), decade))
            }
        }
    } else {
        let minorStep = decadeStep % 5 == 0 ? decadeStep / 5 : (decadeStep % 2 == 0 ? decadeStep / 2 : 1)
        for decade in first...last where decade % minorStep == 0 && decade % decadeStep != 0 {
            ticks.append(scaledByPowerOfTen(1, decade))
        }
    }
    return ticks.filter { $0 > 0 && $0.isFinite && isWithin($0, lower, upper) }
}

/// Log ticks at m × 10ᵏ with several mantissas: decimal labels when all lie in [10⁻³, 10⁴], "m×10ᵏ"
/// otherwise; minor ticks at the remaining integer multiples within the limits.
private func mixedDecadeTicks(major: [(Double, Int)], lower: Double, upper: Double) -> AxisTicks {
    let values = major.map { scaledByPowerOfTen($0.0, $0.1) }
    let decimalFriendly = values.allSatisfy { $0 >= 1e-3 * (1 - 1e-9) && $0 <= 1e4 }
    let labels = major.map { mantissa, decade -> RichText in
        if decimalFriendly {
            return RichText(fixedDecimal(scaledByPowerOfTen(mantissa, decade), decimals: max(0, -decade)))
        }
        return RichText(runs: [
            .init(text: "\(Int(mantissa))×10", isRaised: false),
            .init(text: typographicMinus(String(decade)), isRaised: true),
        ])
    }
    var minor: [Double] = []
    let firstDecade = Int(floor(log10(lower)))
    let lastDecade = Int(ceil(log10(upper)))
    for decade in firstDecade...lastDecade {
        for mantissa in 1...9 {
            let value = scaledByPowerOfTen(Double(mantissa), decade)
            if isWithin(value, lower, upper) && !values.contains(where: { abs($0 - value) <= 1e-9 * value }) {
                minor.append(value)
            }
        }
    }
    return AxisTicks(
        scale: .logarithmic, lower: lower, upper: upper, major: values, minor: minor.sorted(),
        multiplierExponent: nil, richLabels: labels)
}

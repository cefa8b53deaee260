import Foundation

// Text helpers shared by every figure: XML escaping, compact numbers, rich labels with superscripts,
// and an estimate of how wide a label will be once a renderer draws it.

/// `text` with the five XML special characters replaced by entities, safe in element content and in
/// attribute values alike. Characters XML 1.0 forbids (C0 controls other than tab, line feed and carriage
/// return) become spaces, so any label keeps the document well formed.
func xmlEscaped(_ text: String) -> String {
    var escaped = ""
    escaped.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": escaped += "&amp;"
        case "<": escaped += "&lt;"
        case ">": escaped += "&gt;"
        case "\"": escaped += "&quot;"
        case "'": escaped += "&apos;"
        case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
        default:
            if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                escaped += " "
            } else {
                escaped.unicodeScalars.append(scalar)
            }
        }
    }
    return escaped
}

/// A pixel coordinate written with at most two decimals and no trailing zeros ("12", "12.5", "-0.03").
/// Hundredths of a pixel are below what any renderer shows; the short form keeps 16 384-cell heat maps small.
/// Non-finite input writes "0" (callers clip geometry first, so this never shows).
func svgNumber(_ value: Double) -> String {
    guard value.isFinite, abs(value) < 1e12 else { return value.isFinite ? String(Int64(value.rounded())) : "0" }
    let hundredths = Int64((value * 100).rounded())
    let magnitude = hundredths.magnitude
    var written = hundredths < 0 ? "-" : ""
    written += String(magnitude / 100)
    let fraction = magnitude % 100
    if fraction != 0 {
        written += "."
        if fraction % 10 == 0 {
            written += String(fraction / 10)
        } else {
            written += fraction < 10 ? "0\(fraction)" : String(fraction)
        }
    }
    return written
}

/// A label made of plain runs and raised (superscript) runs, such as "10" followed by a raised "−6".
///
/// In SVG the raised runs become `<tspan>` elements shifted up by a third of the font size and drawn at
/// 72 % size, so renderers without Unicode superscript glyphs still show proper exponents; `plainText`
/// spells the same label with Unicode superscripts ("10⁻⁶") for reports and tests.
struct RichText: Equatable, Sendable {
    struct Run: Equatable, Sendable {
        var text: String
        var isRaised: Bool
    }

    var runs: [Run]

    init(_ text: String) {
        runs = text.isEmpty ? [] : [Run(text: text, isRaised: false)]
    }

    init(runs: [Run]) {
        self.runs = runs.filter { !$0.text.isEmpty }
    }

    /// "base" with a raised "exponent", e.g. power(base: "10", exponent: -6) for 10⁻⁶.
    static func power(base: String, exponent: Int) -> RichText {
        RichText(runs: [
            Run(text: base, isRaised: false), Run(text: typographicMinus(String(exponent)), isRaised: true),
        ])
    }

    var isEmpty: Bool { runs.isEmpty }

    func appending(_ other: RichText) -> RichText {
        RichText(runs: runs + other.runs)
    }

    /// The label with raised runs spelled in Unicode superscript characters.
    var plainText: String {
        runs.map { $0.isRaised ? superscripted($0.text) : $0.text }.joined()
    }

    /// The content of a `<text>` element (escaped text and `<tspan>`s) at `fontSize` px.
    func svgContent(fontSize: Double) -> String {
        let raise = fontSize * 0.38
        let raisedSize = svgNumber(fontSize * 0.72)
        var content = ""
        var raised = false
        for run in runs {
            switch (raised, run.isRaised) {
            case (false, true):
                content +=
                    "<tspan dy=\"-\(svgNumber(raise))\" font-size=\"\(raisedSize)\">\(xmlEscaped(run.text))</tspan>"
            case (true, false):
                content += "<tspan dy=\"\(svgNumber(raise))\">\(xmlEscaped(run.text))</tspan>"
            case (true, true):
                content += "<tspan font-size=\"\(raisedSize)\">\(xmlEscaped(run.text))</tspan>"
            case (false, false):
                content += xmlEscaped(run.text)
            }
            raised = run.isRaised
        }
        return content
    }

    /// Estimated drawn width in px at `fontSize` (see `estimatedTextWidth`).
    func estimatedWidth(fontSize: Double) -> Double {
        runs.reduce(0) { $0 + estimatedTextWidth($1.text, fontSize: $1.isRaised ? fontSize * 0.72 : fontSize) }
    }
}

/// ASCII hyphen-minus replaced by the typographic minus sign U+2212, as numbers are typeset.
func typographicMinus(_ text: String) -> String {
    text.replacingOccurrences(of: "-", with: "\u{2212}")
}

private func superscripted(_ text: String) -> String {
    let table: [Character: Character] = [
        "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹",
        "-": "⁻", "\u{2212}": "⁻", "+": "⁺",
    ]
    return String(text.map { table[$0] ?? $0 })
}

/// Estimated width in px of `text` drawn at `fontSize` in DejaVu Sans, the widest of the usual sans-serif
/// fallbacks (Helvetica and Arial are about 10 % narrower), so layouts built on it leave room rather than
/// clip. Per-character advance widths are grouped into a handful of classes; the error is a few percent on
/// typical labels, which the layout margins absorb.
func estimatedTextWidth(_ text: String, fontSize: Double) -> Double {
    var ems = 0.0
    for scalar in text.unicodeScalars {
        switch scalar {
        case "0"..."9": ems += 0.64
        case " ", ".", ",", ":", ";", "!", "|", "'", "i", "j", "l", "I": ems += 0.30
        case "f", "t", "r", "(", ")", "[", "]", "{", "}", "-", "/", "\\": ems += 0.40
        case "m", "w", "M", "W", "%", "@": ems += 0.92
        case "A"..."Z": ems += 0.72
        case "a"..."z": ems += 0.61
        case "\u{2212}", "×", "+", "=", "<", ">", "±", "~", "·", "≤", "≥", "≈": ems += 0.84
        case "⁰"..."⁹", "¹", "²", "³": ems += 0.40
        default:
            // East Asian wide characters take a full em; Greek, accented Latin and symbols about 0.66.
            ems += (0x1100...0x11FF).contains(scalar.value) || (0x2E80...0xFFEF).contains(scalar.value) ? 1.0 : 0.66
        }
    }
    return ems * fontSize
}

/// `text` cut at the last character that keeps it within `width` px, with "…" appended when cut.
func truncated(_ text: String, toWidth width: Double, fontSize: Double) -> String {
    guard estimatedTextWidth(text, fontSize: fontSize) > width else { return text }
    var kept = ""
    let ellipsisWidth = estimatedTextWidth("…", fontSize: fontSize)
    for character in text {
        let candidate = kept + String(character)
        if estimatedTextWidth(candidate, fontSize: fontSize) + ellipsisWidth > width { break }
        kept = candidate
    }
    return kept + "…"
}

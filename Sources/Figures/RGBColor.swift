/// An sRGB colour with 8 bits a channel, written in SVG as "#rrggbb".
public struct RGBColor: Sendable, Hashable, CustomStringConvertible {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// A colour from its 24-bit hex code: `RGBColor(hex: 0x0072B2)`.
    public init(hex: UInt32) {
        self.init(red: UInt8((hex >> 16) & 0xFF), green: UInt8((hex >> 8) & 0xFF), blue: UInt8(hex & 0xFF))
    }

    /// "#rrggbb", lower case.
    public var hexString: String {
        let digits = Array("0123456789abcdef")
        var written = "#"
        for channel in [red, green, blue] {
            written.append(digits[Int(channel >> 4)])
            written.append(digits[Int(channel & 0xF)])
        }
        return written
    }

    public var description: String { hexString }

    public static let black = RGBColor(hex: 0x000000)
    public static let white = RGBColor(hex: 0xFFFFFF)
    /// The dark grey of reference lines, frames and text.
    public static let darkGray = RGBColor(hex: 0x555555)
}

/// Colour cycles for distinct series.
public enum Palette {
    /// The Okabe–Ito palette (Okabe & Ito, "Color Universal Design", 2008), distinguishable under the common
    /// colour-vision deficiencies, ordered for white backgrounds: blue, vermillion, bluish green, orange,
    /// reddish purple, sky blue, black, and last the yellow that is faint on white.
    public static let okabeIto: [RGBColor] = [
        RGBColor(hex: 0x0072B2), RGBColor(hex: 0xD55E00), RGBColor(hex: 0x009E73), RGBColor(hex: 0xE69F00),
        RGBColor(hex: 0xCC79A7), RGBColor(hex: 0x56B4E9), RGBColor(hex: 0x000000), RGBColor(hex: 0xF0E442),
    ]

    /// The colour of series number `index` (from 0); the cycle repeats after eight series, and line plots
    /// then change the dash pattern so that series 0 and 8 still differ.
    public static func color(at index: Int) -> RGBColor {
        okabeIto[((index % okabeIto.count) + okabeIto.count) % okabeIto.count]
    }
}

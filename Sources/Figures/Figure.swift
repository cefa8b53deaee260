// Figures: SVG figures drawn by the project itself, with no dependency beyond Foundation (and Safeguards, whose
// `Interruption` keeps a write whole).
//
//   Figure        the protocol: `size`, `svg()`, and `write(to:)` (atomic: temporary file, then rename)
//   LinePlot      named series on linear or log axes, markers, dashed reference lines, a legend
//   ScatterPlot   point sets as translucent circles, thinned deterministically to a cap per set
//   HeatMap       a 2-D field on a regular grid as one rect a cell, viridis colours, a colour bar
//   Axis          label, scale (linear / logarithmic) and optional fixed limits of one axis
//   AxisTicks     the tick algorithm: 1-2-5 steps on linear axes, powers of ten on log axes
//   RGBColor, Palette, ColorMap   colours: Okabe–Ito for series, viridis for fields
//   ReferenceLine, LineDash, Marker, LegendPlacement   the smaller choices
//
// Conventions: sizes are CSS px; y grows upwards in data and downwards in SVG; every label is XML-escaped;
// what a plot cannot draw (non-finite values, non-positive values on a log axis) is skipped and reported in
// its `notes`, never drawn at a made-up place.

import Foundation
import Safeguards

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A figure's canvas in CSS pixels (the SVG user units).
public struct FigureSize: Sendable, Hashable, Codable {
    public var width: Double
    public var height: Double

    public init(width: Double, height: Double) {
        precondition(
            width > 0 && height > 0 && width.isFinite && height.isFinite,
            "FigureSize: width and height must be positive")
        self.width = width
        self.height = height
    }

    /// 640 × 420 px: readable on screen and in an HTML report, and the size every layout is tuned for.
    public static let standard = FigureSize(width: 640, height: 420)
}

/// Something that draws itself as a standalone SVG document.
///
/// `LinePlot`, `HeatMap` and `ScatterPlot` conform. The document is SVG 1.1 with no scripts, no CSS and no
/// external references: it opens in browsers, in `rsvg-convert` and in Inkscape, and can be pasted inline
/// into an HTML report (it has no XML declaration for that reason; it is UTF-8).
public protocol Figure: Sendable {
    /// The canvas size; the SVG's `width`, `height` and `viewBox`.
    var size: FigureSize { get }
    /// The figure as an SVG document. Rendering is deterministic: the same figure gives the same string.
    func svg() -> String
}

/// Why `Figure.write(to:)` failed.
public struct FigureWriteError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "could not write figure to \(path): \(reason)" }
}

extension Figure {
    /// Writes `svg()` to `path` atomically: the document goes to a temporary file in the same directory,
    /// which is then renamed over `path`, so a reader never sees half a figure. The directory must exist.
    ///
    ///     try plot.write(to: "results/convergence.svg")
    public func write(to path: String) throws {
        try write(to: URL(fileURLWithPath: path))
    }

    /// Writes `svg()` to the file `url` atomically (see `write(to:)` taking a path); an interruption during the
    /// write takes effect after it (`Interruption`).
    public func write(to url: URL) throws {
        let document = Data(svg().utf8)
        try Interruption.deferringInterruption { try write(document, to: url) }
    }

    private func write(_ document: Data, to url: URL) throws {
        let destination = url.standardizedFileURL
        let temporary = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try document.write(to: temporary)
        } catch {
            throw FigureWriteError(path: destination.path, reason: "\(error)")
        }
        if rename(temporary.path, destination.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw FigureWriteError(path: destination.path, reason: reason)
        }
    }
}

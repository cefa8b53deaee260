import Foundation
import Testing

@testable import Figures

/// Figures in the shapes the `fplab` subcommands draw. The tests check each is well-formed SVG; with
/// FIGURES_EXAMPLES_DIR set they are also written there, to be looked at (rsvg-convert them to PNG).
enum ExampleGallery {
    static func all() -> [(name: String, figure: any Figure)] {
        [
            ("convergence", convergence()), ("blow-up", blowUp()), ("profiles", profiles()),
            ("tiny-values", tinyValues()),
            ("many-series", manySeries()), ("density-linear", density(logarithmic: false)),
            ("density-log", density(logarithmic: true)), ("samples", samples()), ("escaping", escaping()),
            ("snapshots", snapshots()), ("small", small()), ("wide-field", wideField()), ("log-scatter", logScatter()),
        ]
    }

    /// Weak error against step size, log–log, with the theoretical slopes.
    static func convergence() -> LinePlot {
        let steps = [0.2, 0.1, 0.05, 0.025, 0.0125, 0.00625]
        let euler = steps.map { 0.8 * $0 * (1 + 0.3 * $0) }
        let heun = steps.map { 1.7 * $0 * $0 }
        return LinePlot(
            title: "Weak error against step size",
            xAxis: Axis("step size Δt", scale: .logarithmic),
            yAxis: Axis("|E f(X_T) − E f(X̂_T)|", scale: .logarithmic),
            series: [.init("Euler–Maruyama", x: steps, y: euler), .init("Heun", x: steps, y: heun)],
            referenceLines: [
                .powerLaw(exponent: 1, through: (x: 0.2, y: 0.3), label: "order 1"),
                .powerLaw(exponent: 2, through: (x: 0.2, y: 0.02), label: "order 2", dash: .dotted),
            ],
            marksPoints: true)
    }

    /// The naive backward inversion's norm growing until it overflows, against a regularized one.
    static func blowUp() -> LinePlot {
        let times = (0...200).map { Double($0) * 0.01 }
        let naive = times.map { 1e-8 * exp(400 * $0 * $0) } // overflows to +∞ after t ≈ 1.33
        let regularized = times.map { 0.4 + 0.1 * sin(6 * $0) }
        return LinePlot(
            title: "Backward heat inversion: norm of the estimate",
            xAxis: Axis("backward time t"), yAxis: Axis("‖ρ̂(·, t)‖₂", scale: .logarithmic),
            series: [
                .init("naive spectral", x: times, y: naive), .init("Tikhonov α = 1e-6", x: times, y: regularized),
            ],
            referenceLines: [.horizontal(1e10, label: "blow-up threshold")])
    }

    /// Densities at several times.
    static func profiles() -> LinePlot {
        let xs = (0...400).map { -6 + Double($0) * 0.03 }
        let times = [0.0, 0.1, 0.25, 0.5, 1.0, 2.0]
        let series = times.map { t -> LinePlot.Series in
            let variance = 0.09 + 2 * t
            let ys = xs.map { x in
                0.5 * (exp(-pow(x - 2 * exp(-t), 2) / (2 * variance)) + exp(-pow(x + 2 * exp(-t), 2) / (2 * variance)))
                    / (2 * Double.pi * variance).squareRoot()
            }
            return .init("t = \(t)", x: xs, y: ys)
        }
        return LinePlot(
            title: "Forward Fokker–Planck density ρ(x, t)", xAxis: Axis("x"), yAxis: Axis("ρ(x, t)"), series: series)
    }

    /// Values around 1e-5 on a linear axis: the ticks carry a ×10⁻⁵ multiplier.
    static func tinyValues() -> LinePlot {
        let xs = (0...50).map { Double($0) * 2e4 }
        return LinePlot(
            title: "Small differences", xAxis: Axis("particles N"), yAxis: Axis("bias"),
            series: [.init("bias", x: xs, y: xs.map { 3e-5 * exp(-$0 / 3e5) - 2e-6 }, marker: .circle)],
            referenceLines: [.horizontal(0)])
    }

    /// More series than palette colours.
    static func manySeries() -> LinePlot {
        let xs = (0...60).map { Double($0) / 60 }
        let series = (0..<11).map { k in
            LinePlot.Series(
                "mode \(k)", x: xs,
                y: xs.map { sin(Double.pi * Double(k + 1) * $0) * exp(-Double(k) * 0.15) + Double(k) * 0.3 })
        }
        return LinePlot(
            title: "Eleven modes", xAxis: Axis("x / L"), yAxis: Axis("amplitude + offset"), series: series,
            legendPlacement: .right)
    }

    /// A 128 × 128 two-bump density on [-4, 4]², linear or log colour scale.
    static func density(logarithmic: Bool) -> HeatMap {
        let n = 128
        let h = 8.0 / Double(n)
        var values = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                let x = -4 + (Double(i) + 0.5) * h
                let y = -4 + (Double(j) + 0.5) * h
                values[i * n + j] =
                    0.6 * exp(-(pow(x - 1.5, 2) + pow(y - 1, 2)) / 0.5) / (Double.pi * 0.5)
                    + 0.4 * exp(-(pow(x + 1.5, 2) / 0.8 + pow(y + 1.2, 2) / 0.3))
                    / (Double.pi * (0.8 * 0.3).squareRoot())
            }
        }
        if logarithmic {
            values[0] = 0
            values[1] = .nan
        }
        return HeatMap(
            values: values, shape: [n, n], xExtent: -4...4, yExtent: -4...4,
            title: logarithmic ? "Density, log colour scale" : "Density ρ(x, y, T)", xLabel: "x₁", yLabel: "x₂",
            colorLabel: "ρ", colorScale: logarithmic ? .logarithmic : .linear)
    }

    /// Two sets of samples in the plane, one thinned.
    static func samples() -> ScatterPlot {
        var random = TestRandom(state: 42)
        var xs: [Double] = []
        var ys: [Double] = []
        for k in 0..<20000 {
            let centre = k % 2 == 0 ? (1.5, 1.0) : (-1.5, -1.2)
            xs.append(centre.0 + 0.5 * random.normal())
            ys.append(centre.1 + 0.5 * random.normal())
        }
        let exactX = (0..<500).map { _ in 1.5 + 0.5 * random.normal() }
        let exactY = (0..<500).map { _ in 1.0 + 0.5 * random.normal() }
        return ScatterPlot(
            title: "Reverse-SDE samples at t = 0", xAxis: Axis("x₁"), yAxis: Axis("x₂"),
            sets: [
                .init("reverse SDE (N = 20 000)", x: xs, y: ys), .init("exact, one component", x: exactX, y: exactY),
            ],
            opacity: 0.35, preservesAspectRatio: true)
    }

    /// Markup characters in every label.
    static func escaping() -> LinePlot {
        LinePlot(
            title: "ρ_T < 1e-3 & more \"quoted\" <tags>", xAxis: Axis("x & y"), yAxis: Axis("a < b"),
            series: [.init("<b>bold?</b> & 'quoted'", x: [0, 1, 2], y: [1, 0.5, 2])])
    }
}

extension ExampleGallery {
    /// Twenty-four snapshots: the legend needs two columns outside the plot.
    static func snapshots() -> LinePlot {
        let xs = (0...200).map { -5 + Double($0) * 0.05 }
        let series = (0..<24).map { k -> LinePlot.Series in
            let variance = 0.2 + 0.15 * Double(k)
            return .init(
                "t = \(String(format: "%.2f", 0.1 * Double(k)))", x: xs,
                y: xs.map { exp(-$0 * $0 / (2 * variance)) / (2 * Double.pi * variance).squareRoot() })
        }
        return LinePlot(title: "Heat kernel snapshots", xAxis: Axis("x"), yAxis: Axis("p(x, t)"), series: series)
    }

    /// A quarter-size log–log plot with a long title.
    static func small() -> LinePlot {
        let ns = [16.0, 32, 64, 128, 256, 512]
        return LinePlot(
            title: "Spectral vs finite-volume error at T = 1 on a long title line",
            xAxis: Axis("grid points n", scale: .logarithmic), yAxis: Axis("max error", scale: .logarithmic),
            series: [
                .init("spectral", x: ns, y: ns.map { exp(-0.3 * $0) + 1e-15 }, marker: .circle),
                .init("finite volume", x: ns, y: ns.map { 2 / ($0 * $0) }, marker: .square),
            ],
            size: FigureSize(width: 360, height: 260))
    }

    /// A field on a long thin box with signed values of order 1e-6, without aspect preservation.
    static func wideField() -> HeatMap {
        let (nx, ny) = (96, 24)
        var values = [Double](repeating: 0, count: nx * ny)
        for i in 0..<nx {
            for j in 0..<ny {
                let x = (Double(i) + 0.5) / Double(nx) * 10
                let y = -1 + (Double(j) + 0.5) / Double(ny) * 2
                values[i * ny + j] = 3e-6 * sin(x) * cos(1.5 * y)
            }
        }
        return HeatMap(
            values: values, shape: [nx, ny], xExtent: 0...10, yExtent: -1...1, title: "Flux J(x, y)",
            colorLabel: "J", preservesAspectRatio: false)
    }

    /// Heavy-tailed positive data on log–log axes.
    static func logScatter() -> ScatterPlot {
        var random = TestRandom(state: 3)
        let xs = (0..<3000).map { _ in exp(3 * random.normal()) }
        let ys = xs.map { 0.01 * pow($0, 1.5) * exp(0.5 * random.normal()) }
        return ScatterPlot(
            title: "Step-size controller: error against local step", xAxis: Axis("h", scale: .logarithmic),
            yAxis: Axis("local error", scale: .logarithmic), sets: [.init("accepted", x: xs, y: ys)],
            referenceLines: [.powerLaw(exponent: 1.5, through: (x: 1, y: 0.01), label: "∝ h^1.5")])
    }
}

@Suite("Example gallery")
struct ExampleGalleryTests {
    @Test("every example is well-formed SVG, and is written out when FIGURES_EXAMPLES_DIR is set")
    func examplesParse() throws {
        let directory = ProcessInfo.processInfo.environment["FIGURES_EXAMPLES_DIR"]
        for (name, figure) in ExampleGallery.all() {
            let svg = figure.svg()
            let root = try parsedSVG(svg)
            #expect(attributeValue(root, "width") == svgNumber(figure.size.width), "\(name)")
            if let directory {
                try figure.write(to: "\(directory)/\(name).svg")
            }
        }
    }
}

import ArgumentParser
import FokkerPlanckLab
import Foundation

/// `fplab invert`: run a diffusion backward from its data at time T (THEORY §8): the naive spectral inversion,
/// measured until it blows up, or a regularized inversion; `--sweep` tabulates both over grids and noise levels.
public struct Invert: ParsableCommand {
    public static let configuration = CommandConfiguration(
        abstract:
            "Invert a diffusion from noisy data at time T: naive spectral steps that blow up, or a regularization.",
        discussion: """
            The data is the exact solution at T (the initial Gaussian mixture evolved under the heat or the OU \
            equation, on a periodic box) plus white noise of L2 norm delta. The naive method steps back to t = 0 with \
            FFTW, multiplying mode k by exp(|k|^2 (tau(s + h) - tau(s))) a step (heat: tau = D s; OU: tau = (1 - \
            e^(-2s))/2 on the grid stretched by e^s, s = T - t), and stops at the first step whose relative L2 error \
            exceeds the threshold or whose field is not finite: it reports where, when and in which mode, next to \
            the time predicted from delta, the largest wavenumber and the threshold. The regularized methods use \
            THEORY §8's a priori parameter from delta and E = ||u(0)|| and report their error at T/2 against the \
            Hölder bound. A blow-up is a result, not a failure: the exit status is 0 and the status says blew-up. \
            --sweep runs the naive inversion on a grid of cell counts and noise levels, and every method over the \
            noise levels.
            """
    )

    /// The equation run backward.
    public enum Equation: String, ExpressibleByArgument, CaseIterable, Sendable {
        case heat, ou
    }

    @OptionGroup(title: "Inversion")
    public var inversionOptions: InvertOptions

    @OptionGroup(title: "Initial density and grid")
    public var mixtureOptions: MixtureOptions

    @OptionGroup(title: "Initial density and grid")
    public var gridOptions: GridOptions

    @OptionGroup(title: "Run and output")
    public var runOptions: RunOptions

    public init() {}

    public func validate() throws {
        try gridOptions.requirePlanar("invert")
        if sweep {
            let fixed: [(String, Bool)] = [
                ("--method", method != nil), ("--noise", noise != nil), ("--points", gridOptions.points != nil),
                ("--steps", steps != nil), ("--parameter", parameter != nil),
            ]
            for (option, given) in fixed where given {
                throw ValidationError(
                    "\(option) does not apply with --sweep: the sweep runs every method "
                        + "on its own cell counts, noise levels and steps."
                )
            }
        }
        _ = try mixtureOptions.gaussianMixture(dimension: gridOptions.dimension)
        if let steps {
            let cells = CheckedSize.product(
                of: Array(
                    repeating: gridOptions.resolvedPoints,
                    count: gridOptions.dimension))
            try OptionCheck.gridWork(cells: cells ?? Int.max, steps: steps, option: "--steps")
        }
    }

    // The inversion options, read through.
    public var equation: Equation { inversionOptions.equation }
    public var method: InversionMethod? { inversionOptions.method }
    public var noise: Double? { inversionOptions.noise }
    public var time: Double { inversionOptions.time }
    public var steps: Int? { inversionOptions.steps }
    public var threshold: Double { inversionOptions.threshold }
    public var parameter: Double? { inversionOptions.parameter }
    public var diffusivity: Double? { inversionOptions.diffusivity }
    public var sweep: Bool { inversionOptions.sweep }

    public mutating func run() throws {
        if sweep {
            let outcome = try ProgressReporter.withProgress(label: "invert --sweep") {
                try sweepExperiment().run(progress: $0)
            }
            try deliver(outcome.report)
        } else {
            let outcome = try ProgressReporter.withProgress(label: "invert") { try experiment().run(progress: $0) }
            try deliver(outcome.report)
        }
    }

    /// Writes the report's files (with `--output`), then prints it in `--format`.
    func deliver(_ report: InvertReport) throws {
        try runOptions.writeFiles(for: report.commandReport)
        try StandardStreams.writeOutput(report.rendered(as: runOptions.format))
    }

    // MARK: Resolved options

    /// The library's equation for these options.
    public var backwardEquation: BackwardEquation {
        switch equation {
        case .heat: return .heat(diffusivity: diffusivity ?? 1)
        case .ou: return .ornsteinUhlenbeck
        }
    }

    /// The single run these options describe, every default resolved.
    public func experiment() throws -> InvertExperiment {
        let dimension = gridOptions.dimension
        let mixture = try mixtureOptions.gaussianMixture(dimension: dimension)
        do {
            return try InvertExperiment(
                equation: backwardEquation, grid: gridOptions.grid(boundary: .periodic), finalTime: time,
                mixture: mixture, mixtureSpecification: mixtureOptions.specification(dimension: dimension),
                noiseLevel: noise ?? 0, method: method ?? .naive, parameter: parameter, stepCount: steps,
                threshold: threshold, settings: runOptions.settings
            )
        } catch let error as InverseHeatError {
            throw ValidationError("--time: \(error.description).")
        }
    }

    /// The sweep these options describe, every default resolved.
    public func sweepExperiment() throws -> InvertSweepExperiment {
        let dimension = gridOptions.dimension
        return InvertSweepExperiment(
            equation: backwardEquation, mixture: try mixtureOptions.gaussianMixture(dimension: dimension),
            mixtureSpecification: mixtureOptions.specification(dimension: dimension),
            grid: gridOptions.grid(boundary: .periodic), finalTime: time, threshold: threshold,
            settings: runOptions.settings)
    }
}

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

    /// How the data becomes u(t).
    public enum Method: String, ExpressibleByArgument, CaseIterable, Sendable {
        case naive, cutoff, tikhonov
        case quasiReversibility = "quasi-reversibility"
        case quasiBoundary = "quasi-boundary"

        public var inversionMethod: InversionMethod {
            switch self {
            case .naive: return .naive
            case .cutoff: return .cutoff
            case .tikhonov: return .tikhonov
            case .quasiReversibility: return .quasiReversibility
            case .quasiBoundary: return .quasiBoundaryValue
            }
        }
    }

    @OptionGroup(title: "Inversion")
    public var inversionOptions: InvertOptions

    @OptionGroup(title: "Initial density and grid")
    public var mixtureOptions: MixtureOptions

    @OptionGroup(title: "Initial density and grid")
    public var gridOptions: GridOptions

    @OptionGroup(title: "Run and output")
    public var runOptions: RunOptions

    @OptionGroup(title: "Run and output")
    public var outputOptions: OutputOptions

    public init() {}

    public func validate() throws {
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
            try Forward.checkWork(cells: cells ?? Int.max, steps: steps, option: "--steps")
        }
    }

    // The inversion options, read through.
    public var equation: Equation { inversionOptions.equation }
    public var method: Method? { inversionOptions.method }
    public var noise: Double? { inversionOptions.noise }
    public var time: Double { inversionOptions.time }
    public var steps: Int? { inversionOptions.steps }
    public var threshold: Double { inversionOptions.threshold }
    public var parameter: Double? { inversionOptions.parameter }
    public var diffusivity: Double? { inversionOptions.diffusivity }
    public var sweep: Bool { inversionOptions.sweep }

    public mutating func run() throws {
        if sweep {
            let outcome = try sweepExperiment().run(progress: ProgressReporter.forTerminal(label: "invert --sweep"))
            try outcome.report.deliver(with: outputOptions)
        } else {
            let outcome = try experiment().run(progress: ProgressReporter.forTerminal(label: "invert"))
            try outcome.report.deliver(with: outputOptions)
        }
    }

    // MARK: Resolved options

    /// The library's equation for these options.
    public var backwardEquation: BackwardEquation {
        switch equation {
        case .heat: return .heat(diffusivity: diffusivity ?? 1)
        case .ou: return .ornsteinUhlenbeck
        }
    }

    public var resolvedMethod: Method { method ?? .naive }
    public var resolvedNoise: Double { noise ?? 0 }

    /// The single run these options describe.
    public func experiment() throws -> InvertExperiment {
        let mixture = try mixtureOptions.gaussianMixture(dimension: gridOptions.dimension)
        let problem: InverseHeatProblem
        do {
            problem = try InverseHeatProblem(
                equation: backwardEquation, grid: gridOptions.grid(boundary: .periodic), finalTime: time,
                initialData: .mixture(mixture), noiseLevel: resolvedNoise, seed: runOptions.seed
            )
        } catch let error as InverseHeatError {
            throw ValidationError("--time: \(error.description).")
        }
        return InvertExperiment(options: self, mixture: mixture, problem: problem)
    }

    /// The sweep these options describe.
    public func sweepExperiment() throws -> InvertSweepExperiment {
        InvertSweepExperiment(
            options: self, mixture: try mixtureOptions.gaussianMixture(dimension: gridOptions.dimension))
    }

    /// Manifest entries shared by a run and a sweep.
    var configurationJSON: [String: JSONValue] {
        var members: [String: JSONValue] = [
            "command": "invert",
            "version": .string(fokkerPlanckLabVersion),
            "equation": .string(equation.rawValue),
            "diffusivity": equation == .heat ? .number(diffusivity ?? 1) : .null,
            "time": .number(time),
            "threshold": .number(threshold),
            "mixture": .string(mixtureOptions.specification(dimension: gridOptions.dimension)),
            "sweep": .bool(sweep),
        ]
        members.merge(gridOptions.json) { current, _ in current }
        members.merge(runOptions.json) { current, _ in current }
        return members
    }

    /// "ou" or "heat (D = 1)".
    var equationSummary: String {
        switch equation {
        case .heat: return "heat (D = \((diffusivity ?? 1).shortText))"
        case .ou: return "ou"
        }
    }
}

/// A report with more than one table, or with a table too long to print whole: text and Markdown may show a
/// thinned table, CSV and JSON always hold every row. With `--output`, `manifest.json` (the JSON plus a "files"
/// list) and `files` are written all-or-nothing before anything is printed.
public struct InvertReport: Sendable {
    public struct Section: Sendable {
        /// A heading for people (text, Markdown); CSV separates sections by a blank line instead.
        public var title: String
        public var table: DataTable
        /// The rows shown in text and Markdown (all when nil).
        public var shownRows: DataTable?
    }

    public var summary: [String]
    public var sections: [Section]
    public var closing: [String]
    public var json: JSONValue
    public var files: [OutputFile]

    public func rendered(as format: OutputFormat) -> String {
        switch format {
        case .json:
            return json.rendered()
        case .csv:
            return sections.map { $0.table.rendered(as: .csv) }.joined(separator: "\n")
        case .markdown:
            return sections.map { section in
                let title = section.title.isEmpty ? "" : "### \(section.title)\n\n"
                return title + (section.shownRows ?? section.table).rendered(as: .markdown)
            }.joined(separator: "\n")
        case .text:
            var text = summary.map { $0 + "\n" }.joined()
            for section in sections {
                text += "\n"
                if !section.title.isEmpty { text += section.title + "\n" }
                text += (section.shownRows ?? section.table).rendered(as: .text)
            }
            if !closing.isEmpty { text += "\n" + closing.map { $0 + "\n" }.joined() }
            return text
        }
    }

    /// Writes the files (with `--output`), then prints the report in `--format`.
    public func deliver(with outputOptions: OutputOptions) throws {
        let carrier = CommandReport(
            summary: summary, table: sections.first?.table ?? DataTable(columns: []), closing: closing, json: json,
            files: files
        )
        try outputOptions.writeFiles(for: carrier)
        try StandardStreams.writeOutput(rendered(as: outputOptions.format))
    }

    /// At most `limit` rows of `table`, evenly spaced, the first and the last always included.
    static func thinned(_ table: DataTable, limit: Int) -> DataTable? {
        guard table.rows.count > limit, limit >= 2 else { return nil }
        var thinned = DataTable(columns: table.columns)
        let last = table.rows.count - 1
        var previous = -1
        for slot in 0..<limit {
            let index = Int((Double(slot) * Double(last) / Double(limit - 1)).rounded())
            if index != previous { thinned.append(table.rows[index]) }
            previous = index
        }
        return thinned
    }
}

import ArgumentParser
import FokkerPlanckLab
import Foundation

/// `--model` and its schedule: which forward SDE to run (THEORY §2's and §12's tables).
///
/// The schedule options are optional so that a value given for another model is an error, not silently ignored;
/// unset, they take the library's defaults (VP and sub-VP: beta from 0.1 to 20, as DDPM; cosine: beta clipped at
/// 999) and, for VE, sigma from 0.01 to 50 (score_sde's; at t = 1 the density is then far wider than any default
/// grid: lower --sigma-max to keep it in). `--model table` reads beta(t) or sigma(t) from `--schedule-file`.
public struct ModelOptions: ParsableArguments {
    public enum Model: String, ExpressibleByArgument, CaseIterable, Sendable {
        case ou, vp, ve
        case subVariancePreserving = "sub-vp"
        case cosine, edm, table
    }

    /// The largest schedule file read (16 MiB) and its most rows.
    public static let scheduleFileByteLimit = 1 << 24
    public static let scheduleRowLimit = 100_000
    /// The allowed cosine clip: above beta(0) = 0.039 and far inside a double's range of e^(-B).
    public static let betaClipRange = 1.0...10_000.0

    /// The allowed beta and sigma: wide (DDPM's beta_max is 20), yet small enough that a suggested step count,
    /// about T^2 beta_max n, stays far inside `Int` for any grid that fits in memory.
    public static let betaRange = 0.0...100.0
    public static let sigmaLimit = 1e6

    @Option(
        help: ArgumentHelp(
            "The forward SDE: ou (dX = -X dt + sqrt(2) dB), vp (variance preserving), ve (variance exploding), "
                + "sub-vp (score_sde's), cosine (Nichol and Dhariwal's schedule as VP), edm (sigma = t), "
                + "table (beta(t) or sigma(t) from --schedule-file).", valueName: "model"))
    public var model: Model = .ou

    @Option(
        name: .customLong("beta-min"), parsing: .unconditional,
        help: ArgumentHelp("VP and sub-VP only: beta at t = 0 (default: 0.1).", valueName: "beta")
    )
    public var betaMinimum: Double?

    @Option(
        name: .customLong("beta-max"), parsing: .unconditional,
        help: ArgumentHelp(
            "VP and sub-VP: beta at t = 1 (default: 20); cosine: the clip of beta(t) (default: 999, the discrete "
                + "0.999 clip of 1000 steps).", valueName: "beta")
    )
    public var betaMaximum: Double?

    @Option(
        name: .customLong("schedule-file"),
        help: ArgumentHelp(
            "--model table: a CSV file with the header t,beta or t,sigma and rows from t = 0 on, strictly "
                + "increasing in t (beta >= 0; sigma >= 0, non-decreasing), linear between rows, held after the last.",
            valueName: "file"))
    public var scheduleFile: String?

    @Option(
        name: .customLong("sigma-min"), parsing: .unconditional,
        help: ArgumentHelp("VE only: sigma at t = 0 (default: 0.01).", valueName: "sigma")
    )
    public var sigmaMinimum: Double?

    @Option(
        name: .customLong("sigma-max"), parsing: .unconditional,
        help: ArgumentHelp("VE only: sigma at t = 1 (default: 50).", valueName: "sigma")
    )
    public var sigmaMaximum: Double?

    public init() {}

    public func validate() throws {
        let modelsFor: [(String, Bool, [Model])] = [
            ("--beta-min", betaMinimum != nil, [.vp, .subVariancePreserving]),
            ("--beta-max", betaMaximum != nil, [.vp, .subVariancePreserving, .cosine]),
            ("--sigma-min", sigmaMinimum != nil, [.ve]), ("--sigma-max", sigmaMaximum != nil, [.ve]),
            ("--schedule-file", scheduleFile != nil, [.table]),
        ]
        for (option, given, owners) in modelsFor where given && !owners.contains(model) {
            throw ValidationError(
                "\(option) applies only to --model \(owners.map(\.rawValue).joined(separator: ", ")); "
                    + "the model is \(model.rawValue).")
        }
        switch model {
        case .ou, .edm:
            break
        case .table:
            _ = try scheduleTable()
        case .cosine:
            let range = Self.betaClipRange
            try OptionCheck.finite(
                betaMaximum ?? 999, option: "--beta-max",
                mustBe: "the cosine clip, from \(range.lowerBound.shortText) to \(range.upperBound.shortText)"
            ) { range.contains($0) }
        case .vp, .subVariancePreserving:
            let range = Self.betaRange
            let description = "from \(range.lowerBound.shortText) to \(range.upperBound.shortText)"
            try OptionCheck.finite(resolvedBetaMinimum, option: "--beta-min", mustBe: description) {
                range.contains($0)
            }
            try OptionCheck.finite(
                resolvedBetaMaximum, option: "--beta-max",
                mustBe: "from --beta-min (\(resolvedBetaMinimum.shortText)) to \(range.upperBound.shortText)"
            ) { $0 >= resolvedBetaMinimum && $0 <= range.upperBound }
        case .ve:
            let limit = Self.sigmaLimit
            try OptionCheck.finite(
                resolvedSigmaMinimum, option: "--sigma-min", mustBe: "greater than 0 and at most \(limit.shortText)"
            ) { $0 > 0 && $0 <= limit }
            try OptionCheck.finite(
                resolvedSigmaMaximum, option: "--sigma-max",
                mustBe: "from --sigma-min (\(resolvedSigmaMinimum.shortText)) to \(limit.shortText)"
            ) { $0 >= resolvedSigmaMinimum && $0 <= limit }
        }
    }

    public var resolvedBetaMinimum: Double { betaMinimum ?? 0.1 }
    public var resolvedBetaMaximum: Double { betaMaximum ?? (model == .cosine ? 999 : 20) }
    public var resolvedSigmaMinimum: Double { sigmaMinimum ?? 0.01 }
    public var resolvedSigmaMaximum: Double { sigmaMaximum ?? 50 }

    /// The library's SDE for these options.
    public var process: LinearSDE {
        switch model {
        case .ou: return .ornsteinUhlenbeck
        case .vp: return .variancePreserving(betaMinimum: resolvedBetaMinimum, betaMaximum: resolvedBetaMaximum)
        case .ve: return .varianceExploding(sigmaMinimum: resolvedSigmaMinimum, sigmaMaximum: resolvedSigmaMaximum)
        case .subVariancePreserving:
            return .subVariancePreserving(betaMinimum: resolvedBetaMinimum, betaMaximum: resolvedBetaMaximum)
        case .cosine: return .cosine(betaClip: resolvedBetaMaximum)
        case .edm: return .edm
        case .table:
            // validate() and checkVariance(until:) have read the file; one broken after them reads as OU's
            // coefficients only in a race no command leaves time for (they read it right before the run).
            guard let table = try? scheduleTable() else { return .ornsteinUhlenbeck }
            return .tabulated(table)
        }
    }

    /// The table of `--schedule-file` (--model table), every rule checked; errors name the option and the file.
    public func scheduleTable() throws -> NoiseScheduleTable {
        guard let path = scheduleFile else { throw ValidationError("--model table needs --schedule-file.") }
        let subject = "--schedule-file '\(path)'"
        let text: String
        do { text = try InputFile.readText(path, subject: subject, byteLimit: Self.scheduleFileByteLimit) } catch {
            throw ValidationError(String(describing: error))
        }
        let records: [[String]]
        do { records = try CSVReader.table(text) } catch { throw ValidationError("\(subject): \(error)") }
        let header = records[0].map { $0.trimmingCharacters(in: .whitespaces) }
        guard header.count == 2, header[0] == "t",
            let quantity = NoiseScheduleTable.Quantity(rawValue: header[1])
        else {
            throw ValidationError("\(subject): the header must be t,beta or t,sigma.")
        }
        let rows = records.dropFirst()
        guard (2...Self.scheduleRowLimit).contains(rows.count) else {
            throw ValidationError(
                "\(subject): \(rows.count) rows; a schedule has from 2 to \(Self.scheduleRowLimit) rows.")
        }
        var times: [Double] = []
        var values: [Double] = []
        for (index, row) in rows.enumerated() {
            guard let time = Double(row[0].trimmingCharacters(in: .whitespaces)),
                let value = Double(row[1].trimmingCharacters(in: .whitespaces))
            else { throw ValidationError("\(subject): row \(index + 1) is not two numbers.") }
            times.append(time)
            values.append(value)
        }
        let table = NoiseScheduleTable(quantity: quantity, times: times, values: values)
        if let problem = table.validationProblem { throw ValidationError("\(subject): \(problem).") }
        let limit = quantity == .beta ? Self.betaClipRange.upperBound : Self.sigmaLimit
        if let row = values.firstIndex(where: { $0 > limit }) {
            throw ValidationError(
                "\(subject): \(quantity.rawValue) must be at most \(limit.shortText) (row \(row + 1)).")
        }
        if let row = times.firstIndex(where: { $0 > OptionCheck.horizonLimit }) {
            throw ValidationError(
                "\(subject): times must be at most \(OptionCheck.horizonLimit.shortText) (row \(row + 1)).")
        }
        return table
    }

    /// Refuses a horizon at which the model's variance v(T) overflows a double (VE with a large σ_max: v grows
    /// like σ_max^(2T)); every command that runs the model to --time checks this before it starts.
    public func checkVariance(until time: Double) throws {
        if model == .table {
            let table = try scheduleTable()
            try OptionCheck.require(
                time <= table.lastTime,
                "--time \(time.shortText) is past the last row of --schedule-file (t = \(table.lastTime.shortText)); "
                    + "lower --time or extend the table.")
        }
        try OptionCheck.require(
            process.variance(to: time).isFinite,
            "--time \(time.shortText) is too long for --model \(summary): the variance overflows a double; "
                + "lower --time or --sigma-max."
        )
    }

    /// "ou", "vp (beta 0.1 to 20)", "ve (sigma 0.01 to 50)" (`LinearSDE.summary`).
    public var summary: String { process.summary }
}

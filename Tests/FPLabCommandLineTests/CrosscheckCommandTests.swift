import FPLabCommandLine
import FokkerPlanckLab
import Foundation
import Testing

func crosscheckOutcome(_ arguments: [String]) throws -> CrosscheckOutcome {
    let command = try #require(try FPLab.parseAsRoot(["crosscheck"] + arguments) as? Crosscheck)
    return try command.experiment().run()
}

/// A report's JSON without its timings (every key ending in "_seconds", at any depth).
private func withoutTimings(_ value: JSONValue) -> JSONValue {
    switch value {
    case .object(let members):
        return .object(members.filter { !$0.key.hasSuffix("_seconds") }.mapValues(withoutTimings))
    case .array(let items): return .array(items.map(withoutTimings))
    default: return value
    }
}

@Suite struct CrosscheckCommandTests {
    /// A small run of both directions (128 cells, M = 1000 and 4000, 100 reverse steps).
    static let small = [
        "--points", "128", "--particles", "1000,4000", "--times", "0.5,1", "--t-min", "0.2", "--steps", "100",
    ]

    /// In 3-D (the 3-D default mixture, 16³ cells on [−6, 6]³, M = 1000 and 10 000): the particles' histograms of
    /// both directions stand within 4 SE of the multinomial level against the grid's cell masses (each run's TV is
    /// E TV + SE z with z about standard normal: 8 runs, P(any |z| > 4) below 5e-4), and --output writes the (x, y)
    /// marginal figures.
    @Test func threeDimensionalRunsAgreeWithinTheSamplingLevel() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let directory = scratch.path("out")
        let result = try FPLabExecutable.run([
            "crosscheck", "--dimension", "3", "--points", "16", "--particles", "1000,10000", "--times", "0.5,1",
            "--t-min", "0.2", "--steps", "100", "--format", "json", "--output", directory,
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let json = try parseJSONObject(result.standardOutput)
        let rows = try #require(json["rows"] as? [[String: Any]])
        #expect(rows.count == 8)
        for row in rows { #expect(abs(row["standard_score"] as? Double ?? .nan) <= 4, "\(row)") }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(files.contains("density-forward-1.svg") && files.contains("density-reverse-1.svg"), "\(files)")
    }

    /// The library value built without the command gives the command's report: the same JSON, timings aside, and
    /// the same files.
    @Test func libraryExperimentGivesTheCommandsReport() throws {
        var check = GridParticleCrossCheck(
            mixture: .paperOneDimensional, model: .ornsteinUhlenbeck,
            grid: Grid(dimension: 1, points: 128, halfWidth: 10), method: .integratingFactorRK4, horizon: 1,
            times: [0.5, 1], minimumTime: 0.2, particleCounts: [1000, 4000])
        check.forwardSteps = 100
        check.reverseSteps = 100
        check.seed = 3
        let direct = try CrosscheckExperiment(check: check, directions: [.forward]).run().report
        let fromCommand = try crosscheckOutcome(
            Self.small + ["--direction", "forward", "--seed", "3", "--threads", "1"]
        ).report
        #expect(withoutTimings(direct.json) == withoutTimings(fromCommand.json))
        #expect(direct.files == fromCommand.files)
    }

    /// JSON: one row per direction, time and M with the documented keys, and a decay exponent per direction; the
    /// rows agree with the grid at the sampling level.
    @Test func jsonRowsAndDecayExponents() throws {
        let outcome = try crosscheckOutcome(Self.small + ["--seed", "3"])
        let json = try parseJSONObject(outcome.report.rendered(as: .json))
        #expect(json["command"] as? String == "crosscheck")
        let rows = try #require(json["rows"] as? [[String: Any]])
        // forward at 0.5 and 1; reverse at 0.5 and t-min 0.2 (T = 1 is the reverse start): 4 times x 2 counts.
        #expect(rows.count == 8)
        let keys = [
            "direction", "time", "particle_count", "tv_distance", "hellinger_distance", "kl_divergence", "w1_distance",
            "ks_statistic", "ks_p_value", "chi2_statistic", "chi2_p_value", "expected_tv", "tv_standard_error",
        ]
        for row in rows {
            for key in keys { #expect(row[key] != nil && !(row[key] is NSNull), "missing \(key)") }
            let score = try #require(row["standard_score"] as? Double)
            #expect(abs(score) <= 4)
        }
        #expect(
            rows.compactMap { $0["direction"] as? String } == Array(repeating: "forward", count: 4)
                + Array(repeating: "reverse", count: 4))
        #expect(rows.compactMap { $0["time"] as? Double } == [0.5, 0.5, 1, 1, 0.5, 0.5, 0.2, 0.2])
        let directions = try #require(json["directions"] as? [[String: Any]])
        #expect(directions.compactMap { $0["direction"] as? String } == ["forward", "reverse"])
        for direction in directions { #expect(direction["decay_exponent"] is Double) }
    }

    /// --output writes the manifest, the tables and the figures (log–log decay with the M^(-1/2) line, densities).
    @Test func outputDirectoryHoldsTablesAndFigures() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let directory = scratch.path("out")
        let command = try #require(
            try FPLab.parseAsRoot(["crosscheck", "--direction", "forward", "--output", directory] + Self.small)
                as? Crosscheck)
        let outcome = try command.experiment().run()
        try command.runOptions.writeFiles(for: outcome.report)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(
            names == [
                "crosscheck.csv", "crosscheck.md", "decay-forward.svg", "density-forward-1.svg",
                "density-forward-2.svg", "manifest.json",
            ])
        let csv = try String(contentsOfFile: directory + "/crosscheck.csv", encoding: .utf8)
        #expect(csv.hasPrefix("direction,time,particle_count,tv_distance,expected_tv"))
        #expect(csv.split(separator: "\n").count == 5)
        let figure = try String(contentsOfFile: directory + "/decay-forward.svg", encoding: .utf8)
        #expect(figure.contains("M^(−1/2)"))
        let manifest = try parseJSONObject(try String(contentsOfFile: directory + "/manifest.json", encoding: .utf8))
        #expect((manifest["files"] as? [String])?.count == 6)
        _ = command
    }

    /// 2-D: chi-square and the sliced W1, no KS (null in JSON), and a heat map of the standardized residuals.
    @Test func twoDimensionalRun() throws {
        let outcome = try crosscheckOutcome([
            "--dimension", "2", "--points", "48", "--direction", "forward", "--particles", "2000,8000", "--times",
            "0.5",
        ])
        let json = try parseJSONObject(outcome.report.rendered(as: .json))
        let rows = try #require(json["rows"] as? [[String: Any]])
        #expect(rows.count == 2)
        #expect(
            rows.allSatisfy {
                $0["ks_p_value"] is NSNull && $0["w1_distance"] is Double && $0["chi2_p_value"] is Double
            })
        #expect(outcome.report.files.contains { $0.name == "density-forward-1.svg" })
    }

    /// The same seed gives the same table with 1 and 2 threads; another seed does not.
    @Test func threadCountDoesNotChangeTheOutput() throws {
        func table(_ extra: [String]) throws -> String {
            try crosscheckOutcome(Self.small + extra).table.rendered(as: .csv)
        }
        let one = try table(["--threads", "1", "--seed", "5"])
        #expect(one == (try table(["--threads", "2", "--seed", "5"])))
        #expect(one != (try table(["--threads", "1", "--seed", "6"])))
    }

    struct BadInput: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var expected: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let badInputs: [BadInput] = [
        .init(arguments: ["--particles", "0"], expected: "--particles: every count must be from 1"),
        .init(arguments: ["--particles", "1000,-3"], expected: "--particles: every count must be from 1"),
        .init(arguments: ["--particles", "1000,abc"], expected: "--particles must be a comma-separated list"),
        .init(arguments: ["--times", "0.5,1.5"], expected: "--times must lie in (0, --time]"),
        .init(arguments: ["--times", "0"], expected: "--times must lie in (0, --time]"),
        .init(arguments: ["--times", "nan"], expected: "--times must lie in (0, --time]"),
        .init(arguments: ["--t-min", "0"], expected: "--t-min must be a finite number greater than 0"),
        .init(
            arguments: ["--t-min", "1"], expected: "--t-min must be a finite number greater than 0 and below --time"),
        .init(arguments: ["--direction", "sideways"], expected: "--direction"),
        .init(arguments: ["--dimension", "2", "--mixture", "1:0:1"], expected: "--mixture"),
        .init(arguments: ["--integrator", "rk4"], expected: "--integrator rk4 is not a forward integrator"),
        .init(arguments: ["--steps", "0"], expected: "--steps must be from 1"),
    ]

    @Test(arguments: badInputs)
    func badInputIsRefusedWithTheOptionNamed(_ input: BadInput) throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let message = try #require(parseFailure("crosscheck", input.arguments + ["--output", scratch.path("out")]))
        #expect(message.contains(input.expected), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("out")))
    }

    /// The executable exits with status 64 and one line on standard error.
    @Test func executableRefusesZeroParticles() throws {
        let result = try FPLabExecutable.run(["crosscheck", "--particles", "0"])
        #expect(result.status == 64)
        #expect(result.standardError.split(separator: "\n").count == 1)
        #expect(result.standardError.contains("--particles"))
        #expect(result.standardOutput.isEmpty)
    }
}

import FPLabCommandLine
import FokkerPlanckLab
import Foundation
import Testing

/// Parses `fplab invert arguments` in process and runs it (a single run), returning its outcome without printing.
func invertOutcome(_ arguments: [String]) throws -> InvertOutcome {
    let command = try #require(try FPLab.parseAsRoot(["invert"] + arguments) as? Invert)
    return try command.experiment().run()
}

func invertJSON(_ arguments: [String]) throws -> [String: Any] {
    try parseJSONObject(invertOutcome(arguments).report.rendered(as: .json))
}

/// A report's JSON without its timings (every key ending in "_seconds", at any depth): what two runs of the same
/// experiment share.
private func withoutTimings(_ value: JSONValue) -> JSONValue {
    switch value {
    case .object(let members):
        return .object(members.filter { !$0.key.hasSuffix("_seconds") }.mapValues(withoutTimings))
    case .array(let items): return .array(items.map(withoutTimings))
    default: return value
    }
}

/// `fplab invert` end to end, in process: parse the options, run, read the report back.
@Suite struct InvertCommandTests {
    /// The library value built without the command (the paper's 1-D mixture is the default) gives the command's
    /// report: the same JSON, timings aside, and the same files.
    @Test func libraryExperimentGivesTheCommandsReport() throws {
        let command = try #require(
            try FPLab.parseAsRoot([
                "invert", "--equation", "heat", "--diffusivity", "0.5", "--method", "tikhonov", "--noise", "1e-4",
                "--points", "64", "--steps", "20", "--seed", "7", "--threads", "1",
            ]) as? Invert)
        let experiment = try InvertExperiment(
            equation: .heat(diffusivity: 0.5), grid: Grid(dimension: 1, points: 64, halfWidth: 10), finalTime: 1,
            mixture: .paperOneDimensional, noiseLevel: 1e-4, method: .tikhonov, stepCount: 20,
            settings: RunSettings(seed: 7))
        let fromCommand = try command.experiment().run().report
        let direct = try experiment.run().report
        #expect(withoutTimings(direct.json) == withoutTimings(fromCommand.json))
        #expect(direct.files == fromCommand.files)
        #expect(direct.summary == fromCommand.summary)
    }

    /// The default run: the paper's OU density on 256 cells, exact data (round-off only), naive steps until the
    /// relative error passes 1. It blows up in the top mode near the predicted time, and the report says so.
    @Test func defaultRunBlowsUpAndReportsWhereWhenAndWhichMode() throws {
        let json = try invertJSON([])
        #expect(json["command"] as? String == "invert")
        #expect(json["equation"] as? String == "ou")
        #expect(json["method"] as? String == "naive")
        #expect(json["noise"] as? Double == 0)
        #expect(json["points"] as? Int == 256)
        #expect(json["status"] as? String == "blew-up")
        #expect(json["blowup_cause"] as? String == "threshold")
        let measured = try #require(json["blowup_time"] as? Double)
        let predicted = try #require(json["predicted_blowup_time"] as? Double)
        #expect(measured > predicted / 2 && measured < predicted * 2)
        let mode = try #require(json["blowup_mode"] as? [String: Any])
        let frequency = try #require(mode["frequency"] as? [Int])
        #expect(
            frequency.count == 1 && frequency[0] >= 120, "a top mode of the 128 non-negative frequencies: \(frequency)")
        #expect(try #require(json["final_relative_error"] as? Double) > 1)
        #expect(try #require(json["amplification_max_relative_error"] as? Double) <= 1e-12)
        #expect((json["blowup_location"] as? [Double])?.count == 1)
        let history = try #require(json["history"] as? [[String: Any]])
        #expect(history.count == (json["steps_taken"] as? Int).map { $0 + 1 })
        #expect(history.first?["relative_error"] as? Double == 0, "exact data at step 0")
        for key in [
            "step", "reverse_time", "time", "relative_error", "largest_mode_amplitude", "largest_mode_wavenumber",
            "finite",
        ] {
            #expect(history.last?[key] != nil, "history key \(key)")
        }
        #expect(json["version"] as? String == fokkerPlanckLabVersion)
    }

    /// A regularized run completes to t = 0, stays under the Hölder bound at T/2 and reports its a priori parameter:
    /// the cutoff K = ln(E / delta_u) / tau(T), delta_u = delta e^(-T/2) the noise of the heat solution behind the
    /// OU data.
    @Test func cutoffRunCompletesUnderTheHoelderBound() throws {
        let json = try invertJSON(["--method", "cutoff", "--noise", "1e-4"])
        #expect(json["status"] as? String == "completed")
        #expect(json["blowup_time"] is NSNull && json["blowup_mode"] is NSNull)
        #expect(json["amplification_max_relative_error"] is NSNull)
        #expect(json["final_time"] as? Double == 0)
        let finalError = try #require(json["final_relative_error"] as? Double)
        #expect(finalError.isFinite && finalError < 1)
        let halfTimeError = try #require(json["half_time_error"] as? Double)
        #expect(halfTimeError <= (try #require(json["hoelder_bound"] as? Double)))
        let bound = try #require(json["initial_norm"] as? Double)
        let roundOff = try #require(json["roundoff_level"] as? Double)
        let expected = log(bound / ((1e-4 + roundOff) * exp(-0.5))) / (-0.5 * expm1(-2.0))
        #expect(json["regularization_parameter_name"] as? String == "K")
        #expect(abs(try #require(json["regularization_parameter"] as? Double) - expected) < 1e-12 * expected)
        #expect((json["history"] as? [Any])?.count == 101)
    }

    /// A given parameter replaces the rule: a cutoff far too generous lets the noise through.
    @Test func givenParameterReplacesTheRule() throws {
        let rule = try invertJSON(["--method", "cutoff", "--noise", "1e-4", "--steps", "4"])
        let given = try invertJSON(["--method", "cutoff", "--noise", "1e-4", "--steps", "4", "--parameter", "200"])
        #expect(given["regularization_parameter"] as? Double == 200)
        #expect(given["regularization_parameter_source"] as? String == "given")
        #expect(rule["regularization_parameter_source"] as? String == "a priori")
        let ruleError = try #require(rule["final_relative_error"] as? Double)
        let givenError = try #require(given["final_relative_error"] as? Double)
        #expect(givenError > 1e3 * ruleError)
    }

    @Test func heatEquationTakesTheDiffusivity() throws {
        let json = try invertJSON(["--equation", "heat", "--diffusivity", "0.5", "--noise", "1e-6", "--points", "128"])
        #expect(json["diffusivity"] as? Double == 0.5)
        let measured = try #require(json["blowup_time"] as? Double)
        let predicted = try #require(json["predicted_blowup_time"] as? Double)
        #expect(measured > predicted / 2 && measured < predicted * 2)
        // Heat: s* = ln(theta ||g|| / eta) / (D k_max^2), so halving D doubles the time scale.
        let largest = try #require(json["largest_wavenumber"] as? Double)
        #expect(abs(largest - Double.pi * 64 / 10) < 1e-12)
    }

    @Test func textReportHasTheHistoryAndTheStatus() throws {
        let text = try invertOutcome(["--noise", "1e-8"]).report.rendered(as: .text)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(
            lines.first?.hasPrefix("invert: equation ou, method naive, grid 256 cells on [-10, 10] at T = 1") == true)
        #expect(lines.contains { $0.hasPrefix("predicted blow-up of the naive inversion: s* = ") })
        let titleIndex = try #require(lines.firstIndex { $0.hasPrefix("step") })
        let rows = lines[(titleIndex + 1)...].prefix { !$0.isEmpty }
        #expect(rows.count <= InvertOutcome.shownHistoryRows && rows.count >= 10)
        #expect(lines.contains { $0.hasPrefix("status: blew up at t = ") })
        #expect(lines.contains { $0.hasPrefix("blow-up time: measured s = ") })
        let csv = try invertOutcome(["--noise", "1e-8"]).report.rendered(as: .csv).split(separator: "\n")
        #expect(
            csv.first == "step,reverse_time,time,relative_error,largest_mode_amplitude,largest_mode_wavenumber,finite")
        #expect(csv.count > rows.count, "CSV has every step")
    }

    @Test func outputDirectoryHoldsManifestHistoryFieldAndPlot() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let directory = scratch.path("inverted")
        let command = try #require(
            try FPLab.parseAsRoot([
                "invert", "--method", "tikhonov", "--noise", "1e-3", "--dimension", "2", "--points", "32", "--output",
                directory,
            ]) as? Invert)
        let report = try command.experiment().run().report
        let carrier = CommandReport(
            summary: [], table: DataTable(columns: []), closing: [], json: report.json, files: report.files)
        try command.runOptions.writeFiles(for: carrier)
        #expect(
            scratch.contents() == [
                "inverted", "inverted/error.svg", "inverted/field.csv", "inverted/history.csv",
                "inverted/manifest.json",
            ])
        let manifest = try parseJSONObject(String(contentsOfFile: directory + "/manifest.json", encoding: .utf8))
        #expect(manifest["method"] as? String == "tikhonov")
        #expect(manifest["files"] as? [String] == ["manifest.json", "history.csv", "field.csv", "error.svg"])
        let field = try String(contentsOfFile: directory + "/field.csv", encoding: .utf8).split(separator: "\n")
        #expect(field.first == "x,y,value,exact" && field.count == 1 + 32 * 32)
        let svg = try String(contentsOfFile: directory + "/error.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("relative L² error"))
    }

    /// Blowing up is the measurement: exit status 0, the JSON on standard output, nothing on standard error.
    @Test func executableExitsWithZeroOnABlowUp() throws {
        let result = try FPLabExecutable.run(["invert", "--format", "json", "--points", "128"])
        #expect(result.status == 0)
        #expect(result.standardError.isEmpty, "\(result.standardError)")
        let json = try parseJSONObject(result.standardOutput)
        #expect(json["status"] as? String == "blew-up")
    }
}

/// `fplab invert --sweep`: the two tables in every format, and the files.
@Suite struct InvertSweepCommandTests {
    /// The default sweep, run once for the suite (about 0.5 s in release).
    static let report: InvertReport = {
        let command = try! FPLab.parseAsRoot(["invert", "--sweep"]) as! Invert
        return try! command.sweepExperiment().run().report
    }()

    /// The library value built without the command gives the command's sweep: the same JSON, timings aside.
    @Test func libraryExperimentGivesTheCommandsSweep() throws {
        let experiment = InvertSweepExperiment(
            equation: .ornsteinUhlenbeck, mixture: .paperOneDimensional,
            grid: Grid(dimension: 1, points: 256, halfWidth: 10), finalTime: 1,
            settings: RunSettings(threads: SeedAndThreadOptions.availableCores)) // the command's default threads
        let direct = try experiment.run().report
        #expect(withoutTimings(direct.json) == withoutTimings(Self.report.json))
        #expect(direct.files == Self.report.files)
    }

    @Test func jsonHoldsBothTables() throws {
        let json = try parseJSONObject(Self.report.rendered(as: .json))
        #expect(json["sweep"] as? Bool == true)
        #expect(json["point_counts"] as? [Int] == [64, 128, 256, 512, 1024])
        let blowUps = try #require(json["blowup"] as? [[String: Any]])
        #expect(blowUps.count == 5 * InvertSweepExperiment.blowUpNoiseLevels.count)
        for row in blowUps {
            #expect(row["status"] as? String == "blew-up")
            let ratio = try #require(row["ratio"] as? Double)
            #expect(ratio > 0.5 && ratio < 2, "\(row)")
        }
        let methods = try #require(json["methods"] as? [[String: Any]])
        #expect(methods.count == InvertSweepExperiment.methodNoiseLevels.count * 5)
        for row in methods {
            if row["method"] as? String == "naive" {
                #expect(row["status"] as? String == "blew-up" && row["final_relative_error"] is NSNull)
            } else {
                #expect(row["status"] as? String == "completed" && row["final_relative_error"] is Double)
            }
        }
    }

    @Test func textMarkdownAndCSVHoldBothTables() {
        let report = Self.report
        let text = report.rendered(as: .text)
        #expect(text.contains("Time to blow-up of the naive inversion") && text.contains("Every method over delta"))
        let markdown = report.rendered(as: .markdown)
        #expect(markdown.components(separatedBy: "### ").count == 3)
        #expect(markdown.contains("| n | delta | k_max | predicted s* | measured s |"))
        let csvBlocks = report.rendered(as: .csv).components(separatedBy: "\n\n")
        #expect(csvBlocks.count == 2)
        #expect(csvBlocks[0].hasPrefix("points,noise,largest_wavenumber,predicted_blowup_time,blowup_time,ratio,"))
        #expect(csvBlocks[1].hasPrefix("noise,method,parameter_name,parameter,final_relative_error,blowup_time,"))
    }

    @Test func filesAreTheTablesAndThreePlots() throws {
        let names = Self.report.files.map(\.name)
        #expect(names == ["blowup.csv", "methods.csv", "blowup.svg", "methods.svg", "hoelder.svg"])
        for file in Self.report.files where file.name.hasSuffix(".svg") {
            let text = String(decoding: file.data, as: UTF8.self)
            #expect(text.hasPrefix("<svg") && text.contains("</svg>"))
        }
    }
}

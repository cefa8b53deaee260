import FPLabCommandLine
import FokkerPlanckLab
import Foundation
import Testing

func sampleOutcome(_ arguments: [String]) throws -> SampleOutcome {
    let command = try #require(try FPLab.parseAsRoot(["sample"] + arguments) as? Sample)
    return try command.experiment().run()
}

@Suite struct SampleCommandTests {
    /// Forward exact OU from the default mixture: moments within 4 SE of the evolved mixture; JSON keys.
    @Test func forwardMomentsMatchTheEvolvedMixture() throws {
        let outcome = try sampleOutcome([
            "--direction", "forward", "--particles", "100000", "--steps", "4", "--time", "0.5",
        ])
        let moments = try #require(outcome.moments)
        let target = try #require(outcome.experiment.targetMixture)
        #expect(abs(moments.mean[0] - target.mean[0]) < 4 * moments.meanStandardError[0])
        #expect(abs(moments.variance[0] - target.covariance[0]) < 4 * moments.varianceStandardError[0])
        let json = try parseJSONObject(outcome.report(includingFiles: false).rendered(as: .json))
        for key in ["count", "mean", "variance", "mean_standard_error", "variance_standard_error", "status"] {
            #expect(json[key] != nil, "missing \(key)")
        }
        #expect(json["count"] as? Int == 100_000)
    }

    /// The model's parameters sit at the top of the report, once: "model" beside "model_parameters", the VP
    /// schedule inside it (they were once nested as "model_parameters": {"model", "model_parameters"}).
    @Test func modelParametersAreWrittenOnce() throws {
        let outcome = try sampleOutcome([
            "--direction", "forward", "--particles", "1000", "--steps", "4", "--time", "0.5", "--model", "vp",
        ])
        let json = try parseJSONObject(outcome.report(includingFiles: false).rendered(as: .json))
        #expect(json["model"] as? String == "vp")
        #expect(json["model_parameters"] as? [String: Double] == ["beta_min": 0.1, "beta_max": 20])
    }

    /// Reverse with the empirical score of a data file ends at the training points (ddpm); --output writes samples
    /// as CSV and as .npy that reads back, and the histogram.
    @Test func reverseFromADataFileWithOutputFiles() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let dataPath = scratch.path("data.csv")
        try "x\n0\n2\n2.5\n".write(toFile: dataPath, atomically: true, encoding: .utf8)
        let directory = scratch.path("out")
        let arguments = [
            "--data", dataPath, "--integrator", "ddpm", "--schedule", "uniform", "--steps", "1000",
            "--particles", "2000", "--histogram", "--output", directory, "--seed", "4",
        ]
        let command = try #require(try FPLab.parseAsRoot(["sample"] + arguments) as? Sample)
        let outcome = try command.experiment().run()
        let ends = outcome.result.positions
        let memorized = ends.filter { end in [0.0, 2, 2.5].contains { abs(end - $0) < 1e-3 } }.count
        #expect(Double(memorized) >= 0.999 * Double(ends.count))
        try command.runOptions.writeFiles(for: outcome.report(includingFiles: true))
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(names == ["histogram.csv", "manifest.json", "moments.csv", "samples.csv", "samples.npy"])
        let reloaded = try PointSet(contentsOf: directory + "/samples.npy")
        #expect(reloaded.points == ends)
        let csv = try PointSet(contentsOf: directory + "/samples.csv")
        #expect(csv.points == ends)
        _ = command
    }

    /// Same seed: the same numbers with 1 and 2 threads.
    @Test func threadCountDoesNotChangeTheResult() throws {
        let one = try sampleOutcome(["--particles", "5000", "--steps", "50", "--threads", "1", "--seed", "9"])
        let two = try sampleOutcome(["--particles", "5000", "--steps", "50", "--threads", "2", "--seed", "9"])
        #expect(one.result.positions == two.result.positions)
        let other = try sampleOutcome(["--particles", "5000", "--steps", "50", "--threads", "1", "--seed", "10"])
        #expect(one.result.positions != other.result.positions)
    }

    struct BadSampleInput: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var expected: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let badInputs: [BadSampleInput] = [
        .init(arguments: ["--particles", "0"], expected: "--particles must be from 1"),
        .init(arguments: ["--particles", "-5"], expected: "--particles must be from 1"),
        .init(
            arguments: ["--t-min", "1"], expected: "--t-min must be a finite number greater than 0 and below --time"),
        .init(arguments: ["--t-min", "2", "--time", "1"], expected: "--t-min"),
        .init(arguments: ["--time", "nan"], expected: "--time must be a finite number"),
        .init(arguments: ["--data", "/nonexistent/points.csv"], expected: "cannot read the file"),
        .init(
            arguments: ["--direction", "forward", "--integrator", "rk4"],
            expected: "--integrator rk4 is not a forward integrator"),
        .init(arguments: ["--score", "exact", "--data", "DATA"], expected: "--score exact needs a --mixture"),
    ]

    @Test(arguments: badInputs)
    func badInputIsRefusedWithTheOptionNamed(_ input: BadSampleInput) throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let dataPath = scratch.path("good.csv")
        try "0,1\n2,3\n".write(toFile: dataPath, atomically: true, encoding: .utf8)
        let arguments = input.arguments.map { $0 == "DATA" ? dataPath : $0 } + ["--output", scratch.path("out")]
        let message = try #require(parseFailure("sample", arguments))
        #expect(message.contains(input.expected), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("out")))
    }

    /// Ragged rows and NaN in a data file are refused with the line named; nothing is written.
    @Test(arguments: [
        ("0,1\n2\n", "ragged"), ("0,1\nnan,2\n", "'nan' is not a decimal number"),
        ("0,1\nabc,2\n", "'abc' is not a decimal number"), ("", "no points"),
    ])
    func malformedDataFiles(contents: String, reason: String) throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let path = scratch.path("data.csv")
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        let message = try #require(parseFailure("sample", ["--data", path, "--output", scratch.path("out")]))
        #expect(message.hasPrefix("--data: ") && message.contains(reason), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("out")))
    }

    /// The executable exits non-zero with one line on standard error.
    @Test func executableRefusesZeroParticles() throws {
        let result = try FPLabExecutable.run(["sample", "--particles", "0"])
        #expect(result.status != 0)
        #expect(result.standardError.split(separator: "\n").count == 1)
        #expect(result.standardError.contains("--particles"))
    }
}

@Suite struct PointSetTests {
    @Test func numpyRoundTripAndHeaderAlignment() throws {
        let set = PointSet(points: [1, -2.5, 3e-300, .pi, 0, 7], dimension: 2)
        let data = set.numpyData
        let headerLength = Int(data[8]) | Int(data[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let path = scratch.path("points.npy")
        try data.write(to: URL(fileURLWithPath: path))
        #expect(try PointSet(contentsOf: path) == set)
    }

    @Test func csvWithHeaderAndComments() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let path = scratch.path("points.csv")
        try "# a comment\nx,y\n1, 2\n\n3,4\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try PointSet(contentsOf: path) == PointSet(points: [1, 2, 3, 4], dimension: 2))
    }
}

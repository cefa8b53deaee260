import FPLabCommandLine
import FokkerPlanckLab
import Foundation
import Testing

/// A tiny, fast network for the command tests.
let tinyTraining = [
    "--width", "16", "--depth", "2", "--batch", "64", "--training-points", "300", "--samples", "200",
    "--sampling-steps", "50",
]

func trainCommand(_ arguments: [String]) throws -> Train {
    try #require(try FPLab.parseAsRoot(["train"] + arguments) as? Train)
}

@Suite struct TrainCommandTests {
    /// A short run: JSON keys, the held-out table, the output files, and a checkpoint that loads at the last update.
    @Test func shortRunWritesLossSamplesAndCheckpoint() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let checkpoint = scratch.path("net.fpnet")
        let directory = scratch.path("out")
        let command = try trainCommand(
            tinyTraining + ["--steps", "60", "--checkpoint", checkpoint, "--output", directory])
        let outcome = try command.experiment().run()
        let report = outcome.report(includingFiles: true)
        try command.runOptions.writeFiles(for: report)
        let json = try parseJSONObject(report.rendered(as: .json))
        for key in [
            "examples_per_second", "final_loss", "held_out_loss", "sliced_wasserstein", "novelty_fraction",
            "roll_distance",
            "coverage", "parameter_count", "status",
        ] {
            #expect(json[key] != nil, "missing \(key)")
        }
        #expect(json["steps"] as? Int == 60)
        #expect((json["held_out_loss"] as? [Any])?.count == 5)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(names == ["held_out_loss.csv", "loss.csv", "loss.svg", "manifest.json", "samples.csv", "samples.svg"])
        let lossLines = try String(contentsOfFile: directory + "/loss.csv", encoding: .utf8).split(separator: "\n")
        #expect(lossLines.count == 61 && lossLines[0] == "step,loss")
        let state = try NetworkCheckpoint.load(from: checkpoint)
        #expect(state.step == 60 && state.network.architecture.width == 16)
        #expect(state.network.parameters == outcome.state.network.parameters)
    }

    /// Another synthetic dataset: the roll's metrics are left out, sliced W2 is against fresh moons.
    @Test func moonsDataset() throws {
        let outcome = try trainCommand(tinyTraining + ["--steps", "20", "--dataset", "moons"]).experiment().run()
        let json = try parseJSONObject(outcome.report(includingFiles: false).rendered(as: .json))
        #expect(json["dataset"] as? String == "moons")
        #expect(json["roll_distance"] == nil && json["coverage"] == nil)
        #expect((json["sliced_wasserstein"] as? Double).map { $0 > 0 && $0.isFinite } == true)
    }

    /// Stopping at update 30 and resuming to 50 gives the same checkpoint, byte for byte, as 50 updates at once
    /// (with a different thread count for the second half).
    @Test func resumeContinuesExactly() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let straight = scratch.path("straight.fpnet")
        let split = scratch.path("split.fpnet")
        _ = try trainCommand(tinyTraining + ["--steps", "50", "--checkpoint", straight]).experiment().run()
        _ = try trainCommand(tinyTraining + ["--steps", "30", "--checkpoint", split, "--checkpoint-every", "10"])
            .experiment().run()
        let resumed = try trainCommand([
            "--resume", split, "--steps", "50", "--checkpoint", split, "--threads", "2",
            "--training-points", "300", "--samples", "200", "--sampling-steps", "50",
        ]).experiment().run()
        #expect(resumed.startStep == 30)
        #expect(FileManager.default.contents(atPath: straight) == FileManager.default.contents(atPath: split))
    }

    /// Resuming on other training data (here fewer points) is refused, naming --resume.
    @Test func resumeOnOtherDataIsRefused() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let checkpoint = scratch.path("net.fpnet")
        _ = try trainCommand(tinyTraining + ["--steps", "10", "--checkpoint", checkpoint]).experiment().run()
        let message = try #require(
            parseFailure("train", ["--resume", checkpoint, "--steps", "20", "--training-points", "299"]))
        #expect(
            message.contains("--resume") && message.contains("other data") && message.contains("299 points"),
            "\(message)")
    }

    /// Table (2) in miniature: every metric row has both embeddings, a paired difference and a verdict.
    @Test func compareEmbeddingsTable() throws {
        let command = try trainCommand([
            "--compare-embeddings", "--steps", "20", "--width", "8", "--depth", "1", "--batch", "64",
            "--training-points", "200", "--samples", "100", "--sampling-steps", "20",
        ])
        let outcome = try EmbeddingComparison(experiment: command.experiment()).run()
        #expect(outcome.runs.count == 6)
        let json = try parseJSONObject(outcome.report(includingFiles: false).rendered(as: .json))
        let rows = try #require(json["comparison"] as? [[String: Any]])
        let metrics = rows.compactMap { $0["metric"] as? String }
        for name in [
            "sliced W2 to fresh roll points", "mean distance to the roll", "coverage along τ (30 bins)",
            "held-out ε-loss, n 1–20",
        ] {
            #expect(metrics.contains(name), "missing \(name)")
        }
        for row in rows where (row["metric"] as? String)?.hasPrefix("held-out") == true {
            let verdict = try #require(row["better"] as? String)
            #expect(verdict.hasPrefix("sinusoidal") || verdict.hasPrefix("scalar"), "\(verdict)")
            #expect(row["difference_standard_error"] is Double)
        }
    }

    struct BadTrainInput: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var expected: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let badInputs: [BadTrainInput] = [
        .init(arguments: ["--width", "0"], expected: "--width must be from 1 to 4096; got 0."),
        .init(arguments: ["--depth", "0"], expected: "--depth must be from 1 to 64; got 0."),
        .init(arguments: ["--steps", "0"], expected: "--steps must be from 1"),
        .init(arguments: ["--batch", "0"], expected: "--batch must be from 1"),
        .init(arguments: ["--learning-rate", "0"], expected: "--learning-rate must be a finite number greater than 0"),
        .init(arguments: ["--learning-rate", "nan"], expected: "--learning-rate must be a finite number"),
        .init(arguments: ["--learning-rate", "-1e-3"], expected: "--learning-rate must be a finite number"),
        .init(arguments: ["--checkpoint-every", "10"], expected: "--checkpoint-every needs --checkpoint"),
        .init(arguments: ["--embedding", "fourier"], expected: "--embedding"),
        .init(arguments: ["--data", "NAN_DATA"], expected: "--data: "),
        .init(arguments: ["--resume", "CORRUPT"], expected: "--resume: "),
        .init(arguments: ["--resume", "TRUNCATED"], expected: "is truncated"),
        .init(
            arguments: ["--compare-embeddings", "--embedding", "scalar"],
            expected: "--compare-embeddings trains both embeddings"),
        .init(arguments: ["--dataset", "spiral"], expected: "--dataset must be one of swiss-roll, moons"),
    ]

    /// One line naming the option and its range; nothing written (the --output directory is not created, the
    /// --checkpoint file keeps its contents).
    @Test(arguments: badInputs)
    func badInputIsRefusedWithTheOptionNamed(_ input: BadTrainInput) throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let nanData = scratch.path("nan.csv")
        let corrupt = scratch.path("corrupt.fpnet")
        let truncated = scratch.path("truncated.fpnet")
        try "0,1\nnan,2\n".write(toFile: nanData, atomically: true, encoding: .utf8)
        let architecture = NetworkArchitecture(dimension: 2, width: 4, depth: 1, embedding: .scalar)
        var bytes = try NetworkCheckpoint.encode(
            TrainingState(
                architecture: architecture,
                configuration: TrainingConfiguration()))
        try bytes.prefix(bytes.count - 9).write(to: URL(fileURLWithPath: truncated))
        bytes[40] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: corrupt))
        let existing = scratch.path("existing.fpnet")
        try Data("keep".utf8).write(to: URL(fileURLWithPath: existing))
        let arguments =
            input.arguments.map { ["NAN_DATA": nanData, "CORRUPT": corrupt, "TRUNCATED": truncated][$0] ?? $0 }
            + ["--output", scratch.path("out")]
            + (input.arguments.contains { $0 == "--compare-embeddings" || $0 == "--checkpoint-every" }
                ? [] : ["--checkpoint", existing])
        let message = try #require(parseFailure("train", arguments))
        #expect(message.contains(input.expected), "\(message)")
        #expect(!message.contains("\n"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("out")))
        #expect(FileManager.default.contents(atPath: existing) == Data("keep".utf8))
        #expect(FileManager.default.contents(atPath: corrupt) == bytes)
    }

    /// The executable exits with status 64 and one line on standard error.
    @Test func executableRefusesZeroWidth() throws {
        let result = try FPLabExecutable.run(["train", "--width", "0"])
        #expect(result.status == 64)
        #expect(result.standardError == "Error: --width must be from 1 to 4096; got 0.\n")
    }
}

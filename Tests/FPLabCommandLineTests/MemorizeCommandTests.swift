import FPLabCommandLine
import FokkerPlanckLab
import Foundation
import Testing

@Suite struct MemorizeCommandTests {
    /// `fplab memorize` on {0, 2, 2.5} (small sizes): the JSON contract's keys, the headline fraction, the
    /// frequencies against the prediction, one Voronoi entry per t*.
    @Test func memorizeReportsItsKeys() throws {
        let command = try #require(
            try FPLab.parseAsRoot([
                "memorize", "--particles", "2000", "--step-sweep", "100", "--final-step", "1e-3",
                "--t-stars", "0.1,1e-4", "--voronoi-runs", "300", "--threads", "2",
            ]) as? Memorize)
        let report = try command.exactScoreExperiment().run().report(includingFiles: false)
        let json = try parseJSONObject(report.rendered(as: .json))
        for key in [
            "memorized_fraction", "endpoint_frequencies", "predicted_frequencies", "chi2_p_value", "voronoi_agreement",
            "sweep",
        ] {
            #expect(json[key] != nil, "missing \(key)")
        }
        #expect(try #require(json["memorized_fraction"] as? Double) >= 0.999)
        #expect(
            (json["endpoint_frequencies"] as? [Double])?.count == 3
                && (json["predicted_frequencies"] as? [Double])?.count == 3)
        #expect(try #require(json["chi2_p_value"] as? Double) > 0.001)
        let voronoi = try #require(json["voronoi_agreement"] as? [[String: Any]])
        #expect(voronoi.count == 2 && (voronoi[1]["ends_at_nearest"] as? Double ?? 0) > 0.99)
        #expect(report.table.rows.count == 4)
    }

    /// At T = 5 with 1000 uniform steps the last bridge step is 0.005: the posterior between 2 and 2.5 keeps a
    /// blend of width (2 · 0.005)^½ = 0.1 against their gap 0.5, so ⟨X0⟩ stays between them for about a tenth of the
    /// runs (11 % at 10^4 runs); the report says so and names the fix. The default geometric grid (last step 1e-5:
    /// one-hot up to e^(−0.25 / 4e-5)) leaves none unassigned, and its χ² p-value is that of the prediction
    /// (above 0.001; 2000 runs, 2 degrees of freedom).
    @Test func uniformStepsStallAndTheDefaultGridResolvesTheLastStep() throws {
        func report(_ schedule: [String]) throws -> (json: [String: Any], text: String) {
            let command = try #require(
                try FPLab.parseAsRoot(
                    [
                        "memorize", "--time", "5", "--particles", "2000", "--step-sweep", "10", "--final-step", "1e-3",
                        "--t-stars", "0.1", "--voronoi-runs", "100",
                    ] + schedule) as? Memorize)
            let report = try command.exactScoreExperiment().run().report(includingFiles: false)
            return (try parseJSONObject(report.rendered(as: .json)), report.rendered(as: .text))
        }
        let uniform = try report(["--schedule", "uniform"])
        let unassigned = try #require(uniform.json["unassigned"] as? Int)
        #expect(unassigned >= 100 && unassigned <= 350, "\(unassigned) of 2000")
        #expect(uniform.text.contains("ended farther than ε") && uniform.text.contains("--schedule geometric"))
        let geometric = try report([])
        #expect(geometric.json["unassigned"] as? Int == 0)
        #expect(geometric.json["schedule"] as? String == "geometric")
        #expect(try #require(geometric.json["chi2_p_value"] as? Double) > 0.001)
        #expect(!geometric.text.contains("ended farther than ε"))
    }

    /// Same seed, same report with one and two threads (the wall time aside).
    @Test func sameSeedSameNumbersForOneAndTwoThreads() throws {
        let reports = try ["1", "2"].map { threads -> [String: Any] in
            let command = try #require(
                try FPLab.parseAsRoot([
                    "memorize", "--dataset", "square", "--training-count", "10", "--particles", "2500",
                    "--steps", "50", "--step-sweep", "20", "--final-step", "1e-3", "--t-stars", "0.01",
                    "--voronoi-runs", "1500", "--prediction-samples", "2000", "--threads", threads,
                ]) as? Memorize)
            var json = try parseJSONObject(
                try command.exactScoreExperiment().run().report(includingFiles: false).rendered(as: .json))
            json["wall_seconds"] = nil
            json["threads"] = nil
            return json
        }
        #expect(NSDictionary(dictionary: reports[0]).isEqual(to: reports[1]))
    }

    /// `fplab generate --score all` on a small Swiss roll: one row per score, the exact score memorizes and the
    /// smoothed one does not; --output writes the table, samples (.csv, .npy) and one scatter plot per score.
    @Test func generateWritesTableSamplesAndScatterPlots() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let directory = scratch.path("out")
        let result = try FPLabExecutable.run([
            "generate", "--score", "all", "--training-count", "100", "--particles", "300", "--steps", "60",
            "--format", "json", "--output", directory,
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let json = try parseJSONObject(result.standardOutput)
        let rows = try #require(json["rows"] as? [[String: Any]])
        #expect(
            rows.map { $0["score"] as? String ?? "" } == [
                "exact", "smoothed b=0.05", "biased 0.5", "noisy 0.3", "early stop t=0.001",
            ])
        #expect((rows[0]["novelty_fraction"] as? Double ?? 1) < 0.05)
        #expect((rows[1]["novelty_fraction"] as? Double ?? 0) > 0.5)
        for key in [
            "score_error", "memorized_fraction", "novelty_fraction", "manifold_distance", "sliced_w2", "coverage",
        ] {
            #expect(rows[1][key] != nil, "missing \(key)")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        for name in [
            "manifest.json", "table.csv", "training.csv", "samples-exact.csv", "samples-exact.npy", "scatter-exact.svg",
            "scatter-smoothed-b-0-05.svg",
        ] {
            #expect(files.contains(name), "missing \(name) in \(files)")
        }
        let samples = try PointSet(contentsOf: directory + "/samples-exact.npy")
        #expect(samples.count == 300 && samples.dimension == 2)
    }

    /// `fplab generate --dataset digits`: 64-D samples give the image grid (training images, then each score's
    /// samples over their nearest training images); the exact score's samples are training images, so each
    /// sample tile repeats the tile under it.
    @Test func generateOnTheDigitsDrawsTheImageGrid() throws {
        let command = try #require(
            try FPLab.parseAsRoot([
                "generate", "--dataset", "digits", "--training-count", "300", "--score", "exact", "--particles", "20",
                "--steps", "40",
            ]) as? Generate)
        let outcome = try command.experiment().run()
        let grid = try #require(outcome.imageGrid())
        #expect(grid.side == 8 && grid.rows.count == 3)
        #expect(grid.rows[0].images.count == 12 && grid.rows[1].images.count == 12)
        for (sample, nearest) in zip(grid.rows[1].images, grid.rows[2].images) {
            #expect(zip(sample, nearest).allSatisfy { abs($0 - $1) < 1e-6 })
        }
        #expect(outcome.report(includingFiles: true).files.contains { $0.name == "images.svg" })
    }

    /// Bad input: a one-line error naming the option, exit 64, nothing written.
    @Test(arguments: [
        (["memorize", "--epsilon", "0"], "--epsilon"),
        (["memorize", "--steps", "0"], "--steps"),
        (["memorize", "--dataset", "spiral"], "--dataset"),
        (["memorize", "--points", "0,1;2"], "--points"),
        (["memorize", "--points", ""], "--points"),
        (["memorize", "--points", "0,nan"], "--points"),
        (["generate", "--bandwidth", "-1"], "--bandwidth"),
        (["generate", "--epsilon", "nan"], "--epsilon"),
        (["generate", "--t-min", "2"], "--t-min"),
    ])
    func badOptionsAreRefused(arguments: [String], option: String) throws {
        let message = try #require(parseFailure(arguments[0], Array(arguments.dropFirst())))
        #expect(message.contains(option), "\(message)")
    }

    /// Bad data files (empty, ragged, NaN) through the executable: exit 64, the file and row named, no output.
    @Test func badDataFilesExitWith64AndWriteNothing() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        for (name, text, detail) in [
            ("empty.csv", "x\n", "no points"), ("ragged.csv", "1,2\n3\n", "line 2"), ("nan.csv", "1\nnan\n", "line 2"),
        ] {
            let path = scratch.path(name)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let directory = scratch.path("out-\(name)")
            let result = try FPLabExecutable.run(["memorize", "--data", path, "--output", directory])
            #expect(result.status == 64)
            #expect(
                result.standardError.contains("--data") && result.standardError.contains(name)
                    && result.standardError.contains(detail),
                "\(result.standardError)")
            #expect(result.standardError.split(separator: "\n").count == 1)
            #expect(!FileManager.default.fileExists(atPath: directory))
        }
    }

    /// `fplab memorize --samples` on a planted set written as CSV: 8 training points on a line in 3-D, samples 3
    /// exact copies, 2 copies moved by 0.01 (d₁/d₂ = 0.01/0.99 at spacing 1: memorized), 3 midpoints (ratio 1: not
    /// memorized, and novel beyond ε = 0.1). Counts, the JSON keys, and the per-sample file with --output.
    @Test func samplesModeFindsThePlantedCopies() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let training = (0..<8).map { "\($0),0,1" }.joined(separator: "\n") + "\n"
        let samples =
            ["2,0,1", "5,0,1", "7,0,1", "3.01,0,1", "0.99,0,1", "1.5,0,1", "4.5,0,1", "6.5,0,1"]
            .joined(separator: "\n") + "\n"
        try training.write(toFile: scratch.path("training.csv"), atomically: true, encoding: .utf8)
        try samples.write(toFile: scratch.path("samples.csv"), atomically: true, encoding: .utf8)
        let output = scratch.path("out")
        let result = try FPLabExecutable.run([
            "memorize", "--samples", scratch.path("samples.csv"), "--data", scratch.path("training.csv"),
            "--epsilon", "0.1", "--format", "json", "--output", output,
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let json = try parseJSONObject(result.standardOutput)
        #expect(json["memorized_count"] as? Int == 5 && json["novel_count"] as? Int == 3)
        #expect(json["sample_count"] as? Int == 8 && json["training_count"] as? Int == 8)
        #expect(
            json["coverage"] as? Double == 7.0 / 8, "nearest points 2, 5, 7, 3, 1 and 1 (a tie: the lower index), 4, 6")
        let records = try String(contentsOfFile: output + "/samples.csv", encoding: .utf8)
        #expect(records.split(separator: "\n").count == 9)
        #expect(records.split(separator: "\n")[1] == "0,2,0.0,1.0,0.0,1")
        let files = try FileManager.default.contentsOfDirectory(atPath: output)
        #expect(files.contains("nearest-distances.svg") && files.contains("distance-ratios.svg"))
    }

    /// The two histograms' bins: d₁ of the planted set is 0 (three), 0.01 (two), 0.5 (three): over [0, 0.5] in 50
    /// bins of 0.01, fractions 3/8 in the first bin, 2/8 in the second (0.01 is its left edge) and 3/8 in the last;
    /// the ratios 0, 0.0101 and 1 fall in bins 0, 0 and 49 of [0, 1].
    @Test func sampleHistogramsCountEveryBin() {
        let (centres, fractions) = SampleMemorizationOutcome.histogram(
            [0, 0, 0, 0.01, 0.01, 0.5, 0.5, 0.5], upper: 0.5)
        #expect(centres.count == 50 && abs(centres[0] - 0.005) < 1e-15)
        #expect(fractions[0] == 3.0 / 8 && fractions[1] == 2.0 / 8 && fractions[49] == 3.0 / 8)
        #expect(fractions.reduce(0, +) == 1)
        let ratios = SampleMemorizationOutcome.histogram([0, 0.01 / 0.99, 1], upper: 1).fractions
        #expect(ratios[0] == 2.0 / 3 && ratios[49] == 1.0 / 3)
    }
}

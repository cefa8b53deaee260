import FPLabCommandLine
import FokkerPlanckLab
import Foundation
import Testing

/// `fplab forward` end to end, in process: parse the options, run, read the report back.
@Suite struct ForwardCommandTests {
    /// The default run (OU, the 1-D mixture, 256 cells on [-10, 10], IF-RK4 with the suggested 403 steps) matches
    /// the exact mixture to about 1e-11 in L1 (the library's spectral test); 1e-8 leaves room for any platform's
    /// FFT round-off while still catching a wrong time step, grid or model by orders of magnitude.
    static let defaultRunL1Tolerance = 1e-8

    @Test func defaultRunInJSONMatchesTheExactMixture() throws {
        let json = try forwardJSON([])
        #expect(json["command"] as? String == "forward")
        #expect(json["model"] as? String == "ou")
        #expect(json["solver"] as? String == "spectral")
        #expect(json["method"] as? String == "if-rk4")
        #expect(json["dimension"] as? Int == 1)
        #expect(json["points"] as? Int == 256)
        #expect(json["half_width"] as? Double == 10)
        #expect(json["time"] as? Double == 1)
        #expect(json["requested_steps"] as? Int == 403)
        // Four snapshot intervals of 100.75 nominal steps each are cut into 101 steps: 404 in all.
        #expect(json["steps_taken"] as? Int == 404)
        #expect(json["steps"] == nil)
        #expect(json["steps_source"] as? String == "suggested")
        #expect(json["status"] as? String == "completed")
        #expect(json["status_detail"] as? String == "completed")
        #expect(json["version"] as? String == fokkerPlanckLabVersion)
        #expect((json["wall_seconds"] as? Double).map { $0 >= 0 } == true)

        let snapshots = try #require(json["snapshots"] as? [[String: Any]])
        #expect(snapshots.count == 5, "t = 0 and the 4 default snapshots")
        #expect(snapshots.compactMap { $0["time"] as? Double } == [0, 0.25, 0.5, 0.75, 1])
        let last = try #require(snapshots.last)
        let l1Error = try #require(last["l1_error"] as? Double)
        #expect(l1Error < Self.defaultRunL1Tolerance)
        // Mass is the zero Fourier mode, conserved to round-off.
        #expect(abs(try #require(last["mass"] as? Double) - 1) < 1e-12)
        // KL to N(0, 1) decreases along the OU flow.
        let divergences = snapshots.compactMap { $0["kl_to_stationary"] as? Double }
        #expect(divergences.count == 5 && zip(divergences, divergences.dropFirst()).allSatisfy { $0 > $1 })
        for key in ["time", "l1_error", "linf_error", "mass", "min_density", "kl_to_stationary"] {
            #expect(last[key] != nil, "snapshot key \(key)")
        }
    }

    @Test func defaultRunInText() throws {
        let text = try forwardOutcome([]).report.rendered(as: .text)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = try #require(lines.first)
        let fragments = [
            "model ou", "solver spectral if-rk4", "256 cells on [-10, 10] (periodic)", "T = 1", "steps",
            "status completed",
        ]
        for fragment in fragments {
            #expect(header.contains(fragment), "header: \(header)")
        }
        let titleIndex = try #require(lines.firstIndex { $0.hasPrefix("time") })
        #expect(lines[titleIndex].contains("L1 error") && lines[titleIndex].contains("KL to stationary"))
        let rows = lines[(titleIndex + 1)...].prefix { !$0.isEmpty }
        #expect(rows.count == 5)
        #expect(rows.last?.trimmingCharacters(in: .whitespaces).hasPrefix("1 ") == true)
        #expect(lines.contains { $0.hasPrefix("status: completed, t = 1 reached in") && $0.contains("wall") })
    }

    @Test func markdownAndCSVCarryTheSameTable() throws {
        let report = try forwardOutcome(["--snapshots", "2", "--points", "64"]).report
        let markdown = report.rendered(as: .markdown).split(separator: "\n")
        #expect(markdown.first == "| time | L1 error | L∞ error | mass | min density | KL to stationary |")
        #expect(markdown.count == 2 + 3)
        let csv = report.rendered(as: .csv).split(separator: "\n")
        #expect(csv.first == "time,l1_error,linf_error,mass,min_density,kl_to_stationary")
        #expect(csv.count == 1 + 3)
        #expect(csv.last?.hasPrefix("1.0,") == true)
    }

    @Test func zeroTimeReportsTheInitialDensityOnly() throws {
        let json = try forwardJSON(["--time", "0"])
        #expect(json["steps_taken"] as? Int == 0)
        #expect(json["status"] as? String == "completed")
        let snapshots = try #require(json["snapshots"] as? [[String: Any]])
        #expect(snapshots.count == 1)
        #expect(snapshots[0]["l1_error"] as? Double == 0, "the exact law at t = 0 is the mixture itself")
    }

    /// VE has no stationary law: the KL column is null in JSON and "—" in text. With sigma_max = 2 the density
    /// stays inside [-10, 10], so no truncation note.
    @Test func varianceExplodingHasNoStationaryDivergence() throws {
        let outcome = try forwardOutcome(["--model", "ve", "--sigma-max", "2", "--snapshots", "1"])
        let json = try parseJSONObject(outcome.report.rendered(as: .json))
        #expect(json["model_parameters"] as? [String: Double] == ["sigma_min": 0.01, "sigma_max": 2])
        let snapshots = try #require(json["snapshots"] as? [[String: Any]])
        #expect(snapshots.allSatisfy { $0["kl_to_stationary"] is NSNull })
        #expect(outcome.notes.isEmpty)
        let text = outcome.report.rendered(as: .text)
        let dataRow = try #require(text.split(separator: "\n").first { $0.hasPrefix("   1") })
        #expect(dataRow.hasSuffix("—"))
    }

    /// With the default sigma_max = 50 the exact density at t = 1 has standard deviation 50 and only about 16% of
    /// its mass in [-10, 10]: the report says so rather than blaming the solver.
    @Test func varianceExplodingDefaultsWarnAboutTheBox() throws {
        let outcome = try forwardOutcome(["--model", "ve", "--snapshots", "1"])
        #expect(outcome.status == .completed)
        let note = try #require(outcome.notes.first)
        #expect(note.contains("--half-width") && note.contains("--sigma-max"))
    }

    /// Finite volumes on a 2-D reflecting grid with VP: second order in space, so on 32 x 32 cells the error is
    /// about 1e-2; the check is that the run completes, conserves mass and reports the resolved options.
    @Test func finiteVolumeInTwoDimensions() throws {
        let json = try forwardJSON([
            "--dimension", "2", "--points", "32", "--solver", "finite-volume", "--model", "vp", "--snapshots", "1",
        ])
        #expect(json["method"] as? String == "tr-bdf2")
        #expect(json["boundary"] as? String == "reflecting")
        #expect(json["half_width"] as? Double == 8)
        #expect(json["mixture"] as? String == "0.5:-1.5,0:0.5;0.5:1.5,1:0.5")
        #expect(json["requested_steps"] as? Int == 100)
        #expect(json["model_parameters"] as? [String: Double] == ["beta_min": 0.1, "beta_max": 20])
        let snapshots = try #require(json["snapshots"] as? [[String: Any]])
        let initialMass = try #require(snapshots.first?["mass"] as? Double)
        let finalMass = try #require(snapshots.last?["mass"] as? Double)
        #expect(abs(finalMass - initialMass) < 1e-12, "zero column sums: mass conserved to round-off")
        #expect(try #require(snapshots.last?["l1_error"] as? Double) < 0.1)
    }

    @Test func givenStepsAndStrangAreReported() throws {
        let json = try forwardJSON(["--method", "strang", "--steps", "200", "--snapshots", "1", "--points", "128"])
        #expect(json["method"] as? String == "strang")
        #expect(json["requested_steps"] as? Int == 200)
        #expect(json["steps_source"] as? String == "given")
        #expect(json["steps_taken"] as? Int == 200)
    }

    /// `--output` on a directory that does not exist yet: it is created with its parents and holds the manifest
    /// (every resolved option, the version), the final density one cell a row, and the snapshot table.
    @Test func outputDirectoryHoldsManifestDensityAndSnapshots() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let directory = scratch.path("nested", "run")
        let command = try #require(
            try FPLab.parseAsRoot([
                "forward", "--points", "64", "--dimension", "2", "--snapshots", "2", "--threads", "1", "--output",
                directory,
            ]) as? Forward)
        #expect(!FileManager.default.fileExists(atPath: directory), "parsing creates nothing")
        try command.runOptions.writeFiles(for: command.experiment().run().report)

        #expect(
            scratch.contents() == [
                "nested", "nested/run", "nested/run/density.csv", "nested/run/density.npy", "nested/run/density.svg",
                "nested/run/errors.svg", "nested/run/manifest.json", "nested/run/snapshots.csv",
            ])
        let manifest = try parseJSONObject(String(contentsOfFile: directory + "/manifest.json", encoding: .utf8))
        #expect(manifest["version"] as? String == fokkerPlanckLabVersion)
        #expect(manifest["points"] as? Int == 64)
        #expect(manifest["mixture"] as? String == "0.5:-1.5,0:0.5;0.5:1.5,1:0.5")
        #expect(manifest["planning"] as? String == "estimate")
        #expect(manifest["seed"] as? Int == 1)
        #expect(manifest["threads"] as? Int == 1)
        #expect(
            manifest["files"] as? [String] == [
                "manifest.json", "snapshots.csv", "density.csv", "density.npy", "density.svg", "errors.svg",
            ])
        let values = try NumpyArray(npyData: Data(contentsOf: URL(fileURLWithPath: directory + "/density.npy")))
        #expect(values.shape == [64, 64])
        let densityColumn = try String(contentsOfFile: directory + "/density.csv", encoding: .utf8)
            .split(separator: "\n").dropFirst().map { Double($0.split(separator: ",").last!)! }
        #expect(values.values == densityColumn, "the .npy holds the CSV's densities in its order")
        let figure = try String(contentsOfFile: directory + "/density.svg", encoding: .utf8)
        #expect(figure.hasPrefix("<svg") && figure.contains("<rect"), "a 2-D run draws a heat map")

        let density = try String(contentsOfFile: directory + "/density.csv", encoding: .utf8).split(separator: "\n")
        #expect(density.first == "x,y,density")
        #expect(density.count == 1 + 64 * 64)
        let firstRow = density[1].split(separator: ",").compactMap { Double($0) }
        #expect(firstRow.count == 3 && firstRow[0] == -8 + 0.125 && firstRow[1] == -8 + 0.125)
        let cellArea = 0.25 * 0.25
        let mass = density.dropFirst().reduce(0.0) { $0 + Double($1.split(separator: ",")[2])! } * cellArea
        #expect(abs(mass - 1) < 1e-12, "full precision: the CSV integrates to the mass")

        let snapshots = try String(contentsOfFile: directory + "/snapshots.csv", encoding: .utf8).split(separator: "\n")
        #expect(snapshots.count == 1 + 3)
        #expect(snapshots.first == "time,l1_error,linf_error,mass,min_density,kl_to_stationary")
    }
}

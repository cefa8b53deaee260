import FPLabCommandLine
import Foundation
import Testing

/// `fplab reverse` and `fplab support`: bad input refused with the option named; small runs through the report.
@Suite struct ReverseCommandTests {
    static let badReverseInputs: [(arguments: [String], option: String, allowed: String)] = [
        (["--methods", "naive,magic"], "--methods", "choose from naive, pde, sde, flow"),
        (["--methods", "pde,pde"], "--methods", "twice"),
        (["--t-min", "0"], "--t-min", "greater than 0 and below --time"),
        (["--t-min", "-1e-3"], "--t-min", "greater than 0 and below --time"),
        (["--t-min", "1"], "--t-min", "below --time (1)"),
        (["--time", "0.5", "--t-min", "0.7"], "--t-min", "below --time (0.5)"),
        (["--t-min", "nan"], "--t-min", "finite"),
        (["--noise", "-1"], "--noise", "from 0 to 1e+06"),
        (["--particles", "0"], "--particles", "from 1 to"),
        (["--mixture", "0.5:-1.5,0:0.5;0.5:1.5,1:0.5"], "--mixture: ", "the dimension is 1"),
        (["--dimension", "2", "--mixture", "0.3:-2:0.2;0.7:1.5:0.5"], "--mixture: ", "the dimension is 2"),
        (["--solver", "magic"], "--solver", "spectral"),
    ]

    @Test func badReverseInputIsRefused() throws {
        for input in Self.badReverseInputs {
            let scratch = try TemporaryDirectory()
            defer { withExtendedLifetime(scratch) {} }
            let message = try #require(
                parseFailure("reverse", input.arguments + ["--output", scratch.path("results")]), "\(input.arguments)")
            #expect(message.contains(input.option) && message.contains(input.allowed), "\(input.arguments): \(message)")
            #expect(!message.contains("\n"))
            #expect(scratch.contents().isEmpty)
        }
        for (arguments, option) in [
            (["--t-min", "0"], "--t-min"), (["--model", "ve"], "--model"), (["--half-width", "1"], "--half-width"),
        ] {
            let message = try #require(parseFailure("support", arguments))
            #expect(message.contains(option), "\(message)")
        }
    }

    /// From the executable: exit status 64, one line on standard error, nothing on standard output.
    @Test func badInputExitsWith64() throws {
        for arguments in [
            ["reverse", "--methods", "naive,foo"], ["reverse", "--t-min", "0"],
            ["reverse", "--dimension", "2", "--mixture", "1:0:1"],
            ["support", "--t-min", "2"],
        ] {
            let result = try FPLabExecutable.run(arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.standardOutput.isEmpty)
            #expect(result.standardError.split(separator: "\n").count == 1, "\(result.standardError)")
        }
    }

    /// A small 1-D contrast in JSON: one row per method with the documented keys; the naive inversion blew up (a
    /// measurement: exit status 0), the reverse PDE completed with L1 below 1e-3; --output writes the tables and
    /// the figures.
    @Test func smallContrastReportsEveryMethod() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let result = try FPLabExecutable.run([
            "reverse", "--particles", "4000", "--steps", "60", "--format", "json", "--output", scratch.path("results"),
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let object = try parseJSONObject(result.standardOutput)
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(rows.map { $0["method"] as? String } == ["naive", "pde", "sde", "flow"])
        for key in [
            "method", "l1_error", "tv_distance", "kl_divergence", "w1_distance", "max_error", "mass", "min_density",
            "status",
            "blow_up_time", "wall_seconds", "status_detail",
        ] {
            #expect(rows.allSatisfy { $0[key] != nil }, "key \(key)")
        }
        #expect(rows[0]["status"] as? String == "blew-up")
        #expect((rows[0]["blow_up_time"] as? Double ?? 1) < 0.1)
        #expect((rows[1]["l1_error"] as? Double ?? 1) < 1e-3)
        #expect(rows[2...].allSatisfy { $0["status"] as? String == "completed" })
        #expect((object["finish_detail"] as? String)?.contains("t_min") == true)
        let files = Set(scratch.contents())
        for name in [
            "manifest.json", "contrast.csv", "contrast.md", "history.csv", "densities.csv", "reconstructions.svg",
            "error-history.svg",
        ] {
            #expect(files.contains("results/\(name)"), "\(name) in \(files)")
        }
    }

    /// The 2-D case runs (a coarse grid): the reverse PDE completes; heat maps per reconstruction.
    @Test func twoDimensionalContrastRuns() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let result = try FPLabExecutable.run([
            "reverse", "--dimension", "2", "--points", "48", "--methods", "naive,pde,sde", "--particles", "3000",
            "--steps", "40", "--format", "csv", "--output", scratch.path("results"),
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.first?.hasPrefix("method,l1_error,tv_distance") == true)
        #expect(lines.contains { $0.hasPrefix("pde,") && $0.contains("completed") })
        #expect(scratch.contents().contains("results/density-pde.svg"))
    }

    /// `fplab support` on a small problem: the regions in JSON, nothing left in the gap after the map.
    @Test func smallSupportRun() throws {
        let result = try FPLabExecutable.run([
            "support", "--points", "256", "--particles", "4000", "--steps", "60", "--uniform-steps", "20",
            "--geometric-steps", "100", "--format", "json",
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let object = try parseJSONObject(result.standardOutput)
        let regions = try #require(object["regions"] as? [[String: Any]])
        #expect(regions.count == 4)
        #expect((regions[2]["grid_mass"] as? Double ?? 1) <= 1e-3)
        #expect((regions[2]["particle_mass"] as? Double ?? 1) <= 1e-3)
        #expect(object["grid_status"] as? String == "completed")
    }
}

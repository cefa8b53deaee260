import FPLabCommandLine
import FokkerPlanckLab
import Foundation
import Testing

@Suite struct RegimesCommandTests {
    /// `fplab regimes speciation` at small sizes: one row a (d, t_b) with φ(t_b) the quadrature, every |z| within
    /// the 4-SE bound the binomial count allows (1e-3 over the 10 rows), and the files of --output.
    @Test func speciationReportsRowsAndFiles() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let directory = scratch.path("out")
        let result = try FPLabExecutable.run([
            "regimes", "speciation", "--dimensions", "8,32", "--pairs", "600", "--format", "json",
            "--output", directory,
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let json = try parseJSONObject(result.standardOutput)
        let rows = try #require(json["rows"] as? [[String: Any]])
        #expect(rows.count == 10)
        for row in rows {
            let dimension = try #require(row["dimension"] as? Int)
            // t_S = ½ ln(s² + d m²) with m = s = 1, written out again.
            #expect(abs((row["speciation_time"] as? Double ?? 0) - 0.5 * log(1 + Double(dimension))) < 1e-12)
            #expect(abs(row["standard_score"] as? Double ?? 99) <= 4)
        }
        let crossover = try #require(json["crossover"] as? [[String: Any]])
        #expect(crossover.map { $0["dimension"] as? Int ?? 0 } == [8, 32, 128, 512])
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        for name in [
            "manifest.json", "same-class.csv", "same-class.md", "same-class.tex", "crossover.csv", "same-class.svg",
        ] {
            #expect(files.contains(name), "missing \(name) in \(files)")
        }
    }

    /// Gaussian collapse at two α: t_C is the closed form ½ ln(1 + 1 / (e^(2α) − 1)) of α = ln n / d (recomputed
    /// here), n = round(e^(αd)); the α figure and per-trajectory file are written.
    @Test func gaussianCollapseReportsTheClosedForm() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let directory = scratch.path("out")
        let result = try FPLabExecutable.run([
            "regimes", "collapse", "--dimensions", "16", "--alpha", "0.2,0.3", "--trajectories", "100",
            "--steps", "40", "--format", "json", "--output", directory,
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let rows = try #require(try parseJSONObject(result.standardOutput)["rows"] as? [[String: Any]])
        #expect(rows.map { $0["training_points"] as? Int ?? 0 } == [25, 122])
        for row in rows {
            let alpha = log(Double(row["training_points"] as? Int ?? 0)) / 16
            #expect(abs((row["collapse_time"] as? Double ?? 0) - 0.5 * log(1 + 1 / (exp(2 * alpha) - 1))) < 1e-12)
            let (low, high) = (row["weight_low"] as? Double ?? 9, row["weight_high"] as? Double ?? -9)
            #expect(
                low <= (row["weight_median"] as? Double ?? .nan) && (row["weight_median"] as? Double ?? .nan) <= high)
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        for name in [
            "collapse-times.csv", "collapse-times.tex", "marginal-checks.md", "trajectories.csv",
            "collapse-times.svg", "collapse-against-alpha.svg",
        ] {
            #expect(files.contains(name), "missing \(name) in \(files)")
        }
        let trajectories = try String(contentsOfFile: directory + "/trajectories.csv", encoding: .utf8)
        #expect(trajectories.split(separator: "\n").count == 1 + 200)
    }

    /// The digits: t_C of the first 100 images' covariance spectrum against scipy's brentq with numpy's eigvalsh
    /// (0.43273644175120224), and the isotropic t_C of the same trace (0.52874821391738).
    @Test func digitsCollapseUsesTheSpectrum() throws {
        let command = try #require(
            try FPLab.parseAsRoot([
                "regimes", "collapse", "--dataset", "digits", "--training-points", "100", "--trajectories", "50",
                "--steps", "20",
            ]) as? RegimesCollapse)
        let outcome = try command.experiment().run()
        let json = try parseJSONObject(outcome.report(includingFiles: false).rendered(as: .json))
        let row = try #require((json["rows"] as? [[String: Any]])?.first)
        #expect(abs((row["collapse_time"] as? Double ?? 0) - 0.43273644175120224) < 1e-9)
        #expect(abs((row["isotropic_collapse_time"] as? Double ?? 0) - 0.52874821391738) < 1e-9)
        #expect(row["dimension"] as? Int == 64)
    }
}

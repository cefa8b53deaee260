import FPLabCommandLine
import FokkerPlanckLab
import Foundation
import Testing

@Suite struct LikelihoodCommandTests {
    /// The default 2-D mixture at small sizes: RK4's largest error against the exact log-density over 50 points falls
    /// at order about 4 between K = 64 and 128 (log2(e_64 / e_128) within [3.5, 5]: the measured 4.64 is still
    /// pre-asymptotic, the worst of 50 points carrying a large h^5 term, and 4.44 from 128 to 256; an integrator of
    /// order 3 or a divergence off by a factor would leave 3 or less), Dormand–Prince at 1e-6 is within 1e-4 (100
    /// times the tolerance: the global error of an error-per-step control grows with the step count; measured
    /// 6.4e-6), Hutchinson's variance at K = 16 probes is below that at K = 1 (16 times smaller in expectation; a
    /// reversal over 50 points would need a sampling ratio above 16), and --output writes the tables and figures.
    @Test func routesMeetTheirOrdersAndWriteFiles() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let directory = scratch.path("out")
        let result = try FPLabExecutable.run([
            "likelihood", "--points", "50", "--steps", "64,128", "--tolerances", "1e-6", "--probes", "1,16",
            "--probe-distributions", "rademacher", "--format", "json", "--output", directory,
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let rows = try #require(try parseJSONObject(result.standardOutput)["routes"] as? [[String: Any]])
        #expect(rows.count == 5)
        let largest = rows.map { $0["largest_absolute_error"] as? Double ?? .nan }
        let localOrder = log2(largest[0] / largest[1])
        #expect(localOrder >= 3.5 && localOrder <= 5, "\(largest)")
        #expect(largest[2] < 1e-4, "\(largest)")
        let variances = rows.map { $0["hutchinson_variance"] as? Double ?? .nan }
        #expect(variances[4] < variances[3], "\(variances)")
        #expect(rows.allSatisfy { $0["completed"] as? String == "50/50" })
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        for name in [
            "manifest.json", "routes.csv", "routes.md", "routes.tex", "bias-steps.svg", "variance-probes.svg",
        ] {
            #expect(files.contains(name), "missing \(name) in \(files)")
        }
    }

    /// Atoms of the 3-bit grid carrying 0.5 N(0.25, 0.002²) + 0.5 N(0.75, 0.002²): every point rounds to 0.25 or
    /// 0.75, where p = 0.5 / (0.002 √(2π)) = 99.73 > 2³, so −log₂ p + 3 = −3.640 (written out here) at every
    /// atom, from the exact density and from the flow (Dormand–Prince 1e-5: within 1e-3); the cell [x, x + 1/8)
    /// holds half a component, P = 0.25, a code length of 2 bits (the draws' estimate within 0.1: 20 000 draws, 6 %
    /// of them where p is not negligible, give P to about 3 %, 0.04 bits); dequantized bits lie above it (Jensen).
    @Test func bitsPerDimensionAtAtomsAndDequantized() throws {
        let result = try FPLabExecutable.run([
            "likelihood", "--dimension", "1", "--mixture", "0.5:0.25:0.002;0.5:0.75:0.002", "--model", "vp",
            "--points", "20", "--steps", "8", "--tolerances", "1e-5", "--probes", "none", "--bits", "3",
            "--dequantization-draws", "20000", "--format", "json",
        ])
        // RK4 with 8 steps cannot follow a flow this stiff; it completes with a large error, exit status 0.
        #expect(result.status == 0, "\(result.standardError)")
        let rows = try #require(try parseJSONObject(result.standardOutput)["bits_per_dimension"] as? [[String: Any]])
        #expect(rows.count == 4)
        let expectedAtomBits = -log2(0.5 / (0.002 * (2 * Double.pi).squareRoot())) + 3
        #expect(abs((rows[0]["mean"] as? Double ?? .nan) - expectedAtomBits) < 1e-9)
        #expect((rows[0]["negative_fraction"] as? Double) == 1)
        #expect(abs((rows[1]["mean"] as? Double ?? .nan) - expectedAtomBits) < 1e-3)
        let codeLength = rows[3]["mean"] as? Double ?? .nan
        #expect(abs(codeLength - 2) < 0.1, "\(codeLength)")
        #expect((rows[2]["smallest"] as? Double ?? -1) >= codeLength)
        #expect((rows[2]["negative_fraction"] as? Double) == 0)
    }
}

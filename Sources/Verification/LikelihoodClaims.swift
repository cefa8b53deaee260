import CrossChecks
import DataFiles
import DiffusionModels
import Foundation
import RandomStreams

/// The claim that the probability-flow likelihood (THEORY §11) returns the exact log-density, through the exact
/// divergence to its step error and through Hutchinson's estimator without bias; and what bits per dimension mean.
extension VerificationSuite {
    static let likelihoodPoints = 200

    static let probabilityFlowLikelihood = Claim(
        name: "likelihood-pf-ode",
        statement:
            "For the paper's 2-D mixture under VP (β 0.1 to 20, T = 1, exact ρ_T as the prior), log ρ_0(x) = "
            + "log ρ_T(x_T) + ∫_0^T div F dt along the probability flow: with the exact divergence (the mixture's "
            + "Laplacian) RK4 meets the exact log-density to its Richardson error estimate; Hutchinson's estimator "
            + "(one Rademacher probe a point) is unbiased; and with uniform dequantization bits per dimension lie at "
            + "or above the discrete code length −log₂ P(x)/d ≥ 0, while a density above 2^(b d) at the atoms "
            + "gives negative bits without it.",
        bounds: [
            "exact divergence, RK4 at K = 512 against K = 256 (uniform steps): |L_512 − log ρ_0| ≤ |L_512 − L_256| + "
                + "1e-10 at every point: with order 4 the error of L_512 is |L_512 − L_256|/15 (Richardson), so the "
                + "difference bounds it with a factor 15 to spare; 1e-10 is 100 times the round-off of 2048 "
                + "evaluations summed into |log ρ| ≤ 10 (2048 × 2 ε × 10 ≈ 1e-12).",
            "Hutchinson (one Rademacher probe drawn per point, the same 256 RK4 steps): the mean over 200 points of "
                + "L_Hutchinson − L_exact within 4 SE (the points' differences are independent with mean 0; SE the "
                + "sample standard deviation over √200, t with 199 degrees of freedom, P(|t| > 4) ≈ 1e-4).",
            "dequantized bits (b = 3 bits on [0, 1), the mixture 0.5 N(0.3125, 0.002²) + 0.5 N(0.8125, 0.002²) with "
                + "its exact log-density, 4000 draws of u a cell): the mean bpd at or above −log₂ P(x) − 4 SE, P(x) "
                + "the mixture's mass in the cell by erf (Jensen: E_u[−log₂ p(x + u)] ≥ −log₂ E_u[p(x + u)] = "
                + "−log₂ (2^(bd) P(x))); and −log₂ p(x)/d + b < 0 at the atoms, where p = 99.7 > 2^b.",
        ],
        controls: [.driftRate(1.01), .diffusionScale(1.01)]
    ) { settings, record in
        let model = LinearSDE.variancePreserving(betaMinimum: 0.1, betaMaximum: 20)
        let process = settings.subjects.particleProcess(model)
        var generator = Xoshiro256StarStar(seed: settings.seed, stream: 0)
        let flat = planarMixture.sample(count: likelihoodPoints, using: &generator)
        let points = (0..<likelihoodPoints).map { Array(flat[(2 * $0)..<(2 * $0 + 2)]) }
        let problem = LikelihoodProblem(
            dataLaw: planarMixture, model: model, points: points, horizon: 1, prior: .exact, process: process)
        func run(_ integrator: LikelihoodIntegrator, _ divergence: DivergenceEstimator) throws -> [PointLikelihood] {
            try LikelihoodRun(
                problem: problem, method: LikelihoodMethod(integrator: integrator, divergence: divergence),
                seed: settings.seed, threads: settings.threads
            ).execute().points
        }
        let fine = try run(.rungeKutta4(steps: 512), .exact)
        let coarse = try run(.rungeKutta4(steps: 256), .exact)
        let hutchinson = try run(.rungeKutta4(steps: 256), .hutchinson(probeCount: 1, distribution: .rademacher))
        let gaussian = try run(.rungeKutta4(steps: 256), .hutchinson(probeCount: 1, distribution: .gaussian))
        let adaptive = try run(.scoreSDEDefault, .exact)
        record.parameter("mixture", "0.5:-1.5,0:0.5;0.5:1.5,1:0.5")
        record.parameter("model", "vp (beta 0.1 to 20)")
        record.parameter("points", likelihoodPoints)
        var table = DataTable(
            "points", title: "Each route's log ρ_0 estimate against the exact log-density, one point a row.",
            columns: [
                .init("x", "x₁", tolerance: .reproducible), .init("y", "x₂", tolerance: .reproducible),
                .init("exact", "log ρ_0(x), the mixture's", tolerance: .roundOff(1e-12)),
                .init("rk4_512", "exact divergence, RK4, 512 steps", tolerance: .roundOff(1e-9)),
                .init("rk4_256", "exact divergence, RK4, 256 steps", tolerance: .roundOff(1e-9)),
                .init("dormand_prince", "exact divergence, Dormand–Prince rtol = atol = 1e-5", tolerance: .ignored),
                .init("dormand_prince_evaluations", "its evaluations of F", tolerance: .ignored),
                .init("rademacher", "one Rademacher probe, RK4 256", tolerance: .reproducible),
                .init("gaussian", "one Gaussian probe, RK4 256", tolerance: .reproducible),
            ])
        var worstExcess = 0.0
        var differences: [Double] = []
        var unfinished = 0
        for index in 0..<likelihoodPoints {
            let routes = [fine[index], coarse[index], hutchinson[index], gaussian[index], adaptive[index]]
            guard routes.allSatisfy({ $0.estimate != nil }), let exact = fine[index].exactLogDensity else {
                unfinished += 1
                continue
            }
            let (estimate, previous) = (fine[index].estimate!, coarse[index].estimate!)
            worstExcess = worseOf(worstExcess, abs(estimate - exact) - abs(estimate - previous))
            differences.append(hutchinson[index].estimate! - previous)
            table.append(
                points[index][0], points[index][1], exact, estimate, previous, adaptive[index].estimate!,
                adaptive[index].evaluations, hutchinson[index].estimate!, gaussian[index].estimate!)
        }
        record.tables.append(table)
        let hutchinsonBias = MeanEstimate(differences)
        // Bits per dimension of a narrow 1-D mixture on the 3-bit grid of [0, 1).
        let bits = 3
        let width = 1 / Double(1 << bits)
        let narrow = GaussianMixture(
            components: [
                .init(weight: 0.5, mean: [0.3125], standardDeviations: [0.002]),
                .init(weight: 0.5, mean: [0.8125], standardDeviations: [0.002]),
            ])
        var bitsTable = DataTable(
            "bits_per_dimension", title: "Bits per dimension at the atoms and dequantized, one cell a row.",
            columns: [
                .init("cell_start", "x, the cell [x, x + 2^−b)", tolerance: .exact),
                .init("atom_bpd", "−log₂ p(x_atom)/d + b at the atom (no dequantization)", tolerance: .roundOff(1e-12)),
                .init(
                    "dequantized_bpd", "mean of −log₂ p(x + u)/d + b over 4000 u",
                    tolerance: .standardErrors(4, column: "dequantized_se")),
                .init("dequantized_se", "its SE", tolerance: .within(relative: 0.1, absolute: 0)),
                .init("code_length", "−log₂ P(x), P the cell's mass by erf", tolerance: .roundOff(1e-12)),
            ])
        var checks: [Check] = []
        for (cell, atom) in [(0.25, 0.3125), (0.75, 0.8125)] {
            let atomBits =
                BitsPerDimension.value(
                    logDensity: narrow.logDensity(at: [atom]), dimension: 1, bits: bits) ?? .nan
            let dequantized = BitsPerDimension.dequantizedExpectation(
                atom: [cell], bits: bits, drawCount: 4000, seed: settings.seed, stream: UInt64(cell * 8),
                logDensity: { narrow.logDensity(at: $0) })
            let mass =
                0.5
                * (0.5
                    * (erf((cell + width - 0.3125) / (0.002 * 2.0.squareRoot()))
                        - erf((cell - 0.3125) / (0.002 * 2.0.squareRoot()))))
                + 0.5
                * (0.5
                    * (erf((cell + width - 0.8125) / (0.002 * 2.0.squareRoot()))
                        - erf((cell - 0.8125) / (0.002 * 2.0.squareRoot()))))
            let codeLength = -log2(mass)
            bitsTable.append(
                cell, atomBits, dequantized?.mean ?? .nan, dequantized?.standardError ?? .nan, codeLength)
            checks.append(
                .atMost("bpd at the atom \(Check.format(atom)) without dequantization", atomBits, 0, settings: settings)
            )
            checks.append(
                .atLeast(
                    "dequantized bpd of the cell at \(Check.format(cell)) less −log₂ P(x), in SEs",
                    ((dequantized?.mean ?? .nan) - codeLength) / (dequantized?.standardError ?? .nan), -4,
                    settings: settings))
        }
        record.tables.append(bitsTable)
        record.summary =
            "Each point's log-density is integrated along the probability flow with the mixture's exact score and "
            + "compared with the mixture's own log-density; Hutchinson's route is compared with the exact-divergence "
            + "route on the same steps; the bits per dimension use the exact density of a narrow mixture."
        return [
            .atMost(
                "largest |L_512 − log ρ_0| − |L_512 − L_256| over the points (exact divergence)", worstExcess, 1e-10,
                settings: settings),
            .atMost(
                "|mean of L_Hutchinson − L_exact| / SE (one Rademacher probe)",
                hutchinsonBias.map { abs($0.mean) / $0.standardError } ?? .nan, 4,
                settings: settings),
            .atMost("points whose flow did not finish", Double(unfinished), 0, settings: settings),
        ] + checks
    }
}

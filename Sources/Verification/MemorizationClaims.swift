import Datasets
import Foundation
import Memorization
import ParticleSampling

/// The claims about finite data: the exact score memorizes, reaches each training point as often as predicted,
/// converges to Voronoi cells, and only imperfect scores generalize (THEORY §5–7).
extension VerificationSuite {
    static let memorization = Claim(
        name: "memorization",
        statement: "With the exact score of data {0, 2, 2.5}, the bridge update from N(0, 1) (T = 1, 1000 steps) ends within 1e-3 of a training point in at least 99.9 % of runs."
    ) { settings in
        let setup = FiniteDataSetup(training: PointSet(points: [0, 2, 2.5], dimension: 1), horizon: 1, seed: settings.seed, threads: settings.threads)
        let measured = try MemorizationStudy(setup: setup, count: settings.quick ? 4000 : 10_000, threshold: 1e-3).measure(integrator: .ddpm, steps: 1000)
        return [.atLeast("fraction within 1e-3 of a training point", measured.memorizedFraction, 0.999, settings: settings)]
    }

    static let endpointFrequencies = Claim(
        name: "endpoint-frequencies",
        statement: "With the exact score of data {0, 2, 2.5}, reverse diffusion from μ ends at training point i with frequency E_μ[λ_i(Y, T)] (χ² test; uniform 1/N for μ = ρ_T)."
    ) { settings in
        let data = PointSet(points: [0, 2, 2.5], dimension: 1)
        let count = settings.quick ? 3000 : 12_000
        var checks: [Check] = []
        for law in StartLaw.allCases {
            let setup = FiniteDataSetup(training: data, horizon: 1, startLaw: law, seed: settings.seed, threads: settings.threads)
            let frequencies = try EndpointFrequencyStudy(setup: setup, count: count, steps: 1000, threshold: 1e-3).run()
            checks.append(.atMost("largest |frequency − E_μ λ_i| / SE, μ = \(law.rawValue)", frequencies.largestStandardizedDeviation, 4, settings: settings))
            checks.append(.atLeast("χ² p-value, μ = \(law.rawValue)", frequencies.chiSquare.pValue, 0.01, settings: settings))
            if law == .rhoT {
                let spread = frequencies.prediction.probabilities.map { abs($0 - 1.0 / 3) }.max()!
                checks.append(.atMost("largest |E_ρT λ_i − 1/N| (quadrature)", spread, 1e-8, settings: settings))
            }
        }
        return checks
    }

    static let voronoiLimit = Claim(
        name: "voronoi-limit",
        statement: "Started at x ~ ρ_t*, exact reverse diffusion ends at the training point nearest to e^t* x with a frequency that rises to 1 as t* → 0 (20 points in [−1, 1]²)."
    ) { settings in
        let points = SyntheticDataset.uniformSquare(halfWidth: 1).generate(count: 20, seed: 12)
        let study = VoronoiStudy(setup: FiniteDataSetup(training: points, seed: settings.seed, threads: settings.threads),
                                 count: settings.quick ? 1000 : 4000, steps: 100)
        let measurements = try [0.5, 0.1, 0.01, 1e-3, 1e-4, 1e-5].map { try study.measure(startTime: $0) }
        // Largest drop between successive t* in units of the combined binomial SE (negative: a rise).
        let worstDrop = zip(measurements, measurements.dropFirst()).map { coarse, fine in
            let error = (pow(coarse.standardError(coarse.endsAtNearest), 2) + pow(fine.standardError(fine.endsAtNearest), 2)).squareRoot()
            return (coarse.endsAtNearest - fine.endsAtNearest) / max(error, 1e-3)
        }.max()!
        return [.atMost("largest drop of the Voronoi fraction as t* decreases (combined SEs)", worstDrop, 3, settings: settings),
                .atLeast("Voronoi fraction at t* = 1e-5", measurements.last!.endsAtNearest, 0.99, settings: settings),
                .atLeast("one-step <X0> agreement at t* = 1e-5", measurements.last!.oneStepAgreement, 0.99, settings: settings),
                .atMost("Voronoi fraction at t* = 0.5 (far from the limit)", measurements.first!.endsAtNearest, 0.9, settings: settings)]
    }

    static let scoreErrorNovelty = Claim(
        name: "score-error-novelty",
        statement: "On the Swiss roll the exact score memorizes, while the smoothed score (b = 0.05) and early stopping (t_min = 1e-3) generate novel samples (farther than 1e-3 from every training point)."
    ) { settings in
        let training = SwissRoll().sample(count: 200, seed: 21)
        let setup = FiniteDataSetup(training: training, seed: settings.seed, threads: settings.threads)
        let study = ImperfectScoreStudy(setup: setup, count: settings.quick ? 500 : 2000, steps: 150, threshold: 1e-3)
        let rows = try study.table([.exact(training), .smoothed(training, bandwidth: 0.05), .earlyStop(training, timeMinimum: 1e-3)])
        let exact = rows[0].novelty
        var checks: [Check] = [.atMost("exact score: novelty fraction", exact.noveltyFraction, 0.02, settings: settings)]
        for row in rows.dropFirst() {
            let excess = (row.novelty.noveltyFraction - exact.noveltyFraction) / max(row.novelty.fractionStandardError, 1e-3)
            checks.append(.atLeast("\(row.name): novelty above the exact score's, in SEs", excess, 10, settings: settings))
        }
        checks.append(.atLeast("smoothed score: integrated score error", rows[1].scoreError.integral, 10 * rows[1].scoreError.standardError, settings: settings))
        return checks
    }
}

import DataFiles
import Datasets
import Foundation
import Memorization
import RandomStreams

/// The claim about the memorized-sample criterion that `fplab memorize --samples` applies to any model's samples.
extension VerificationSuite {
    /// Samples from a planted law: each is, with probability 0.3, a copy of a training point drawn uniformly (half of
    /// the copies exact, half moved by N(0, σ² I)), and otherwise a fresh draw of the training law.
    static let plantedCopyProbability = 0.3
    static let plantedNoise = 0.05

    static let sampleMemorization = Claim(
        name: "sample-memorization",
        statement:
            "On 2000 training points x_i ~ N(0, I) in 64-D and samples that are, each with probability 0.3, a copy of "
            + "a uniformly drawn training point (half exact, half moved by N(0, 0.05² I)) and otherwise fresh N(0, I) "
            + "draws, the nearest-neighbour ratio criterion (d₁/d₂ < 1/3) finds exactly the planted copies, 0.3 "
            + "lies in the 99.9 % Clopper–Pearson interval of the found fraction, exact copies are at distance 0 and "
            + "moved copies at 0.05 E χ₆₄ on average.",
        bounds: [
            "Found − planted = 0: a moved copy has d₁ = 0.05 χ₆₄ ≈ 0.40 (sd 0.035) and d₂ ≥ the distance between "
                + "two training points, √(2 · 64) ≈ 11.3 with sd about 1, so d₁/d₂ ≈ 0.035; a fresh draw would need "
                + "a training point within d₂/3 ≈ 3.8, some 7 sds of the distance below its mean, with probability "
                + "far below 1e-9 over all pairs: the count is exact, not a statistical statement.",
            "0.3 inside the two-sided 99.9 % Clopper–Pearson interval of the found count (its coverage is at least "
                + "99.9 % for every p): the planted count is Binomial(M, 0.3), so this check fails falsely with "
                + "probability at most 1e-3.",
            "Largest d₁ of the exact copies ≤ 0: the search recomputes its candidates' distances directly, so a "
                + "copy is at distance exactly 0 (the expanded |q|² + |r|² − 2 q·r would leave round-off of 1e-7).",
            "|mean d₁ of the moved copies − 0.05 E χ₆₄| / SE ≤ 4, E χ_k = √2 Γ((k + 1)/2) / Γ(k/2) (written out "
                + "with lgamma) and SE = 0.05 (64 − (E χ₆₄)²)^½ / √count: the mean of independent χ draws is normal "
                + "to within the CLT's error at these counts; |Z| > 4 has probability 6.3e-5.",
        ],
        controls: [.shiftedParticles(0.01), .withheldTrainingPoints(0.5)]
    ) { settings, record in
        let (dimension, trainingCount) = (64, 2000)
        let sampleCount = settings.quick ? 2000 : 8000
        var generator = Xoshiro256StarStar(seed: settings.seed, stream: 0x5341_4D50)
        let normals = Ziggurat.table
        let training = PointSet(
            points: (0..<(trainingCount * dimension)).map { _ in normals.normal(using: &generator) },
            dimension: dimension)
        var samples: [Double] = []
        samples.reserveCapacity(sampleCount * dimension)
        var kinds: [Int] = [] // 0 fresh, 1 exact copy, 2 moved copy
        for _ in 0..<sampleCount {
            if generator.nextUniform() < plantedCopyProbability {
                let source = Int(generator.next().multipliedFullWidth(by: UInt64(trainingCount)).high)
                let moved = generator.nextUniform() < 0.5
                kinds.append(moved ? 2 : 1)
                for axis in 0..<dimension {
                    let noise = moved ? plantedNoise * normals.normal(using: &generator) : 0
                    samples.append(training.points[source * dimension + axis] + noise)
                }
            } else {
                kinds.append(0)
                for _ in 0..<dimension { samples.append(normals.normal(using: &generator)) }
            }
        }
        let sampleSet = PointSet(points: settings.subjects.particles(samples), dimension: dimension)
        let result = SampleMemorization(
            samples: sampleSet, training: settings.subjects.trainingSet(training), noveltyThreshold: 1,
            confidence: 0.999
        ).run(threads: settings.threads)
        let planted = kinds.count { $0 != 0 }
        let exactDistances = zip(kinds, result.records).filter { $0.0 == 1 }.map { $0.1.nearestDistance }
        let movedDistances = zip(kinds, result.records).filter { $0.0 == 2 }.map { $0.1.nearestDistance }
        let chiMean = 2.0.squareRoot() * exp(lgamma(Double(dimension + 1) / 2) - lgamma(Double(dimension) / 2))
        let predictedMoved = plantedNoise * chiMean
        let movedStandardError =
            plantedNoise * (Double(dimension) - chiMean * chiMean).squareRoot()
            / Double(movedDistances.count).squareRoot()
        let movedMean = movedDistances.reduce(0, +) / Double(movedDistances.count)
        let interval = result.memorizedInterval
        let outside = max(interval.lower - plantedCopyProbability, plantedCopyProbability - interval.upper, 0)
        record.parameter("training_points", "\(trainingCount) × N(0, I) in \(dimension)-D")
        record.parameter("samples", sampleCount)
        record.parameter("copy_probability", plantedCopyProbability)
        record.parameter("moved_copy_noise", plantedNoise)
        record.parameter("ratio", 1.0 / 3)
        var table = DataTable(
            "counts", title: "Planted against found: one quantity a row.",
            columns: [
                .init("quantity", "what is counted or measured", tolerance: .exact),
                .init("value", "its value", tolerance: .roundOff(1e-12)),
            ])
        table.append("samples", Double(sampleCount))
        table.append("planted copies (exact and moved)", Double(planted))
        table.append("found (d1/d2 < 1/3)", Double(result.memorizedCount))
        table.append("found fraction, 99.9 % Clopper–Pearson low", interval.lower)
        table.append("found fraction, 99.9 % Clopper–Pearson high", interval.upper)
        table.append("mean d1 of the moved copies", movedMean)
        table.append("0.05 E χ_64 (predicted mean d1 of the moved copies)", predictedMoved)
        table.append("training coverage", result.coverage)
        for (level, value) in zip(SampleMemorization.quantileLevels, result.ratioQuantiles) {
            table.append("d1/d2 quantile \(Check.format(level))", value)
        }
        record.tables.append(table)
        record.summary =
            "Samples are drawn from a planted law (copies of training points with probability 0.3, half of them "
            + "moved by Gaussian noise of 0.05, the rest fresh draws of the training law) and measured against the "
            + "training set with the exact two-nearest search and the ratio criterion of `fplab memorize --samples`."
        return [
            .atMost(
                "|found − planted| copies (d1/d2 < 1/3)", Double(abs(result.memorizedCount - planted)), 0,
                settings: settings),
            .atMost(
                "distance of 0.3 outside the 99.9 % Clopper–Pearson interval of the found fraction", outside, 0,
                settings: settings),
            .atMost("largest d1 of the exact copies", exactDistances.max() ?? .nan, 0, settings: settings),
            .atMost(
                "|mean d1 of the moved copies − 0.05 E χ_64| / SE",
                abs(movedMean - predictedMoved) / movedStandardError,
                4, settings: settings),
        ]
    }
}

import DataFiles
import Figures
import Foundation
import Memorization

/// The claims about the high-dimensional regimes of the exact dynamics (THEORY §10): speciation and collapse.
extension VerificationSuite {
    static let speciationDimensions = [16, 64, 256]
    static let speciationOffsets = [-1.0, -0.5, 0, 0.5, 1]

    static let speciationCrossover = Claim(
        name: "speciation-crossover",
        statement:
            "For two Gaussian classes ±m (mean ±1 and variance 1 on every axis) in d = 16, 64 and 256 dimensions, "
            + "clones of exact reverse trajectories branched at t_b = t_S + τ (t_S = ½ ln Λ, Λ = 1 + d, τ from −1 to "
            + "1) end in the same class with the probability φ(t_b) of the 1-D quadrature, which rises from ½ above "
            + "t_S to 1 below it and is 0.7752 at t_S in the limit d → ∞.",
        bounds: [
            "|measured − φ(t_b)| / SE ≤ 4 at every d and t_b, SE = (φ (1 − φ) / M)^½ for M independent clone "
                + "pairs: the posterior bridge samples the reverse transition exactly at any step, so the same-class "
                + "count is Binomial(M, φ) (normal to within the CLT's error at M ≥ 1000); |Z| > 4 has probability "
                + "6.3e-5, 1e-3 over the 15 comparisons. The quadrature's own error is below 1e-10.",
            "|measured at t_S − 0.7752| ≤ 4 SE + |φ(t_S) − 0.7752| at every d: the measured probability at the "
                + "speciation time differs from the d → ∞ limit by sampling error and the finite-d gap of the "
                + "quadrature (0.0095 at d = 16, 0.0006 at d = 256), so t_S = ½ ln Λ is where the classes split.",
        ],
        controls: [.driftRate(1.1, grid: false), .scaledTrainingSet(0.8)]
    ) { settings, record in
        let pairs = settings.quick ? 1000 : 2000
        var study = SpeciationStudy(
            dimensions: speciationDimensions, branchOffsets: speciationOffsets, pairs: pairs, stepWidth: 0.25,
            seed: settings.seed, threads: settings.threads)
        study.process = settings.subjects.particleProcess(.ornsteinUhlenbeck)
        let subjects = settings.subjects
        study.scoreData = { data in
            let dimension = data.count / 2
            return subjects.trainingSet(PointSet(points: data, dimension: dimension)).points
        }
        let measurements = try study.run()
        record.parameter("dimensions", list: speciationDimensions.map(String.init))
        record.parameter("mean_per_axis", 1)
        record.parameter("class_standard_deviation", 1)
        record.parameter("branch_offsets", list: speciationOffsets.map { Check.format($0) })
        record.parameter("clone_pairs", pairs)
        record.parameter("integrator", "posterior-bridge, steps of at most 0.25")
        var table = DataTable(
            "same_class", title: "Same-class probability of clone pairs against the quadrature.",
            columns: [
                .init("dimension", "d", tolerance: .exact),
                .init("speciation_time", "t_S = ½ ln(1 + d)", tolerance: .reproducible),
                .init("branch_time", "t_b", tolerance: .reproducible),
                .init("measured", "fraction of pairs ending in one class", tolerance: .standardErrors(4, column: "se")),
                .init("se", "(φ (1 − φ) / M)^½", tolerance: .reproducible),
                .init("predicted", "φ(t_b), quadrature", tolerance: .roundOff(1e-10)),
                .init("z", "(measured − predicted) / se", tolerance: .ignored),
            ])
        var worstScore = 0.0
        var worstSpeciation = -Double.infinity
        let limit = TwoClassData.limitingSameClassProbabilityAtSpeciation
        var plot = LinePlot(
            title: "Same-class probability of clones against t_b − t_S",
            xAxis: Axis("t_b − t_S"), yAxis: Axis("P(same class)", limits: 0.45...1.02), marksPoints: true)
        for (index, dimension) in speciationDimensions.enumerated() {
            let rows = measurements.filter { $0.dimension == dimension }.sorted { $0.offset < $1.offset }
            for row in rows {
                table.append(
                    Double(dimension), row.speciationTime, row.branchTime, row.measured, row.standardError,
                    row.predicted, row.standardScore)
                worstScore = max(worstScore, abs(row.standardScore))
                if row.offset == 0 {
                    let allowed = 4 * row.standardError + abs(row.predicted - limit)
                    worstSpeciation = max(worstSpeciation, abs(row.measured - limit) / allowed)
                }
                if row.status != .completed { worstScore = .nan }
            }
            plot.series.append(
                .init(
                    "d = \(dimension), measured", x: rows.map(\.offset), y: rows.map(\.measured),
                    color: Palette.color(at: index)))
            let fine = stride(from: -1.25, through: 1.25, by: 0.05).map { $0 }
            let data = study.data(dimension: dimension)
            plot.series.append(
                .init(
                    "d = \(dimension), quadrature", x: fine,
                    y: fine.map { data.sameClassProbability(branchTime: data.speciationTime + $0) },
                    color: Palette.color(at: index), dash: .dashed))
        }
        plot.referenceLines.append(.vertical(0, label: "t_S"))
        var crossover = DataTable(
            "crossover", title: "Where the classes split, from the quadrature: the finite-size trend.",
            columns: [
                .init("dimension", "d", tolerance: .exact),
                .init("speciation_time", "t_S = ½ ln Λ", tolerance: .reproducible),
                .init("phi_at_speciation", "φ(t_S)", tolerance: .roundOff(1e-9)),
                .init("limit", "φ(t_S) as d → ∞", tolerance: .roundOff(1e-9)),
                .init("t_phi_0_9", "t_b where φ = 0.9", tolerance: .roundOff(1e-8)),
                .init("t_phi_0_6", "t_b where φ = 0.6", tolerance: .roundOff(1e-8)),
                .init("relative_width", "(t_0.6 − t_0.9) / t_S", tolerance: .roundOff(1e-8)),
            ])
        for dimension in speciationDimensions + [1024, 4096] {
            let row = SpeciationCrossover(data: study.data(dimension: dimension))
            crossover.append(
                Double(dimension), row.speciationTime, row.predictedAtSpeciation, row.limitAtSpeciation,
                row.timeAtNinetyPercent, row.timeAtSixtyPercent, row.relativeWidth)
        }
        record.tables += [table, crossover]
        record.figures.append(
            DataFigure(
                "same_class",
                caption:
                    "Fraction of clone pairs ending in the same class against t_b − t_S (marked) and the quadrature "
                    + "φ (dashed, same colour) for each d: one curve shape around t_S, whose width in t stays 1.1 "
                    + "while t_S grows as ½ ln d, so against t_b / t_S the crossover sharpens.",
                figure: plot))
        record.summary =
            "Exact reverse trajectories of two Gaussian classes are cloned at branch times around t_S and the clones "
            + "run on independently (posterior-bridge steps, exact in law); the fraction of pairs that end in the "
            + "same class is compared with the 1-D quadrature φ(t_b), and at t_S with the d → ∞ limit 0.7752."
        return [
            .atMost("largest |measured − φ(t_b)| / SE over d and t_b", worstScore, 4, settings: settings),
            .atMost(
                "largest |measured at t_S − 0.7752| / (4 SE + |φ(t_S) − 0.7752|) over d", worstSpeciation, 1,
                settings: settings),
        ]
    }

    static let collapseDimensions = [24, 40, 64]
    static let collapseAlpha = 0.15

    static let collapseTime = Claim(
        name: "collapse-time",
        statement:
            "For n = e^(αd) training points of N(0, I) in d = 24, 40 and 64 dimensions at α = 0.15 (n = 37, 403, "
            + "14765), exact empirical-score reverse trajectories are captured by single training points around "
            + "t_C = ½ ln(1 + 1/(e^(2α) − 1)) = 0.675: the median times at which the largest posterior weight first "
            + "exceeds ½ and from which the owner no longer changes lie within the finite-d band σ_C of t_C and "
            + "approach it as d grows; the trajectories' weights have the exact marginal law at every time.",
        bounds: [
            "|trajectory fraction − forward fraction| / SE ≤ 4 at each marginal check (5 a dimension), both the "
                + "fraction of draws whose largest weight exceeds ½, the forward draws fresh from ρ_t, SE = (p (1 − "
                + "p) 2 / M)^½ at the pooled p (two independent binomials); 1e-3 over the 15 checks.",
            "(|median − t_C| − σ_C(d)) / SE ≤ 3 for both collapse times at every d: σ_C = 2ρ / (√d |∂_t ln(V_t / "
                + "v_t)|) is the spread in time of the annealed collapse criterion (CollapsePrediction."
                + "finiteDimensionSpread), the scale of the finite-d corrections; SE = the width of the median's "
                + "distribution-free 95 % interval / 3.92.",
            "(deviation at d = 64 − deviation at d = 24) / SE ≤ −3 for the weight time: the deviation from t_C "
                + "shrinks with d by more than 3 combined SEs.",
        ],
        controls: [.scaledTrainingSet(1.25)]
    ) { settings, record in
        let trajectories = settings.quick ? 200 : 400
        let cases = collapseDimensions.map {
            CollapseStudy.Case(
                dimension: $0, trainingCount: CollapsePrediction.trainingCount(alpha: collapseAlpha, dimension: $0)!)
        }
        var study = CollapseStudy(
            cases: cases, trajectories: trajectories, horizon: 2, steps: 100, seed: settings.seed,
            threads: settings.threads)
        study.process = settings.subjects.particleProcess(.ornsteinUhlenbeck)
        let subjects = settings.subjects
        let dimensions = collapseDimensions
        study.scoreData = { data in
            let dimension = dimensions.first { data.count % $0 == 0 && data.count / $0 >= 2 } ?? 1
            return subjects.trainingSet(PointSet(points: data, dimension: dimension)).points
        }
        let measurements = try study.run()
        record.parameter("dimensions", list: collapseDimensions.map(String.init))
        record.parameter("alpha", collapseAlpha)
        record.parameter("trajectories", trajectories)
        record.parameter("time_grid", "100 uniform posterior-bridge steps from 2 to 0")
        var table = DataTable(
            "collapse_times", title: "Median collapse times against t_C, with their 95 % intervals and σ_C.",
            columns: [
                .init("dimension", "d", tolerance: .exact),
                .init("training_points", "n", tolerance: .exact),
                .init("alpha", "ln n / d", tolerance: .reproducible),
                .init("collapse_time", "t_C", tolerance: .reproducible),
                .init("band", "σ_C(d)", tolerance: .reproducible),
                .init(
                    "weight_median", "median first time max weight > ½",
                    tolerance: .standardErrors(4, column: "weight_se")),
                .init("weight_se", "95 % interval width / 3.92", tolerance: .ignored),
                .init(
                    "owner_median", "median time the owner settles", tolerance: .standardErrors(4, column: "owner_se")),
                .init("owner_se", "95 % interval width / 3.92", tolerance: .ignored),
            ])
        var checksTable = DataTable(
            "marginal_checks", title: "Fraction with largest weight above ½: trajectories against fresh forward draws.",
            columns: [
                .init("dimension", "d", tolerance: .exact),
                .init("time", "t", tolerance: .reproducible),
                .init(
                    "trajectories", "fraction among the reverse trajectories",
                    tolerance: .standardErrors(4, column: "se")),
                .init("forward", "fraction among draws from ρ_t", tolerance: .standardErrors(4, column: "se")),
                .init("se", "(p (1 − p) 2 / M)^½", tolerance: .ignored),
            ])
        var worstMarginal = 0.0
        var worstBand = -Double.infinity
        var deviations: [(deviation: Double, standardError: Double)] = []
        var histogram = LinePlot(
            title: "Collapse times (first time the largest weight exceeds ½), α = \(Check.format(collapseAlpha))",
            xAxis: Axis("t"), yAxis: Axis("fraction of trajectories per 0.05"))
        for (index, measurement) in measurements.enumerated() {
            let prediction = measurement.prediction
            let (weightError, ownerError) = (measurement.weightStandardError, measurement.ownerStandardError)
            table.append(
                Double(prediction.dimension), Double(prediction.trainingCount), prediction.alpha,
                prediction.collapseTime, prediction.finiteDimensionSpread, measurement.weightMedian.median,
                weightError, measurement.ownerMedian.median, ownerError)
            worstBand = max(worstBand, measurement.bandScore)
            deviations.append((abs(measurement.weightMedian.median - prediction.collapseTime), weightError))
            for check in measurement.marginalChecks {
                checksTable.append(
                    Double(prediction.dimension), check.time, check.trajectoryFraction, check.forwardFraction,
                    check.standardError)
            }
            let score = measurement.marginalScore
            worstMarginal = score.isNaN ? .nan : max(worstMarginal, score) // a NaN stays: max(nan, x) is nan
            let bins = stride(from: 0.0, to: 2.0, by: 0.05).map { $0 }
            let counts = bins.map { low in
                Double(measurement.weightTimes.filter { $0 >= low && $0 < low + 0.05 }.count)
                    / Double(measurement.weightTimes.count)
            }
            histogram.series.append(
                .init(
                    "d = \(prediction.dimension), n = \(prediction.trainingCount)", x: bins.map { $0 + 0.025 },
                    y: counts, color: Palette.color(at: index)))
        }
        histogram.referenceLines.append(.vertical(measurements[0].prediction.collapseTime, label: "t_C"))
        let first = deviations.first!
        let last = deviations.last!
        let trend =
            (last.deviation - first.deviation)
            / (first.standardError * first.standardError + last.standardError * last.standardError).squareRoot()
        record.tables += [table, checksTable]
        record.figures.append(
            DataFigure(
                "collapse_times",
                caption:
                    "Histograms of the per-trajectory weight times (the first time the largest posterior weight "
                    + "exceeds ½) for each d at α = 0.15, with t_C marked: they narrow and move toward t_C as d grows.",
                figure: histogram))
        record.summary =
            "Gaussian training sets of n = e^(αd) points are sampled from by the exact empirical-score reverse "
            + "dynamics (posterior-bridge steps, exact in law), the posterior weights recorded at every step; the "
            + "per-trajectory collapse times are compared with t_C within the finite-d band σ_C, and the weights' "
            + "marginal fractions with fresh forward draws."
        return [
            .atMost(
                "largest |trajectory − forward fraction with max weight > ½| / SE", worstMarginal, 4,
                settings: settings),
            .atMost(
                "largest (|median collapse time − t_C| − σ_C) / SE over d and both times", worstBand, 3,
                settings: settings),
            .atMost(
                "(weight-time deviation at d = \(collapseDimensions.last!) − at d = \(collapseDimensions[0])) / SE",
                trend, -3, settings: settings),
        ]
    }
}

extension CollapseMeasurement {
    /// The SE of the median weight time: the width of its distribution-free 95 % interval / 3.92 (the interval of a
    /// normal estimate spans ±1.96 SE).
    var weightStandardError: Double { (weightMedian.upper - weightMedian.lower) / 3.92 }
    var ownerStandardError: Double { (ownerMedian.upper - ownerMedian.lower) / 3.92 }

    /// The larger over both collapse times of (|median − t_C| − σ_C) / SE: at most 3 when both medians lie within the
    /// finite-d band of t_C up to sampling error.
    var bandScore: Double {
        let spread = prediction.finiteDimensionSpread
        return [(weightMedian.median, weightStandardError), (ownerMedian.median, ownerStandardError)].map {
            (abs($0.0 - prediction.collapseTime) - spread) / max($0.1, 1e-12)
        }.max()!
    }

    /// The largest |trajectory − forward fraction| / SE over the marginal checks; NaN (a failed verdict) without
    /// any check or when the run did not complete.
    var marginalScore: Double {
        guard !marginalChecks.isEmpty, status == .completed else { return .nan }
        return marginalChecks.map { abs($0.trajectoryFraction - $0.forwardFraction) / $0.standardError }.max()!
    }
}

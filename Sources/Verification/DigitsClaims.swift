import DataFiles
import Datasets
import Figures
import Foundation
import Memorization

/// The collapse of exact reverse diffusion on a real data set: the 8 × 8 handwritten digits (THEORY §10).
extension VerificationSuite {
    static let digitsTrainingCounts = [300, 1000, 1797]

    static let digitsCollapse = Claim(
        name: "digits-collapse",
        statement:
            "On the 8 × 8 handwritten digits (64-D, x = pixel / 8 − 1), with the first n = 300, 1000 and 1797 "
            + "images as training sets, exact empirical-score reverse trajectories are captured by single training "
            + "images around the t_C of the entropy balance of the images' covariance spectrum, "
            + "(1/2d) Σ ln(1 + e^(−2t) λ_k / Δ_t) = ln n / d (0.363, 0.313, 0.291): both median collapse times lie "
            + "within the finite-d band σ_C of it, and the weights have the exact marginal law at every time.",
        bounds: [
            "|trajectory fraction − forward fraction| / SE ≤ 4 at each marginal check (5 a training set), both the "
                + "fraction of states whose largest posterior weight exceeds ½, the forward draws fresh from ρ_t of "
                + "the training images, SE = (p (1 − p) 2 / M)^½ at the pooled p (two independent binomials); 1e-3 "
                + "over the 15 checks.",
            "(|median − t_C| − σ_C) / SE ≤ 3 for both collapse times at every n: σ_C = (Σ_k ρ_k²)^½ / |½ Σ_k ∂_t "
                + "ln(V_k / v_t)| is the spread in time of the annealed collapse criterion for the spectrum λ_k "
                + "(CollapsePrediction.finiteDimensionSpread, derived there); SE = the width of the median's "
                + "distribution-free 95 % interval / 3.92. The digits are not Gaussian: t_C is the Gaussian "
                + "approximation with their covariance, so this bound is where that approximation is tested.",
        ],
        controls: [.scaledTrainingSet(1.5)]
    ) { settings, record in
        let trajectories = settings.quick ? 200 : 400
        let digits = HandwrittenDigits.trainingSet()
        var study = CollapseStudy(
            cases: digitsTrainingCounts.map { CollapseStudy.Case(dimension: 64, trainingCount: $0) },
            trajectories: trajectories, horizon: 2, steps: 100, seed: settings.seed, threads: settings.threads)
        study.data = digits
        study.process = settings.subjects.particleProcess(.ornsteinUhlenbeck)
        let subjects = settings.subjects
        study.scoreData = { subjects.trainingSet(PointSet(points: $0, dimension: 64)).points }
        let measurements = try study.run()
        record.parameter("training_counts", list: digitsTrainingCounts.map(String.init))
        record.parameter("trajectories", trajectories)
        record.parameter("time_grid", "100 uniform posterior-bridge steps from 2 to 0")
        var table = DataTable(
            "collapse_times", title: "Median collapse times on the digits against the spectral t_C.",
            columns: [
                .init("training_points", "n (the first n images)", tolerance: .exact),
                .init("alpha", "ln n / 64", tolerance: .reproducible),
                .init("collapse_time", "t_C of the covariance spectrum", tolerance: .roundOff(1e-9)),
                .init("isotropic_collapse_time", "t_C of N(0, s² I), s² = tr C / 64", tolerance: .roundOff(1e-9)),
                .init("band", "σ_C", tolerance: .roundOff(1e-9)),
                .init(
                    "weight_median", "median first time max weight > ½",
                    tolerance: .standardErrors(4, column: "weight_se")),
                .init("weight_se", "95 % interval width / 3.92", tolerance: .ignored),
                .init(
                    "owner_median", "median time the owner settles", tolerance: .standardErrors(4, column: "owner_se")),
                .init("owner_se", "95 % interval width / 3.92", tolerance: .ignored),
            ])
        var worstMarginal = 0.0
        var worstBand = -Double.infinity
        var histogram = LinePlot(
            title: "Collapse times on the digits (first time the largest weight exceeds ½)",
            xAxis: Axis("t"), yAxis: Axis("fraction of trajectories per 0.05"))
        for (index, measurement) in measurements.enumerated() {
            let prediction = measurement.prediction
            let isotropic = CollapsePrediction(
                dimension: 64, trainingCount: prediction.trainingCount, dataVariance: prediction.dataVariance)
            table.append(
                Double(prediction.trainingCount), prediction.alpha, prediction.collapseTime, isotropic.collapseTime,
                prediction.finiteDimensionSpread, measurement.weightMedian.median, measurement.weightStandardError,
                measurement.ownerMedian.median, measurement.ownerStandardError)
            worstBand = max(worstBand, measurement.bandScore)
            let score = measurement.marginalScore
            worstMarginal = score.isNaN ? .nan : max(worstMarginal, score) // a NaN stays: max(nan, x) is nan
            var counts = [Double](repeating: 0, count: 40)
            for time in measurement.weightTimes { counts[min(39, max(0, Int(time / 0.05)))] += 1 }
            histogram.series.append(
                .init(
                    "n = \(prediction.trainingCount)", x: (0..<40).map { 0.05 * Double($0) + 0.025 },
                    y: counts.map { $0 / Double(trajectories) }, color: Palette.color(at: index)))
            histogram.referenceLines.append(
                .vertical(
                    prediction.collapseTime, label: "t_C (n = \(prediction.trainingCount))",
                    color: Palette.color(at: index)))
        }
        record.tables.append(table)
        let side = HandwrittenDigits.side
        let shown = (0..<12).map { Array(digits.points[($0 * 64)..<(($0 + 1) * 64)]) }
        record.figures += [
            DataFigure(
                "collapse_times",
                caption:
                    "Histograms of the per-trajectory weight times on the first n digits, with each n's spectral "
                    + "t_C marked in its colour: more training images collapse later in reverse time (smaller t).",
                figure: histogram),
            DataFigure(
                "training_images",
                caption: "The first twelve training images (x = pixel / 8 − 1, white −1, black 1).",
                figure: ImageGrid(
                    rows: [.init("first 12 digits", images: shown)], side: side, valueRange: -1...1,
                    title: "The 8 × 8 handwritten digits")),
        ]
        record.summary =
            "The first n of the 1797 handwritten digits are sampled from by the exact empirical-score reverse "
            + "dynamics (posterior-bridge steps, exact in law), the posterior weights recorded at every step; the "
            + "per-trajectory collapse times are compared with the Gaussian-approximation t_C of the images' "
            + "covariance spectrum within σ_C, and the weights' marginal fractions with fresh forward draws."
        return [
            .atMost(
                "largest |trajectory − forward fraction with max weight > ½| / SE", worstMarginal, 4,
                settings: settings),
            .atMost(
                "largest (|median collapse time − t_C| − σ_C) / SE over n and both times", worstBand, 3,
                settings: settings),
        ]
    }
}

import CrossChecks
import DataFiles
import DiffusionModels
import Figures
import GridFields

/// The claim that the grid and the particles, run on the same SDE, describe the same law: their difference is
/// sampling noise of the size multinomial statistics predict, and it falls like M^(-1/2).
extension VerificationSuite {
    static let gridParticleCrossCheck = Claim(
        name: "grid-particle-crosscheck",
        statement:
            "Grid densities and particle histograms of the same SDE, forward and reverse (exact score, t_min = 0.05), "
            + "differ by the multinomial sampling level (|TV − E TV| ≤ 4 SE) and the TV decays in M with the "
            + "exponent of its expected level E TV (within 4 SE of the fitted slope).",
        bounds: [
            "|TV − E TV| ≤ 4 SE per row: E TV exact (de Moivre's binomial mean absolute deviation) and SE from the "
                + "multinomial variance of TV over the grid's cell masses (MultinomialSamplingLevel); "
                + "the grid's own error (spectral, below 1e-8 in L1) and the particles' (exact transitions forward; "
                + "Euler–Maruyama reverse) are far below the smallest SE (~1e-4 at the largest M) and get no "
                + "allowance.",
            "decay exponent: |q − q_E| ≤ 4 SE(q), with q the common slope of log TV against log M over the times and "
                + "q_E the same fit to E TV; SE(q) by the delta method from the rows' SE / E TV, nested-prefix "
                + "correlation √(M_i/M_j) within a time and full correlation across times (the worst case; "
                + "DecayFit.exponentStandardError).",
        ],
        controls: [.diffusionScale(1.05, grid: false), .firstOrderStepError(20), .shiftedParticles(0.5 * 20 / 256)]
    ) { settings, record in
        let grid = Grid(dimension: 1, points: 256, halfWidth: 10)
        var forward = GridParticleCrossCheck(
            mixture: paperMixture, model: ornsteinUhlenbeck, grid: grid, times: [0.25, 0.5, 1],
            particleCounts: settings.quick ? [1000, 10_000, 100_000] : [1000, 10_000, 100_000, 1_000_000])
        var reverse = GridParticleCrossCheck(
            mixture: paperMixture, model: ornsteinUhlenbeck, grid: grid, times: [0.5, 0.2], minimumTime: 0.05,
            particleCounts: settings.quick ? [1000, 3000, 10_000] : [1000, 5000, 50_000])
        reverse.reverseSteps = settings.quick ? 200 : 400
        (forward.seed, forward.threads) = (settings.seed, settings.threads)
        (reverse.seed, reverse.threads) = (settings.seed, settings.threads)
        for index in 0..<2 {
            var check = index == 0 ? forward : reverse
            check.gridProcessTransform = settings.subjects.gridProcess
            check.particleProcessTransform = settings.subjects.particleProcess
            check.scoreTransform = settings.subjects.score
            check.stepperTransform = settings.subjects.stepper
            check.positionTransform = settings.subjects.particles
            if index == 0 { forward = check } else { reverse = check }
        }
        record.parameter("mixture", paperMixture.specification ?? "")
        record.parameter("points", grid.count)
        record.parameter("half_width", grid.halfWidth)
        record.parameter("forward_times", list: forward.times)
        record.parameter("forward_particle_counts", list: forward.particleCounts)
        record.parameter("forward_integrator", forward.forwardIntegrator.rawValue)
        record.parameter("reverse_times", list: reverse.times)
        record.parameter("reverse_particle_counts", list: reverse.particleCounts)
        record.parameter("reverse_steps", reverse.reverseSteps)
        record.parameter("t_min", reverse.minimumTime)
        var comparisons = DataTable(
            "comparisons", title: "Grid density against particle histogram, one (direction, time, M) triple a row.",
            columns: [
                .init("direction", "forward or reverse", tolerance: .exact),
                .init("time", "forward time t (the reverse run is at reverse time T − t)", tolerance: .exact),
                .init("particles", "M, particles in the histogram", tolerance: .exact),
                .init(
                    "total_variation",
                    "TV = ½ Σ |particle fraction − grid cell mass| over the cells and the outside bin",
                    tolerance: .standardErrors(4, column: "standard_error")),
                .init(
                    "expected_total_variation",
                    "E TV, the multinomial sampling level of M draws from the grid's cell masses",
                    tolerance: .roundOff(1e-12)),
                .init("standard_error", "SE of TV under multinomial sampling", tolerance: .roundOff(1e-12)),
                .init("standard_score", "z = (TV − E TV) / SE", tolerance: .within(relative: 0, absolute: 8)),
                .init(
                    "chi_square_p_value", "χ² test of the bin counts against the grid's cell masses",
                    tolerance: .within(relative: 0.05, absolute: 1e-3)),
                .init(
                    "ks_p_value",
                    "Kolmogorov–Smirnov test against the grid's distribution function (nan: not computed)",
                    tolerance: .within(relative: 0.05, absolute: 1e-3)),
                .init(
                    "hellinger", "Hellinger distance of the bin masses",
                    tolerance: .within(relative: 0.05, absolute: 1e-4)),
                .init(
                    "wasserstein", "W1 distance of the bin masses", tolerance: .within(relative: 0.05, absolute: 1e-4)),
            ])
        var fits = DataTable(
            "decay", title: "The decay fit of TV against M, one direction a row.",
            columns: [
                .init("direction", "forward or reverse", tolerance: .exact),
                .init("completed", "1 when both runs reached every time", tolerance: .exact),
                .init(
                    "decay_exponent", "common slope of log TV against log M over the times (theory −½)",
                    tolerance: .within(relative: 0, absolute: 0.02)),
                .init("expected_decay_exponent", "the same fit to E TV", tolerance: .roundOff(1e-9)),
                .init(
                    "decay_exponent_standard_error",
                    "SE of the fitted slope (delta method, nested-prefix correlation, full correlation across times)",
                    tolerance: .within(relative: 0.05, absolute: 0)),
                .init(
                    "largest_standard_score", "largest |z| over the rows",
                    tolerance: .within(relative: 0, absolute: 1)),
                .init("grid_steps", "steps of the grid solver", tolerance: .exact),
                .init("grid_seconds", "wall time of the grid run", tolerance: .ignored),
                .init("particle_seconds", "wall time of the particle run", tolerance: .ignored),
            ])
        var plot = LinePlot(
            title: "Grid against particles: total variation", xAxis: Axis("particles M", scale: .logarithmic),
            yAxis: Axis("TV", scale: .logarithmic), marksPoints: true)
        var checks: [Check] = []
        for (check, direction) in [(forward, CrossCheckDirection.forward), (reverse, .reverse)] {
            let result = try check.run(direction)
            for row in result.rows {
                let discrepancy = row.discrepancy
                comparisons.append(
                    direction.rawValue, row.time, row.particleCount, discrepancy.totalVariation,
                    discrepancy.expectedTotalVariation,
                    discrepancy.totalVariationStandardError, discrepancy.standardScore, discrepancy.chiSquarePValue,
                    discrepancy.kolmogorovSmirnovPValue ?? .nan, discrepancy.hellinger, discrepancy.wasserstein)
            }
            let slopeError = result.decayExponentStandardError ?? .nan
            fits.append(
                direction.rawValue, result.completed ? 1 as Int : 0, result.decayExponent ?? .nan,
                result.expectedDecayExponent ?? .nan,
                slopeError, result.largestStandardScore, result.gridStepCount, result.gridSeconds,
                result.particleSeconds)
            for comparison in result.comparisons {
                let color = Palette.color(at: plot.series.count / 2)
                let label = "\(direction.rawValue), t = \(Check.format(comparison.time))"
                let counts = comparison.rows.map { Double($0.particleCount) }
                plot.series.append(
                    .init(label, x: counts, y: comparison.rows.map(\.discrepancy.totalVariation), color: color))
                plot.series.append(
                    .init(
                        plot.series.count == 1 ? "E TV (dashed)" : "", x: counts,
                        y: comparison.rows.map(\.discrepancy.expectedTotalVariation), color: color, dash: .dashed))
            }
            let counts = check.particleCounts.map(String.init).joined(separator: ", ")
            let score = result.completed ? result.largestStandardScore : .infinity
            checks.append(
                .atMost("\(direction.rawValue): largest |TV − E TV| / SE, M = \(counts)", score, 4, settings: settings))
            let slopeScore = abs((result.decayExponent ?? .nan) - (result.expectedDecayExponent ?? .nan)) / slopeError
            checks.append(
                .atMost(
                    "\(direction.rawValue): |decay exponent of TV − that of E TV| / SE of the slope", slopeScore, 4,
                    settings: settings))
        }
        if let first = comparisons.rows.first, let particles = first[2].number, let level = first[4].number {
            plot.referenceLines.append(.powerLaw(exponent: -0.5, through: (particles, level), label: "slope −½"))
        }
        record.tables += [comparisons, fits]
        record.figures.append(
            DataFigure(
                "total_variation",
                caption:
                    "TV between grid and particles against M on log–log axes (solid, marked), the multinomial "
                    + "level E TV of each (dashed, same colour) and the slope −½ guide: the measured TV follows "
                    + "its expected level down the M^(−½) line.",
                figure: plot))
        record.summary =
            "The spectral solver and the particle sampler run the same OU process from the paper's mixture on 256 "
            + "cells (forward: exact OU transitions; reverse: the exact-score reverse SDE to t_min = 0.05); "
            + "at each time the particles are binned on the solver's cells and their total variation from the "
            + "grid's cell masses is compared with the multinomial sampling level E TV and its SE for every "
            + "particle count M, and log TV is fitted against log M, its slope compared with the same fit to E TV "
            + "within the slope's SE."
        return checks
    }
}

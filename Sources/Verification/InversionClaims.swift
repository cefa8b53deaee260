import DensitySolvers
import DiffusionModels
import Figures
import Foundation
import GridFields
import InverseHeat
import ParticleSampling
import RandomStreams

/// The claims about running diffusion backward: the naive inversion's blow-up, the regularized inversions'
/// bounds, and the score-guided reverse equation that does not blow up (THEORY §3, §8).
extension VerificationSuite {
    static let naiveInversionBlowUp = Claim(
        name: "naive-inversion-blowup",
        statement: "Naive backward OU inversion blows up at the time predicted from δ, k_max and the threshold (within a factor 2), sooner on finer grids and with more noise."
    ) { settings, record in
        let pointCounts = settings.quick ? [64, 128] : [64, 128, 256]
        let noiseLevels = [1e-2, 1e-6, 0]
        record.parameter("mixture", "0.3:-2:0.2;0.7:1.5:0.5")
        record.parameter("final_time", 1.0)
        record.parameter("half_width", 10.0)
        record.parameter("points", list: pointCounts)
        record.parameter("noise_levels", list: noiseLevels)
        let measurements = try BlowUpSweep(equation: .ornsteinUhlenbeck, finalTime: 1, mixture: paperMixture, halfWidth: 10,
                                           pointCounts: pointCounts, noiseLevels: noiseLevels, seed: settings.seed).run()
        var table = DataTable("blowup", title: "Naive inversion: measured against predicted blow-up time, one (N, δ) pair a row.", columns: [
            .init("points", "N, cells of the data grid", tolerance: .exact),
            .init("noise_level", "δ, relative noise added to ρ_T (0: round-off only)", tolerance: .exact),
            .init("largest_wavenumber", "k_max = πN / (2L)"),
            .init("predicted_time", "s*, predicted reverse time of blow-up", tolerance: .within(relative: 1e-9, absolute: 1e-12)),
            .init("measured_time", "reverse time s of the step at which the relative error passed the threshold", tolerance: .within(relative: 1e-6, absolute: 1e-9)),
            .init("ratio", "measured_time / predicted_time", tolerance: .within(relative: 1e-6, absolute: 1e-9)),
            .init("status", "completed or blew-up", tolerance: .exact),
            .init("step_count", "planned steps of reverse time T / step_count", tolerance: .exact),
        ])
        var history = DataTable("histories", title: "Relative error of each naive inversion against reverse time, one step a row (at most 60 steps a run, evenly thinned).", columns: [
            .init("points", "N", tolerance: .exact), .init("noise_level", "δ", tolerance: .exact),
            .init("step", "step number", tolerance: .exact), .init("reverse_time", "s = T − t"),
            .init("relative_error", "‖u_naive(t) − u(t)‖₂ / ‖u(t)‖₂", tolerance: .within(relative: 1e-6, absolute: 1e-12)),
        ])
        for measurement in measurements {
            table.append(measurement.pointCount, measurement.noiseLevel, measurement.largestWavenumber, measurement.predictedTime ?? .nan,
                         measurement.measuredTime ?? .nan, measurement.ratio ?? .nan, measurement.status.name, measurement.stepCount)
            let stride = max(1, (measurement.history.count + 59) / 60)
            for (index, entry) in measurement.history.enumerated() where index % stride == 0 || index == measurement.history.count - 1 {
                history.append(measurement.pointCount, measurement.noiseLevel, entry.step, entry.reverseTime, entry.relativeError)
            }
        }
        record.tables += [table, history]
        var scatter = ScatterPlot(title: "Naive inversion: blow-up time", xAxis: Axis("predicted s*", scale: .logarithmic),
                                  yAxis: Axis("measured s", scale: .logarithmic), opacity: 0.9)
        for points in pointCounts {
            let rows = measurements.filter { $0.pointCount == points && $0.measuredTime != nil && $0.predictedTime != nil }
            scatter.sets.append(.init("N = \(points)", x: rows.map { $0.predictedTime! }, y: rows.map { $0.measuredTime! }, radius: 5))
        }
        scatter.referenceLines = [.powerLaw(exponent: 1, through: (1, 1), label: "measured = predicted", dash: .solid),
                                  .powerLaw(exponent: 1, through: (1, 2), label: "factor 2", dash: .dashed),
                                  .powerLaw(exponent: 1, through: (1, 0.5), dash: .dashed)]
        record.figures.append(DataFigure("blowup_times", caption: "Measured against predicted blow-up time over N × δ on log–log axes; the dashed lines bound a factor 2.", figure: scatter))
        var errors = LinePlot(title: "Naive inversion: error against reverse time", xAxis: Axis("reverse time s"),
                              yAxis: Axis("relative error", scale: .logarithmic))
        for measurement in measurements where measurement.noiseLevel == noiseLevels[0] || measurement.pointCount == pointCounts.last {
            let rows = history.rows.filter { $0[0] == .integer(measurement.pointCount) && $0[1] == .number(measurement.noiseLevel) }
            errors.series.append(.init("N = \(measurement.pointCount), δ = \(Check.format(measurement.noiseLevel))",
                                       x: rows.map { $0[3].number! }, y: rows.map { $0[4].number! }))
        }
        record.figures.append(DataFigure("error_histories", caption: "Relative error of the naive inversion against reverse time: flat, then exponential growth from the noise floor.", figure: errors))
        let ratios = measurements.map { $0.ratio ?? .nan }
        let worst = ratios.map { abs(log2($0)) }.max() ?? .nan
        var monotone = true
        for (index, measurement) in measurements.enumerated() {
            guard let time = measurement.measuredTime else { monotone = false; continue }
            // Larger delta (earlier in the list) blows up sooner; finer grids blow up sooner.
            if index % noiseLevels.count > 0, let previous = measurements[index - 1].measuredTime, previous > time { monotone = false }
            if index >= noiseLevels.count, let coarser = measurements[index - noiseLevels.count].measuredTime, coarser < time { monotone = false }
        }
        record.summary = "For every grid size N and noise level δ the data ρ_T is inverted by naive backward spectral steps until the relative error passes the threshold; that reverse time is compared with the predicted s*."
        return [.atMost("largest |log2(measured / predicted blow-up time)| over N × δ", worst, 1, settings: settings),
                .atLeast("every run blew up, monotone in N and δ (1 = yes)", monotone && measurements.allSatisfy { $0.measuredTime != nil } ? 1 : 0, 1, settings: settings)]
    }

    static let regularizedInversionBounds = Claim(
        name: "regularized-inversion-hoelder",
        statement: "Spectral cutoff and quasi-boundary-value inversions stay under the Hölder bound 2 E^(1−t/T) δ^(t/T) at t = T/2."
    ) { settings, record in
        let grid = Grid(dimension: 1, points: 256, halfWidth: 10)
        let noiseLevels = [1e-2, 1e-4, 1e-6]
        record.parameter("points", 256)
        record.parameter("final_time", 1.0)
        record.parameter("noise_levels", list: noiseLevels)
        let problem = try InverseHeatProblem(equation: .ornsteinUhlenbeck, grid: grid, finalTime: 1, initialData: .mixture(paperMixture), seed: settings.seed)
        let rows = try MethodComparison(problem: problem, noiseLevels: noiseLevels, methods: [.cutoff, .quasiBoundaryValue]).run()
        var table = DataTable("hoelder", title: "Regularized inversions at t = T/2 against the Hölder bound, one (method, δ) pair a row.", columns: [
            .init("method", "regularization", tolerance: .exact), .init("noise_level", "δ", tolerance: .exact),
            .init("parameter", "the a priori regularization parameter (K or α)"),
            .init("half_time_error", "‖u_reconstructed(T/2) − u(T/2)‖₂", tolerance: .within(relative: 1e-6, absolute: 1e-14)),
            .init("hoelder_bound", "2 E^(1/2) δ^(1/2)"), .init("ratio", "half_time_error / hoelder_bound", tolerance: .within(relative: 1e-6, absolute: 1e-12)),
            .init("final_relative_error", "relative error at t = 0", tolerance: .within(relative: 1e-6, absolute: 1e-12)),
        ])
        for row in rows {
            table.append(row.method.rawValue, row.noiseLevel, row.regularization.parameter, row.halfTimeCheck?.error ?? .nan,
                         row.halfTimeCheck?.bound ?? .nan, row.halfTimeCheck.map { $0.error / $0.bound } ?? .nan, row.finalRelativeError ?? .nan)
        }
        record.tables.append(table)
        var plot = LinePlot(title: "Regularized inversion at t = T/2", xAxis: Axis("noise level δ", scale: .logarithmic),
                            yAxis: Axis("L² error at T/2", scale: .logarithmic), marksPoints: true)
        for method in [InversionMethod.cutoff, .quasiBoundaryValue] {
            let selected = rows.filter { $0.method == method }
            plot.series.append(.init(method.rawValue, x: selected.map(\.noiseLevel), y: selected.map { $0.halfTimeCheck?.error ?? .nan }))
        }
        let bounds = rows.filter { $0.method == .cutoff }
        plot.series.append(.init("Hölder bound", x: bounds.map(\.noiseLevel), y: bounds.map { $0.halfTimeCheck?.bound ?? .nan }, color: .darkGray, dash: .dashed))
        record.figures.append(DataFigure("hoelder", caption: "Error at t = T/2 against δ for both regularizations, under the Hölder bound (dashed, slope ½).", figure: plot))
        let worst = rows.compactMap { $0.halfTimeCheck.map { $0.error / $0.bound } }.max() ?? .nan
        record.summary = "Noisy data at T = 1 is inverted by the spectral cutoff and the quasi-boundary-value method with their a priori parameters; the error at T/2 is compared with the conditional-stability bound for each δ."
        return [.atMost("largest error / Hölder bound at T/2, cutoff and quasi-boundary, δ = 1e-2 … 1e-6", worst, 1, settings: settings)]
    }

    static let logConvexity = Claim(
        name: "log-convexity",
        statement: "‖u(t)‖ ≤ ‖u(0)‖^(1−t/T) ‖u(T)‖^(t/T) for the heat equation, on random band-limited initial data."
    ) { settings, record in
        var generator = Xoshiro256StarStar(seed: settings.seed, stream: 11)
        let grid = Grid(dimension: 1, points: 64, halfWidth: Double.pi)
        let trials = settings.quick ? 30 : 100
        record.parameter("points", 64)
        record.parameter("final_time", 0.2)
        record.parameter("trials", trials)
        var table = DataTable("samples", title: "‖u(t)‖ against the log-convexity bound, one (trial, time) pair a row.", columns: [
            .init("trial", "random initial datum", tolerance: .exact), .init("bandwidth", "highest frequency of the datum", tolerance: .exact),
            .init("decay", "spectral decay rate of the datum"), .init("time", "t", tolerance: .exact),
            .init("norm", "‖u(t)‖₂"), .init("bound", "‖u(0)‖^(1−t/T) ‖u(T)‖^(t/T)"),
            .init("relative_slack", "(bound − norm) / bound (≥ 0)", tolerance: .within(relative: 1e-9, absolute: 1e-14)),
        ])
        var worst = -Double.infinity
        for trial in 0..<trials {
            let bandwidth = 1 + Int(generator.next() % 30)
            let decay = 4 * generator.nextUniform()
            let initial = try InitialData.randomBandLimited(grid: grid, bandwidth: bandwidth, decay: decay, using: &generator)
            let problem = try InverseHeatProblem(equation: .heat(diffusivity: 1), grid: grid, finalTime: 0.2, initialData: initial)
            for sample in try LogConvexity.check(problem, times: [0.02, 0.05, 0.1, 0.15, 0.18]) {
                worst = max(worst, -sample.relativeSlack)
                table.append(trial, bandwidth, decay, sample.time, sample.norm, sample.bound, sample.relativeSlack)
            }
        }
        record.tables.append(table)
        let plot = ScatterPlot(title: "Log-convexity of ‖u(t)‖", xAxis: Axis("t / T", limits: 0...1), yAxis: Axis("‖u(t)‖ / bound", limits: 0...1.1),
                               sets: [.init("random data", x: table.numbers("time").map { $0 / 0.2 },
                                            y: zip(table.numbers("norm"), table.numbers("bound")).map { $0 / $1 }, radius: 2.5)],
                               referenceLines: [.horizontal(1, label: "bound", dash: .dashed)], opacity: 0.5)
        record.figures.append(DataFigure("ratios", caption: "‖u(t)‖ divided by its log-convexity bound for every trial and time: all at or under 1.", figure: plot))
        record.summary = "Random band-limited initial data on 64 points evolve under the heat equation to T = 0.2; at five intermediate times the norm is compared with the geometric interpolation of the end norms."
        return [.atMost("largest (‖u(t)‖ − bound) / bound", worst, 1e-12, settings: settings)]
    }

    static let reverseEquationRecovery = Claim(
        name: "reverse-pde-recovery",
        statement: "From the same ρ_T on the same grid, the score-guided reverse Fokker–Planck equation returns ρ_0 (t_min = 1e-6) while the naive inversion blows up."
    ) { settings, record in
        let grid = Grid(dimension: 1, points: 256, halfWidth: 10)
        let model = ornsteinUhlenbeck
        let stepCount = settings.quick ? 3000 : 4000
        record.parameter("points", 256)
        record.parameter("final_time", 1.0)
        record.parameter("t_min", 1e-6)
        record.parameter("step_count", stepCount)
        let process = ReverseTimeProcess(forward: model, score: ExactMixtureScore(mixture: paperMixture, model: model), horizon: 1)
        let solver = try SpectralFokkerPlanckSolver(process: process, initialDensity: paperMixture.evolved(under: model, to: 1).field(on: grid))
        let snapshotTimes = DensityRun.evenlySpacedTimes(count: 20, to: 1 - 1e-6)
        let result = DensityRun(endTime: 1 - 1e-6, stepCount: stepCount, snapshotTimes: snapshotTimes,
                                exactDensity: { reverseTime in paperMixture.evolved(under: model, to: 1 - reverseTime).field(on: grid) }).run(solver)
        let problem = try InverseHeatProblem(equation: .ornsteinUhlenbeck, grid: grid, finalTime: 1, initialData: .mixture(paperMixture), seed: settings.seed)
        let naive = try InversionRun(method: .naive).run(problem)
        var series = DataTable("errors", title: "L1 error of the reverse-PDE run and relative L² error of the naive inversion against reverse time, one time a row.", columns: [
            .init("method", "reverse-pde or naive", tolerance: .exact), .init("reverse_time", "s = T − t"),
            .init("error", "reverse-pde: ‖ρ_s − ρ_(T−s)‖₁; naive: ‖u(t) − u_exact(t)‖₂ / ‖u_exact(t)‖₂", tolerance: .within(relative: 1e-6, absolute: 1e-12)),
        ])
        for snapshot in result.snapshots { series.append("reverse-pde", snapshot.diagnostics.time, snapshot.diagnostics.l1Error ?? .nan) }
        let stride = max(1, (naive.history.count + 59) / 60)
        for (index, entry) in naive.history.enumerated() where index % stride == 0 || index == naive.history.count - 1 {
            series.append("naive", entry.reverseTime, entry.relativeError)
        }
        let target = paperMixture.field(on: grid)
        var density = DataTable("density", title: "Densities at the end of the reverse run, one cell a row.", columns: [
            .init("x", "cell centre"), .init("data_at_t", "ρ_T, the data the runs start from"),
            .init("reverse_pde", "the reverse-PDE result at t = 1e-6", tolerance: .within(relative: 1e-6, absolute: 1e-12)),
            .init("target", "ρ_0, the data mixture"),
        ])
        let start = paperMixture.evolved(under: model, to: 1).field(on: grid)
        for (index, x) in grid.coordinates(axis: 0).enumerated() {
            density.append(x, start.values[index], result.finalDensity.values[index], target.values[index])
        }
        record.tables += [series, density]
        var errors = LinePlot(title: "Reverse PDE against naive inversion", xAxis: Axis("reverse time s"), yAxis: Axis("error", scale: .logarithmic))
        for method in ["reverse-pde", "naive"] {
            let rows = series.rows.filter { $0[0] == .text(method) }
            errors.series.append(.init(method == "naive" ? "naive inversion (relative L²)" : "reverse PDE (L1)", x: rows.map { $0[1].number! },
                                       y: rows.map { $0[2].number! }, marker: method == "naive" ? nil : .circle))
        }
        record.figures.append(DataFigure("errors", caption: "Error against reverse time: the naive inversion explodes near the start, the score-guided reverse equation stays at its discretization level up to s = 1.", figure: errors))
        record.figures.append(DataFigure("density", caption: "The data ρ_T, the reverse-PDE result and the target ρ_0.",
            figure: RecordFigures.densities(title: "Reverse Fokker–Planck equation", x: density.numbers("x"), lines: [
                ("ρ_T (start)", density.numbers("data_at_t"), .dotted), ("reverse PDE at s = 1", density.numbers("reverse_pde"), .solid),
                ("ρ_0", density.numbers("target"), .dashed)], xLimits: -5...5)))
        record.summary = "The spectral solver runs the reverse-time Fokker–Planck equation with the exact score from ρ_1 to t = 1e-6 (20 snapshots, L1 error against the exact density at each); the naive inversion starts from the same data on the same grid."
        return [.atMost("L1 distance of the reverse-PDE result to ρ_0", result.status == .completed ? result.finalDensity.distanceL1(to: target) : .infinity, 1e-3, settings: settings),
                .atMost("naive inversion of the same data: blow-up time s (must be < T = 1)", naive.blowUpTime ?? .infinity, 1, settings: settings)]
    }
}

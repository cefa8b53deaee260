import DiffusionModels
import Figures
import Foundation
import GridFields
import ParticleSampling
import Reconstruction

/// The claims about taking rho_T back to rho_0: the four-way contrast and support containment (THEORY §3, §4).
extension VerificationSuite {
    static let reverseContrast = Claim(
        name: "reverse-contrast",
        statement: "From the same ρ_T on the same grid (OU, T = 1, 256 cells), the naive inversion blows up before T, the reverse PDE returns ρ_0 within L1 1e-3 (t_min = 1e-5, <X0> map), and reverse-SDE and probability-flow particles return it at their histogram's sampling level."
    ) { settings, record in
        let particleCount = settings.quick ? 10_000 : 20_000
        let contrast = ReconstructionContrast(
            model: ornsteinUhlenbeck, mixture: paperMixture, grid: Grid(dimension: 1, points: 256, halfWidth: 10), horizon: 1,
            minimumTime: 1e-5, particleCount: particleCount, particleSteps: settings.quick ? 150 : 300, seed: settings.seed, threads: settings.threads)
        let result = try contrast.run()
        func row(_ method: ReconstructionMethod) -> ContrastRow { result.rows.first { $0.method == method }! }
        let level = DensityComparison.expectedSamplingL1(reference: result.initialDensity, particleCount: particleCount)
        record.parameter("model", "ornstein-uhlenbeck")
        record.parameter("mixture", "0.3:-2:0.2;0.7:1.5:0.5")
        record.parameter("points", contrast.grid.count)
        record.parameter("half_width", contrast.grid.halfWidth)
        record.parameter("final_time", contrast.horizon)
        record.parameter("t_min", contrast.minimumTime)
        record.parameter("noise", contrast.noiseLevel)
        record.parameter("pde_steps", result.pdeSteps)
        record.parameter("particles", particleCount)
        record.parameter("particle_steps", contrast.particleSteps)
        record.parameter("finish", result.finishSentence)
        record.parameter("forward_l1_error", result.forwardError)
        var methods = DataTable("methods", title: "The four ways from the same ρ_T back to ρ_0, one method a row (distances to ρ_0 on the 256 cells).", columns: [
            .init("method", "naive (backward spectral inversion), pde (score-guided reverse Fokker–Planck), sde (reverse-SDE particles), flow (probability-flow particles)", tolerance: .exact),
            .init("status", "completed, blew-up, non-finite or mass-drift", tolerance: .exact),
            .init("blow_up_time", "reverse time s at which the method stopped (NaN when it reached t = 0)", tolerance: .within(relative: 0.05, absolute: 0)),
            .init("l1", "L1 distance to ρ_0", tolerance: .within(relative: 0.1, absolute: 1e-9)),
            .init("total_variation", "total variation distance to ρ_0 (½ L1 of the cell masses)", tolerance: .within(relative: 0.1, absolute: 1e-9)),
            .init("wasserstein", "W1 distance to ρ_0", tolerance: .within(relative: 0.2, absolute: 1e-9)),
            .init("maximum_error", "largest |reconstruction − ρ_0| over the cells", tolerance: .within(relative: 0.2, absolute: 1e-9)),
            .init("mass", "total mass of the reconstruction", tolerance: .roundOff(1e-9)),
            .init("minimum_density", "smallest cell value of the reconstruction", tolerance: .within(relative: 0, absolute: 1e-6)),
            .init("sampling_level", "expected L1 of a histogram of the same number of exact draws from ρ_0 (particle methods; NaN otherwise)", tolerance: .roundOff(1e-12)),
            .init("wall_seconds", "wall time of the method", tolerance: .ignored),
        ])
        for method in ReconstructionMethod.allCases {
            let row = row(method), comparison = row.comparison
            methods.append(method.rawValue, row.status, row.blowUpTime ?? .nan, comparison?.l1Distance ?? .nan, comparison?.totalVariation ?? .nan,
                           comparison?.wassersteinDistance ?? .nan, comparison?.maximumError ?? .nan, comparison?.mass ?? .nan,
                           comparison?.minimumDensity ?? .nan, method == .sde || method == .flow ? level : .nan, row.wallSeconds)
        }
        var history = DataTable("history", title: "L1 distance to the exact ρ(T − s) as reverse time s runs, one (method, s) a row (at most 100 rows a method).", columns: [
            .init("method", "naive, pde, sde or flow", tolerance: .exact),
            .init("reverse_time", "s = T − t", tolerance: .roundOff(1e-12)),
            .init("l1_error", "L1 distance to the exact ρ(T − s)", tolerance: .within(relative: 0.1, absolute: 1e-9)),
        ])
        var errorPlot = LinePlot(title: "L1 error against the exact ρ(T − s)", xAxis: Axis("reverse time s = T − t", scale: .logarithmic),
                                 yAxis: Axis("L1 error", scale: .logarithmic), marksPoints: true)
        for row in result.rows {
            let points = row.history.filter { $0.l1Error.isFinite && $0.l1Error > 0 }
            let shown = points.count > 100 ? (0..<100).map { points[$0 * (points.count - 1) / 99] } : points
            for point in shown { history.append(row.method.rawValue, point.reverseTime, point.l1Error) }
            let positive = shown.filter { $0.reverseTime > 0 }
            errorPlot.series.append(.init(row.method.rawValue, x: positive.map(\.reverseTime), y: positive.map(\.l1Error)))
        }
        record.tables += [methods, history]
        let x = result.initialDensity.grid.coordinates(axis: 0)
        var lines: [(name: String, y: [Double], dash: LineDash)] = [("ρ_0", result.initialDensity.values, .solid), ("ρ_T (start)", result.data.values, .dotted)]
        for row in result.rows { if let field = row.reconstruction { lines.append((row.method.rawValue, field.values, .dashed)) } }
        record.figures.append(DataFigure("reconstructions", caption: "ρ_0, the common start ρ_T (dotted) and every reconstruction that reached t = 0 (dashed): the PDE lies on ρ_0, the particle histograms scatter around it at their sampling level; the naive inversion has none (it blew up).",
                                         figure: RecordFigures.densities(title: "Back from ρ_T to ρ_0 (OU, T = 1)", x: x, lines: lines, xLimits: -4...4)))
        record.figures.append(DataFigure("error_history", caption: "L1 distance to the exact ρ(T − s) along the way back, on logarithmic axes: the naive inversion's error grows from round-off by many decades within s < 0.03 and it stops, the reverse PDE stays at its discretization level, the particles at their sampling level.", figure: errorPlot))
        record.arrays.append(DataArray("densities", description: "Rows: ρ_0, ρ_T, then the pde, sde and flow reconstructions; columns: the 256 cell centres from −10 to 10 (x = −10 + (i + ½)·20/256).",
                                       values: result.initialDensity.values + result.data.values
                                           + [ReconstructionMethod.pde, .sde, .flow].flatMap { row($0).reconstruction?.values ?? Array(repeating: Double.nan, count: x.count) },
                                       shape: [5, x.count], tolerance: .within(relative: 0, absolute: 0.05)))
        record.summary = "The spectral solver carries the paper's mixture forward to T = 1 under OU on 256 cells; from that ρ_T the naive backward spectral inversion, the score-guided reverse Fokker–Planck equation (exact mixture score, geometric steps down to t_min = 1e-5, then the <X0> map) and reverse-SDE and probability-flow particles drawn from ρ_T and histogrammed on the same cells each try to return ρ_0. Each end result is compared with ρ_0 on the cells; each path with the exact ρ(T − s) along the way."
        return [
            .atMost("naive inversion: blow-up reverse time s (must be below T = 1)", row(.naive).blowUpTime ?? .infinity, 1, settings: settings),
            .atMost("reverse PDE: L1 distance to ρ_0", row(.pde).comparison?.l1Distance ?? .infinity, 1e-3, settings: settings),
            .atMost("reverse-SDE particles: L1 / expected sampling L1 (\(particleCount) particles)",
                    (row(.sde).comparison?.l1Distance ?? .infinity) / level, 1.5, settings: settings),
            .atMost("probability-flow particles: L1 / expected sampling L1", (row(.flow).comparison?.l1Distance ?? .infinity) / level, 1.5, settings: settings),
        ]
    }

    static let supportContainment = Claim(
        name: "support-containment",
        statement: "Started from N(0, 1) instead of ρ_T, the exact reverse dynamics of 0.3·U[−2,−1] + 0.7·U[1,2] leave no mass in the gap (−1, 1), and each interval receives the h-reweighting prediction ∫ h(x, 0) ρ_0 dx (grid within 1e-3, particles within 4 SE)."
    ) { settings, record in
        let particleCount = settings.quick ? 20_000 : 50_000
        let experiment = SupportContainment(steps: ReverseStepPlan(uniformSteps: 50, geometricSteps: 200), particleCount: particleCount,
                                            particleSteps: 100, seed: settings.seed, threads: settings.threads)
        let result = try experiment.run()
        let grid = result.grid!, particles = result.particles!
        let gridDeviation = zip(grid.finalPieceMasses, result.prediction).map { abs($0 - $1) }.max() ?? .infinity
        let particleDeviation = (0..<result.prediction.count).map {
            abs(particles.finalPieceMasses[$0] - result.prediction[$0]) / particles.finalStandardErrors![$0]
        }.max() ?? .infinity
        let routes = zip(result.prediction, result.predictionByPosterior).map { abs($0 - $1) }.max() ?? .infinity
        record.parameter("data", "0.3·U[−2, −1] + 0.7·U[1, 2]")
        record.parameter("model", "ornstein-uhlenbeck")
        record.parameter("final_time", experiment.horizon)
        record.parameter("t_min", experiment.minimumTime)
        record.parameter("start", "N(0, 1)")
        record.parameter("points", experiment.grid.count)
        record.parameter("half_width", experiment.grid.halfWidth)
        record.parameter("grid_steps", "50 uniform + 200 geometric")
        record.parameter("particles", particleCount)
        record.parameter("particle_steps", experiment.particleSteps)
        record.parameter("particle_integrator", experiment.particleIntegrator.rawValue)
        record.parameter("finish", experiment.finish.sentence(minimumTime: experiment.minimumTime))
        var pieces = DataTable("intervals", title: "Mass each interval receives from N(0, 1), one interval a row.", columns: [
            .init("interval", "[−2, −1] or [1, 2]", tolerance: .exact),
            .init("weight", "the interval's weight in ρ_0", tolerance: .exact),
            .init("predicted", "∫ h(x, 0) ρ_0 dx over the interval (h-reweighting, quadrature)", tolerance: .roundOff(1e-12)),
            .init("predicted_bayes", "the same by Bayes' form E_γ[P(X_0 in interval | Y)]", tolerance: .roundOff(1e-12)),
            .init("grid", "mass of the grid's end density on the interval", tolerance: .roundOff(1e-9)),
            .init("particles", "fraction of particles ending on the interval", tolerance: .standardErrors(4, column: "particle_standard_error")),
            .init("particle_standard_error", "binomial SE of the fraction", tolerance: .within(relative: 0.05, absolute: 0)),
        ])
        for (index, piece) in experiment.data.pieces.enumerated() {
            pieces.append("[\(Check.format(piece.lower)), \(Check.format(piece.upper))]", piece.weight, result.prediction[index], result.predictionByPosterior[index],
                          grid.finalPieceMasses[index], particles.finalPieceMasses[index], particles.finalStandardErrors![index])
        }
        var history = DataTable("history", title: "Mass outside the support as reverse time runs, one (method, s) a row.", columns: [
            .init("method", "grid or particles", tolerance: .exact),
            .init("reverse_time", "s = T − t (the last grid row is after the <X0> map)", tolerance: .roundOff(1e-12)),
            .init("gap_mass", "mass in the gap (−1, 1)", tolerance: .within(relative: 0.1, absolute: 1e-4)),
            .init("outer_mass", "mass beyond the ends, |x| > 2", tolerance: .within(relative: 0.1, absolute: 1e-4)),
        ])
        var massPlot = LinePlot(title: "Mass in the gap (−1, 1), started from N(0, 1)", xAxis: Axis("time t = T − s", scale: .logarithmic),
                                yAxis: Axis("mass in (−1, 1)", scale: .logarithmic), marksPoints: true)
        for (name, run) in [("grid", grid), ("particles", particles)] {
            for point in run.points { history.append(name, point.reverseTime, point.gapMass, point.outerMass) }
            let shown = run.points.filter { $0.gapMass > 0 && $0.reverseTime < experiment.horizon }
            massPlot.series.append(.init(name, x: shown.map { experiment.horizon - $0.reverseTime }, y: shown.map(\.gapMass)))
        }
        if let last = grid.points.last(where: { $0.reverseTime < experiment.horizon && $0.gapMass > 0 }) {
            massPlot.referenceLines.append(.powerLaw(exponent: 0.5, through: (experiment.horizon - last.reverseTime, last.gapMass), label: "slope ½"))
        }
        record.tables += [pieces, history]
        record.figures.append(DataFigure("gap_mass", caption: "Mass in the gap (−1, 1) as the exact reverse dynamics run from N(0, 1), against the time t left (read right to left): it drains as t → 0 on the grid and for the particles alike; what is left at t_min = 1e-3 is the Gaussian tail of width (2 t_min)^½ around the intervals, so it falls like t^½ (dashed guide); the <X0> map at the end moves it onto them (the history table's last rows: 1.6e-77 on the grid, 0 for the particles).", figure: massPlot))
        if let density = result.gridDensity {
            let x = density.grid.coordinates(axis: 0)
            let target = x.map(experiment.data.initialDensity(at:))
            record.figures.append(DataFigure("density", caption: "The grid's end density from N(0, 1) (solid) against ρ_0 (dashed): the mass sits on the two intervals only, in proportions set by the h-reweighting (0.343 and 0.657) rather than by ρ_0's weights 0.3 and 0.7; the spikes at the interval ends are the mass that at t_min still lay within (2 t_min)^½ of an end, which the <X0> map places at that end.",
                                             figure: RecordFigures.densities(title: "End density from N(0, 1)", x: x,
                                                                             lines: [("grid, from N(0, 1)", density.values, .solid), ("ρ_0", target, .dashed)], xLimits: -3...3)))
        }
        record.summary = "The exact reverse dynamics of the two-interval data 0.3·U[−2, −1] + 0.7·U[1, 2] are run from the stationary law N(0, 1) instead of ρ_T: on 1024 finite volumes (implicit, positive; the <X0> map at t_min) and with particles (DDPM update). The mass in the gap and beyond the ends is followed along the way, and each interval's final mass is compared with the prediction ∫ h(x, 0) ρ_0 dx, computed by quadrature in two ways."
        return [
            .atMost("grid (finite volumes, <X0> map at t_min = 1e-3): mass in (−1, 1)", grid.status == "completed" ? grid.points.last!.gapMass : .infinity, 1e-3, settings: settings),
            .atMost("particles (\(particleCount), DDPM update): mass in (−1, 1)", particles.points.last?.gapMass ?? .infinity, 1e-3, settings: settings),
            .atMost("grid: largest |interval mass − prediction|", gridDeviation, 1e-3, settings: settings),
            .atMost("particles: largest |interval mass − prediction| / SE", particleDeviation, 4, settings: settings),
            .atMost("prediction: h-reweighting against Bayes' form, largest difference", routes, 1e-9, settings: settings),
        ]
    }
}

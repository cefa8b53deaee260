import CrossChecks
import DataFiles
import DensitySolvers
import DiffusionModels
import Figures
import Foundation
import GridFields
import ParticleSampling
import RandomStreams
import SampleStatistics
import Scores
import SpectralTransforms

/// The forward grid solvers' claims: exact solutions, orders in time and space, the VP time change, VE, entropy
/// decay and the finite-volume structure.
extension VerificationSuite {
    static let forwardSpectralExact = Claim(
        name: "forward-spectral-exact",
        statement:
            "The spectral IF-RK4 solver reproduces the exact OU mixture to round-off level (1-D 256 cells, 2-D 128²).",
        bounds: [
            "L∞ ≤ 1e-10 (1-D) and 1e-9 (2-D): the error left is round-off plus IF-RK4's time error. Round-off: "
                + "each of ~400 steps applies 4 stages of r2c/c2r pairs (error ≈ ε log₂N per transform) to values of "
                + "size max ρ ≈ 1.4 (1-D), 4 (2-D); summed over the steps, 400 · 8 · 8ε · max ρ ≈ 1e-11 (1-D), "
                + "3e-11 (2-D). Time error: the suggested step count keeps Δt k_max max|b| ≤ 1, where IF-RK4's local "
                + "error is below 1e-13 per unit time for this mixture. Spatial truncation (|ρ̂| at Nyquist ≈ e^(−32)) "
                + "and the box (tails at |x| = L ≈ e^(−140)) are below 1e-14. The bounds are these estimates times 10 "
                + "(1-D) and 30 (2-D, 2 axes and 128² cells)."
        ],
        controls: [.driftRate(1.01), .diffusionScale(0.99), .stretchedSteps(1.001)]
    ) { settings, record in
        let line = Grid(dimension: 1, points: 256, halfWidth: 10)
        let plane = Grid(dimension: 2, points: settings.quick ? 96 : 128, halfWidth: 8)
        record.parameter("mixture_1d", paperMixture.specification ?? "")
        record.parameter("mixture_2d", "0.5:-1.5,0:0.5;0.5:1.5,1:0.5")
        record.parameter("model", "ou")
        record.parameter("final_time", 1.0)
        record.parameter("points_1d", line.shape[0])
        record.parameter("points_2d", plane.shape[0])
        let oneDimensional = try spectralRun(
            paperMixture, model: ornsteinUhlenbeck, grid: line, time: 1, settings: settings)
        let marginal = ClosedForms.ornsteinUhlenbeck(time: 1)
        let exactLine = ClosedForms.mixtureField(
            paperMixture, scale: marginal.scale, variance: marginal.variance, on: line)
        let twoDimensional = try spectralRun(
            planarMixture, model: ornsteinUhlenbeck, grid: plane, time: 1, settings: settings)
        let exactPlane = ClosedForms.mixtureField(
            planarMixture, scale: marginal.scale, variance: marginal.variance, on: plane)
        let errors = [
            oneDimensional.finalDensity.distanceLInfinity(to: exactLine),
            twoDimensional.finalDensity.distanceLInfinity(to: exactPlane),
        ]

        var table = DataTable(
            "errors", title: "Spectral IF-RK4 against the exact OU mixture at t = 1, one run a row.",
            columns: [
                .init("dimension", "space dimension d", tolerance: .exact),
                .init("points", "cells per axis", tolerance: .exact),
                .init("half_width", "the grid covers [−L, L]^d; this is L", tolerance: .exact),
                .init("step_count", "IF-RK4 steps to t = 1 (the solver's suggested count)", tolerance: .exact),
                .init("linf_error", "max over cells of |ρ_solver − ρ_exact| at t = 1", tolerance: .roundOff(1e-11)),
            ])
        table.append(1, line.shape[0], line.halfWidth, oneDimensional.stepsTaken, errors[0])
        table.append(2, plane.shape[0], plane.halfWidth, twoDimensional.stepsTaken, errors[1])
        record.tables.append(table)
        var density = DataTable(
            "density_1d", title: "The 1-D density on the grid, one cell a row.",
            columns: [
                .init("x", "cell centre"), .init("initial", "ρ_0(x), the mixture"),
                .init("solver", "ρ(x, 1) from the spectral solver", tolerance: .roundOff(1e-11)),
                .init("exact", "ρ(x, 1) = Σ w_k N(x; e^(−1) μ_k, e^(−2) σ_k² + 1 − e^(−2)), written out in the claim"),
            ])
        let initialLine = paperMixture.field(on: line)
        for (index, x) in line.coordinates(axis: 0).enumerated() {
            density.append(
                x, initialLine.values[index], oneDimensional.finalDensity.values[index], exactLine.values[index])
        }
        record.tables.append(density)
        record.arrays.append(
            DataArray(
                "density_2d",
                description:
                    "ρ(x, y, 1) from the spectral solver on the 2-D grid, shape (points, points), axis 0 is x, "
                    + "cell centres −L + (i + ½)h.",
                values: twoDimensional.finalDensity.values, shape: plane.shape, tolerance: .roundOff(1e-11)))
        record.figures.append(
            DataFigure(
                "density_1d", caption: "The 1-D mixture at t = 0 and t = 1: solver and exact curves coincide.",
                figure: RecordFigures.densities(
                    title: "OU mixture, spectral solver against exact", x: density.numbers("x"),
                    lines: [
                        ("ρ_0", density.numbers("initial"), .dotted),
                        ("solver, t = 1", density.numbers("solver"), .solid),
                        ("exact, t = 1", density.numbers("exact"), .dashed),
                    ], xLimits: -5...5)))
        record.figures.append(
            DataFigure(
                "density_2d",
                caption:
                    "The 2-D mixture at t = 1 from the spectral solver, on the central half of the box (the whole grid "
                    + "is in density_2d.npy).",
                figure: HeatMap(
                    values: centralHalf(twoDimensional.finalDensity.values, points: plane.shape[0]),
                    shape: plane.shape.map { $0 / 2 },
                    xExtent: -plane.halfWidth / 2...plane.halfWidth / 2,
                    yExtent: -plane.halfWidth / 2...plane.halfWidth / 2,
                    title: "ρ(x, y, 1), spectral solver (central half of the box)", colorLabel: "ρ")))
        record.summary =
            "Both runs start from a Gaussian mixture whose OU evolution is known in closed form; the L∞ distance "
            + "at t = 1 measures the whole solver error (time stepping and spatial truncation)."
        return [
            Check.atMost("L∞ error at t = 1, 1-D", errors[0], 1e-10, settings: settings),
            .atMost("L∞ error at t = 1, 2-D", errors[1], 1e-9, settings: settings),
        ]
    }

    static let forwardExactLinear = Claim(
        name: "forward-exact-linear",
        statement:
            "The exact linear propagator (exact-linear: ρ^_0(m k) e^(−v|k|²/2) by chirp-z transforms, no time steps) "
            + "reproduces the OU, VP and VE mixtures in 1-D (256 cells) and 2-D (128²), and OU and VP in 3-D (64³), "
            + "to round-off, with the same bits for 1 and 1000 steps.",
        bounds: [
            "L∞ ≤ 10 (Σ_axes (3 log₂ P + 4) + log₂ N) ε max ρ: one evaluation is a Bluestein transform per axis "
                + "(three FFTs of length P and three chirp products, about (3 log₂ P + 4) ε relative each) and one "
                + "inverse transform of the N cells (log₂ N ε), times the largest density and a factor 10 from the "
                + "typical to the worst cell (2e-14 to 3e-14 here). The spatial error is below it: the periodic images "
                + "of the tails add at most 3e-15 (the nearest component is 7.25 standard deviations from the edge, "
                + "OU 2-D: e^(−32) × its peak 0.2; VE stops at t = 0.6 for this reason, at t = 0.8 the images reach "
                + "2e-14), the transforms at the Nyquist wavenumber are under e^(−32) ≈ 1e-14 of ρ^(0) and the "
                + "midpoint rule's aliases under e^(−128). No time error: m and v are closed forms. 3-D (64³ on "
                + "[−8, 8]³, the 3-D default mixture): ρ^_t at the Nyquist wavenumber π/h = 12.6 is under e^(−36) "
                + "for OU at 0.7 and VP at 0.3, the midpoint rule's aliases at 2π/h under e^(−78), the images e^(−32) "
                + "as in 2-D; VE at 0.6 keeps v = 0.06, whose ρ^_t at Nyquist is e^(−24) ≈ 4e-11, above round-off, "
                + "so 3-D leaves VE out.",
            "difference between 1 and 1000 steps = 0: the steps only move the clock, and the run loop ends them "
                + "on the end time exactly.",
        ],
        controls: [.driftRate(1.01), .diffusionScale(0.99), .stretchedSteps(1.001)]
    ) { settings, record in
        let line = Grid(dimension: 1, points: 256, halfWidth: 10)
        let plane = Grid(dimension: 2, points: 128, halfWidth: 8)
        let space = Grid(dimension: 3, points: settings.quick ? 48 : 64, halfWidth: 8)
        let models: [(name: String, model: LinearSDE, time: Double, marginal: (scale: Double, variance: Double))] = [
            ("ou", ornsteinUhlenbeck, 0.7, ClosedForms.ornsteinUhlenbeck(time: 0.7)),
            (
                "vp", .variancePreserving(betaMinimum: 0.1, betaMaximum: 20), 0.3,
                ClosedForms.variancePreserving(time: 0.3, betaMinimum: 0.1, betaMaximum: 20)
            ),
            (
                "ve", .varianceExploding(sigmaMinimum: 0.01, sigmaMaximum: 2), 0.6,
                ClosedForms.varianceExploding(time: 0.6, sigmaMinimum: 0.01, sigmaMaximum: 2)
            ),
        ]
        record.parameter("mixture_1d", paperMixture.specification ?? "")
        record.parameter("mixture_2d", "0.5:-1.5,0:0.5;0.5:1.5,1:0.5")
        record.parameter("points_1d", line.shape[0])
        record.parameter("points_2d", plane.shape[0])
        record.parameter("mixture_3d", spatialMixture.specification ?? "")
        record.parameter("points_3d", space.shape[0])
        var table = DataTable(
            "errors", title: "exact-linear against the closed-form mixture, one (model, dimension) a row.",
            columns: [
                .init("model", "forward SDE", tolerance: .exact), .init("time", "t", tolerance: .exact),
                .init("dimension", "space dimension d", tolerance: .exact),
                .init("linf_error", "max over cells of |ρ − ρ_exact| at t", tolerance: .roundOff(1e-13)),
                .init("bound", "10 (Σ_axes (3 log₂ P + 4) + log₂ N) ε max ρ_exact", tolerance: .roundOff(1e-13)),
            ])
        var checks: [Check] = []
        for (name, model, time, marginal) in models {
            let grids =
                [(line, paperMixture), (plane, planarMixture)] + (name == "ve" ? [] : [(space, spatialMixture)])
            for (grid, mixture) in grids {
                let exact = ClosedForms.mixtureField(
                    mixture, scale: marginal.scale, variance: marginal.variance, on: grid)
                let result = try spectralRun(
                    mixture, model: model, grid: grid, time: time, method: .exactLinear, settings: settings)
                let error = result.finalDensity.distanceLInfinity(to: exact)
                let perAxis = grid.shape.reduce(0.0) { total, length in
                    total + 3 * log2(Double(ChirpZTransform.smoothLength(atLeast: 2 * length + 1))) + 4
                }
                let bound = 10 * (perAxis + log2(Double(grid.count))) * Double.ulpOfOne * exact.maximum
                table.append(name, time, grid.dimension, error, bound)
                checks.append(
                    .atMost("L∞ error, \(name), \(grid.dimension)-D, t = \(time)", error, bound, settings: settings))
            }
        }
        let few = try spectralRun(
            paperMixture, model: ornsteinUhlenbeck, grid: line, time: 1, steps: 1, method: .exactLinear,
            settings: settings)
        let many = try spectralRun(
            paperMixture, model: ornsteinUhlenbeck, grid: line, time: 1, steps: 1000, method: .exactLinear,
            settings: settings)
        record.tables.append(table)
        record.summary =
            "exact-linear evaluates the Fourier solution of each linear SDE at t directly (chirp-z transforms at the "
            + "scaled wavenumbers m k, then one inverse transform); the mixtures' marginals are written out in the "
            + "claim (ClosedForms), so the L∞ distance measures the propagator's whole error."
        return checks + [
            .atMost(
                "L∞ difference between 1 and 1000 steps, OU 1-D, t = 1",
                few.finalDensity.distanceLInfinity(to: many.finalDensity), 0, settings: settings)
        ]
    }

    static let forwardTemporalOrders = Claim(
        name: "forward-temporal-orders",
        statement:
            "Each stepper's observed order in time equals its declared order (IF-RK4 4, Strang 2, backward Euler 1, "
            + "TR-BDF2 2): spectral errors against the exact mixture, finite-volume errors against the same scheme "
            + "with 16 × the steps on the same cells.",
        bounds: [
            "order ± 0.25: the slope of a least-squares fit over three step counts; with e(Δt) = C Δt^p (1 + c Δt) it "
                + "differs from p by about c Δt̄, which the pairwise slopes recorded in the orders table bound (within "
                + "0.1 of p for the library's steppers); 0.25 leaves room for that pre-asymptotic term while a method "
                + "one order lower misses by 0.75 or more.",
            "Spectral references are the exact mixture (closed form in the claim): the spatial error, below 1e-14, is "
                + "four decades under the smallest time error measured. Finite-volume references share the cells, so "
                + "the O(h²) spatial error cancels; the reference's own time error is (1/16)^p of the finest run's.",
        ],
        controls: [.firstOrderStepError(0.5), .driftRate(1.02)]
    ) { settings, record in
        let line = Grid(dimension: 1, points: 256, halfWidth: 10)
        let walled = Grid(dimension: 1, points: 256, halfWidth: 10, boundary: .reflecting)
        let process = settings.subjects.gridProcess(ornsteinUhlenbeck)
        let marginal = ClosedForms.ornsteinUhlenbeck(time: 1)
        let exact = ClosedForms.mixtureField(paperMixture, scale: marginal.scale, variance: marginal.variance, on: line)
        // Every grid method that steps in time, its step counts from its order (an order-4 method reaches round-off
        // sooner); exact-linear has no order (forward-exact-linear checks it at any step count).
        let cases: [(String, Int, [Int], Bool, () throws -> any DensityStepper)] = GridMethod.allCases.compactMap {
            method in
            guard let order = method.temporalOrder else { return nil }
            return (
                method.title, order, order >= 4 ? [20, 40, 80] : [40, 80, 160],
                method.isSpectral,
                { () throws -> any DensityStepper in
                    try method.makeStepper(
                        process: process, initialDensity: paperMixture.field(on: method.isSpectral ? line : walled))
                }
            )
        }
        record.parameter("mixture", paperMixture.specification ?? "")
        record.parameter("points", 256)
        record.parameter("final_time", 1.0)
        record.parameter(
            "reference", "spectral: the exact mixture; finite volume: the same stepper with 16 × the finest step count")
        var convergence = DataTable(
            "convergence", title: "Error at t = 1 against the reference, one step count a row.",
            columns: [
                .init("method", "solver and time stepper", tolerance: .exact),
                .init("declared_order", "the order the method is built to have", tolerance: .exact),
                .init("step_count", "time steps to t = 1", tolerance: .exact),
                .init("time_step", "Δt = 1 / step_count"),
                .init(
                    "reference", "exact (closed-form mixture) or fine (16 × the finest step count, same cells)",
                    tolerance: .exact),
                .init(
                    "linf_error", "max over cells of |ρ − ρ_reference| at t = 1",
                    tolerance: .within(relative: 1e-6, absolute: 1e-14)),
            ])
        var orders = DataTable(
            "orders",
            title:
                "Observed order in time: least-squares slope of log error against log Δt, and the slopes between "
                + "successive step counts, one method a row.",
            columns: [
                .init("method", "solver and time stepper", tolerance: .exact),
                .init("declared_order", "the order the method is built to have", tolerance: .exact),
                .init("observed_order", "fitted slope", tolerance: .within(relative: 1e-6, absolute: 1e-9)),
                .init(
                    "coarse_pair_order", "slope between the two coarsest step counts",
                    tolerance: .within(relative: 1e-6, absolute: 1e-9)),
                .init(
                    "fine_pair_order", "slope between the two finest step counts",
                    tolerance: .within(relative: 1e-6, absolute: 1e-9)),
            ])
        var lines: [(name: String, x: [Double], y: [Double], order: Double?)] = []
        let checks = try cases.map { name, declared, counts, againstExact, make -> Check in
            func solve(_ count: Int) throws -> Field {
                DensityRun(endTime: 1, stepCount: count).run(settings.subjects.stepper(try make())).finalDensity
            }
            let reference = againstExact ? exact : try solve(16 * counts.last!)
            let errors = try counts.map { try solve($0).distanceLInfinity(to: reference) }
            let steps = counts.map { 1 / Double($0) }
            let order = slope(sizes: steps, errors: errors)
            for (count, error) in zip(counts, errors) {
                convergence.append(name, declared, count, 1 / Double(count), againstExact ? "exact" : "fine", error)
            }
            orders.append(
                name, declared, order, slope(sizes: Array(steps[0...1]), errors: Array(errors[0...1])),
                slope(sizes: Array(steps[1...2]), errors: Array(errors[1...2])))
            lines.append((name, steps, errors, Double(declared)))
            return .near("order in time, \(name)", order, Double(declared), within: 0.25, settings: settings)
        }
        record.tables += [convergence, orders]
        record.figures.append(
            DataFigure(
                "convergence", caption: "Error against Δt on log–log axes; dashed lines have the declared slopes.",
                figure: RecordFigures.convergence(
                    title: "Order in time", xLabel: "Δt", yLabel: "L∞ error at t = 1", lines: lines)))
        record.summary =
            "Each stepper runs the mixture to t = 1 with three step counts; spectral errors are measured against the "
            + "exact mixture (closed form in the claim), finite-volume errors against the same stepper with 16 "
            + "times the finest count on the same cells; the slope of log error against log Δt is the observed "
            + "order."
        return checks
    }

    static let forwardSpatialOrder = Claim(
        name: "forward-spatial-order",
        statement:
            "The Scharfetter–Gummel finite-volume solver (TR-BDF2 in time) converges at order 2 in space against the "
            + "exact mixture, conserving mass to 1e-12.",
        bounds: [
            "order 2 ± 0.2: slope of a least-squares fit over the grids; the pairwise slopes recorded in the table "
                + "show the asymptotic range (within 0.05 of 2); 0.2 allows the O(h⁴) term at the coarsest grid "
                + "(h = 0.2, errors 1.3e-3) and the TR-BDF2 time error (400 steps, below 1e-7, 5 % of the finest "
                + "spatial error).",
            "3-D (the 3-D default mixture on [−6, 6]³, 16³ and 32³ cells, 200 steps): the pairwise order within "
                + "0.2 of 2 (measured 2.08 at 200 steps and 2.12 at 400: the time error moves it by 0.04; the "
                + "coarser pair 16³ to 32³ is what a 2-core run affords, its O(h⁴) term inside the allowance).",
            "mass drift ≤ 1e-12: the flux form telescopes, so mass changes by round-off only: about N ε per step for "
                + "the tridiagonal solve, 400 steps × 1600 cells × 1.1e-16 ≈ 7e-11 in the worst case of aligned "
                + "errors, 1e-12 for errors of random sign (√(400 · 1600) ε · 10).",
        ],
        controls: [.driftRate(1.02), .diffusionScale(1.01)]
    ) { settings, record in
        let marginal = ClosedForms.ornsteinUhlenbeck(time: 1)
        var errors: [Double] = []
        var widths: [Double] = []
        var largestMassDrift = 0.0
        let pointCounts = settings.quick ? [100, 200, 400, 800] : [100, 200, 400, 800, 1600]
        record.parameter("mixture", paperMixture.specification ?? "")
        record.parameter("half_width", 10.0)
        record.parameter("step_count", 400)
        record.parameter(
            "time_stepper",
            try FiniteVolumeFokkerPlanckSolver(
                process: ornsteinUhlenbeck,
                initialDensity: paperMixture.field(
                    on: Grid(dimension: 1, points: 100, halfWidth: 10, boundary: .reflecting))
            ).methodName)
        record.parameter("points", list: pointCounts)
        var table = DataTable(
            "convergence", title: "Finite-volume error against the exact mixture at t = 1, one grid a row.",
            columns: [
                .init("points", "cells", tolerance: .exact), .init("cell_width", "h = 2L / points"),
                .init(
                    "linf_error", "max over cells of |ρ − ρ_exact| at t = 1",
                    tolerance: .within(relative: 1e-6, absolute: 1e-14)),
                .init("mass_drift", "|∫ρ(1) − ∫ρ(0)|", tolerance: .within(relative: 0, absolute: 1e-13)),
                .init(
                    "pair_order", "log(error of the previous grid / this error) / log 2 (NaN on the first grid)",
                    tolerance: .within(relative: 1e-6, absolute: 1e-9)),
            ])
        for points in pointCounts {
            let grid = Grid(dimension: 1, points: points, halfWidth: 10, boundary: .reflecting)
            let initial = paperMixture.field(on: grid)
            let solver = settings.subjects.stepper(
                try FiniteVolumeFokkerPlanckSolver(
                    process: settings.subjects.gridProcess(ornsteinUhlenbeck), initialDensity: initial))
            let result = DensityRun(endTime: 1, stepCount: 400).run(solver)
            errors.append(
                result.finalDensity.distanceLInfinity(
                    to: ClosedForms.mixtureField(
                        paperMixture, scale: marginal.scale, variance: marginal.variance, on: grid)))
            widths.append(grid.spacing(axis: 0))
            let drift = abs(result.finalDensity.integral - initial.integral)
            largestMassDrift = max(largestMassDrift, drift)
            let pairOrder =
                errors.count > 1
                ? log(errors[errors.count - 2] / errors[errors.count - 1])
                    / log(widths[widths.count - 2] / widths[widths.count - 1]) : .nan
            table.append(points, widths.last!, errors.last!, drift, pairOrder)
        }
        // 3-D: the 3-D default mixture on [−6, 6]³ with 16³ and 32³ cells.
        var spatialErrors: [Double] = []
        for points in [16, 32] {
            let grid = Grid(dimension: 3, points: points, halfWidth: 6, boundary: .reflecting)
            let solver = settings.subjects.stepper(
                try FiniteVolumeFokkerPlanckSolver(
                    process: settings.subjects.gridProcess(ornsteinUhlenbeck),
                    initialDensity: spatialMixture.field(on: grid)))
            let result = DensityRun(endTime: 1, stepCount: 200).run(solver)
            spatialErrors.append(
                result.finalDensity.distanceLInfinity(
                    to: ClosedForms.mixtureField(
                        spatialMixture, scale: marginal.scale, variance: marginal.variance, on: grid)))
        }
        let spatialOrder = log2(spatialErrors[0] / spatialErrors[1])
        var spatial = DataTable(
            "convergence_3d", title: "Finite-volume error in 3-D at t = 1 (200 steps), one grid a row.",
            columns: [
                .init("points", "cells per axis on [−6, 6]³", tolerance: .exact),
                .init(
                    "linf_error", "max over cells of |ρ − ρ_exact| at t = 1",
                    tolerance: .within(relative: 1e-6, absolute: 1e-14)),
            ])
        spatial.append(16, spatialErrors[0])
        spatial.append(32, spatialErrors[1])
        record.tables.append(table)
        record.tables.append(spatial)
        record.figures.append(
            DataFigure(
                "convergence", caption: "Error against the cell width on log–log axes; the dashed line has slope 2.",
                figure: RecordFigures.convergence(
                    title: "Order in space, finite volume", xLabel: "cell width h", yLabel: "L∞ error at t = 1",
                    lines: [("Scharfetter–Gummel", widths, errors, 2)])))
        record.summary =
            "The finite-volume solver runs the mixture to t = 1 with 400 TR-BDF2 steps on grids from 100 to 1600 cells "
            + "and is compared with the exact mixture (closed form in the claim); 400 steps keep the time error "
            + "below the spatial one, so the slope measures the spatial order."
        return [
            .near("order in space", slope(sizes: widths, errors: errors), 2, within: 0.2, settings: settings),
            .near("order in space, 3-D (16³ to 32³)", spatialOrder, 2, within: 0.2, settings: settings),
            .atMost("mass drift", largestMassDrift, 1e-12, settings: settings),
        ]
    }

    static let variancePreservingTimeChange = Claim(
        name: "vp-time-change",
        statement:
            "VP (β from 0.1 to 20 on [0, 1]) at t = 0.3 and t = 1 is OU run to τ = B(t)/2, and both match the VP "
            + "mixture whose marginals are written out from VP's definition (score_sde's log-mean coefficient, "
            + "the variance integrated from the SDE).",
        bounds: [
            "coefficients within 1e-12 relative: the library's closed forms and the definition's (score_sde's log-mean "
                + "coefficient, Simpson's rule for v on 32 768 panels, error h⁴ max|f⁗|/180 ≈ 1e-14, "
                + "g² = β(t)) are a few correctly rounded operations apart; v(t) at t = 0.1 is 0.26, "
                + "so expm1 loses nothing.",
            "L∞ ≤ 1e-10 for both differences: round-off of the spectral runs (about 1e-11, "
                + "as in forward-spectral-exact) plus the time error of the suggested step counts (below 1e-12 here); "
                + "the oracle's variance is Simpson's rule on 32 768 panels, relative error below 1e-14.",
        ],
        controls: [.driftRate(1.02), .diffusionScale(1.01)]
    ) { settings, record in
        let grid = Grid(dimension: 1, points: 256, halfWidth: 10)
        let variancePreserving = LinearSDE.variancePreserving()
        let (betaMinimum, betaMaximum) = (0.1, 20.0)
        let times = [0.3, 1.0]
        record.parameter("beta_min", betaMinimum)
        record.parameter("beta_max", betaMaximum)
        record.parameter("points", 256)
        record.parameter("times", list: times)
        var table = DataTable(
            "density", title: "The density at the end of both runs, one (time, cell) a row.",
            columns: [
                .init("time", "VP time t", tolerance: .exact),
                .init(
                    "ou_time", "τ = B(t)/2 = t (β(0) + β(t)) / 4, the OU time of the same law",
                    tolerance: .roundOff(1e-14)),
                .init("x", "cell centre"), .init("vp", "ρ from the VP run to t", tolerance: .roundOff(1e-11)),
                .init("ou", "ρ from the OU run to τ", tolerance: .roundOff(1e-11)),
                .init("exact", "the VP mixture at t from VP's definition (ClosedForms)"),
            ])
        var differences: [Double] = []
        var errors: [Double] = []
        for time in times {
            let changedTime = time * (betaMinimum + (betaMinimum + time * (betaMaximum - betaMinimum))) / 4
            let viaVariancePreserving = try spectralRun(
                paperMixture, model: variancePreserving, grid: grid, time: time, settings: settings
            ).finalDensity
            let viaOrnsteinUhlenbeck = try spectralRun(
                paperMixture, model: ornsteinUhlenbeck, grid: grid, time: changedTime, settings: settings
            ).finalDensity
            let marginal = ClosedForms.variancePreserving(
                time: time, betaMinimum: betaMinimum, betaMaximum: betaMaximum)
            let exact = ClosedForms.mixtureField(
                paperMixture, scale: marginal.scale, variance: marginal.variance, on: grid)
            for (index, x) in grid.coordinates(axis: 0).enumerated() {
                table.append(
                    time, changedTime, x, viaVariancePreserving.values[index], viaOrnsteinUhlenbeck.values[index],
                    exact.values[index])
            }
            differences.append(viaVariancePreserving.distanceLInfinity(to: viaOrnsteinUhlenbeck))
            errors.append(viaVariancePreserving.distanceLInfinity(to: exact))
        }
        let coefficients = modelCoefficientGap(
            settings.subjects.particleProcess(variancePreserving), betaMinimum: betaMinimum, betaMaximum: betaMaximum)
        record.tables.append(coefficients.table)
        record.tables.append(table)
        record.summary =
            "The VP solutions at t = 0.3 and 1 and the OU solutions at τ = ∫β/2 are computed by the spectral solver on "
            + "the same grid and compared cell by cell, and with the VP mixture whose mean scale and variance are "
            + "written out from VP's definition in the claim."
        return [
            .atMost(
                "largest relative gap of VP's m(t), v(t), g(t)² (samplers' and scores' coefficients) to the definition",
                coefficients.largest, 1e-12, settings: settings),
            .atMost(
                "largest L∞ difference VP(t) − OU(B(t)/2), t = 0.3, 1", differences.max()!, 1e-10, settings: settings),
            .atMost(
                "largest L∞ error VP against its definition's mixture, t = 0.3, 1", errors.max()!, 1e-10,
                settings: settings),
        ]
    }

    static let varianceExplodingExact = Claim(
        name: "ve-exact",
        statement:
            "VE (σ from 0.01 to 2) is pure diffusion: the spectral solver (Fourier and cosine bases) gives the "
            + "Gaussian of variance σ_0² + σ_min²((σ_max/σ_min)^(2t) − 1) at t = 0.5 and 1 (score_sde's marginal "
            + "σ(t)² less σ_min², the SDE integrated from a sharp X_0).",
        bounds: [
            "coefficients within 1e-12 relative: v and g² from the model against σ_min²((σ_max/σ_min)^(2t) − 1) and "
                + "dσ²/dt written out; both are pow and log of the same arguments, a few ε apart.",
            "L∞ ≤ 1e-12: pure diffusion is diagonal in both bases, so seven steps multiply each mode by its exact "
                + "factor; what is left is round-off of one forward and one inverse transform per step on values of "
                + "size max ρ ≈ 1.3, 7 · 2 · 8ε · 1.3 ≈ 3e-14, times 30 for the accumulated error of the exponentials.",
        ],
        controls: [.diffusionScale(1.02), .stretchedSteps(1.01)]
    ) { settings, record in
        let model = LinearSDE.varianceExploding(sigmaMinimum: 0.01, sigmaMaximum: 2)
        let gaussian = GaussianMixture(components: [.init(weight: 1, mean: [0.5], standardDeviations: [0.3])])
        record.parameter("sigma_min", 0.01)
        record.parameter("sigma_max", 2.0)
        record.parameter("initial", "N(0.5, 0.3²)")
        record.parameter("points", 256)
        record.parameter("step_count", 7)
        var table = DataTable(
            "errors", title: "VE error against the Gaussian of VE's definition, one (boundary, time) a row.",
            columns: [
                .init("boundary", "periodic (Fourier basis) or reflecting (cosine basis)", tolerance: .exact),
                .init("time", "t", tolerance: .exact),
                .init("variance", "σ_min² ((σ_max/σ_min)^(2t) − 1), added to 0.3²", tolerance: .roundOff(1e-14)),
                .init("linf_error", "max over cells of |ρ − ρ_exact| at t", tolerance: .roundOff(1e-13)),
            ])
        var checks: [Check] = []
        for boundary in Boundary.allCases {
            let grid = Grid(dimension: 1, points: 256, halfWidth: 16, boundary: boundary)
            var worst = 0.0
            for time in [0.5, 1.0] {
                let result = try spectralRun(
                    gaussian, model: model, grid: grid, time: time, steps: 7, settings: settings)
                let marginal = ClosedForms.varianceExploding(time: time, sigmaMinimum: 0.01, sigmaMaximum: 2)
                let error = result.finalDensity.distanceLInfinity(
                    to: ClosedForms.mixtureField(gaussian, scale: marginal.scale, variance: marginal.variance, on: grid)
                )
                table.append(boundary.rawValue, time, marginal.variance, error)
                worst = worseOf(worst, error)
            }
            checks.append(
                .atMost("largest L∞ error, \(boundary.rawValue) walls, t = 0.5, 1", worst, 1e-12, settings: settings))
        }
        let process = settings.subjects.particleProcess(model)
        var coefficients = DataTable(
            "coefficients",
            title: "VE's coefficients as samplers and scores use them against the definition, one time a row.",
            columns: [
                .init("time", "t", tolerance: .exact),
                .init("variance", "v(t) from the model", tolerance: .roundOff(1e-14)),
                .init("variance_definition", "σ_min² ((σ_max/σ_min)^(2t) − 1)"),
                .init("squared_diffusion", "g(t)² from the model", tolerance: .roundOff(1e-14)),
                .init("squared_diffusion_definition", "dσ²/dt = 2 ln(σ_max/σ_min) σ_min² (σ_max/σ_min)^(2t)"),
            ])
        var largestGap = 0.0
        for time in stride(from: 0.1, through: 1.0, by: 0.1) {
            let definition = ClosedForms.varianceExploding(time: time, sigmaMinimum: 0.01, sigmaMaximum: 2)
            let squaredDiffusion = 2 * log(2 / 0.01) * 0.01 * 0.01 * pow(2 / 0.01, 2 * time)
            let (variance, scale) = (process.variance(to: time), process.diffusionScale(at: time))
            coefficients.append(time, variance, definition.variance, scale * scale, squaredDiffusion)
            for gap in [
                abs(variance - definition.variance) / definition.variance,
                abs(scale * scale - squaredDiffusion) / squaredDiffusion,
                abs(process.meanScale(to: time) - 1),
            ] {
                largestGap = worseOf(largestGap, gap)
            }
        }
        record.tables.append(coefficients)
        checks.append(
            .atMost(
                "largest relative gap of VE's m(t), v(t), g(t)² (samplers' and scores' coefficients) to the definition",
                largestGap, 1e-12, settings: settings))
        record.tables.append(table)
        record.summary =
            "Pure diffusion is diagonal in the Fourier and cosine bases, so seven steps integrate it exactly; "
            + "the error left against the Gaussian whose variance is written out from VE's definition is round-off."
        return checks
    }

    static let entropyDecay = Claim(
        name: "entropy-decay",
        statement:
            "KL(ρ_t‖γ) ≤ e^(−2t) KL(ρ_0‖γ) for the mixture solved on the grid, with equality (to 1e-10 relative) for "
            + "ρ_0 = N(2, 1), whose KL is 2 e^(−2t).",
        bounds: [
            "ratio ≤ 1 + 1e-12: the log-Sobolev bound is exact; the allowance covers round-off of the grid's KL sum "
                + "(256 terms of size ≤ 1, about 256 ε ≈ 6e-14) and the solver's relative error in KL (below "
                + "1e-11 · 30 snapshots of decay, relative to KL ≥ 1e-3).",
            "relative gap ≤ 1e-10 for N(2, 1): the midpoint KL sum of two Gaussians is spectrally accurate (e^(−π²/h²) "
                + "terms); the solver's relative error in KL grows with t by the IF-RK4 time error (about 1e-12 per "
                + "unit time at the suggested steps); 1e-10 is that at t = 2 with a factor 50 for a coarser step "
                + "count.",
        ],
        controls: [.driftRate(0.98), .diffusionScale(1.01)]
    ) { settings, record in
        let grid = Grid(dimension: 1, points: 256, halfWidth: 10)
        record.parameter("points", 256)
        record.parameter("mixture", paperMixture.specification ?? "")
        record.parameter("equality_case", "N(2, 1)")
        let result = try spectralRun(
            paperMixture, model: ornsteinUhlenbeck, grid: grid, time: 3,
            snapshots: DensityRun.evenlySpacedTimes(count: 30, to: 3), settings: settings)
        let initial = result.snapshots[0].diagnostics.klToStationary!
        var mixture = DataTable(
            "mixture", title: "KL divergence of the mixture to N(0, 1) against its bound, one snapshot a row.",
            columns: [
                .init("time", "t"), .init("kl", "KL(ρ_t‖γ) on the grid", tolerance: .roundOff(1e-12)),
                .init("bound", "e^(−2t) KL(ρ_0‖γ)", tolerance: .roundOff(1e-12)),
                .init("ratio", "kl / bound (at most 1)", tolerance: .roundOff(1e-10)),
            ])
        for snapshot in result.snapshots {
            let time = snapshot.diagnostics.time
            let kl = snapshot.diagnostics.klToStationary!
            mixture.append(time, kl, exp(-2 * time) * initial, kl / (exp(-2 * time) * initial))
        }
        let worstRatio = mixture.numbers("ratio").dropFirst().max()!
        let shifted = GaussianMixture(components: [.init(weight: 1, mean: [2], standardDeviations: [1])])
        let equality = try spectralRun(
            shifted, model: ornsteinUhlenbeck, grid: grid, time: 2,
            snapshots: DensityRun.evenlySpacedTimes(count: 8, to: 2), settings: settings)
        var gaussian = DataTable(
            "gaussian", title: "KL divergence of N(2e^(−t), 1) to N(0, 1) against a²e^(−2t)/2, one snapshot a row.",
            columns: [
                .init("time", "t"), .init("kl", "KL(ρ_t‖γ) on the grid", tolerance: .roundOff(1e-12)),
                .init("exact", "2 e^(−2t)"), .init("relative_gap", "|kl − exact| / exact", tolerance: .roundOff(1e-11)),
            ])
        for snapshot in equality.snapshots {
            let time = snapshot.diagnostics.time
            let kl = snapshot.diagnostics.klToStationary!
            let expected = 2 * exp(-2 * time)
            gaussian.append(time, kl, expected, abs(kl - expected) / expected)
        }
        let worstRelative = gaussian.numbers("relative_gap").max()!
        record.tables += [mixture, gaussian]
        var plot = LinePlot(
            title: "Entropy decay under OU", xAxis: Axis("t"), yAxis: Axis("KL(ρ_t‖γ)", scale: .logarithmic))
        plot.series = [
            .init("mixture", x: mixture.numbers("time"), y: mixture.numbers("kl"), marker: .circle),
            .init("e^(−2t) KL_0", x: mixture.numbers("time"), y: mixture.numbers("bound"), dash: .dashed),
            .init("N(2, 1)", x: gaussian.numbers("time"), y: gaussian.numbers("kl"), marker: .square),
            .init("2 e^(−2t)", x: gaussian.numbers("time"), y: gaussian.numbers("exact"), dash: .dotted),
        ]
        record.figures.append(
            DataFigure(
                "entropy_decay",
                caption:
                    "KL to the stationary Gaussian on a log scale: the mixture stays under its e^(−2t) bound; "
                    + "the shifted Gaussian sits on its line.",
                figure: plot))
        record.summary =
            "The spectral solver runs the mixture to t = 3 (30 snapshots) and N(2, 1) to t = 2; KL to N(0, 1) is "
            + "computed on the grid at each snapshot."
        return [
            .atMost("largest KL_t / (e^(−2t) KL_0), mixture", worstRatio, 1 + 1e-12, settings: settings),
            .atMost("largest relative gap to e^(−2t) a²/2, N(2, 1)", worstRelative, 1e-10, settings: settings),
        ]
    }

    static let finiteVolumeStructure = Claim(
        name: "finite-volume-structure",
        statement:
            "The finite-volume solver keeps densities non-negative, conserves mass and preserves the discrete "
            + "stationary Gaussian to round-off.",
        bounds: [
            "smallest density ≥ 0: backward Euler with Scharfetter–Gummel fluxes gives an M-matrix, so positivity is "
                + "exact in exact arithmetic; round-off can only make a zero value −ε-sized, and the mixture's "
                + "smallest value stays far above that (the check is exact).",
            "mass drift ≤ 1e-12: the flux form telescopes; round-off per step about 64² ε, over 50 steps of random "
                + "sign √50 · 4096 ε ≈ 3e-12 at worst aligned, typically 1e-14.",
            "stationary change ≤ 1e-13 relative: the Scharfetter–Gummel flux vanishes for the discrete Gaussian "
                + "e^(−x²/2) at cell centres, so each step returns it up to the linear solve's round-off "
                + "(200 cells × ε ≈ 4e-14 per step, the errors damped by the stable solve).",
        ],
        controls: [.driftRate(1.02), .diffusionScale(0.99)]
    ) { settings, record in
        let grid = Grid(dimension: 2, points: 64, halfWidth: 6, boundary: .reflecting)
        record.parameter("points_2d", 64)
        record.parameter("time_step", 0.04)
        record.parameter("stationary_points", 200)
        record.parameter("stationary_time_step", 0.05)
        let initial = planarMixture.field(on: grid)
        let solver = settings.subjects.stepper(
            try FiniteVolumeFokkerPlanckSolver(
                process: settings.subjects.gridProcess(ornsteinUhlenbeck),
                initialDensity: initial, method: .backwardEuler))
        var smallest = Double.infinity
        var drift = 0.0
        var steps = DataTable(
            "steps", title: "The 2-D mixture under backward Euler, one step a row.",
            columns: [
                .init("step", "step number", tolerance: .exact), .init("time", "t"),
                .init("minimum_density", "smallest cell value", tolerance: .within(relative: 1e-6, absolute: 1e-15)),
                .init("mass_drift", "|∫ρ_t − ∫ρ_0|", tolerance: .within(relative: 0, absolute: 1e-13)),
            ])
        for step in 1...50 {
            solver.step(by: 0.04)
            let density = solver.currentDensity()
            smallest = min(smallest, density.minimum)
            drift = max(drift, abs(density.integral - initial.integral))
            steps.append(step, 0.04 * Double(step), density.minimum, abs(density.integral - initial.integral))
        }
        let gaussian = GaussianMixture.standardNormal(dimension: 1).field(
            on: Grid(dimension: 1, points: 200, halfWidth: 7, boundary: .reflecting))
        let stationary = settings.subjects.stepper(
            try FiniteVolumeFokkerPlanckSolver(
                process: settings.subjects.gridProcess(ornsteinUhlenbeck),
                initialDensity: gaussian))
        for _ in 0..<100 { stationary.step(by: 0.05) }
        record.tables.append(steps)
        record.summary =
            "A 2-D mixture runs 50 backward-Euler steps on a 64² grid with no-flux walls (minimum and mass recorded "
            + "each step); a discrete Gaussian runs 100 steps and is compared with itself."
        return [
            .atLeast("smallest density over 50 steps", smallest, 0, settings: settings),
            .atMost("mass drift over 50 steps", drift, 1e-12, settings: settings),
            .atMost(
                "stationary Gaussian, relative change after 100 steps",
                stationary.currentDensity().distanceLInfinity(to: gaussian) / gaussian.maximum, 1e-13,
                settings: settings),
        ]
    }
}

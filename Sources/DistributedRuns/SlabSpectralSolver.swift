#if MPI
    import CMessagePassing
    import DiffusionModels
    import Foundation
    import GridFields
    import SpectralTransforms

    /// The spectral Fokker–Planck solver of a linear SDE (drift f(t) x, diffusion g(t)) on a periodic 2-D or 3-D box,
    /// with the grid and its spectrum split into slabs of planes along the first axis over the ranks of
    /// MPI_COMM_WORLD (FFTW's MPI interface: `fftw_mpi_plan_dft_r2c_3d` and `…c2r_3d`, in place, output not
    /// transposed). A 2-D grid n0 × n1 runs as the 3-D grid n0 × 1 × n1: a length-1 axis has the one wavenumber 0
    /// and the one coordinate 0, so its flux vanishes and the transforms are the 2-D ones.
    ///
    /// The method is the serial `SpectralFokkerPlanckSolver`'s IF-RK4 (THEORY §2): the state is the unnormalized
    /// transform u = rho^, diffusion exact through E(s, t) = exp(−|k|² / 2 ∫_s^t g²), the drift pseudo-spectral,
    /// N(u, t) = −i Σ_a k_a (f(t) x_a rho)^ (derivative wavenumbers with the Nyquist mode zeroed, k = π j / L), and
    /// classical RK4 on v = E(t_0, t)^(−1) u (Lawson's form). With E1 = E(t, t + h/2), E2 = E(t + h/2, t + h):
    ///
    ///     k1 = N(u, t)                 u2 = E1 (u + h/2 k1)
    ///     k2 = N(u2, t + h/2)          u3 = E1 u + h/2 k2
    ///     k3 = N(u3, t + h/2)          u4 = E2 E1 u + h E2 k3
    ///     k4 = N(u4, t + h)            u ← E2 E1 (u + h/6 k1) + h/3 E2 (k2 + k3) + h/6 k4.
    ///
    /// E is separable, E = e_0(k_0) e_1(k_1) e_2(k_2), three short tables a step. The results equal the serial
    /// solver's to round-off (the transforms' algorithms differ: a transpose between ranks here), not bit for bit.
    ///
    /// Cost per step on each rank: 4 (1 complex-to-real + 3 real-to-complex) transforms of its slabs, with two
    /// all-to-all transposes each, and O(N / R) pointwise work. Memory on each rank: seven arrays of 2 n_0 n_1
    /// (n_2/2 + 1) / R doubles (state, accumulator, stage, the density and three fluxes): 56 bytes a cell / R.
    public final class SlabSpectralSolver {
        public let grid: Grid
        /// The grid's shape as three axes (n0, 1, n1 for a 2-D grid).
        public let shape: [Int]
        public let model: LinearSDE
        public private(set) var time: Double
        /// This rank's planes along axis 0: first index and count.
        public let firstPlane: Int
        public let planeCount: Int
        let spectrumColumns: Int
        /// Complex elements of this rank's slab (FFTW's local size, at least the slab's own).
        let complexCount: Int
        let state: UnsafeMutablePointer<Double>
        let accumulator: UnsafeMutablePointer<Double>
        let stage: UnsafeMutablePointer<Double>
        let density: UnsafeMutablePointer<Double>
        let fluxes: [UnsafeMutablePointer<Double>]
        let backwardPlan: UnsafeMutableRawPointer
        let forwardPlans: [UnsafeMutableRawPointer]
        /// Derivative wavenumbers (Nyquist zero) and squared wavenumbers along each axis; axis 0 for local planes.
        let derivativeWavenumbers: [[Double]]
        let squaredWavenumbers: [[Double]]
        let coordinates: [[Double]]

        /// Bytes one rank allocates for a grid of `shape` on `ranks` ranks (the seven arrays).
        public static func bytesPerRank(shape: [Int], ranks: Int) -> Double {
            let axes = threeAxes(shape)
            let planes = Double((axes[0] + ranks - 1) / ranks)
            return 7 * 8 * 2 * planes * Double(axes[1]) * Double(axes[2] / 2 + 1)
        }

        /// A 3-D shape as it is; a 2-D one with a middle axis of length 1.
        static func threeAxes(_ shape: [Int]) -> [Int] { shape.count == 3 ? shape : [shape[0], 1, shape[1]] }

        /// `initialDensity(planes)`: the density at the cell centres of the given planes along x (this rank's),
        /// row-major, n1 n2 values a plane.
        public init(
            grid: Grid, model: LinearSDE, startTime: Double = 0, initialDensity: (Range<Int>) -> [Double]
        ) {
            precondition(
                (2...3).contains(grid.dimension) && grid.boundary == .periodic,
                "SlabSpectralSolver: a periodic 2-D or 3-D grid")
            self.grid = grid
            let shape = Self.threeAxes(grid.shape)
            self.shape = shape
            self.model = model
            time = startTime
            let (n0, n1, n2) = (shape[0], shape[1], shape[2])
            var localPlanes = 0
            var localStart = 0
            let allocated = Int(message_passing_fftw_local_size_3d(n0, n1, n2, &localPlanes, &localStart))
            (firstPlane, planeCount) = (localStart, localPlanes)
            spectrumColumns = n2 / 2 + 1
            let complexCount = max(allocated, localPlanes * n1 * (n2 / 2 + 1), 1)
            self.complexCount = complexCount
            func buffer() -> UnsafeMutablePointer<Double> {
                let raw = UnsafeMutableRawPointer.allocate(byteCount: 16 * complexCount, alignment: 64)
                return raw.initializeMemory(as: Double.self, repeating: 0, count: 2 * complexCount)
            }
            state = buffer()
            accumulator = buffer()
            stage = buffer()
            let density = buffer()
            self.density = density
            let fluxes = (0..<3).map { _ in buffer() }
            self.fluxes = fluxes
            backwardPlan = message_passing_fftw_plan_c2r_3d(n0, n1, n2, density)!
            forwardPlans = fluxes.map { message_passing_fftw_plan_r2c_3d(n0, n1, n2, $0)! }
            let layout = SpectrumLayout(shape: shape, halfWidth: grid.halfWidth)
            let counts = [n0, n1, spectrumColumns]
            let localRange = localStart..<(localStart + localPlanes)
            derivativeWavenumbers = (0..<3).map { axis in
                let all = layout.wavenumbers(axis: axis, count: counts[axis], nyquistZero: true)
                return axis == 0 ? Array(all[localRange]) : all
            }
            squaredWavenumbers = (0..<3).map { axis in
                let all = layout.wavenumbers(axis: axis, count: counts[axis], nyquistZero: false).map { $0 * $0 }
                return axis == 0 ? Array(all[localRange]) : all
            }
            coordinates = (0..<3).map { axis in
                let all = Grid(shape: shape, halfWidth: grid.halfWidth).coordinates(axis: axis)
                return axis == 0 ? Array(all[localRange]) : all
            }
            // The initial density on this rank's cells, then its transform.
            let rowLength = 2 * spectrumColumns
            let flux = fluxes[0]
            let values = initialDensity(localRange)
            for plane in 0..<planeCount {
                for row in 0..<n1 {
                    for column in 0..<n2 {
                        flux[(plane * n1 + row) * rowLength + column] = values[(plane * n1 + row) * n2 + column]
                    }
                }
            }
            message_passing_fftw_execute(forwardPlans[0])
            state.update(from: flux, count: 2 * complexCount)
        }

        deinit {
            message_passing_fftw_destroy(backwardPlan)
            for plan in forwardPlans { message_passing_fftw_destroy(plan) }
            for buffer in [state, accumulator, stage, density] + fluxes { buffer.deallocate() }
        }

        /// E = exp(−|k|² G / 2) per axis, as three tables.
        private func diffusionTables(_ integral: Double) -> [[Double]] {
            squaredWavenumbers.map { axis in axis.map { exp(-0.5 * integral * $0) } }
        }

        /// fluxes[a] <- (f(t) x_a rho / N)^ for rho the inverse transform of `spectrum`.
        private func evaluateDrift(_ spectrum: UnsafeMutablePointer<Double>, time: Double) {
            density.update(from: spectrum, count: 2 * complexCount)
            message_passing_fftw_execute(backwardPlan)
            let scale = model.driftRate(at: time) / Double(grid.count)
            let (n1, n2) = (shape[1], shape[2])
            let rowLength = 2 * spectrumColumns
            for plane in 0..<planeCount {
                let first = scale * coordinates[0][plane]
                for row in 0..<n1 {
                    let second = scale * coordinates[1][row]
                    let base = (plane * n1 + row) * rowLength
                    for column in 0..<n2 {
                        let value = density[base + column]
                        fluxes[0][base + column] = first * value
                        fluxes[1][base + column] = second * value
                        fluxes[2][base + column] = scale * coordinates[2][column] * value
                    }
                }
            }
            for plan in forwardPlans { message_passing_fftw_execute(plan) }
        }

        /// Visits every coefficient of this rank's spectrum: (index of its real part, E1, E2, the stage derivative
        /// k = −i Σ_a k_a F_a as (real, imaginary)).
        @inline(__always)
        private func forEachCoefficient(
            first: [[Double]], second: [[Double]],
            _ body: (Int, Double, Double, Double, Double) -> Void
        ) {
            let n1 = shape[1]
            let (flux0, flux1, flux2) = (fluxes[0], fluxes[1], fluxes[2])
            for plane in 0..<planeCount {
                let (k0, a0, b0) = (derivativeWavenumbers[0][plane], first[0][plane], second[0][plane])
                for row in 0..<n1 {
                    let (k1, a1, b1) = (derivativeWavenumbers[1][row], a0 * first[1][row], b0 * second[1][row])
                    let base = 2 * (plane * n1 + row) * spectrumColumns
                    for column in 0..<spectrumColumns {
                        let real = base + 2 * column
                        let k2 = derivativeWavenumbers[2][column]
                        let rateReal = k0 * flux0[real + 1] + k1 * flux1[real + 1] + k2 * flux2[real + 1]
                        let rateImaginary = -k0 * flux0[real] - k1 * flux1[real] - k2 * flux2[real]
                        body(real, a1 * first[2][column], b1 * second[2][column], rateReal, rateImaginary)
                    }
                }
            }
        }

        /// One IF-RK4 step of length h.
        public func step(by timeStep: Double) {
            let half = time + timeStep / 2
            let first = diffusionTables(model.integratedSquaredDiffusion(from: time, to: half))
            let second = diffusionTables(model.integratedSquaredDiffusion(from: half, to: time + timeStep))
            let (u, sum, stage) = (state, accumulator, self.stage)
            evaluateDrift(u, time: time)
            forEachCoefficient(first: first, second: second) { real, e1, e2, rateReal, rateImaginary in
                let factor = e1 * e2
                sum[real] = factor * (u[real] + timeStep / 6 * rateReal)
                sum[real + 1] = factor * (u[real + 1] + timeStep / 6 * rateImaginary)
                stage[real] = e1 * (u[real] + timeStep / 2 * rateReal)
                stage[real + 1] = e1 * (u[real + 1] + timeStep / 2 * rateImaginary)
            }
            evaluateDrift(stage, time: half)
            forEachCoefficient(first: first, second: second) { real, e1, e2, rateReal, rateImaginary in
                sum[real] += timeStep / 3 * e2 * rateReal
                sum[real + 1] += timeStep / 3 * e2 * rateImaginary
                stage[real] = e1 * u[real] + timeStep / 2 * rateReal
                stage[real + 1] = e1 * u[real + 1] + timeStep / 2 * rateImaginary
            }
            evaluateDrift(stage, time: half)
            forEachCoefficient(first: first, second: second) { real, e1, e2, rateReal, rateImaginary in
                sum[real] += timeStep / 3 * e2 * rateReal
                sum[real + 1] += timeStep / 3 * e2 * rateImaginary
                stage[real] = e1 * e2 * u[real] + timeStep * e2 * rateReal
                stage[real + 1] = e1 * e2 * u[real + 1] + timeStep * e2 * rateImaginary
            }
            evaluateDrift(stage, time: time + timeStep)
            forEachCoefficient(first: first, second: second) { real, _, _, rateReal, rateImaginary in
                u[real] = sum[real] + timeStep / 6 * rateReal
                u[real + 1] = sum[real + 1] + timeStep / 6 * rateImaginary
            }
            time += timeStep
        }

        /// This rank's planes of the density, n_1 n_2 values a plane (row-major, unpadded; n_1 = 1 in 2-D).
        public func localDensity() -> [Double] {
            density.update(from: state, count: 2 * complexCount)
            message_passing_fftw_execute(backwardPlan)
            let (n1, n2) = (shape[1], shape[2])
            let scale = 1 / Double(grid.count)
            var values = [Double](repeating: 0, count: planeCount * n1 * n2)
            for plane in 0..<planeCount {
                for row in 0..<n1 {
                    let base = (plane * n1 + row) * 2 * spectrumColumns
                    for column in 0..<n2 { values[(plane * n1 + row) * n2 + column] = scale * density[base + column] }
                }
            }
            return values
        }
    }
#endif

#if MPI
    import CMessagePassing
    import DataFiles
    import DiffusionModels
    import Foundation
    import GridFields
    import MessagePassing

    /// `mpirun -n R fplab forward --dimension 2|3`: a Gaussian mixture evolved by `SlabSpectralSolver` on R ranks,
    /// measured at snapshot times against the exact evolved mixture on each rank's own cells, the measurements
    /// combined over the ranks (sums in an order MPI chooses, so equal to the one-rank values to round-off; the
    /// largest error and the smallest density exactly).
    public struct SlabForwardRun {
        public let grid: Grid
        public let model: LinearSDE
        public let mixture: GaussianMixture
        public let endTime: Double
        public let steps: Int
        /// Times of the snapshots after t = 0 (the last is `endTime`); `steps` is the nominal count over [0, T].
        public let snapshotTimes: [Double]
        public let communicator: WorldCommunicator
        /// Threads of each rank for the densities on its cells (the transforms run on one thread a rank).
        public let threads: Int

        public init(
            grid: Grid, model: LinearSDE, mixture: GaussianMixture, endTime: Double, steps: Int,
            snapshotTimes: [Double], communicator: WorldCommunicator, threads: Int = 1
        ) {
            (self.grid, self.model, self.mixture, self.endTime, self.steps) = (grid, model, mixture, endTime, steps)
            (self.snapshotTimes, self.communicator, self.threads) = (snapshotTimes, communicator, threads)
        }

        /// One snapshot: ||rho - exact||_1, max |rho - exact|, the mass and the smallest density.
        public struct Row: Sendable {
            public var time: Double
            public var l1Error: Double
            public var lInfinityError: Double
            public var mass: Double
            public var minimumDensity: Double
            public var isFinite: Bool
        }

        public struct Result {
            public var rows: [Row]
            /// The solver, its slab and the final density on this rank.
            public var solver: SlabSpectralSolver
            public var localDensity: [Double]
            /// Largest and mean seconds over the ranks, of the steps alone.
            public var largestStepSeconds: Double
            public var meanStepSeconds: Double
        }

        /// Solves to `endTime` as the serial run loop does: each interval between snapshot times cut into
        /// ceil(length / h) equal steps, h = T / `steps` (`DensityRun.stepBoundaries`), a snapshot at each target.
        public func run(progress: ((Double) -> Void)? = nil) -> Result {
            let (grid, mixture, threads) = (grid, mixture, threads)
            let solverMiddle = grid.dimension == 3 ? grid.shape[1] : 1
            let solver = SlabSpectralSolver(grid: grid, model: model) { planes in
                mixture.values(
                    on: grid, rows: (planes.lowerBound * solverMiddle)..<(planes.upperBound * solverMiddle),
                    threads: threads)
            }
            var rows = [measure(solver.localDensity(), solver: solver, time: 0)]
            let nominalStep = endTime / Double(max(steps, 1))
            var stepSeconds = 0.0
            var localDensity: [Double] = []
            var segmentStart = 0.0
            for target in snapshotTimes {
                let length = target - segmentStart
                let count = max(1, Int((length / nominalStep - 1e-9).rounded(.up)))
                stepSeconds += timed {
                    for _ in 0..<count {
                        solver.step(by: length / Double(count))
                        progress?(solver.time / endTime)
                    }
                }
                localDensity = solver.localDensity()
                rows.append(measure(localDensity, solver: solver, time: target))
                segmentStart = target
            }
            var largest = [stepSeconds]
            var total = [stepSeconds]
            communicator.maximum(&largest)
            communicator.sum(&total)
            return Result(
                rows: rows, solver: solver, localDensity: localDensity, largestStepSeconds: largest[0],
                meanStepSeconds: total[0] / Double(communicator.size))
        }

        /// The snapshot's measurements over all ranks.
        private func measure(_ density: [Double], solver: SlabSpectralSolver, time: Double) -> Row {
            let n1 = solver.shape[1]
            let exact = mixture.evolved(under: model, to: time).values(
                on: grid, rows: (solver.firstPlane * n1)..<((solver.firstPlane + solver.planeCount) * n1),
                threads: threads)
            var sums = [0.0, 0.0] // sum |rho - exact|, sum rho
            var largest = [0.0, 0.0, 0.0] // max |rho - exact|, max(-rho), non-finite flag
            for (value, exactValue) in zip(density, exact) {
                if !value.isFinite { largest[2] = 1 }
                let error = abs(value - exactValue)
                sums[0] += error
                sums[1] += value
                largest[0] = max(largest[0], error)
                largest[1] = max(largest[1], -value)
            }
            communicator.sum(&sums)
            communicator.maximum(&largest)
            let volume = grid.cellVolume
            return Row(
                time: time, l1Error: sums[0] * volume, lInfinityError: largest[0], mass: sums[1] * volume,
                minimumDensity: -largest[1], isFinite: largest[2] == 0)
        }

        /// Writes the final density as one `.npy` file of the grid's shape at `path`: rank 0 its header, every
        /// rank its planes at their offset (MPI-IO, collective). The whole field is never gathered on one rank.
        public static func writeDensity(_ result: Result, grid: Grid, path: String) -> Bool {
            let header = NumpyArray.header(shape: grid.shape)
            let planeBytes = grid.shape.dropFirst().reduce(1, *) * 8
            var bytes = Data()
            if result.solver.firstPlane == 0 { bytes.append(header) }
            result.localDensity.withUnsafeBytes { bytes.append(contentsOf: $0) }
            let offset = result.solver.firstPlane == 0 ? 0 : header.count + result.solver.firstPlane * planeBytes
            let status = bytes.withUnsafeBytes { raw in
                message_passing_write_at(path, Int64(offset), raw.baseAddress!, Int64(raw.count))
            }
            var failed = [status == 0 ? 0.0 : 1.0]
            WorldCommunicator.world.maximum(&failed)
            return failed[0] == 0
        }
    }
#endif

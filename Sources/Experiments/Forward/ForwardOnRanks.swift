#if MPI
    import DataFiles
    import DensitySolvers
    import DistributedRuns
    import Foundation
    import GridFields
    import MessagePassing
    import Reporting

    /// `mpirun -n R fplab forward --dimension 2|3`: the experiment on the slab-decomposed spectral solver
    /// (`SlabForwardRun`), the same snapshots, errors and mass as the one-rank run (to round-off), and the final
    /// density written by every rank into one `density.npy` (never gathered on one rank).
    extension ForwardExperiment {
        /// Why the experiment cannot run on several ranks, or nil.
        public var refusalOnRanks: String? {
            if grid.dimension == 1 {
                return "on several ranks fplab forward runs 2-D and 3-D grids (--dimension 2 or 3)"
            }
            if grid.boundary != .periodic || method != .integratingFactorRK4 {
                return "on several ranks fplab forward runs the spectral solver's if-rk4 (--solver spectral)"
            }
            return nil
        }

        public func runOnRanks(_ world: WorldCommunicator, progress: ((Double) -> Void)? = nil)
            -> (report: CommandReport, result: SlabForwardRun.Result)
        {
            let clock = ContinuousClock.now
            let run = SlabForwardRun(
                grid: grid, model: process, mixture: mixture, endTime: endTime, steps: stepCount,
                snapshotTimes: intermediateSnapshotTimes + [endTime], communicator: world,
                threads: settings.threads)
            let result = run.run(progress: progress)
            var table = DataTable(columns: ForwardOutcome.snapshotColumns)
            for row in result.rows {
                table.append(
                    row.isFinite
                        ? [
                            .number(row.time), .number(row.l1Error), .number(row.lInfinityError), .number(row.mass),
                            .number(row.minimumDensity),
                        ] : [.number(row.time), .text("non-finite"), .missing, .missing, .missing])
            }
            let bytes = SlabSpectralSolver.bytesPerRank(shape: grid.shape, ranks: world.size)
            let wall = secondsElapsed(since: clock)
            let completed = result.rows.allSatisfy(\.isFinite)
            let json: JSONValue = .object([
                "command": "forward", "version": .string(fokkerPlanckLabVersion),
                "mixture": .string(mixtureSpecification), "ranks": .integer(world.size),
                "requested_steps": .integer(stepCount), "final_time": .number(endTime),
                "status": .string(completed ? "completed" : "non-finite"),
                "bytes_per_rank": .number(bytes), "step_seconds_largest": .number(result.largestStepSeconds),
                "step_seconds_mean": .number(result.meanStepSeconds), "wall_seconds": .number(wall),
                "snapshots": table.jsonValue(),
            ])
            let report = CommandReport(
                summary: [
                    "forward: model \(process.summary), solver spectral if-rk4 on \(world.size) ranks (slabs of "
                        + "planes along x, FFTW-MPI), grid \(grid.summary) (periodic), T = \(endTime.shortText), "
                        + "status \(completed ? "completed" : "non-finite")",
                    "initial density: \(mixtureSpecification)",
                ],
                table: table,
                closing: [
                    String(
                        format: "steps %.3g s (largest rank; mean %.3g s), wall %.3g s; %.3g MB a rank "
                            + "(56 bytes a cell / ranks)", result.largestStepSeconds, result.meanStepSeconds, wall,
                        bytes / 1e6)
                ],
                json: json,
                files: [OutputFile(name: "snapshots.csv", contents: table.rendered(as: .csv))])
            return (report, result)
        }
    }
#endif

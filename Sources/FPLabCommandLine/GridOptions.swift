import ArgumentParser
import FokkerPlanckLab
import Foundation

/// `--dimension`, `--points` and `--half-width`: the box [-L, L]^d and its cells. Defaults depend on the
/// dimension (256 cells on [-10, 10] in 1-D, 128 x 128 on [-8, 8]^2 in 2-D, 32^3 on [-6, 6]^3 in 3-D; 3-D is
/// `fplab forward`'s and `fplab crosscheck`'s: the other commands call `requirePlanar`).
public struct GridOptions: ParsableArguments {
    public static let dimensionRange = 1...3
    public static let halfWidthLimit = 1e6
    /// The smallest L: the largest wavenumber pi n / (2 L) and the stable step counts stay finite (a subnormal L
    /// such as 1e-320 overflows them to infinity), and a cell 2 L / n is still far above the spacing of doubles.
    public static let halfWidthMinimum = 1e-6
    /// Memory a run needs per cell: 8 bytes times about 32 arrays (the state, four Runge–Kutta stages and the
    /// fluxes in spectral space, the drift field per axis, the initial, exact, stationary and current densities,
    /// the cell coordinates, FFTW's plans); measured: 254 bytes a cell of peak resident memory beyond the
    /// executable's own for a 1024 x 1024 spectral run (`forward --dimension 2 --points 1024 --steps 2`).
    public static let bytesPerCell = 8.0 * 32
    /// The same for one rank of `mpirun -n R fplab forward --dimension 3`, a cell of its slab: the solver's seven
    /// arrays (56 bytes), the initial and exact densities of the slab and the final one (24 bytes), rounded up;
    /// measured: 618 MiB peak a rank for 256^3 on two ranks, 77 bytes a cell of the slab.
    public static let bytesPerCellOnRanks = 96.0

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Space dimension, 1, 2 or 3 (3: forward and crosscheck).", valueName: "d"))
    public var dimension: Int = 1

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Cells per axis (at least 2, at most what fits in the available memory at about 256 bytes a cell; "
                + "default: 256 in 1-D, 128 in 2-D, 32 in 3-D).",
            valueName: "n"
        )
    )
    public var points: Int?

    @Option(
        name: .customLong("half-width"),
        parsing: .unconditional,
        help: ArgumentHelp(
            "The box is [-L, L]^d (1e-06 to 1e+06; default: 10 in 1-D, 8 in 2-D, 6 in 3-D).", valueName: "L")
    )
    public var halfWidth: Double?

    public init() {}

    public func validate() throws {
        try OptionCheck.require(
            Self.dimensionRange.contains(dimension),
            "--dimension must be 1, 2 or 3; got \(dimension)."
        )
        try OptionCheck.require(resolvedPoints >= 2, "--points must be at least 2; got \(resolvedPoints).")
        try OptionCheck.finite(
            resolvedHalfWidth, option: "--half-width",
            mustBe: "greater than 0, from \(Self.halfWidthMinimum.shortText) to \(Self.halfWidthLimit.shortText)"
        ) { $0 >= Self.halfWidthMinimum && $0 <= Self.halfWidthLimit }
        let world = WorldCommunicator.world
        try checkMemory(
            available: AvailableMemory.bytes, ranks: world.size, ranksOnThisNode: world.ranksOnThisNode)
    }

    public var resolvedPoints: Int { points ?? [256, 128, 32][min(max(dimension, 1), 3) - 1] }
    public var resolvedHalfWidth: Double { halfWidth ?? [10, 8, 6][min(max(dimension, 1), 3) - 1] }

    /// Refuses --dimension 3 for `command`, which works in 1-D and 2-D.
    public func requirePlanar(_ command: String) throws {
        try OptionCheck.require(
            dimension <= 2,
            "--dimension 3 is for fplab forward and crosscheck; \(command) works in 1-D and 2-D (--dimension 1 or 2).")
    }

    /// The grid, `resolvedPoints` cells on each axis of [-L, L]^d.
    public func grid(boundary: Boundary) -> Grid {
        Grid(dimension: dimension, points: resolvedPoints, halfWidth: resolvedHalfWidth, boundary: boundary)
    }

    /// Refuses a grid whose estimated footprint, `bytesPerCell` x points^d, exceeds `available` bytes (the memory
    /// this process can still use, `AvailableMemory.bytes`, not the machine's total).
    /// On several ranks the ranks of this node share `available`: each needs `bytesPerCellOnRanks` a cell of its slab.
    func checkMemory(available: Double, ranks: Int = 1, ranksOnThisNode: Int = 1) throws {
        let cells = pow(Double(resolvedPoints), Double(dimension))
        let perCell =
            ranks > 1 ? Self.bytesPerCellOnRanks * Double(ranksOnThisNode) / Double(ranks) : Self.bytesPerCell
        let needed = perCell * cells
        guard needed > available else { return }
        let largest = Int(pow(available / perCell, 1 / Double(dimension)).rounded(.down))
        let whose = ranks > 1 ? " (\(ranksOnThisNode) of \(ranks) ranks on this node)" : ""
        throw ValidationError(
            "--points \(resolvedPoints) in \(dimension)-D needs about \(Self.gigabytes(needed)) of memory\(whose), "
                + "more than the \(Self.gigabytes(available)) available; --points must be at most \(largest) in "
                + "\(dimension)-D here."
        )
    }

    private static func gigabytes(_ bytes: Double) -> String {
        String(format: "%.3g GB", bytes / 1e9)
    }
}

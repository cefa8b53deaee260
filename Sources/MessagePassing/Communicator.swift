import Foundation

#if MPI
    import CMessagePassing
#endif

/// The ranks of a run, as the distributed computations see them: a rank number, a rank count and the collective
/// operations. Every collective operation must be called by every rank, in the same order; with one rank each is
/// the identity. Two kinds: `WorldCommunicator` (MPI_COMM_WORLD, or one rank without MPI) and
/// `InProcessCommunicator` (ranks as threads of one process, for tests of the distributed algorithms in the default
/// build).
///
/// The reductions are exact on purpose: the largest value and sums of integers do not depend on the order in which
/// the ranks are combined, so results built from them are the same bits for any rank count (`ExactSum` turns sums
/// of doubles into sums of integers).
public protocol Communicator: Sendable {
    var rank: Int { get }
    var size: Int { get }
    /// Element-wise largest value over the ranks, in place (exact).
    func maximum(_ values: inout [Double])
    /// Element-wise sum over the ranks of 64-bit integers, in place (exact while no sum overflows).
    func sum(_ values: inout [Int64])
    /// Element-wise sum of doubles over the ranks, in place, in an order the implementation chooses: for totals
    /// that are reported (seconds, bytes), never for results that must not depend on the rank count.
    func sum(_ values: inout [Double])
    /// Every rank's bytes on `root`, in rank order (nil on the other ranks).
    func gather(_ bytes: [UInt8], root: Int) -> [[UInt8]]?
    /// Rank `root`'s bytes on every rank.
    func broadcast(_ bytes: [UInt8], root: Int) -> [UInt8]
    /// Waits until every rank has arrived.
    func barrier()
}

extension Communicator {
    /// Rank 0: the one that prints and writes.
    public var isRoot: Bool { rank == 0 }

    /// This rank's contiguous share of `count` items (`RankShares.range`).
    public func share(of count: Int) -> Range<Int> { RankShares.range(of: count, rank: rank, size: size) }
}

/// How work is split over ranks: `range` gives contiguous ranges (the first `count % size` ranks one item more);
/// `longestFirst` gives independent tasks of known cost, longest first, each to the least-loaded rank (the LPT rule:
/// the largest load within 4/3 − 1/(3R) of the best split), ties to the lower index and the lower rank, so every
/// rank computes the same split. A task's result must not depend on the rank that runs it.
public enum RankShares {
    /// For each rank, the indices of `costs` it runs, ascending.
    public static func longestFirst(costs: [Double], ranks: Int) -> [[Int]] {
        precondition(ranks >= 1, "RankShares.longestFirst: at least one rank")
        let order = costs.indices.sorted { costs[$0] != costs[$1] ? costs[$0] > costs[$1] : $0 < $1 }
        var loads = [Double](repeating: 0, count: ranks)
        var assigned = [[Int]](repeating: [], count: ranks)
        for index in order {
            let rank = loads.indices.min { loads[$0] != loads[$1] ? loads[$0] < loads[$1] : $0 < $1 }!
            loads[rank] += costs[index]
            assigned[rank].append(index)
        }
        return assigned.map { $0.sorted() }
    }

    public static func range(of count: Int, rank: Int, size: Int) -> Range<Int> {
        let base = count / size
        let extra = count % size
        let start = rank * base + min(rank, extra)
        return start..<(start + base + (rank < extra ? 1 : 0))
    }
}

/// The ranks of one run: MPI_COMM_WORLD when fplab was built with the MPI trait and started by an MPI launcher
/// (`mpirun -n R fplab …`, `srun fplab …`), otherwise one rank alone. Collective operations are called from the
/// main thread only (MPI's funneled level).
public final class WorldCommunicator: Communicator {
    public let rank: Int
    public let size: Int
    /// Whether the ranks talk through MPI (false: one rank, no MPI).
    public let usesMessagePassing: Bool

    /// The run's communicator, set up on first use (MPI_Init_thread when started by a launcher; finalized at exit).
    public static let world: WorldCommunicator = {
        #if MPI
            if message_passing_initialize() == 1 {
                return WorldCommunicator(
                    rank: Int(message_passing_rank()), size: Int(message_passing_size()), usesMessagePassing: true)
            }
        #endif
        return WorldCommunicator(rank: 0, size: 1, usesMessagePassing: false)
    }()

    /// Whether this build can run on several ranks (built with `--traits MPI`).
    public static var isAvailable: Bool {
        #if MPI
            return true
        #else
            return false
        #endif
    }

    /// The ranks sharing this node, from the launcher's environment (Open MPI's OMPI_COMM_WORLD_LOCAL_SIZE, Slurm's
    /// SLURM_NTASKS_PER_NODE, MPICH's MPI_LOCALNRANKS); 1 without MPI or when none is set.
    public var ranksOnThisNode: Int {
        guard usesMessagePassing else { return 1 }
        let environment = ProcessInfo.processInfo.environment
        for name in ["OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", "SLURM_NTASKS_PER_NODE"] {
            if let text = environment[name], let value = Int(text), value >= 1 { return value }
        }
        return 1
    }

    private init(rank: Int, size: Int, usesMessagePassing: Bool) {
        (self.rank, self.size, self.usesMessagePassing) = (rank, size, usesMessagePassing)
    }

    public func maximum(_ values: inout [Double]) {
        #if MPI
            reduce(&values, "maximum", message_passing_maximum)
        #endif
    }

    public func sum(_ values: inout [Int64]) {
        #if MPI
            reduce(&values, "sum of integers", message_passing_sum_integers)
        #endif
    }

    public func sum(_ values: inout [Double]) {
        #if MPI
            reduce(&values, "sum", message_passing_sum_doubles)
        #endif
    }

    #if MPI
        /// `values` reduced in place over the ranks by `operation` (one of the shim's all-reduce calls).
        private func reduce<Element>(
            _ values: inout [Element], _ name: String, _ operation: (UnsafeMutablePointer<Element>, Int) -> Int32
        ) {
            guard usesMessagePassing, !values.isEmpty else { return }
            let status = values.withUnsafeMutableBufferPointer { operation($0.baseAddress!, $0.count) }
            check(status, name)
        }
    #endif

    public func broadcast(_ bytes: [UInt8], root: Int) -> [UInt8] {
        guard usesMessagePassing else { return bytes }
        #if MPI
            var count = [Int64(bytes.count)]
            count.withUnsafeMutableBytes {
                check(message_passing_broadcast($0.baseAddress!, 8, Int32(root)), "broadcast")
            }
            var buffer = rank == root ? bytes : [UInt8](repeating: 0, count: Int(count[0]))
            if !buffer.isEmpty {
                let total = buffer.count
                buffer.withUnsafeMutableBytes {
                    check(message_passing_broadcast($0.baseAddress!, total, Int32(root)), "broadcast")
                }
            }
            return buffer
        #else
            return bytes
        #endif
    }

    public func gather(_ bytes: [UInt8], root: Int) -> [[UInt8]]? {
        guard usesMessagePassing else { return [bytes] }
        #if MPI
            var counts = [Int64](repeating: 0, count: rank == root ? size : 1)
            counts.withUnsafeMutableBufferPointer {
                check(message_passing_gather_counts(Int64(bytes.count), $0.baseAddress!, Int32(root)), "gather")
            }
            let total = rank == root ? Int(counts.reduce(0, +)) : 0
            var received = [UInt8](repeating: 0, count: max(total, 1))
            let status = bytes.withUnsafeBytes { sent in
                received.withUnsafeMutableBytes { into in
                    counts.withUnsafeBufferPointer { counts in
                        message_passing_gather_bytes(
                            sent.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, Int64(bytes.count),
                            into.baseAddress!, counts.baseAddress!, Int32(root))
                    }
                }
            }
            check(status, "gather")
            guard rank == root else { return nil }
            var pieces: [[UInt8]] = []
            var start = 0
            for count in counts {
                pieces.append(Array(received[start..<(start + Int(count))]))
                start += Int(count)
            }
            return pieces
        #else
            return [bytes]
        #endif
    }

    public func barrier() {
        guard usesMessagePassing else { return }
        #if MPI
            message_passing_barrier()
        #endif
    }

    /// Ends every rank's process with `code` (MPI_Abort): for a failure on one rank that the others cannot see.
    public func abort(code: Int32) -> Never {
        #if MPI
            if usesMessagePassing { message_passing_abort(code) }
        #endif
        exit(code)
    }

    #if MPI
        private func check(_ status: Int32, _ operation: String) {
            if status != 0 { fatalError("MPI \(operation) failed on rank \(rank) with code \(status)") }
        }
    #endif
}

import Foundation

/// R ranks as R threads of one process, meeting at every collective operation: the distributed algorithms run
/// unchanged, and the default build (no MPI) tests that their results do not depend on the rank count.
///
/// Each collective call deposits the rank's contribution; the last rank to arrive combines them in rank order
/// (max, integer sums, double sums left to right, concatenation for gather) and wakes the others, who all read the
/// combined value before the next operation may start. `run(ranks:_:)` starts the ranks and returns their results.
public final class InProcessCommunicator: Communicator, @unchecked Sendable {
    public let rank: Int
    public let size: Int
    private let meeting: Meeting

    private init(rank: Int, size: Int, meeting: Meeting) {
        (self.rank, self.size, self.meeting) = (rank, size, meeting)
    }

    /// Runs `body` on `ranks` threads, each with its communicator; the results in rank order.
    public static func run<Result: Sendable>(
        ranks: Int, _ body: @escaping @Sendable (InProcessCommunicator) -> Result
    ) -> [Result] {
        precondition(ranks >= 1, "InProcessCommunicator: at least one rank")
        let meeting = Meeting(size: ranks)
        let results = ResultSlots<Result>(count: ranks)
        let group = DispatchGroup()
        for rank in 0..<ranks {
            let communicator = InProcessCommunicator(rank: rank, size: ranks, meeting: meeting)
            let thread = Thread {
                results.set(rank, body(communicator))
                group.leave()
            }
            thread.stackSize = 8 << 20
            group.enter()
            thread.start()
        }
        group.wait()
        return results.values()
    }

    public func maximum(_ values: inout [Double]) { values = combined(values, by: max) }

    public func sum(_ values: inout [Int64]) {
        values =
            meeting.combine(rank: rank, .integers(values)) { parts in
                var combined = parts[0].integers
                for part in parts.dropFirst() {
                    for index in combined.indices { combined[index] &+= part.integers[index] }
                }
                return .integers(combined)
            }.integers
    }

    public func sum(_ values: inout [Double]) { values = combined(values, by: +) }

    /// The ranks' doubles combined element-wise by `operation`, in rank order.
    private func combined(_ values: [Double], by operation: @escaping (Double, Double) -> Double) -> [Double] {
        meeting.combine(rank: rank, .doubles(values)) { parts in
            var combined = parts[0].doubles
            for part in parts.dropFirst() {
                for index in combined.indices { combined[index] = operation(combined[index], part.doubles[index]) }
            }
            return .doubles(combined)
        }.doubles
    }

    public func gather(_ bytes: [UInt8], root: Int) -> [[UInt8]]? {
        let all = meeting.combine(rank: rank, .pieces([bytes])) { parts in .pieces(parts.map { $0.pieces[0] }) }
        return rank == root ? all.pieces : nil
    }

    public func broadcast(_ bytes: [UInt8], root: Int) -> [UInt8] {
        meeting.combine(rank: rank, .pieces([bytes])) { parts in parts[root] }.pieces[0]
    }

    public func barrier() { _ = meeting.combine(rank: rank, .pieces([])) { $0[0] } }
}

/// One collective operation's contributions.
enum Contribution: Sendable {
    case doubles([Double])
    case integers([Int64])
    case pieces([[UInt8]])

    var doubles: [Double] { if case .doubles(let values) = self { return values } else { return [] } }
    var integers: [Int64] { if case .integers(let values) = self { return values } else { return [] } }
    var pieces: [[UInt8]] { if case .pieces(let values) = self { return values } else { return [] } }
}

/// The rendezvous of the in-process ranks: one operation at a time, numbered by generation.
final class Meeting: @unchecked Sendable {
    let size: Int
    private let condition = NSCondition()
    private var contributions: [Contribution?]
    private var arrived = 0
    private var generation = 0
    private var result: Contribution = .pieces([])
    private var readers = 0

    init(size: Int) {
        self.size = size
        contributions = [Contribution?](repeating: nil, count: size)
    }

    func combine(rank: Int, _ contribution: Contribution, _ combining: ([Contribution]) -> Contribution)
        -> Contribution
    {
        condition.lock()
        defer { condition.unlock() }
        // Wait while the previous operation's result is still being read.
        while readers > 0 { condition.wait() }
        contributions[rank] = contribution
        arrived += 1
        let myGeneration = generation
        if arrived == size {
            result = combining(contributions.map { $0! })
            contributions = [Contribution?](repeating: nil, count: size)
            arrived = 0
            readers = size
            generation += 1
            condition.broadcast()
        } else {
            while generation == myGeneration { condition.wait() }
        }
        let value = result
        readers -= 1
        if readers == 0 { condition.broadcast() }
        return value
    }
}

/// The ranks' results, written once each.
final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]

    init(count: Int) { slots = [Value?](repeating: nil, count: count) }

    func set(_ index: Int, _ value: Value) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    func values() -> [Value] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }
    }
}

import Dispatch

/// Deterministic parallel work over blocks of particles.
///
/// Particles are cut into blocks of `blockSize`; block b always covers the same particles and always draws from
/// random stream b, so the result is bit-identical whatever the thread count. Workers take blocks w, w + T,
/// w + 2T, ... (T threads).
public struct ParallelBlocks: Sendable {
    public let count: Int
    public let blockSize: Int
    public let threads: Int

    public init(count: Int, blockSize: Int = 4096, threads: Int = 1) {
        precondition(blockSize > 0, "ParallelBlocks: block size must be positive")
        self.count = count
        self.blockSize = blockSize
        self.threads = max(1, threads)
    }

    public var blockCount: Int { (count + blockSize - 1) / blockSize }

    /// The particle range of block `block`.
    public func range(of block: Int) -> Range<Int> {
        (block * blockSize)..<min(count, (block + 1) * blockSize)
    }

    /// Runs `body(block, range)` for every block, on `threads` workers.
    public func forEach(_ body: @Sendable (_ block: Int, _ range: Range<Int>) -> Void) {
        let blocks = blockCount
        if threads == 1 || blocks <= 1 {
            for block in 0..<blocks { body(block, range(of: block)) }
            return
        }
        let workers = min(threads, blocks)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var block = worker
            while block < blocks {
                body(block, range(of: block))
                block += workers
            }
        }
    }
}

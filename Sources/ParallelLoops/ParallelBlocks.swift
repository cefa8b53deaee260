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

    /// The number of workers `forEach` uses: `threads`, but no more than there are blocks.
    public var workerCount: Int { max(1, min(threads, blockCount)) }

    /// Runs `body(block, range)` for every block, on `threads` workers.
    public func forEach(_ body: @Sendable (_ block: Int, _ range: Range<Int>) -> Void) {
        forEachOnWorker { _, block, range in body(block, range) }
    }

    /// Runs `body(worker, block, range)` for every block: worker w (0 ..< `workerCount`) takes blocks w, w + T, …,
    /// so per-worker scratch indexed by `worker` is never shared.
    public func forEachOnWorker(_ body: @Sendable (_ worker: Int, _ block: Int, _ range: Range<Int>) -> Void) {
        let (blocks, workers) = (blockCount, workerCount)
        if workers == 1 {
            for block in 0..<blocks { body(0, block, range(of: block)) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var block = worker
            while block < blocks {
                body(worker, block, range(of: block))
                block += workers
            }
        }
    }
}

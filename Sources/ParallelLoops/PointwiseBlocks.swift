import Dispatch

/// A pointwise loop over a rows x columns array, cut into blocks that run in parallel when there are threads.
///
/// Every element is computed by the same operations whichever block it falls in, so results are bit-identical
/// for every thread count. Only element-wise work may go through this type: a reduction split into blocks would
/// change the order of its sum.
///
/// Blocks are whole rows when there are at least as many rows as blocks (2-D and 3-D grids), otherwise column
/// ranges over all rows (1-D grids: one row). With one thread, or fewer than `2 * minimumBlockSize` elements, the
/// loop is one block on the calling thread. Cost: one `concurrentPerform` (some microseconds) per parallel loop.
public struct PointwiseBlocks: Sendable {
    public struct Block: Sendable {
        public let rows: Range<Int>
        public let columns: Range<Int>
    }

    public let blocks: [Block]

    /// Up to four blocks per thread (so a worker slowed by another process leaves its share to the others),
    /// each at least `minimumBlockSize` elements.
    public init(rowCount: Int, columnCount: Int, threads: Int, minimumBlockSize: Int = 1 << 14) {
        let elementCount = rowCount * columnCount
        let blockCount = threads <= 1 ? 1 : min(4 * threads, max(1, elementCount / minimumBlockSize))
        if blockCount == 1 {
            blocks = [Block(rows: 0..<rowCount, columns: 0..<columnCount)]
        } else if rowCount >= blockCount {
            blocks = Self.split(rowCount, into: blockCount).map { Block(rows: $0, columns: 0..<columnCount) }
        } else {
            blocks = Self.split(columnCount, into: blockCount).map { Block(rows: 0..<rowCount, columns: $0) }
        }
    }

    /// 0..<count cut into `parts` contiguous ranges whose sizes differ by at most one.
    public static func split(_ count: Int, into parts: Int) -> [Range<Int>] {
        (0..<parts).map { part in (part * count / parts)..<((part + 1) * count / parts) }
    }

    /// Runs `body(rows, columns)` once per block, in parallel when there is more than one block.
    public func forEach(_ body: @Sendable (_ rows: Range<Int>, _ columns: Range<Int>) -> Void) {
        if blocks.count == 1 {
            body(blocks[0].rows, blocks[0].columns)
            return
        }
        DispatchQueue.concurrentPerform(iterations: blocks.count) { index in
            body(blocks[index].rows, blocks[index].columns)
        }
    }
}

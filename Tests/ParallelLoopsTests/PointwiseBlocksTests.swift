import ParallelLoops
import Testing

@Suite struct PointwiseBlocksTests {
    /// Every element of the rows x columns array lies in exactly one block, for one and several threads, with
    /// many rows (split by rows) and one row (split by columns).
    @Test(arguments: [(1024, 513), (1, 32769), (3, 40000), (7, 5), (0, 10)], [1, 2, 3, 8])
    func blocksCoverEveryElementOnce(shape: (rows: Int, columns: Int), threads: Int) {
        let blocks = PointwiseBlocks(rowCount: shape.rows, columnCount: shape.columns, threads: threads)
        var visits = [Int](repeating: 0, count: shape.rows * shape.columns)
        for block in blocks.blocks {
            for row in block.rows {
                for column in block.columns { visits[row * shape.columns + column] += 1 }
            }
        }
        #expect(visits.allSatisfy { $0 == 1 })
        #expect(blocks.blocks.count <= max(1, 4 * threads))
        if threads == 1 { #expect(blocks.blocks.count == 1) }
    }
}

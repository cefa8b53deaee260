import Testing

@testable import FPLabCommandLine

/// The grid's memory check on one rank and on several: the footprint a process needs is the whole grid's at
/// 256 bytes a cell alone, and a slab's at 96 bytes a cell on ranks, times the ranks that share the node.
@Suite struct GridOptionsMemoryTests {
    static func options(_ arguments: [String]) throws -> GridOptions { try GridOptions.parse(arguments) }

    @Test func ranksNeedTheirSlabsOnly() throws {
        let grid = try Self.options(["--dimension", "3", "--points", "256"])
        // One rank: 256 B × 256³ = 4.3 GB, over 2 GB.
        #expect(throws: (any Error).self) { try grid.checkMemory(available: 2e9) }
        // Two ranks on this node: 96 B × 256³ = 1.6 GB for both, within 2 GB.
        try grid.checkMemory(available: 2e9, ranks: 2, ranksOnThisNode: 2)
        // 1024³ on 64 ranks, 2 a node: 96 B × 1024³ × 2 / 64 = 3.2 GB a node, within 4 GB, not within 3 GB.
        var large = GridOptions() // not parsed: parsing checks against this machine's memory
        large.dimension = 3
        large.points = 1024
        try large.checkMemory(available: 4e9, ranks: 64, ranksOnThisNode: 2)
        #expect(throws: (any Error).self) { try large.checkMemory(available: 3e9, ranks: 64, ranksOnThisNode: 2) }
    }
}

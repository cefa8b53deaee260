import DataFiles
import Foundation
import RandomStreams
import Testing

@testable import Memorization

/// The two-nearest search by matrix products against a direct search written here (every distance Σ (q_j − r_j)²
/// in axis order, the two smallest kept, ties to the lower index).
@Suite struct DenseNeighbourSearchTests {
    static func direct(_ query: ArraySlice<Double>, _ reference: PointSet) -> DenseNeighbourSearch.Neighbours {
        let dimension = reference.dimension
        var best = (index: -1, squared: Double.infinity)
        var second = (index: -1, squared: Double.infinity)
        for index in 0..<reference.count {
            var squared = 0.0
            for (axis, value) in query.enumerated() {
                let difference = value - reference.points[index * dimension + axis]
                squared += difference * difference
            }
            if squared < best.squared {
                second = best
                best = (index, squared)
            } else if squared < second.squared {
                second = (index, squared)
            }
        }
        return .init(
            nearestIndex: best.index, nearestDistance: best.squared.squareRoot(), secondIndex: second.index,
            secondDistance: second.squared.squareRoot())
    }

    static func normals(_ count: Int, seed: UInt64, offset: Double = 0) -> [Double] {
        var generator = Xoshiro256StarStar(seed: seed)
        return (0..<count).map { _ in offset + Ziggurat.normal(using: &generator) }
    }

    /// d = 1, 5, 64, 300; 500 references and 77 queries (in blocks of 32 rows: two full ones and a partial one;
    /// and in one default block), a third of the queries exact copies of references and a third copies moved by
    /// 1e-9 (where |q|² + |r|² − 2 q·r cancels to round-off), all shifted by 100 so that the cancellation is severe:
    /// the results equal the direct search's bit for bit, on 1 and 2 threads. Without the direct recomputation of
    /// the candidates the copies' distances would come out as round-off of size 1e-6 (d = 1) to 3e-5 (d = 300)
    /// instead of 0 and 1e-9.
    @Test(arguments: [1, 5, 64, 300])
    func equalsTheDirectSearch(dimension: Int) {
        let reference = PointSet(points: Self.normals(500 * dimension, seed: 1, offset: 100), dimension: dimension)
        var queries = Self.normals(77 * dimension, seed: 2, offset: 100)
        for row in 0..<52 {
            let source = (row * 7) % 500
            for axis in 0..<dimension {
                queries[row * dimension + axis] =
                    reference.points[source * dimension + axis] + (row < 26 ? 0 : (axis == 0 ? 1e-9 : 0))
            }
        }
        let querySet = PointSet(points: queries, dimension: dimension)
        let search = DenseNeighbourSearch(reference: reference, blockRows: 32)
        let expected = (0..<querySet.count).map {
            Self.direct(queries[($0 * dimension)..<(($0 + 1) * dimension)], reference)
        }
        #expect(search.twoNearest(of: querySet, threads: 1) == expected)
        #expect(search.twoNearest(of: querySet, threads: 2) == expected)
        #expect(expected.prefix(26).allSatisfy { $0.nearestDistance == 0 })
        #expect(DenseNeighbourSearch(reference: reference).twoNearest(of: querySet, threads: 2) == expected)
    }

    /// One reference point: the second neighbour is absent.
    @Test func singleReferenceHasNoSecondNeighbour() {
        let search = DenseNeighbourSearch(reference: PointSet(points: [1, 2, 3], dimension: 3))
        let result = search.twoNearest(of: PointSet(points: [1, 2, 5], dimension: 3))
        #expect(result == [.init(nearestIndex: 0, nearestDistance: 2, secondIndex: -1, secondDistance: .infinity)])
    }
}

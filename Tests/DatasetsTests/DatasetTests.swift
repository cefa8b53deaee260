import DataFiles
import DiffusionModels
import Foundation
import ParticleSampling
import Testing

@testable import Datasets

@Suite struct DatasetTests {
    /// Two intervals: the left share is binomial(0.3), within 4 SE; all points in [-2, -1] or [1, 2].
    @Test func twoIntervalsHaveTheirWeightsAndSupport() {
        let count = 20_000
        let points = SyntheticDataset.twoIntervals.generate(count: count, seed: 2).points
        #expect(points.allSatisfy { (-2 ... -1).contains($0) || (1...2).contains($0) })
        let left = Double(points.filter { $0 < 0 }.count) / Double(count)
        #expect(abs(left - 0.3) < 4 * (0.3 * 0.7 / Double(count)).squareRoot())
    }

    @Test func moonsSquareAndMixtureHaveTheirLaws() {
        let moons = SyntheticDataset.twoMoons(noise: 0).generate(count: 1000, seed: 1)
        for index in 0..<moons.count {
            let (x, y) = (moons.points[2 * index], moons.points[2 * index + 1])
            let upper = abs(x * x + y * y - 1)
            let lower = abs((x - 1) * (x - 1) + (y - 0.5) * (y - 0.5) - 1)
            #expect(min(upper, lower) < 1e-12)
        }
        let square = SyntheticDataset.uniformSquare(halfWidth: 2).generate(count: 5000, seed: 1)
        #expect(square.points.allSatisfy { abs($0) <= 2 })
        // Uniform on [-2, 2]: variance 4/3 per axis; SE of the sample mean 0.016.
        let mean = square.points.reduce(0, +) / Double(square.points.count)
        #expect(abs(mean) < 4 * (4.0 / 3 / Double(square.points.count)).squareRoot())
        let mixture = SyntheticDataset.named("mixture")!
        let draws = mixture.generate(count: 4000, seed: 9)
        #expect(draws.dimension == 2 && draws.count == 4000)
        // Mean (0, 0.25); the x variance is 0.09 + 1 = 1.09, SE 0.0165.
        let meanX = stride(from: 0, to: draws.points.count, by: 2).reduce(0) { $0 + draws.points[$1] } / 4000
        #expect(abs(meanX) < 4 * (1.09 / 4000).squareRoot())
        #expect(SyntheticDataset.names.allSatisfy { SyntheticDataset.named($0)?.name == $0 })
        #expect(SyntheticDataset.named("spiral") == nil)
    }

    @Test func inlineListsParseAndRefuseBadRows() throws {
        #expect(try PointSet(listing: "0,2,2.5") == PointSet(points: [0, 2, 2.5], dimension: 1))
        #expect(try PointSet(listing: "0,0; 1,0.5;") == PointSet(points: [0, 0, 1, 0.5], dimension: 2))
        #expect(throws: PointFileError.self) { try PointSet(listing: "") }
        #expect(throws: PointFileError.self) { try PointSet(listing: "0,1;2") }
        #expect(throws: PointFileError.self) { try PointSet(listing: "0,nan") }
        #expect(throws: PointFileError.self) { try PointSet(listing: "0,x") }
    }

    /// File errors name the file and the row.
    @Test func loadingRefusesEmptyRaggedAndNonFiniteFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("datasets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func message(_ text: String, _ name: String) -> String {
            let path = directory.appendingPathComponent(name).path
            _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
            do {
                _ = try PointSet.dataset(contentsOf: path)
                return ""
            } catch { return "\(error)" }
        }
        #expect(message("x,y\n", "empty.csv").contains("empty.csv"))
        let ragged = message("1,2\n3,4\n5\n", "ragged.csv")
        #expect(ragged.contains("ragged.csv") && ragged.contains("line 3"))
        let notANumber = message("1,2\nnan,4\n", "nan.csv")
        #expect(notANumber.contains("nan.csv") && notANumber.contains("line 2"))
        #expect(message("1,2\n3,inf\n", "infinite.csv").contains("line 2"))
        let good = directory.appendingPathComponent("good.npy").path
        let points = PointSet(points: [1, 2, 3, 4, 5, 6], dimension: 3)
        _ = FileManager.default.createFile(atPath: good, contents: points.numpyData)
        #expect(try PointSet.dataset(contentsOf: good) == points)
    }
}

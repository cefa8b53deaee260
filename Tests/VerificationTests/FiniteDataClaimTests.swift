import DataFiles
import Datasets
import Foundation
import ParticleSampling
import Scores
import Testing

@testable import Verification

/// The oracles and statistics the finite-data claims write out, against the library's own finite-data score and
/// hand-computed values.
struct FiniteDataClaimTests {
    /// The Voronoi oracle's softmax equals `FiniteDatasetScore.weights` (THEORY §7) at a small and a large t.
    @Test(arguments: [1e-3, 0.5])
    func voronoiOracleMatchesTheLibrarysWeights(time: Double) {
        let training = SyntheticDataset.uniformSquare(halfWidth: 1).generate(count: 5, seed: 3)
        let start = [0.3, -0.2]
        let weights = FiniteDatasetScore(data: training.points, dimension: 2).weights(at: start, time: time)
        let nearest = (0..<5).min { first, second in
            let a =
                pow(exp(time) * start[0] - training.points[2 * first], 2)
                + pow(exp(time) * start[1] - training.points[2 * first + 1], 2)
            let b =
                pow(exp(time) * start[0] - training.points[2 * second], 2)
                + pow(exp(time) * start[1] - training.points[2 * second + 1], 2)
            return a < b
        }!
        let predicted = VerificationSuite.voronoiPrediction(training: training, starts: start, time: time)
        // Round-off of the log-sum-exp softmax: a few ulps of numbers of order 1.
        #expect(abs(predicted.voronoi.mean - weights[nearest]) <= 1e-12)
        #expect(
            abs(predicted.voronoi.standardError - (weights[nearest] * (1 - weights[nearest])).squareRoot()) <= 1e-12)
    }

    @Test func medianSpacingOfAKnownSet() {
        let points = PointSet(points: [0, 0, 1, 0, 3, 0, 7, 0], dimension: 2)
        // Nearest distances 1, 1, 2, 4: the median of four is (1 + 2) / 2.
        #expect(VerificationSuite.medianNearestNeighbourDistance(points) == 1.5)
    }

    @Test func pooledDifferenceScore() {
        #expect(VerificationSuite.pooledDifferenceScore(1, 1, count: 100) == 0)
        // p̄ = 0.5: SE = (2 · 0.25 / 100)^½ = 0.0707…
        #expect(
            abs(VerificationSuite.pooledDifferenceScore(0.55, 0.45, count: 100) - 0.1 / (0.5 / 100).squareRoot())
                <= 1e-12)
    }
}

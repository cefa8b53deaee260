import Foundation
import Testing

@testable import GridFields

@Suite struct GridTests {
    @Test func cellCentresAndSpacing() {
        let grid = Grid(dimension: 1, points: 4, halfWidth: 2)
        #expect(grid.spacing(axis: 0) == 1)
        #expect(grid.coordinates(axis: 0) == [-1.5, -0.5, 0.5, 1.5])
        #expect(grid.cellVolume == 1)
    }

    @Test func rowMajorLayoutWithTheLastAxisFastest() {
        let grid = Grid(shape: [2, 3], halfWidth: 3)
        #expect(grid.count == 6)
        #expect(grid.indexStride(axis: 0) == 3)
        #expect(grid.indexStride(axis: 1) == 1)
        #expect(grid.indices(of: 4) == [1, 1])
        #expect(grid.point(at: 4) == [1.5, 0])
        let points = grid.allPoints()
        for index in 0..<grid.count {
            #expect(Array(points[(2 * index)..<(2 * index + 2)]) == grid.point(at: index))
        }
    }

    @Test func threeDimensionalGrid() {
        let grid = Grid(dimension: 3, points: 4, halfWidth: 1)
        #expect(grid.count == 64)
        #expect(grid.cellVolume == 0.125)
        #expect(grid.indices(of: 63) == [3, 3, 3])
    }
}

@Suite struct FieldTests {
    /// The marginal over z of a product f(x) g(y) h(z) is f(x) g(y) times the midpoint sum of h, written out here
    /// (h = 1 + z² on [−2, 2]: 8 cells of width 0.5); the planar grid keeps the other axes' shape and half width.
    @Test func marginalOverTheLastAxisOfAProduct() {
        let grid = Grid(shape: [3, 4, 8], halfWidth: 2)
        let field = Field(grid: grid) { point in (1 + point[0]) * (2 - point[1]) * (1 + point[2] * point[2]) }
        let marginal = field.marginalOverLastAxis()
        #expect(marginal.grid.shape == [3, 4] && marginal.grid.halfWidth == 2)
        let depth = grid.coordinates(axis: 2).reduce(0) { $0 + 0.5 * (1 + $1 * $1) }
        for index in 0..<marginal.grid.count {
            let point = marginal.grid.point(at: index)
            let expected = (1 + point[0]) * (2 - point[1]) * depth
            #expect(abs(marginal.values[index] - expected) <= 1e-13 * abs(expected), "\(point)")
        }
    }

    /// A standard Gaussian on a fine grid: the midpoint rule is spectrally accurate for it.
    static let grid = Grid(dimension: 1, points: 400, halfWidth: 10)
    static func gaussian(mean: Double, variance: Double) -> Field {
        Field(grid: grid) { point in
            exp(-(point[0] - mean) * (point[0] - mean) / (2 * variance)) / (2 * Double.pi * variance).squareRoot()
        }
    }

    @Test func massMeanAndVarianceOfAGaussian() {
        let field = Self.gaussian(mean: 0.7, variance: 1.3)
        #expect(abs(field.integral - 1) < 1e-13)
        #expect(abs(field.mean[0] - 0.7) < 1e-12)
        #expect(abs(field.covariance[0] - 1.3) < 1e-12)
    }

    @Test func normsAndDistances() {
        let grid = Grid(dimension: 1, points: 4, halfWidth: 2)
        let first = Field(grid: grid, values: [1, -2, 3, 0])
        let second = Field(grid: grid, values: [0, 0, 0, 0])
        #expect(first.normL1 == 6)
        #expect(first.normL2 == (14.0).squareRoot())
        #expect(first.normLInfinity == 3)
        #expect(first.distanceL1(to: second) == 6)
        #expect(first.distanceLInfinity(to: second) == 3)
        #expect(first.minimum == -2)
        #expect(first.maximum == 3)
    }

    /// KL(N(a, 1) || N(0, 1)) = a^2 / 2; entropy of N(0, s^2) = (1 + log(2 pi s^2)) / 2.
    @Test func klDivergenceAndEntropyOfGaussians() {
        let shifted = Self.gaussian(mean: 1.5, variance: 1)
        let standard = Self.gaussian(mean: 0, variance: 1)
        #expect(abs(shifted.klDivergence(to: standard) - 1.125) < 1e-12)
        #expect(abs(standard.klDivergence(to: standard)) < 1e-15)
        // Variance 1.5 keeps the truncated tail (|x| > 10, 8 standard deviations) below 1e-14.
        let wide = Self.gaussian(mean: 0, variance: 1.5)
        #expect(abs(wide.entropy - 0.5 * (1 + log(2 * Double.pi * 1.5))) < 1e-12)
    }

    @Test func klFloorKeepsDisjointSupportsFinite() {
        let grid = Grid(dimension: 1, points: 2, halfWidth: 1)
        let left = Field(grid: grid, values: [1, 0])
        let right = Field(grid: grid, values: [0, 1])
        let divergence = left.klDivergence(to: right, floor: 1e-12)
        #expect(divergence.isFinite)
        #expect(abs(divergence - log(1e12)) < 1e-9)
    }

    @Test func twoDimensionalMoments() {
        let grid = Grid(dimension: 2, points: 128, halfWidth: 8)
        let field = Field(grid: grid) { point in
            // Standard deviations 0.5^(1/2) and 1: the box edge is at least 7.5 standard deviations away.
            let x = point[0] - 1
            let y = point[1] + 0.5
            return exp(-(x * x / 0.5 + y * y) / 2) / (2 * Double.pi * 0.5.squareRoot())
        }
        #expect(abs(field.integral - 1) < 1e-12)
        #expect(abs(field.mean[0] - 1) < 1e-12 && abs(field.mean[1] + 0.5) < 1e-12)
        let covariance = field.covariance
        #expect(abs(covariance[0] - 0.5) < 1e-11 && abs(covariance[3] - 1) < 1e-11 && abs(covariance[1]) < 1e-12)
    }
}

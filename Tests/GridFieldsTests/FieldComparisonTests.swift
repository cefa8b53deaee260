import Foundation
import Testing

@testable import GridFields

/// Distances between densities against their closed forms for Gaussians.
@Suite struct FieldComparisonTests {
    static func gaussian(on grid: Grid, mean: [Double], standardDeviation: Double) -> Field {
        Field(grid: grid) { point in
            var exponent = 0.0
            for axis in point.indices { exponent += (point[axis] - mean[axis]) * (point[axis] - mean[axis]) }
            let normalization = pow(2 * Double.pi * standardDeviation * standardDeviation, Double(point.count) / 2)
            return exp(-exponent / (2 * standardDeviation * standardDeviation)) / normalization
        }
    }

    static let line = Grid(dimension: 1, points: 4000, halfWidth: 12)

    /// TV(N(0, 1), N(1, 1)) = 2Φ(1/2) − 1 = erf(1/(2√2)); the kink of |f − g| makes the midpoint rule O(h²).
    @Test func totalVariationOfShiftedGaussians() {
        let first = Self.gaussian(on: Self.line, mean: [0], standardDeviation: 1)
        let second = Self.gaussian(on: Self.line, mean: [1], standardDeviation: 1)
        #expect(abs(first.totalVariationDistance(to: second) - erf(0.5 / 2.0.squareRoot())) < 1e-6)
    }

    /// H² = 1 − exp(−μ²/8) for N(0, 1) and N(μ, 1); the integrand is smooth, so the midpoint rule is spectral.
    @Test func hellingerOfShiftedGaussians() {
        let first = Self.gaussian(on: Self.line, mean: [0], standardDeviation: 1)
        let second = Self.gaussian(on: Self.line, mean: [1.5], standardDeviation: 1)
        let exact = (1 - exp(-1.5 * 1.5 / 8)).squareRoot()
        #expect(abs(first.hellingerDistance(to: second) - exact) < 1e-10)
        #expect(first.hellingerDistance(to: first) == 0)
    }

    /// W1 between Gaussians: |μ₁ − μ₂| for equal widths; |σ₁ − σ₂| √(2/π) for equal means.
    @Test func oneDimensionalWassersteinOfGaussians() {
        let standard = Self.gaussian(on: Self.line, mean: [0], standardDeviation: 1)
        let shifted = Self.gaussian(on: Self.line, mean: [1], standardDeviation: 1)
        let wide = Self.gaussian(on: Self.line, mean: [0], standardDeviation: 2)
        #expect(abs(standard.wassersteinDistance(to: shifted) - 1) < 1e-5)
        #expect(abs(standard.wassersteinDistance(to: wide) - (2 / Double.pi).squareRoot()) < 1e-5)
    }

    /// Two unit masses in single cells i and j are |i − j| h apart, exactly; the unnormalized copy is normalized.
    @Test func oneDimensionalWassersteinOfCellMassesIsExact() {
        let grid = Grid(dimension: 1, points: 10, halfWidth: 5)
        var first = [Double](repeating: 0, count: 10)
        var second = first
        first[2] = 1
        second[7] = 3
        let distance = Field(grid: grid, values: first).wassersteinDistance(to: Field(grid: grid, values: second))
        #expect(abs(distance - 5) < 1e-14)
    }

    /// Sliced W1 of a shift by v: the mean of |θ·v| over directions, (2/π)|v| in 2-D and ½|v| in 3-D.
    @Test func slicedWassersteinOfShiftedGaussians() {
        let plane = Grid(dimension: 2, points: 160, halfWidth: 8)
        let shift = [1.0, 0.5]
        let planar = Self.gaussian(on: plane, mean: [0, 0], standardDeviation: 1)
            .wassersteinDistance(to: Self.gaussian(on: plane, mean: shift, standardDeviation: 1))
        let shiftLength = (shift[0] * shift[0] + shift[1] * shift[1]).squareRoot()
        #expect(abs(planar / (2 / Double.pi * shiftLength) - 1) < 2e-3)

        let space = Grid(dimension: 3, points: 40, halfWidth: 6)
        let spatialShift = [0.6, -0.3, 0.9]
        let spatial = Self.gaussian(on: space, mean: [0, 0, 0], standardDeviation: 1)
            .wassersteinDistance(
                to: Self.gaussian(on: space, mean: spatialShift, standardDeviation: 1), directions: 256)
        let spatialLength = spatialShift.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(spatial / (0.5 * spatialLength) - 1) < 1e-2)
    }

    @Test func wassersteinOfANonFiniteFieldIsNaN() {
        let grid = Grid(dimension: 1, points: 4, halfWidth: 1)
        let broken = Field(grid: grid, values: [1, .nan, 0, 0])
        #expect(broken.wassersteinDistance(to: Field(grid: grid, values: [0, 0, 1, 1])).isNaN)
    }
}

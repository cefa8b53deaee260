import DensitySolvers
import DiffusionModels
import Foundation
import GridFields
import Testing

@testable import CrossChecks

/// Cell masses from cell-centre values and the grid's distribution function, against exact cell masses of a
/// Gaussian mixture (differences of its distribution function).
@Suite struct CellMassTests {
    static let mixture = GaussianMixture.paperOneDimensional

    /// The mixture's distribution function, sum_k w_k Phi((x - mu_k) / sigma_k).
    static func distribution(_ x: Double) -> Double {
        mixture.components.reduce(0) { sum, component in
            sum + component.weight * 0.5 * erfc(-(x - component.mean[0]) / (2 * component.covariance[0]).squareRoot())
        }
    }

    static func exactMasses(_ grid: Grid) -> [Double] {
        let width = grid.spacing(axis: 0)
        return (0..<grid.count).map { index in
            let left = -grid.halfWidth + Double(index) * width
            return distribution(left + width) - distribution(left)
        }
    }

    /// TV between h rho(x_i) and the exact cell masses falls like h^2; the corrected masses like h^4 (orders
    /// measured over 128, 256, 512 cells: 2 +- 0.2 and 4 +- 0.4). On 256 cells the midpoint bias is 1.3e-3 in TV.
    @Test func correctedMassesAreFourthOrder() {
        let counts = [128, 256, 512]
        var midpointErrors: [Double] = []
        var correctedErrors: [Double] = []
        for count in counts {
            let grid = Grid(dimension: 1, points: count, halfWidth: 10)
            let exact = Self.exactMasses(grid)
            let density = Self.mixture.field(on: grid)
            let midpoint = CellMasses(density: density, meaning: .cellAverages).masses
            let corrected = CellMasses(density: density, meaning: .cellCentreValues).masses
            midpointErrors.append(0.5 * zip(midpoint, exact).reduce(0) { $0 + abs($1.0 - $1.1) })
            correctedErrors.append(0.5 * zip(corrected, exact).reduce(0) { $0 + abs($1.0 - $1.1) })
        }
        let midpointOrder = DecayFit.exponent(groups: [zip(counts, midpointErrors).map { ($0.0, $0.1) }])!
        let correctedOrder = DecayFit.exponent(groups: [zip(counts, correctedErrors).map { ($0.0, $0.1) }])!
        #expect(abs(-midpointOrder - 2) <= 0.2, "midpoint order \(-midpointOrder), errors \(midpointErrors)")
        #expect(abs(-correctedOrder - 4) <= 0.4, "corrected order \(-correctedOrder), errors \(correctedErrors)")
        #expect(midpointErrors[1] > 1e-3 && correctedErrors[1] < 1e-4)
    }

    /// The cubic Hermite distribution function is within 1e-4 of the exact one on 256 cells (1.1e-5 measured; the
    /// piecewise-linear one is off by 1e-3, the size of the KS statistic of 10^6 particles) and converges at order 4
    /// (3.5 or more between 128 and 512 cells; 4.5 measured).
    @Test func distributionFunctionIsFourthOrder() {
        let points = stride(from: -4.0, through: 4.0, by: 0.0137).map { $0 }
        var errors: [Double] = []
        for count in [128, 256, 512] {
            let grid = Grid(dimension: 1, points: count, halfWidth: 10)
            let function = GridDistributionFunction(
                cellMasses: CellMasses(density: Self.mixture.field(on: grid), meaning: .cellCentreValues))
            errors.append(points.map { abs(function.value(at: $0) - Self.distribution($0)) }.max()!)
        }
        let order = log(errors[0] / errors[2]) / log(4)
        #expect(errors[1] < 1e-4, "largest error on 256 cells \(errors[1])")
        #expect(order >= 3.5, "order \(order), errors \(errors)")
    }

    /// In 2-D the correction acts on both axes: a product Gaussian's corrected masses are closer to the exact ones
    /// (products of 1-D masses) than the midpoint masses by more than a factor 20.
    @Test func twoDimensionalCorrection() throws {
        let planar = try GaussianMixture(specification: "1:0.3,-0.2:0.4,0.6", dimension: 2)
        let grid = Grid(dimension: 2, points: 64, halfWidth: 4)
        let width = grid.spacing(axis: 0)
        func axisMass(_ index: Int, mean: Double, deviation: Double) -> Double {
            let left = -grid.halfWidth + Double(index) * width
            return 0.5
                * (erfc(-(left + width - mean) / (deviation * 2.0.squareRoot()))
                    - erfc(-(left - mean) / (deviation * 2.0.squareRoot())))
        }
        let exact = (0..<grid.count).map { flat -> Double in
            let cell = grid.indices(of: flat)
            return axisMass(cell[0], mean: 0.3, deviation: 0.4) * axisMass(cell[1], mean: -0.2, deviation: 0.6)
        }
        let density = planar.field(on: grid)
        let midpoint = CellMasses(density: density, meaning: .cellAverages).masses
        let corrected = CellMasses(density: density, meaning: .cellCentreValues).masses
        let midpointError = zip(midpoint, exact).reduce(0) { $0 + abs($1.0 - $1.1) }
        let correctedError = zip(corrected, exact).reduce(0) { $0 + abs($1.0 - $1.1) }
        #expect(correctedError * 20 < midpointError, "corrected \(correctedError), midpoint \(midpointError)")
    }
}

import Foundation
import GridFields
import SpectralTransforms

/// Cosine-basis state for pure diffusion between reflecting walls: exact in time.
final class CosineState {
    let grid: Grid
    let transform: CosineTransform
    let coefficients: AlignedBuffer
    let scratch: AlignedBuffer
    let squaredWavenumber: [Double]

    init(grid: Grid, rigor: PlanningRigor, threads: Int) throws {
        self.grid = grid
        transform = try CosineTransform(shape: grid.shape, rigor: rigor, threads: threads)
        coefficients = AlignedBuffer(count: grid.count)
        scratch = AlignedBuffer(count: grid.count)
        // Mode j along an axis of n cells on [-L, L] has wavenumber pi j / (2 L).
        var squared = [Double](repeating: 0, count: grid.count)
        for index in 0..<grid.count {
            let modes = grid.indices(of: index)
            squared[index] = modes.reduce(0) { sum, mode in
                let wavenumber = Double.pi * Double(mode) / (2 * grid.halfWidth)
                return sum + wavenumber * wavenumber
            }
        }
        squaredWavenumber = squared
    }

    func load(_ values: [Double]) {
        _ = scratch.values.update(from: values)
        transform.forward(scratch, into: coefficients)
    }

    func diffuse(squaredDiffusionIntegral: Double) {
        let half = -0.5 * squaredDiffusionIntegral
        for index in 0..<grid.count { coefficients[index] *= Foundation.exp(half * squaredWavenumber[index]) }
    }

    func density() -> [Double] {
        transform.backward(coefficients, into: scratch)
        return scratch.values.map { $0 / transform.roundTripScale }
    }

    /// sum_j rho_j (the DCT-II zero mode is 2^d times it), finiteness, and max_k |Y_k| / |Y_0|: the DCT-II
    /// coefficients of a non-negative field obey |Y_k| <= 2^d sum_j rho_j = |Y_0|.
    func spectrumSummary() -> (zeroMode: Double, isFinite: Bool, ratio: Double) {
        var largest = 0.0
        var sum = 0.0
        for value in coefficients.values {
            sum += value
            largest = max(largest, abs(value))
        }
        return (coefficients[0] / Double(1 << grid.dimension), sum.isFinite, largest / abs(coefficients[0]))
    }
}

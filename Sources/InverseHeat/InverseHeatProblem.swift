import DiffusionModels
import Foundation
import GridFields
import RandomStreams
import SpectralTransforms

/// Why an inverse-heat problem or run could not be set up; `description` is one sentence.
public struct InverseHeatError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The initial data u(0) of an inverse-heat problem, whose exact evolution is known at every time.
public enum InitialData: Sendable, Equatable {
    /// A Gaussian mixture: its heat or OU evolution is again a mixture (`BackwardEquation.evolved`). On the periodic
    /// box the exact solution is that mixture periodized (sum over the images rho(x + 2 L m)), sampled at the cell
    /// centres of the grid of each time; the images matter only when the density is not negligible at the edges.
    case mixture(GaussianMixture)
    /// Cell values on the grid of time 0 of a trigonometric polynomial with no energy at the Nyquist frequencies
    /// (e.g. `randomBandLimited`). Its evolution is exact mode by mode: data-grid mode k is multiplied by
    /// exp(-|k|^2 sigma(t)) (`BackwardEquation.spectralTime(from:to:finalTime:)`), so it is the exact solution
    /// of the discrete problem, free of sampling and aliasing error.
    case bandLimited(values: [Double])

    /// Random band-limited data: Fourier coefficients (z1 + i z2) exp(-decay |j|^2 / bandwidth^2) for integer
    /// frequencies with |j_a| <= bandwidth on every axis (z standard normals, drawn with `generator`), zero
    /// elsewhere, transformed to cell values on `grid`. Requires 1 <= bandwidth < n/2 on every axis. Cost: one
    /// FFT of the grid.
    public static func randomBandLimited(
        grid: Grid, bandwidth: Int, decay: Double = 0, using generator: inout Xoshiro256StarStar
    ) throws -> InitialData {
        guard bandwidth >= 1, grid.shape.allSatisfy({ 2 * bandwidth < $0 }) else {
            throw InverseHeatError(
                "band-limited data needs 1 <= bandwidth < n/2 on every axis; got \(bandwidth) for \(grid.shape)")
        }
        let transform = try RealFourierTransform(shape: grid.shape)
        let layout = SpectralLayout(grid: grid)
        let spectrum = transform.spectrumBuffer
        for index in 0..<layout.spectrumCount {
            let frequencies = layout.frequencies(ofCoefficient: index)
            guard frequencies.allSatisfy({ abs($0) <= bandwidth }) else { continue }
            let squaredFrequency = Double(frequencies.reduce(0) { $0 + $1 * $1 })
            let amplitude = Foundation.exp(-decay * squaredFrequency / Double(bandwidth * bandwidth))
            spectrum[2 * index] = amplitude * Ziggurat.normal(using: &generator)
            spectrum[2 * index + 1] = amplitude * Ziggurat.normal(using: &generator)
        }
        spectrum[1] = 0 // the mean is real
        transform.backward()
        let scale = 1 / Double(grid.count)
        return .bandLimited(values: transform.realBuffer.array.map { $0 * scale })
    }
}

/// An inverse problem for a diffusion (THEORY §8): from data g at time T, |g - u(T)| <= delta, recover u(t) for
/// t < T; the exact solution is known at every time, so every reconstruction has a measured error.
///
/// - `grid` is the data grid, the periodic box [-L, L]^d at time T. The grid of time t is
///   `grid(atTime: t)`: the same for the heat equation, stretched by e^(T-t) for OU (see `BackwardEquation`).
/// - The data is the exact solution at T sampled on `grid`, plus white noise: independent standard normals in
///   every cell (stream `noiseStream` of `seed`), scaled so that the discrete L2 norm (h^d sum n_i^2)^(1/2) is
///   exactly `noiseLevel`. delta = 0 leaves only the round-off of the samples.
/// - All norms are discrete L2 norms on the grid of their time, as `Field.normL2`.
public struct InverseHeatProblem: Sendable {
    public let equation: BackwardEquation
    /// The data grid (time T).
    public let grid: Grid
    /// T > 0.
    public let finalTime: Double
    public let initialData: InitialData
    /// delta >= 0, the L2 norm of the noise added to the data.
    public let noiseLevel: Double
    public let seed: UInt64

    /// The random stream the noise is drawn from (a fixed tag, hashed with the seed by `Xoshiro256StarStar`).
    public static let noiseStream: UInt64 = 0x6E6F_6973_65 // "noise"

    public init(
        equation: BackwardEquation, grid: Grid, finalTime: Double, initialData: InitialData,
        noiseLevel: Double = 0, seed: UInt64 = 1
    ) throws {
        guard finalTime > 0, finalTime.isFinite else {
            throw InverseHeatError("the final time T must be a positive finite number; got \(finalTime)")
        }
        guard noiseLevel >= 0, noiseLevel.isFinite else {
            throw InverseHeatError("the noise level must be a finite number >= 0; got \(noiseLevel)")
        }
        guard grid.boundary == .periodic else {
            throw InverseHeatError("the inversion is spectral: the grid must be periodic")
        }
        if case .heat(let diffusivity) = equation, !(diffusivity > 0 && diffusivity.isFinite) {
            throw InverseHeatError("the diffusivity must be a positive finite number; got \(diffusivity)")
        }
        guard (grid.halfWidth * equation.gridScale(reverseTime: finalTime)).isFinite else {
            throw InverseHeatError("T = \(finalTime) stretches the OU grid beyond the largest double")
        }
        switch initialData {
        case .mixture(let mixture):
            guard mixture.dimension == grid.dimension else {
                throw InverseHeatError("the mixture is \(mixture.dimension)-D and the grid \(grid.dimension)-D")
            }
        case .bandLimited(let values):
            guard values.count == grid.count else {
                throw InverseHeatError("band-limited data has \(values.count) values for a grid of \(grid.count) cells")
            }
        }
        self.equation = equation
        self.grid = grid
        self.finalTime = finalTime
        self.initialData = initialData
        self.noiseLevel = noiseLevel
        self.seed = seed
    }

    /// The same problem with another noise level (same seed, so the same noise shape scaled).
    public func with(noiseLevel: Double) throws -> InverseHeatProblem {
        try InverseHeatProblem(
            equation: equation, grid: grid, finalTime: finalTime, initialData: initialData, noiseLevel: noiseLevel,
            seed: seed
        )
    }

    /// The grid of forward time t: `grid` scaled by `equation.gridScale(reverseTime: T - t)`.
    public func grid(atTime time: Double) -> Grid {
        Grid(
            shape: grid.shape, halfWidth: grid.halfWidth * equation.gridScale(reverseTime: finalTime - time),
            boundary: .periodic)
    }

    /// tau(T), the spectral time of the whole forward smoothing (heat: D T; OU: (1 - e^(-2T))/2).
    public var totalSpectralTime: Double { equation.spectralTime(over: finalTime) }

    /// theta(t) = sigma(t) / sigma(T), the Hölder exponent at time t (heat: t / T; OU: (e^(2t) - 1)/(e^(2T) - 1)).
    public func smoothingFraction(atTime time: Double) -> Double {
        equation.spectralTime(from: 0, to: time, finalTime: finalTime) / totalSpectralTime
    }

    /// The norm of the heat solution behind the field at time t (`BackwardEquation.normScale`).
    public func normScale(atTime time: Double) -> Double {
        equation.normScale(time: time, dimension: grid.dimension)
    }

    /// THEORY §8's Hölder bound 2 E^(1 - theta) delta^theta on the error of cutoff and quasi-boundary-value
    /// reconstructions at time t, for data error `noiseLevel` and ||u(0)|| <= `bound`. Written for the heat solution
    /// behind the field and brought back with the norm scales: N(t) 2 (E / N(0))^(1 - theta) (delta / N(T))^theta;
    /// for the heat equation this is exactly 2 E^(1 - t/T) delta^(t/T).
    public func hoelderBound(atTime time: Double, noiseLevel delta: Double, bound: Double) -> Double {
        let theta = smoothingFraction(atTime: time)
        let heatBound = bound / normScale(atTime: 0)
        let heatNoise = delta / normScale(atTime: finalTime)
        return normScale(atTime: time) * 2 * Foundation.pow(heatBound, 1 - theta) * Foundation.pow(heatNoise, theta)
    }

    /// The noise added to the exact data: white, L2 norm exactly `noiseLevel` on the data grid; zero for delta = 0.
    public func noise() -> Field {
        guard noiseLevel > 0 else { return Field(grid: grid, values: Array(repeating: 0, count: grid.count)) }
        var generator = Xoshiro256StarStar(seed: seed, stream: Self.noiseStream)
        var values = (0..<grid.count).map { _ in Ziggurat.normal(using: &generator) }
        let norm = Field(grid: grid, values: values).normL2
        values = values.map { $0 * noiseLevel / norm }
        return Field(grid: grid, values: values)
    }

    /// g = u(T) + noise on the data grid.
    public func data() throws -> Field {
        let exact = try exactField(atTime: finalTime)
        let noise = noise()
        return Field(grid: grid, values: zip(exact.values, noise.values).map { $0 + $1 })
    }

    /// The exact solution at time t on `grid(atTime: t)`.
    public func exactField(atTime time: Double) throws -> Field {
        try ExactSolution(problem: self).field(atTime: time)
    }

    /// E = ||u(0)||, the exact initial data's norm on the grid of time 0: the a priori bound of THEORY §8.
    public func initialNorm() throws -> Double {
        try exactField(atTime: 0).normL2
    }
}

/// The exact solution of an `InverseHeatProblem` at any time, evaluated into a caller's buffer (no allocation per
/// call for mixtures beyond d small arrays; one inverse FFT for band-limited data). Not thread-safe: one per run.
public final class ExactSolution {
    public let problem: InverseHeatProblem
    private let transform: RealFourierTransform?
    private let initialSpectrum: AlignedBuffer?
    private let layout: SpectralLayout

    public init(problem: InverseHeatProblem) throws {
        self.problem = problem
        layout = SpectralLayout(grid: problem.grid)
        if case .bandLimited(let values) = problem.initialData {
            let transform = try RealFourierTransform(shape: problem.grid.shape)
            _ = transform.realBuffer.values.update(from: values)
            let spectrum = AlignedBuffer(count: 2 * transform.spectrumCount)
            transform.forward(transform.realBuffer, into: spectrum)
            self.transform = transform
            initialSpectrum = spectrum
        } else {
            transform = nil
            initialSpectrum = nil
        }
    }

    /// Writes u(t) on `problem.grid(atTime: t)` into `values` (count = cells).
    public func fill(atTime time: Double, into values: UnsafeMutableBufferPointer<Double>) {
        let grid = problem.grid(atTime: time)
        switch problem.initialData {
        case .mixture(let mixture):
            MixtureSampler.sample(problem.equation.evolved(mixture, to: time), on: grid, into: values)
        case .bandLimited:
            let transform = transform!
            let initialSpectrum = initialSpectrum!
            let equation = problem.equation
            let smoothing = equation.spectralTime(from: 0, to: time, finalTime: problem.finalTime)
            let dimension = grid.dimension
            // rho(t) = e^(d t) u(r(t)) for OU: J(T - t) / J(T).
            let scale =
                equation.valueScale(reverseTime: problem.finalTime - time, dimension: dimension)
                / equation.valueScale(reverseTime: problem.finalTime, dimension: dimension) / Double(layout.realCount)
            let outer = layout.outerSquaredWavenumber.map { scale * Foundation.exp(-$0 * smoothing) }
            let last = layout.lastSquaredWavenumber.map { Foundation.exp(-$0 * smoothing) }
            let source = initialSpectrum.values
            let target = transform.spectrumBuffer.values
            for outerIndex in 0..<layout.outerCount {
                for lastIndex in 0..<layout.lastCount {
                    let index = outerIndex * layout.lastCount + lastIndex
                    let factor = outer[outerIndex] * last[lastIndex]
                    target[2 * index] = factor * source[2 * index]
                    target[2 * index + 1] = factor * source[2 * index + 1]
                }
            }
            transform.backward()
            _ = values.update(from: transform.realBuffer.values)
        }
    }

    public func field(atTime time: Double) -> Field {
        var values = [Double](repeating: 0, count: problem.grid.count)
        values.withUnsafeMutableBufferPointer { fill(atTime: time, into: $0) }
        return Field(grid: problem.grid(atTime: time), values: values)
    }
}

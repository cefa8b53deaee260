/// Where each coefficient of a real-to-complex spectrum sits on a box [-L, L]^d, and its wavenumber.
///
/// FFTW's r2c layout (see `RealFourierTransform`): the leading axes are stored whole, the last axis keeps its
/// n/2 + 1 non-negative frequencies. The spectrum is read as rows (the leading axes, row-major) x columns (the last
/// axis). Mode j along an axis of a box of half-width L has the wavenumber k = pi j / L (j the signed frequency).
/// Every per-mode quantity is split into a row part and a column part, so a factor exp(-|k|^2 a) costs
/// (rows + columns) exponentials instead of one per coefficient. Built once, O(rows d + columns).
public struct SpectrumLayout: Sendable, Equatable {
    /// The real array's shape and the spectrum's (last axis n/2 + 1).
    public let shape: [Int]
    public let spectrumShape: [Int]
    /// The box's half-width L.
    public let halfWidth: Double
    /// Rows (the product of the leading axes' lengths) and columns (n_last / 2 + 1) of the spectrum.
    public let outerCount: Int
    public let lastCount: Int
    /// Number of real values, N.
    public let realCount: Int
    /// sum over the leading axes of k_a^2 per row (summed in axis order), and k^2 of the last axis per column.
    public let outerSquaredWavenumber: [Double]
    public let lastSquaredWavenumber: [Double]
    /// How many coefficients of the full spectrum each stored one stands for: 1 at column 0 and at the last axis's
    /// Nyquist column (n even), 2 elsewhere (itself and its complex conjugate): sum weight |X|^2 = sum over the full
    /// spectrum.
    public let lastWeight: [Double]

    public init(shape: [Int], halfWidth: Double) {
        precondition(
            (1...3).contains(shape.count) && shape.allSatisfy { $0 >= 1 }, "SpectrumLayout: 1 to 3 axes of length >= 1")
        self.shape = shape
        self.halfWidth = halfWidth
        let dimension = shape.count
        var halved = shape
        halved[dimension - 1] = shape[dimension - 1] / 2 + 1
        spectrumShape = halved
        lastCount = halved[dimension - 1]
        outerCount = halved.reduce(1, *) / lastCount
        realCount = shape.reduce(1, *)
        let lastLength = shape[dimension - 1]
        lastWeight = (0..<lastCount).map { index in
            index == 0 || (lastLength % 2 == 0 && index == lastLength / 2) ? 1 : 2
        }
        let unit = Double.pi / halfWidth
        func squared(axis: Int, count: Int) -> [Double] {
            (0..<count).map { index in
                let wavenumber = unit * Double(RealFourierTransform.signedFrequency(index, length: shape[axis]))
                return wavenumber * wavenumber
            }
        }
        lastSquaredWavenumber = squared(axis: dimension - 1, count: lastCount)
        var outerSquared = [Double](repeating: 0, count: outerCount)
        for axis in 0..<(dimension - 1) {
            let axisSquared = squared(axis: axis, count: shape[axis])
            let indices = Self.axisIndexPerRow(axis: axis, shape: shape, rowCount: outerCount)
            for row in 0..<outerCount { outerSquared[row] += axisSquared[indices[row]] }
        }
        outerSquaredWavenumber = outerSquared
    }

    /// The wavenumbers pi j / L of the first `count` indices along `axis`; with `nyquistZero` the Nyquist mode of an
    /// even axis is 0 (odd-order derivatives of a real field must not excite it).
    public func wavenumbers(axis: Int, count: Int, nyquistZero: Bool) -> [Double] {
        let length = shape[axis]
        let unit = Double.pi / halfWidth
        return (0..<count).map { index in
            let frequency = RealFourierTransform.signedFrequency(index, length: length)
            if nyquistZero && length % 2 == 0 && abs(frequency) == length / 2 { return 0 }
            return unit * Double(frequency)
        }
    }

    /// The index along leading `axis` of every row.
    public func axisIndexPerRow(axis: Int) -> [Int] {
        Self.axisIndexPerRow(axis: axis, shape: shape, rowCount: outerCount)
    }

    static func axisIndexPerRow(axis: Int, shape: [Int], rowCount: Int) -> [Int] {
        let innerStride = shape[(axis + 1)..<(shape.count - 1)].reduce(1, *)
        return (0..<rowCount).map { row in (row / innerStride) % shape[axis] }
    }

    public var spectrumCount: Int { outerCount * lastCount }

    /// |k|^2 of stored coefficient `index` (row * lastCount + column).
    public func squaredWavenumber(ofCoefficient index: Int) -> Double {
        outerSquaredWavenumber[index / lastCount] + lastSquaredWavenumber[index % lastCount]
    }

    /// The signed integer frequency of every axis of stored coefficient `index`.
    public func frequencies(ofCoefficient index: Int) -> [Int] {
        let dimension = shape.count
        var result = [Int](repeating: 0, count: dimension)
        result[dimension - 1] = index % lastCount
        var remainder = index / lastCount
        for axis in stride(from: dimension - 2, through: 0, by: -1) {
            result[axis] = RealFourierTransform.signedFrequency(remainder % shape[axis], length: shape[axis])
            remainder /= shape[axis]
        }
        return result
    }

    /// The weight of stored coefficient `index` (1 or 2, see `lastWeight`).
    public func weight(ofCoefficient index: Int) -> Double { lastWeight[index % lastCount] }

    /// The largest |k|^2 on the box: the corner mode, sum over the axes of (pi floor(n/2) / L)^2.
    public var largestSquaredWavenumber: Double {
        (outerSquaredWavenumber.max() ?? 0) + (lastSquaredWavenumber.max() ?? 0)
    }
}

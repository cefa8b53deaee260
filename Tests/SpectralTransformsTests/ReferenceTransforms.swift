import Foundation

/// Slow O(n^2)-per-axis reference transforms, written from the definitions; used only by tests.
enum ReferenceTransforms {
    /// Full complex DFT along one axis of a row-major array of complex values (interleaved), sign -1 or +1.
    static func complexTransform(_ values: [Double], shape: [Int], axis: Int, sign: Double) -> [Double] {
        let length = shape[axis]
        let inner = shape[(axis + 1)...].reduce(1, *)
        let outer = shape[..<axis].reduce(1, *)
        var result = [Double](repeating: 0, count: values.count)
        for outerIndex in 0..<outer {
            for innerIndex in 0..<inner {
                for frequency in 0..<length {
                    var real = 0.0
                    var imaginary = 0.0
                    for position in 0..<length {
                        let angle = sign * 2 * Double.pi * Double(frequency * position % length) / Double(length)
                        let source = 2 * ((outerIndex * length + position) * inner + innerIndex)
                        let (cosine, sine) = (cos(angle), sin(angle))
                        real += values[source] * cosine - values[source + 1] * sine
                        imaginary += values[source] * sine + values[source + 1] * cosine
                    }
                    let target = 2 * ((outerIndex * length + frequency) * inner + innerIndex)
                    result[target] = real
                    result[target + 1] = imaginary
                }
            }
        }
        return result
    }

    /// The full forward DFT X[k] = sum_j x[j] exp(-2 pi i k.j / n) of real data, as interleaved complex.
    static func forwardDFT(_ real: [Double], shape: [Int]) -> [Double] {
        var complex = [Double](repeating: 0, count: 2 * real.count)
        for index in real.indices { complex[2 * index] = real[index] }
        for axis in shape.indices { complex = complexTransform(complex, shape: shape, axis: axis, sign: -1) }
        return complex
    }

    /// The non-redundant half (last axis 0...n/2) of a full spectrum.
    static func halfSpectrum(_ full: [Double], shape: [Int]) -> [Double] {
        let last = shape[shape.count - 1]
        let halfLast = last / 2 + 1
        let outer = full.count / 2 / last
        var result: [Double] = []
        for outerIndex in 0..<outer {
            for frequency in 0..<halfLast {
                result.append(full[2 * (outerIndex * last + frequency)])
                result.append(full[2 * (outerIndex * last + frequency) + 1])
            }
        }
        return result
    }

    /// DCT-II along every axis: Y[k] = 2 sum_j x[j] cos(pi (j + 1/2) k / n) (FFTW's REDFT10).
    static func cosineTransformII(_ values: [Double], shape: [Int]) -> [Double] {
        var current = values
        for axis in shape.indices {
            let length = shape[axis]
            let inner = shape[(axis + 1)...].reduce(1, *)
            let outer = shape[..<axis].reduce(1, *)
            var next = current
            for outerIndex in 0..<outer {
                for innerIndex in 0..<inner {
                    for mode in 0..<length {
                        var sum = 0.0
                        for position in 0..<length {
                            sum +=
                                current[(outerIndex * length + position) * inner + innerIndex]
                                * cos(Double.pi * (Double(position) + 0.5) * Double(mode) / Double(length))
                        }
                        next[(outerIndex * length + mode) * inner + innerIndex] = 2 * sum
                    }
                }
            }
            current = next
        }
        return current
    }
}

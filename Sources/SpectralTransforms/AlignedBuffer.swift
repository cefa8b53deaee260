import CFFTW

/// A block of `Double` values allocated with `fftw_malloc`, so its alignment suits every FFTW plan.
///
/// Complex data is stored interleaved: element 2j is the real part and element 2j + 1 the imaginary part of
/// coefficient j. The buffer is zero-filled on creation and freed on deinit. Reference semantics: share it
/// deliberately, never across threads that write.
public final class AlignedBuffer: @unchecked Sendable {
    /// The storage; valid for the lifetime of the buffer.
    public let values: UnsafeMutableBufferPointer<Double>

    public var count: Int { values.count }

    /// Allocates `count` zero-filled doubles.
    public init(count: Int) {
        precondition(count >= 0, "AlignedBuffer count must be non-negative")
        let raw = fftw_malloc(max(count, 1) * MemoryLayout<Double>.stride)!
        let base = raw.bindMemory(to: Double.self, capacity: max(count, 1))
        base.initialize(repeating: 0, count: max(count, 1))
        values = UnsafeMutableBufferPointer(start: base, count: count)
    }

    /// Allocates a buffer holding a copy of `array`.
    public convenience init(_ array: [Double]) {
        self.init(count: array.count)
        _ = values.update(from: array)
    }

    deinit {
        fftw_free(values.baseAddress)
    }

    public subscript(index: Int) -> Double {
        get { values[index] }
        set { values[index] = newValue }
    }

    /// A copy of the contents as an array.
    public var array: [Double] { Array(values) }

    /// Copies `other` into this buffer; both must have the same count.
    public func copy(from other: AlignedBuffer) {
        precondition(other.count == count, "AlignedBuffer.copy: counts differ")
        values.baseAddress!.update(from: other.values.baseAddress!, count: count)
    }

    /// Sets every element to `value`.
    public func fill(with value: Double) {
        values.update(repeating: value)
    }

    var complexPointer: UnsafeMutablePointer<fftw_complex> {
        UnsafeMutableRawPointer(values.baseAddress!).assumingMemoryBound(to: fftw_complex.self)
    }
}

/// A pointer that may cross into `concurrentPerform`'s closure: every block of a `ParallelBlocks` or
/// `PointwiseBlocks` loop reads and writes only its own elements, so no two workers touch the same element.
public struct SharedMutablePointer<Element>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Element>

    public init(base: UnsafeMutablePointer<Element>) { self.base = base }

    /// The first element of `buffer` (which must not be empty).
    public init(_ buffer: UnsafeMutableBufferPointer<Element>) { base = buffer.baseAddress! }

    @inline(__always)
    public subscript(index: Int) -> Element {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }
}

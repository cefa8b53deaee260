import FPLabCommandLine
import Foundation

/// libFuzzer's entry: the bytes go to `FuzzEntryPoints.pointFile`; returning means no trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = bytes.map { Data(bytes: $0, count: count) } ?? Data()
    FuzzEntryPoints.pointFile(data)
    return 0
}

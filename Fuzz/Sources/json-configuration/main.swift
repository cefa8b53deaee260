import CFuzzer
import FPLabCommandLine
import Foundation

// libFuzzer's driver runs the fuzzing loop; each input it makes goes to `FuzzEntryPoints.jsonConfiguration`,
// and returning from it means no trap.
var argumentCount = CommandLine.argc
var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(
    LLVMFuzzerRunDriver(&argumentCount, &arguments) { bytes, count in
        FuzzEntryPoints.jsonConfiguration(bytes.map { Data(bytes: $0, count: count) } ?? Data())
        return 0
    })

/// Entry points for coverage-guided fuzzing (libFuzzer's `LLVMFuzzerTestOneInput` calls one with the bytes it
/// made): each hands the bytes to one parser and returns whatever it answers, so that only a trap, a hang or a
/// runaway allocation shows up. The parsers add their entry points in extensions, one file per area.
public enum FuzzEntryPoints {}

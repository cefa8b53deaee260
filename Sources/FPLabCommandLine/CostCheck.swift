import ArgumentParser
import FokkerPlanckLab

/// Memory and time bounds for `validate()`: the Safeguards checks, their errors turned into `ValidationError`
/// (exit status 64) so that a run that would die allocating, or run for days, is refused before it starts.
extension OptionCheck {
    /// Refuses `bytes` of estimated footprint beyond `AvailableMemory.bytes`. `subject` names the options
    /// ("--particles 10^8 in 20000-D"), `advice` what to lower.
    public static func memory(_ bytes: Double, subject: String, advice: String) throws {
        do {
            try AvailableMemory.check(needed: bytes, subject: subject, advice: advice)
        } catch let error as MemoryLimitError {
            throw ValidationError(error.description)
        }
    }

    /// Refuses an estimated `operations` count beyond `WorkLimit.operationLimit`; `formula` states the cost model.
    public static func work(_ operations: Double, subject: String, formula: String, advice: String) throws {
        do {
            try WorkLimit.check(operations: operations, subject: subject, formula: formula, advice: advice)
        } catch let error as WorkLimitError {
            throw ValidationError(error.description)
        }
    }

    /// Bytes of `count` doubles.
    public static func doubles(_ count: Double) -> Double { 8 * count }
}

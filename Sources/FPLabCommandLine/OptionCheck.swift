import ArgumentParser

/// Checks for `validate()`: each throws a `ValidationError` whose one sentence names the option and its range.
public enum OptionCheck {
    public static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw ValidationError(message()) }
    }

    /// A finite number that `isAllowed` accepts. `Double("nan")` and `Double("inf")` parse, so every
    /// floating-point option goes through here: "--time must be a finite number from 0 to 1000; got nan."
    public static func finite(
        _ value: Double, option: String, mustBe rangeDescription: String, where isAllowed: (Double) -> Bool
    ) throws {
        try require(
            value.isFinite && isAllowed(value),
            "\(option) must be a finite number \(rangeDescription); got \(value)."
        )
    }
}

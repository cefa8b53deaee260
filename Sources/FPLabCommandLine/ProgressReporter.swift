import Foundation

/// "label: 42%" on standard error while a long run works, for a person at a terminal.
///
/// Silent when standard error is not a terminal (scripts, tests, pipes) and during a run's first second; after
/// that at most four updates a second, each overwriting the last; `finish()` clears the line.
public final class ProgressReporter {
    private let label: String
    private let start = ContinuousClock.now
    private var lastShown: ContinuousClock.Instant?

    init(label: String) {
        self.label = label
    }

    /// A reporter when standard error is a terminal, otherwise nil.
    public static func forTerminal(label: String) -> ProgressReporter? {
        isatty(STDERR_FILENO) == 1 ? ProgressReporter(label: label) : nil
    }

    /// Runs `body` with the fraction handler of a progress line labelled `label` (nil when standard error is not a
    /// terminal) and clears the line when `body` returns or throws, so the report or the error starts on a clean line.
    public static func withProgress<Result>(
        label: String, _ body: (((Double) -> Void)?) throws -> Result
    ) rethrows -> Result {
        let reporter = forTerminal(label: label)
        defer { reporter?.finish() }
        return try body(reporter?.fractionHandler)
    }

    /// Shows `fraction` (0...1) of the work as done, if the run has been going long enough.
    public func update(fraction: Double) {
        update(fraction: fraction, detail: nil)
    }

    /// `update(fraction:)` as the closure a library run takes (`progress: reporter?.fractionHandler`).
    public var fractionHandler: (Double) -> Void { { [self] fraction in update(fraction: fraction) } }

    /// Shows `fraction` of the work as done followed by what `detail` says (e.g. "step 120, loss 0.41, 9800
    /// examples/s, ETA 42 s"); `detail` is called only when a line is shown.
    public func update(fraction: Double, detail: (() -> String)?) {
        let now = ContinuousClock.now
        guard now - start > .seconds(1) else { return }
        if let lastShown, now - lastShown < .milliseconds(250) { return }
        lastShown = now
        let percent = Int((100 * min(max(fraction, 0), 1)).rounded(.down))
        let suffix = detail.map { " (\($0()))\u{1B}[K" } ?? ""
        StandardStreams.writeError("\r\(label): \(percent)%\(suffix)")
    }

    /// Clears the progress line, if one was shown.
    public func finish() {
        guard lastShown != nil else { return }
        StandardStreams.writeError("\r\u{1B}[K")
        lastShown = nil
    }
}

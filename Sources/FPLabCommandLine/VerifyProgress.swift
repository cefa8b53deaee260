import Dispatch
import Foundation

/// Progress of `fplab verify` on standard error: one line per claim with its verdict and elapsed time.
///
/// At a terminal, the running claim's line is live (redrawn four times a second): "[3/16] entropy-decay  2.1 s
/// [#####-----------] 12.4 s in all", with a long claim's own progress after it ("43 %: scalar seed 2, update
/// 800, loss 0.41"), replaced by the finished line when the claim ends. Elsewhere (pipes, files, tests) plain
/// lines: "[3/16] entropy-decay ..." when a claim starts, " 25 %", " 50 %", " 75 %" as a long claim passes them,
/// and " passed (2.1 s)" when it ends.
final class VerifyProgress: @unchecked Sendable {
    private let claimCount: Int
    private let isTerminal: Bool
    private let start = ContinuousClock.now
    private let lock = NSLock()
    private var timer: DispatchSourceTimer?
    private var current: (index: Int, name: String, started: ContinuousClock.Instant)?
    /// The running claim's own progress: fraction done and what it is doing; quarters already written (plain lines).
    private var claimProgress: (fraction: Double, detail: String)?
    private var quartersWritten = 0

    private let output: @Sendable (String) -> Void

    /// `output` receives the text (standard error unless a test listens).
    init(
        claimCount: Int, isTerminal: Bool = isatty(STDERR_FILENO) == 1,
        output: @escaping @Sendable (String) -> Void = { StandardStreams.writeError($0) }
    ) {
        self.claimCount = claimCount
        self.isTerminal = isTerminal
        self.output = output
    }

    private func write(_ text: String) { output(text) }

    private static func seconds(_ duration: Duration) -> Double {
        duration / .seconds(1)
    }

    /// The width of the terminal on standard error (80 when it cannot be asked).
    private static func terminalColumns() -> Int {
        var size = winsize()
        return ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
    }

    private func prefix(_ index: Int, _ name: String) -> String { "[\(index + 1)/\(claimCount)] \(name)" }

    func start(index: Int, name: String) {
        lock.lock()
        current = (index, name, ContinuousClock.now)
        claimProgress = nil
        quartersWritten = 0
        lock.unlock()
        guard isTerminal else {
            write(prefix(index, name) + " ...")
            return
        }
        redraw()
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + .milliseconds(250), repeating: .milliseconds(250))
        timer.setEventHandler { [weak self] in self?.redraw() }
        timer.resume()
        self.timer = timer
    }

    /// A long claim's progress (from any thread): shown on the live line at a terminal; elsewhere each quarter
    /// passed is written once.
    func update(fraction: Double, detail: String) {
        lock.lock()
        defer { lock.unlock() }
        claimProgress = (fraction, detail)
        guard !isTerminal else { return }
        let quarters = min(3, Int(fraction * 4))
        while quartersWritten < quarters {
            quartersWritten += 1
            write(" \(25 * quartersWritten) %")
        }
    }

    /// The live line: the claim, its elapsed time, a bar of claims done, the total elapsed time and the claim's
    /// own progress when it reports one.
    private func redraw() {
        lock.lock()
        defer { lock.unlock() }
        guard let current else { return }
        let now = ContinuousClock.now
        let width = 20
        let done = min(width, current.index * width / max(claimCount, 1))
        let bar = String(repeating: "#", count: done) + String(repeating: "-", count: width - done)
        let line =
            prefix(current.index, current.name) + String(format: "  %.1f s  ", Self.seconds(now - current.started))
            + "[\(bar)]" + String(format: " %.1f s in all", Self.seconds(now - start))
            + (claimProgress.map { String(format: "  %.0f %%: ", 100 * $0.fraction) + $0.detail } ?? "")
        // Cut to the terminal's width: a wrapped line could not be redrawn in place.
        write("\r\u{1B}[K" + String(line.prefix(max(20, Self.terminalColumns() - 1))))
    }

    func finish(passed: Bool, seconds: Double) {
        timer?.cancel()
        timer = nil
        lock.lock()
        let finished = current
        current = nil
        lock.unlock()
        let verdict = (passed ? "passed" : "FAILED") + String(format: " (%.1f s)\n", seconds)
        if isTerminal, let finished {
            write("\r\u{1B}[K" + prefix(finished.index, finished.name) + " " + verdict)
        } else {
            write(" " + verdict)
        }
    }

    func close(totalSeconds: Double) {
        if claimCount > 1 { write(String(format: "%d claims in %.1f s\n", claimCount, totalSeconds)) }
    }
}

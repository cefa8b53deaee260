import Dispatch
import Foundation

/// Progress of `fplab verify` on standard error: one line per claim with its verdict and elapsed time.
///
/// At a terminal, the running claim's line is live (redrawn four times a second): "[3/16] entropy-decay  2.1 s
/// [#####-----------] 12.4 s in all", replaced by the finished line when the claim ends. Elsewhere (pipes, files,
/// tests) plain lines: "[3/16] entropy-decay ..." when a claim starts and " passed (2.1 s)" when it ends.
final class VerifyProgress: @unchecked Sendable {
    private let claimCount: Int
    private let isTerminal: Bool
    private let start = ContinuousClock.now
    private let lock = NSLock()
    private var timer: DispatchSourceTimer?
    private var current: (index: Int, name: String, started: ContinuousClock.Instant)?

    init(claimCount: Int, isTerminal: Bool = isatty(STDERR_FILENO) == 1) {
        self.claimCount = claimCount
        self.isTerminal = isTerminal
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }

    private static func seconds(_ duration: Duration) -> Double {
        duration / .seconds(1)
    }

    private func prefix(_ index: Int, _ name: String) -> String { "[\(index + 1)/\(claimCount)] \(name)" }

    func start(index: Int, name: String) {
        lock.lock()
        current = (index, name, ContinuousClock.now)
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

    /// The live line: the claim, its elapsed time, a bar of claims done and the total elapsed time.
    private func redraw() {
        lock.lock()
        defer { lock.unlock() }
        guard let current else { return }
        let now = ContinuousClock.now
        let width = 20
        let done = min(width, current.index * width / max(claimCount, 1))
        let bar = String(repeating: "#", count: done) + String(repeating: "-", count: width - done)
        write("\r\u{1B}[K" + prefix(current.index, current.name) + String(format: "  %.1f s  ", Self.seconds(now - current.started))
              + "[\(bar)]" + String(format: " %.1f s in all", Self.seconds(now - start)))
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

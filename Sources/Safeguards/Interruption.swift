import Foundation

/// Interruptions (SIGINT, SIGTERM, SIGHUP) that never cut a file write in half.
///
/// `install()` replaces the default action of those signals, which kills the process wherever it is, by a handler
/// that only writes the signal's number into a pipe (write(2) is async-signal-safe). A watcher thread reads the
/// pipe, takes the write lock, and then ends the process the way the signal would have (default action restored,
/// signal raised again), so the shell still sees "killed by SIGINT" (status 130). Every file write of the tool runs
/// inside `deferringInterruption(_:)`, which holds the same lock: an interruption that arrives during a write takes
/// effect when the write has finished, its temporary files renamed into place or removed, so that neither a
/// staging folder nor a temporary file is left behind and earlier results stay whole. Interruptions between writes
/// act at once: nothing of the run has been written yet. (SIGKILL cannot be caught; the staging names start with a
/// dot and carry the process number, and `StaleTemporaries` removes them later.) A signal ignored when the process
/// starts stays ignored; one blocked by the parent is unblocked.
public enum Interruption {
    /// The signals whose default action is deferred past writes.
    public static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    private static let lock = RecursiveLock()
    nonisolated(unsafe) private static var pipeDescriptors: [Int32] = [-1, -1]
    nonisolated(unsafe) private static var writeDescriptor: Int32 = -1
    nonisolated(unsafe) private static var installed = false

    /// Installs the handlers and the watcher thread; call once, early in `main`. Later calls do nothing.
    public static func install() {
        lock.lock()
        defer { lock.unlock() }
        guard !installed else { return }
        installed = true
        guard pipe(&pipeDescriptors) == 0 else { return }
        _ = fcntl(pipeDescriptors[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(pipeDescriptors[1], F_SETFD, FD_CLOEXEC)
        writeDescriptor = pipeDescriptors[1]
        let readDescriptor = pipeDescriptors[0]
        let watcher = Thread {
            var byte: UInt8 = 0
            while true {
                let count = read(readDescriptor, &byte, 1)
                if count == 1 { terminate(signal: Int32(byte)) }
                if count == 0 || (count < 0 && errno != EINTR) { return }
            }
        }
        watcher.name = "interruption watcher"
        watcher.start()
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        for signalNumber in signals {
            var previous = sigaction()
            sigaction(signalNumber, nil, &previous)
            // A signal ignored at start (a background job of a script, `nohup`) stays ignored, as the shell meant.
            if let handler = previous.__sigaction_handler.sa_handler,
                unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
            {
                continue
            }
            sigaddset(&unblocked, signalNumber)
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signalNumber in
                var byte = UInt8(truncatingIfNeeded: signalNumber)
                _ = write(Interruption.writeDescriptor, &byte, 1)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(signalNumber, &action, nil)
        }
        // A parent may start the process with these signals blocked (the mask survives exec); they would then stay
        // pending forever. Threads made from here on inherit the main thread's mask.
        pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
    }

    /// Runs `body`, a file write, so that an interruption arriving during it takes effect only after it.
    public static func deferringInterruption<Result>(_ body: () throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Ends the process as `signal` would have, once no write is in progress.
    private static func terminate(signal signalNumber: Int32) -> Never {
        lock.lock() // never released: no write starts after this
        signal(signalNumber, SIG_DFL)
        var only = sigset_t()
        sigemptyset(&only)
        sigaddset(&only, signalNumber)
        pthread_sigmask(SIG_UNBLOCK, &only, nil) // the watcher thread may have been made with it blocked
        raise(signalNumber)
        _exit(128 + signalNumber)
    }
}

/// A recursive pthread mutex (a write may call another write, e.g. a figure inside an output directory).
final class RecursiveLock: @unchecked Sendable {
    private var mutex = pthread_mutex_t()

    init() {
        var attributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&attributes)
        pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_RECURSIVE))
        pthread_mutex_init(&mutex, &attributes)
        pthread_mutexattr_destroy(&attributes)
    }

    func lock() { pthread_mutex_lock(&mutex) }
    func unlock() { pthread_mutex_unlock(&mutex) }
}

import FokkerPlanckLab
import Foundation

/// Standard output and standard error written with write(2), failures reported rather than trapped.
///
/// Foundation's `FileHandle.write(_:)` traps (a `try!` inside) when the stream is full (`>/dev/full`), closed
/// (`>&-`) or a pipe whose reader has gone. Here:
/// - `prepare()`, first thing in `main`, opens `/dev/null` on any of descriptors 0, 1 and 2 that is closed, so
///   that no file the tool opens later takes a standard stream's number (results would land in it), remembers
///   which were closed, and ignores SIGPIPE (a gone reader is then the error EPIPE);
/// - `writeOutput(_:)` throws `ExperimentError` naming standard output and the reason when the results cannot
///   be written (closed at start, no space, broken pipe); the tool exits with status 1;
/// - `writeError(_:)` writes what it can and ignores failures: standard error is where failures are reported, so
///   there is nowhere left to report its own; the exit status still tells.
///
/// On several ranks (`mpirun -n R fplab …`) only rank 0 speaks: `silenceOtherRanks()` makes both writes do nothing
/// on the others, which compute the same results (or their share of them) and would print them R times.
public enum StandardStreams {
    nonisolated(unsafe) private static var closedAtStart: Set<Int32> = []
    nonisolated(unsafe) private static var silenced = false

    /// On a rank other than 0 of a multi-rank run, from now on nothing is written to either stream.
    public static func silenceOtherRanks() {
        let world = WorldCommunicator.world
        silenced = world.size > 1 && !world.isRoot
    }

    public static func prepare() {
        signal(SIGPIPE, SIG_IGN)
        for descriptor: Int32 in [0, 1, 2] where fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
            let opened = open("/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY)
            if opened >= 0, opened != descriptor {
                dup2(opened, descriptor)
                close(opened)
            }
            closedAtStart.insert(descriptor)
        }
    }

    /// Writes the results; throws when they could not all be written.
    public static func writeOutput(_ text: String) throws {
        guard !silenced else { return }
        guard !closedAtStart.contains(1) else {
            throw ExperimentError("cannot write the results to standard output: it is closed.")
        }
        if let reason = write(text, to: 1) {
            throw ExperimentError("cannot write the results to standard output (\(reason)).")
        }
    }

    /// Writes a message or a progress line on standard error, as far as it can.
    public static func writeError(_ text: String) {
        guard !silenced, !closedAtStart.contains(2) else { return }
        _ = write(text, to: 2)
    }

    /// Writes every byte of `text` to `descriptor`, retrying after EINTR and short writes; the reason of a
    /// failure (strerror), or nil.
    static func write(_ text: String, to descriptor: Int32) -> String? {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            offset += written
        }
        return nil
    }
}

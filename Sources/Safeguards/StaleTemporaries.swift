import Foundation

/// Temporary names of the tool's writes, and their removal once the process that made them is gone.
///
/// Every write names its temporaries with a leading dot, the target's name, and a token "PID-RANDOM":
/// `.density.csv.4711-123456.tmp` (`OutputDirectory`), `.results.new-4711-123456` and `.results.old-4711-123456`
/// (`OutputTree`). A write is never interrupted half-way by SIGINT or SIGTERM (`Interruption`), but SIGKILL or a
/// power cut can still leave one; the next write into the same directory removes entries of that shape whose
/// process no longer runs (kill(pid, 0) fails with ESRCH). Entries of running processes, and every other name, are
/// left alone.
public enum StaleTemporaries {
    /// The process number in a temporary name of this tool, or nil when the name is not one.
    public static func processNumber(in name: String) -> Int32? {
        guard name.hasPrefix(".") else { return nil }
        var rest = Substring(name)
        if rest.hasSuffix(".tmp") {
            rest = rest.dropLast(4)
        } else if let marker = rest.range(of: ".new-", options: .backwards)
            ?? rest.range(of: ".old-", options: .backwards)
        {
            rest = rest[marker.upperBound...]
            return token(rest)
        } else {
            return nil
        }
        guard let dot = rest.lastIndex(of: ".") else { return nil }
        return token(rest[rest.index(after: dot)...])
    }

    /// "4711-123456" → 4711.
    private static func token(_ text: Substring) -> Int32? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2,
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let process = Int32(parts[0]), process > 0, UInt32(parts[1]) != nil
        else { return nil }
        return process
    }

    /// Removes the stale temporaries directly inside `directory`.
    public static func remove(in directory: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names {
            guard let process = processNumber(in: name), process != getpid() else { continue }
            guard kill(process, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(name))
        }
    }
}

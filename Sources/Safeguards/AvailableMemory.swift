import Foundation

/// The memory this process can still use, for refusing sizes that would die allocating.
///
/// `MemAvailable` of `/proc/meminfo` (the kernel's estimate of memory available without swapping), lowered to the
/// room left under a cgroup limit (`memory.max − memory.current`, cgroup v2) when one is set; where neither can
/// be read, the physical memory. Checks compare an estimated footprint with this before allocating and state
/// both numbers in the error.
public enum AvailableMemory {
    /// Bytes available now.
    public static var bytes: Double {
        var available = Double(ProcessInfo.processInfo.physicalMemory)
        if let kilobytes = meminfoValue("MemAvailable") { available = min(available, kilobytes * 1024) }
        if let limit = cgroupValue("memory.max"), let current = cgroupValue("memory.current") {
            available = min(available, max(0, limit - current))
        }
        return available
    }

    /// "2.1 GB" for a byte count.
    public static func text(_ bytes: Double) -> String {
        bytes >= 1e9 ? String(format: "%.3g GB", bytes / 1e9) : String(format: "%.3g MB", bytes / 1e6)
    }

    /// Throws `InputFileError`-style sentence when `needed` bytes exceed what is available:
    /// "<subject> needs about 3.2 GB of memory, more than the 2.1 GB available<advice>."
    public static func check(needed: Double, subject: String, advice: String = "") throws {
        let available = bytes
        guard needed.isFinite, needed <= available else {
            let neededText = needed.isFinite ? text(needed) : "more than any machine's"
            throw MemoryLimitError("\(subject) needs about \(neededText) of memory, more than the \(text(available)) "
                + "available\(advice.isEmpty ? "" : "; \(advice)").")
        }
    }

    static func meminfoValue(_ key: String) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
            let fields = line.split(separator: " ")
            if fields.count >= 2, let value = Double(fields[1]) { return value }
        }
        return nil
    }

    static func cgroupValue(_ name: String) -> Double? {
        guard let text = try? String(contentsOfFile: "/sys/fs/cgroup/\(name)", encoding: .utf8) else { return nil }
        return Double(text.trimmingCharacters(in: .whitespacesAndNewlines))   // "max" gives nil: no limit
    }
}

/// A size refused because it would not fit in the available memory; one sentence naming the option.
public struct MemoryLimitError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

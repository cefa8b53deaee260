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
        bytes(
            physical: Double(ProcessInfo.processInfo.physicalMemory),
            meminfo: try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
            cgroupLimit: cgroupValue("memory.max"), cgroupCurrent: cgroupValue("memory.current"))
    }

    /// The rule behind `bytes`, on given readings: the least of the physical memory, `MemAvailable` (kB) of the
    /// `meminfo` text, and the room `cgroupLimit − cgroupCurrent` under a cgroup limit (never below 0).
    public static func bytes(physical: Double, meminfo: String?, cgroupLimit: Double?, cgroupCurrent: Double?)
        -> Double
    {
        var available = physical
        if let kilobytes = meminfo.flatMap({ meminfoValue("MemAvailable", in: $0) }) {
            available = min(available, kilobytes * 1024)
        }
        if let cgroupLimit, let cgroupCurrent { available = min(available, max(0, cgroupLimit - cgroupCurrent)) }
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
            throw MemoryLimitError(
                "\(subject) needs about \(neededText) of memory, more than the \(text(available)) "
                    + "available\(advice.isEmpty ? "" : "; \(advice)").")
        }
    }

    static func meminfoValue(_ key: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
            let fields = line.split(separator: " ")
            if fields.count >= 2, let value = Double(fields[1]) { return value }
        }
        return nil
    }

    static func cgroupValue(_ name: String) -> Double? {
        guard let text = try? String(contentsOfFile: "/sys/fs/cgroup/\(name)", encoding: .utf8) else { return nil }
        return Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) // "max" gives nil: no limit
    }
}

/// A size refused because it would not fit in the available memory; one sentence naming the option.
public struct MemoryLimitError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

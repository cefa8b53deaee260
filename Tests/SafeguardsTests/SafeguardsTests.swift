import Foundation
import Safeguards
import Testing

@Suite struct StrictNumberTests {
    /// Every literal here is checked against Python's float() grammar restricted to decimal literals, written
    /// out by hand: accepted ones equal the value a person reads, refused ones are what C's strtod would
    /// (partly) accept.
    @Test func acceptsDecimalLiteralsOnly() {
        let accepted: [(String, Double)] = [
            ("1.5", 1.5), ("-2", -2), ("+3", 3), ("007", 7), (".5", 0.5), ("5.", 5),
            ("1e3", 1000), ("-1.25E-2", -0.0125), ("0", 0),
        ]
        for (text, value) in accepted { #expect(StrictNumber.double(text) == value, "\(text)") }
        let refused = [
            "1.5\u{0}garbage", "1.5\u{0}", "", "-", ".", "e3", "1e", "1e+", "nan", "inf", "-infinity",
            "0x1p3", " 1", "1 ", "1,5", "1.5.2", "--1", "1e3.5", "١",
        ]
        for text in refused { #expect(StrictNumber.double(text) == nil, "\(text.debugDescription)") }
        #expect(StrictNumber.double("1e400") == .infinity) // overflow: finite checks refuse it
    }

    @Test func integersAreDigitsOnly() {
        #expect(StrictNumber.integer("42") == 42)
        #expect(StrictNumber.integer("-7") == -7)
        #expect(StrictNumber.integer("9223372036854775807") == Int.max)
        for text in ["4\u{0}2", "4.0", "1e3", "9223372036854775808", "", "+", " 1", "0x10"] {
            #expect(StrictNumber.integer(text) == nil, "\(text.debugDescription)")
        }
    }
}

@Suite struct CheckedSizeTests {
    @Test func productsOverflowToNil() {
        #expect(CheckedSize.product(3, 4, 8) == 96)
        #expect(CheckedSize.product(1 << 62, 1 << 62, 8) == nil)
        #expect(CheckedSize.product(Int.max, 1) == Int.max)
        #expect(CheckedSize.product(Int.max, 2) == nil)
        #expect(CheckedSize.product(-1, 2) == nil)
        #expect(CheckedSize.product(0, Int.max, Int.max) == 0)
        #expect(CheckedSize.sum(Int.max, 1) == nil)
        #expect(CheckedSize.sum(10, 6) == 16)
    }
}

@Suite struct InputFileTests {
    func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("safeguards-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func refusesWhatIsNotARegularFile() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        for (path, kind) in [(fifo, "a FIFO"), ("/dev/zero", "a character device"), (folder.path, "a directory")] {
            #expect(throws: InputFileError.self) { try InputFile.read(path, subject: "--data '\(path)'") }
            do { _ = try InputFile.read(path, subject: "--data") } catch let error as InputFileError {
                #expect(error.description.contains(kind), "\(error)")
                #expect(error.description.hasPrefix("--data"))
            }
            #expect(throws: InputFileError.self) { try InputFile.checkReplaceable(path, subject: "--checkpoint") }
        }
        #expect(throws: InputFileError.self) {
            try InputFile.read(folder.appendingPathComponent("none").path, subject: "x")
        }
        try InputFile.checkReplaceable(folder.appendingPathComponent("new").path, subject: "--checkpoint")
    }

    @Test func sizeLimitAndNulBytes() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("a.csv").path
        try Data("1.5\u{0}garbage\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(try InputFile.read(path, subject: "x").count == 12) // "1.5", NUL, "garbage", line break
        #expect(throws: InputFileError.self) { try InputFile.read(path, subject: "x", byteLimit: 11) }
        do { _ = try InputFile.readText(path, subject: "--data 'a.csv'") } catch let error as InputFileError {
            #expect(error.description == "--data 'a.csv': a NUL byte at offset 3; the file must be text.")
        }
        try InputFile.checkReplaceable(path, subject: "--checkpoint")
    }
}

@Suite struct AvailableMemoryTests {
    /// Against /proc/meminfo read here with a different parser (awk-like split on whitespace).
    @Test func atMostMemAvailable() throws {
        let text = try String(contentsOfFile: "/proc/meminfo", encoding: .utf8)
        let line = try #require(text.components(separatedBy: "\n").first { $0.hasPrefix("MemAvailable") })
        let kilobytes = try #require(Double(line.components(separatedBy: .whitespaces).filter { !$0.isEmpty }[1]))
        // MemAvailable changes between the two reads by what other processes allocate; 10 % allows for that.
        #expect(AvailableMemory.bytes <= kilobytes * 1024 * 1.1)
        #expect(AvailableMemory.bytes > 0)
        #expect(throws: MemoryLimitError.self) { try AvailableMemory.check(needed: 1e30, subject: "--points") }
        #expect(throws: MemoryLimitError.self) { try AvailableMemory.check(needed: .infinity, subject: "--points") }
        try AvailableMemory.check(needed: 1e3, subject: "--points")
    }

    /// The rule on fixed readings, each limit in turn the smallest: 16 GiB physical, 3 GiB available, a cgroup
    /// with 2 GiB of room (5 GiB limit, 3 GiB used), a cgroup already over its limit.
    @Test func leastOfPhysicalAvailableAndCgroupRoom() {
        let gibibyte = 1024.0 * 1024 * 1024
        let meminfo = "MemTotal:       16777216 kB\nMemFree:         1048576 kB\nMemAvailable:    3145728 kB\n"
        #expect(
            AvailableMemory.bytes(
                physical: 16 * gibibyte, meminfo: meminfo, cgroupLimit: nil,
                cgroupCurrent: nil) == 3 * gibibyte)
        #expect(
            AvailableMemory.bytes(
                physical: 16 * gibibyte, meminfo: nil, cgroupLimit: nil,
                cgroupCurrent: nil) == 16 * gibibyte)
        #expect(
            AvailableMemory.bytes(
                physical: 16 * gibibyte, meminfo: meminfo, cgroupLimit: 5 * gibibyte,
                cgroupCurrent: 3 * gibibyte) == 2 * gibibyte)
        #expect(
            AvailableMemory.bytes(
                physical: 16 * gibibyte, meminfo: meminfo, cgroupLimit: 1 * gibibyte,
                cgroupCurrent: 3 * gibibyte) == 0)
        #expect(
            AvailableMemory.bytes(
                physical: 2 * gibibyte, meminfo: meminfo, cgroupLimit: nil,
                cgroupCurrent: nil) == 2 * gibibyte)
    }
}

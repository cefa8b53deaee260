import Foundation
import Safeguards

/// A results directory written as a whole: every file goes into a temporary sibling directory, which then takes
/// the directory's place, so a reader sees the old tree or the new one and a failure leaves the old one untouched.
///
/// Entries of the old directory that the new tree does not own (`owns` returns false: a notebook, configuration
/// files, another command's results) are copied into the new tree first. The swap is two renames (the old
/// directory aside, the new one in place), then the old tree is removed. Errors name `option` and say what failed.
/// The directory must be new, empty, or written before by the same command (`isRecognized`), so that a typo in
/// `--output` never copies or replaces an unrelated folder. The write holds off interruptions (`Interruption`):
/// a SIGINT or SIGTERM during it takes effect once the new tree is in place (or the old one is restored), so no
/// staging folder is left behind; folders left by a process killed outright are removed by the next write.
public struct OutputTree {
    public let path: String
    /// The option named in errors, e.g. "--output".
    public var option: String

    public init(path: String, option: String = "--output") {
        self.path = path
        self.option = option
    }

    private var url: URL { URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL }

    /// Throws unless the directory could be written: its parent (or nearest existing ancestor) must be a
    /// writable directory, and the directory itself new, empty, or recognized. Touches nothing.
    public func checkWritable(isRecognized: (URL) -> Bool) throws {
        guard !path.isEmpty else { throw OutputFolderError("\(option) must name a directory; got an empty path.") }
        let directory = url
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw OutputFolderError("\(option) \(path): exists and is not a directory.")
            }
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            guard entries.isEmpty || isRecognized(directory) else {
                throw OutputFolderError(
                    "\(option) \(path): the folder holds files that fplab verify "
                        + "did not write; name a new or empty folder."
                )
            }
        }
        try OutputDirectory(path: directory.deletingLastPathComponent().path).checkWritable()
    }

    /// Writes `files` (relative paths, subdirectories created) as the new tree; entries of the old tree that
    /// `owns` rejects are carried over. Returns the names carried over.
    @discardableResult
    public func write(_ files: [(path: String, data: Data)], owns: (String) -> Bool) throws -> [String] {
        try Interruption.deferringInterruption { try writeWhole(files, owns: owns) }
    }

    private func writeWhole(_ files: [(path: String, data: Data)], owns: (String) -> Bool) throws -> [String] {
        let directory = url
        let parent = directory.deletingLastPathComponent()
        let manager = FileManager.default
        do { try manager.createDirectory(at: parent, withIntermediateDirectories: true) } catch {
            throw OutputFolderError(
                "\(option) \(path): cannot create '\(parent.path)' (\(error.localizedDescription)).")
        }
        let token = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        let staging = parent.appendingPathComponent(".\(directory.lastPathComponent).new-\(token)", isDirectory: true)
        let retired = parent.appendingPathComponent(".\(directory.lastPathComponent).old-\(token)", isDirectory: true)
        var carried: [String] = []
        StaleTemporaries.remove(in: parent.path)
        do {
            try manager.createDirectory(at: staging, withIntermediateDirectories: false)
            if manager.fileExists(atPath: directory.path) {
                for name in try manager.contentsOfDirectory(atPath: directory.path).sorted() where !owns(name) {
                    try manager.copyItem(
                        at: directory.appendingPathComponent(name), to: staging.appendingPathComponent(name))
                    carried.append(name)
                }
            }
            for (relativePath, data) in files {
                let destination = staging.appendingPathComponent(relativePath)
                try manager.createDirectory(
                    at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
                guard manager.createFile(atPath: destination.path, contents: data) else {
                    throw OutputFolderError("\(option) \(path): cannot write '\(relativePath)'.")
                }
            }
        } catch {
            try? manager.removeItem(at: staging)
            if let error = error as? OutputFolderError { throw error }
            throw OutputFolderError(
                "\(option) \(path): cannot write the results "
                    + "(\(error.localizedDescription)); the earlier results are untouched."
            )
        }
        let existed = manager.fileExists(atPath: directory.path)
        if existed, rename(directory.path, retired.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? manager.removeItem(at: staging)
            throw OutputFolderError(
                "\(option) \(path): cannot move the old results aside (\(reason)); they are untouched.")
        }
        if rename(staging.path, directory.path) != 0 {
            let reason = String(cString: strerror(errno))
            if existed { rename(retired.path, directory.path) }
            try? manager.removeItem(at: staging)
            throw OutputFolderError(
                "\(option) \(path): cannot move the new results into place "
                    + "(\(reason)); the earlier results are untouched."
            )
        }
        if existed { try? manager.removeItem(at: retired) }
        return carried
    }
}

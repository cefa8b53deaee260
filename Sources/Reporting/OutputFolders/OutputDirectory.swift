import Foundation
import Safeguards

/// The `--output` directory: checked before any work starts, written all-or-nothing at the end.
///
/// `checkWritable()` creates nothing: the directory, or its nearest existing ancestor, must be a directory this
/// process may write into. `write(_:)` creates the directory and its missing parents, writes every file under a
/// temporary name in the same directory, and only when all are written renames them into place (rename(2)
/// replaces an older file atomically). On any failure the temporary files, the files of this call already moved
/// into place and the directories it created are removed, so an error leaves none of this call's files behind;
/// errors name `--output`. The write holds off interruptions (`Interruption`): a SIGINT or SIGTERM during it takes
/// effect once every file is in place. A name in the way that is not a regular file (a directory, a FIFO, a
/// device) is refused, never replaced. Temporaries left by a process that was killed outright (SIGKILL) are
/// removed by the next write into the same directory (`StaleTemporaries`).
public struct OutputDirectory: Sendable, Equatable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    private var url: URL { URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL }

    /// Throws when the directory could not be created or written, without touching the file system.
    public func checkWritable() throws {
        guard !path.isEmpty else { throw OutputFolderError("--output must name a directory; got an empty path.") }
        var candidate = url
        while true {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else {
                    throw OutputFolderError("--output \(path): '\(candidate.path)' exists and is not a directory.")
                }
                guard access(candidate.path, W_OK | X_OK) == 0 else {
                    throw OutputFolderError("--output \(path): no permission to write in '\(candidate.path)'.")
                }
                return
            }
            let parent = candidate.deletingLastPathComponent()
            if parent.path == candidate.path { return }
            candidate = parent
        }
    }

    /// Writes `files` into the directory, all or none (see the type's documentation).
    public func write(_ files: [OutputFile]) throws {
        try Interruption.deferringInterruption { try writeWhole(files) }
    }

    private func writeWhole(_ files: [OutputFile]) throws {
        precondition(Set(files.map(\.name)).count == files.count, "OutputDirectory: file names must differ")
        try checkWritable()
        let directory = url
        let destinations = files.map { directory.appendingPathComponent($0.name).path }
        for (file, destination) in zip(files, destinations) {
            var status = stat()
            if lstat(destination, &status) == 0, (status.st_mode & S_IFMT) != S_IFREG {
                let kind = (status.st_mode & S_IFMT) == S_IFDIR ? "a directory" : "something that is not a regular file"
                throw OutputFolderError("--output \(path): cannot write '\(file.name)', \(kind) is in the way.")
            }
        }
        StaleTemporaries.remove(in: directory.path)

        let createdDirectories = missingDirectories(of: directory)
        let token = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        let temporaries = files.map { directory.appendingPathComponent(".\($0.name).\(token).tmp").path }
        var placedCount = 0
        func undo() {
            for temporary in temporaries { unlink(temporary) }
            for destination in destinations.prefix(placedCount) { unlink(destination) }
            for created in createdDirectories { rmdir(created.path) } // deepest first
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            undo()
            throw OutputFolderError("--output \(path): cannot create the directory (\(Self.reason(error))).")
        }
        for (file, temporary) in zip(files, temporaries) {
            guard FileManager.default.createFile(atPath: temporary, contents: file.data) else {
                undo()
                throw OutputFolderError("--output \(path): cannot write '\(file.name)'.")
            }
        }
        for (index, file) in files.enumerated() {
            guard rename(temporaries[index], destinations[index]) == 0 else {
                let reason = String(cString: strerror(errno))
                undo()
                throw OutputFolderError("--output \(path): cannot move '\(file.name)' into place (\(reason)).")
            }
            placedCount += 1
        }
    }

    /// The directories that do not exist yet on the way to `directory`, deepest first.
    private func missingDirectories(of directory: URL) -> [URL] {
        var missing: [URL] = []
        var candidate = directory
        while !FileManager.default.fileExists(atPath: candidate.path) {
            missing.append(candidate)
            let parent = candidate.deletingLastPathComponent()
            if parent.path == candidate.path { break }
            candidate = parent
        }
        return missing
    }

    private static func reason(_ error: Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let underlying, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return (error as NSError).localizedDescription
    }
}

import Foundation

/// Why an input file was refused; `description` is one sentence that names the file (and the option, when the
/// caller gave one).
public struct InputFileError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Reading a whole input file safely: the path must name a regular file (a FIFO, a device such as `/dev/zero`, a
/// socket or a directory would block, never end or mean nothing), no larger than a stated limit, checked with
/// `stat(2)` before a byte is read; the bytes are then read and their count checked again (a file that grows
/// while it is read is refused, not truncated).
public enum InputFile {
    /// The largest text input any reader accepts by default: 1 GiB.
    public static let defaultByteLimit = 1 << 30

    /// The file's bytes. `subject` begins every error: "--data 'points.csv'" or "config 'run.json'".
    public static func read(_ path: String, subject: String, byteLimit: Int = defaultByteLimit) throws -> Data {
        guard !path.isEmpty else { throw InputFileError("\(subject): the path is empty.") }
        guard !path.utf8.contains(0) else { throw InputFileError("\(subject): the path contains a NUL byte.") }
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw InputFileError("\(subject): cannot read the file (\(String(cString: strerror(errno)))).")
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw InputFileError("\(subject): not a regular file (\(kind(of: status.st_mode))).")
        }
        let size = Int(status.st_size)
        guard size <= byteLimit else {
            throw InputFileError("\(subject): the file has \(size) bytes, more than the \(byteLimit) allowed.")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw InputFileError("\(subject): cannot open the file for reading.")
        }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.read(upToCount: byteLimit + 1) ?? Data() } catch {
            throw InputFileError("\(subject): cannot read the file (\(error.localizedDescription)).")
        }
        guard data.count <= byteLimit else {
            throw InputFileError("\(subject): the file grew past the \(byteLimit) bytes allowed while it was read.")
        }
        return data
    }

    /// The file's text, which must be UTF-8 without NUL bytes (a NUL would end a number early in C's parsers).
    public static func readText(_ path: String, subject: String, byteLimit: Int = defaultByteLimit) throws -> String {
        let data = try read(path, subject: subject, byteLimit: byteLimit)
        if let offset = data.firstIndex(of: 0) {
            throw InputFileError("\(subject): a NUL byte at offset \(offset - data.startIndex); the file must be text.")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputFileError("\(subject): the file is not UTF-8 text.")
        }
        return text
    }

    /// Whether `path` may be replaced by a new regular file: it does not exist, or it is a regular file (never a
    /// device, FIFO, socket or directory: as root, replacing `/dev/null` would break the machine). Symbolic links
    /// are followed, so a link to a regular file is allowed and a link to a device is not.
    public static func checkReplaceable(_ path: String, subject: String) throws {
        guard !path.isEmpty else { throw InputFileError("\(subject): the path is empty.") }
        guard !path.utf8.contains(0) else { throw InputFileError("\(subject): the path contains a NUL byte.") }
        var status = stat()
        if stat(path, &status) == 0 {
            guard (status.st_mode & S_IFMT) == S_IFREG else {
                throw InputFileError(
                    "\(subject): exists and is not a regular file (\(kind(of: status.st_mode))); "
                        + "it is never replaced.")
            }
        } else if errno != ENOENT {
            throw InputFileError("\(subject): cannot inspect the path (\(String(cString: strerror(errno)))).")
        }
    }

    /// "a directory", "a FIFO", "a character device", … for `st_mode`.
    static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symbolic link"
        default: return "not a regular file"
        }
    }
}

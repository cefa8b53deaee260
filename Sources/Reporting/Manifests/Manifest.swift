import DataFiles
import Safeguards

/// The library version, written into every manifest.
public let fokkerPlanckLabVersion = "0.1.0"

/// `manifest.json`, the first file of every results folder: what ran (command, version, settings, results) and
/// the files written beside it.
public enum Manifest {
    public static let fileName = "manifest.json"

    /// The largest manifest.json read: 1 MiB (2^20 bytes). The run's manifest gives each claim's folder,
    /// verdict and seconds in about 140 bytes (3.5 KB for the 24 claims), so 1 MiB holds some 7000 claims.
    public static let byteLimit = 1 << 20

    /// A command's manifest: the members of the object `json` plus "files", the manifest's own name followed by
    /// the names of `files` in order.
    public static func file(_ json: JSONValue, listing files: [OutputFile]) -> OutputFile {
        var members = json.members
        members["files"] = .array(([fileName] + files.map(\.name)).map { JSONValue.string($0) })
        return OutputFile(name: fileName, contents: JSONValue.object(members).rendered())
    }

    /// The members of a manifest.json: a regular file of at most `byteLimit` bytes holding a JSON object.
    /// Errors (`InputFileError`) begin with `subject` and give the line and column of malformed JSON.
    public static func read(_ path: String, subject: String) throws -> [String: JSONValue] {
        let text = try InputFile.readText(path, subject: subject, byteLimit: byteLimit)
        let document: JSONValue
        do { document = try JSONValue.parse(text) } catch let error as JSONSyntaxError {
            throw InputFileError("\(subject): malformed JSON at \(error).")
        }
        guard case .object(let members) = document else { throw InputFileError("\(subject): not a JSON object.") }
        return members
    }
}

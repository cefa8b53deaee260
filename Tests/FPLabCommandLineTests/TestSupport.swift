import FPLabCommandLine
import FokkerPlanckLab
import Foundation
import Testing

/// The built `fplab` executable, run as a child process (the test target depends on it, so it is built
/// beside the test bundle in the products directory).
enum FPLabExecutable {
    struct Result {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// Directories that may hold the products: the test bundle's folder (Linux: the .xctest executable's
    /// folder; macOS: the folder holding the .xctest bundle) and the running executable's folder.
    static var productDirectories: [URL] {
        var directories: [URL] = []
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            directories.append(bundle.bundleURL.deletingLastPathComponent())
        }
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            directories.append(executable.deletingLastPathComponent())
        }
        directories.append(Bundle.main.bundleURL)
        directories.append(Bundle.main.bundleURL.deletingLastPathComponent())
        let launched = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        directories.append(launched.deletingLastPathComponent())
        return directories
    }

    static func locate() throws -> URL {
        let candidates = productDirectories.map { $0.appendingPathComponent("fplab") }
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
        return try #require(found, "no fplab executable in \(candidates.map(\.path))")
    }

    /// Runs `fplab arguments`, standard output and error going to files (no pipe can fill up and block); the
    /// run is `HostileRun.run` with a ten-minute limit.
    static func run(_ arguments: [String]) throws -> Result {
        let run = try HostileRun.run(arguments, timeLimit: 600)
        return Result(status: run.status, standardOutput: run.standardOutput, standardError: run.standardError)
    }
}

/// A fresh directory under the system's temporary directory, removed when the value goes away. Swift may end a
/// value's lifetime at its last use, so a scope that still needs the directory afterwards (a child process
/// writing into it, files read back by path) holds it with `defer { withExtendedLifetime(scratch) {} }`.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("fplab-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// A path inside this directory that does not exist yet.
    func path(_ components: String...) -> String {
        components.reduce(url) { $0.appendingPathComponent($1) }.path
    }

    /// Every entry below the directory, relative paths, hidden files included.
    func contents() -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: url.path)
        return (enumerator?.allObjects as? [String] ?? []).sorted()
    }
}

/// Parses `fplab forward arguments` in process and runs it, returning its report without printing.
func forwardOutcome(_ arguments: [String]) throws -> ForwardOutcome {
    let command = try #require(try FPLab.parseAsRoot(["forward"] + arguments) as? Forward)
    return try command.experiment().run()
}

/// The `--format json` object of a forward run, read back with JSONSerialization.
func forwardJSON(_ arguments: [String]) throws -> [String: Any] {
    let text = try forwardOutcome(arguments).report.rendered(as: .json)
    return try parseJSONObject(text)
}

func parseJSONObject(_ text: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(object as? [String: Any], "not a JSON object: \(text.prefix(200))")
}

/// Parses `fplab arguments` and builds its experiment: everything the command does before it runs anything.
func parseAndPrepare(_ arguments: [String]) throws {
    let command = try FPLab.parseAsRoot(arguments)
    if let experimentCommand = command as? any ExperimentCommand { _ = try experimentCommand.prepared() }
}

/// The one-line message `fplab <subcommand> arguments` fails with before it runs (parsing, or building its
/// experiment), or nil if it gets that far. (The exit status is checked against the executable: building it here
/// costs as much again as the message.)
func parseFailure(_ subcommand: String, _ arguments: [String]) -> String? {
    do {
        try parseAndPrepare([subcommand] + arguments)
        return nil
    } catch {
        return FPLab.oneLineMessage(for: error)
    }
}

import FokkerPlanckLab
import Foundation
import Testing

@testable import FPLabCommandLine

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Every file under `directory` (relative paths, hidden ones included) with its bytes.
func snapshot(of directory: String) -> [String: Data] {
    var files: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: directory)
    while let path = enumerator?.nextObject() as? String {
        var isDirectory: ObjCBool = false
        let full = directory + "/" + path
        if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
            files[path] = FileManager.default.contents(atPath: full)
        }
    }
    return files
}

/// `fplab verify --output`: the files written, their formats, `--compare`, and what bad input leaves behind.
@Suite(.serialized) struct VerifyOutputTests {
    /// Two fast claims with tables, an array-free one and one with figures.
    static let claims = ["ve-exact", "entropy-decay"]

    func writeData(into directory: String, only: String) throws -> FPLabExecutable.Result {
        try FPLabExecutable.run(["verify", "--quick", "--only", only, "--output", directory])
    }

    @Test func perClaimFolderManifestTablesFiguresReportAndReadme() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let output = scratch.path("data")
        let result = try writeData(into: output, only: "entropy-decay")
        #expect(result.status == 0, "\(result.standardError)")
        #expect(
            result.standardError.contains("[1/1] entropy-decay ... passed ("),
            "a progress line per claim: \(result.standardError)")
        let files = snapshot(of: output)
        for name in [
            "manifest.json", "summary.csv", "summary.md", "summary.tex", "REPORT.md", "README.md",
            "entropy-decay/manifest.json", "entropy-decay/checks.csv", "entropy-decay/checks.tex",
            "entropy-decay/mixture.csv",
            "entropy-decay/mixture.md", "entropy-decay/mixture.tex", "entropy-decay/gaussian.csv",
            "entropy-decay/entropy_decay.svg",
        ] {
            #expect(files[name] != nil, "missing \(name)")
        }
        #expect(!files.keys.contains { $0.contains(".new-") || $0.contains(".tmp") }, "no temporary files left")
        let manifest = try parseJSONObject(
            String(decoding: try #require(files["entropy-decay/manifest.json"]), as: UTF8.self))
        #expect(manifest["claim"] as? String == "entropy-decay" && manifest["verdict"] as? String == "pass")
        #expect(manifest["quick"] as? Bool == true && manifest["seed"] as? Int == 1 && manifest["version"] is String)
        #expect(manifest["seconds"] is Double && (manifest["parameters"] as? [String: Any])?["points"] as? Int == 256)
        // One observation a row: the mixture table has the 31 snapshots t = 0, 0.1, …, 3.
        let mixture = String(decoding: try #require(files["entropy-decay/mixture.csv"]), as: UTF8.self)
        let rows = try CSVReader.table(mixture)
        #expect(rows.first == ["time", "kl", "bound", "ratio"] && rows.count == 32)
        #expect(rows.dropFirst().allSatisfy { $0.count == 4 && $0.allSatisfy { Double($0) != nil } })
        // The SVG is XML with the expected elements: the svg root, a title, series paths.
        let svg = try XMLDocument(data: try #require(files["entropy-decay/entropy_decay.svg"]), options: [])
        #expect(svg.rootElement()?.name == "svg")
        let text = String(decoding: files["entropy-decay/entropy_decay.svg"]!, as: UTF8.self)
        #expect(text.contains("class=\"series-line\"") && text.contains("Entropy decay under OU"))
        // The README documents every file written and every column; the report links the figure.
        let readme = String(decoding: try #require(files["README.md"]), as: UTF8.self)
        for path in files.keys
        where path.hasPrefix("entropy-decay/") && !path.hasSuffix(".md") && !path.hasSuffix(".tex") {
            #expect(readme.contains("`\(path.split(separator: "/").last!)`"), "README.md does not document \(path)")
        }
        for column in ["time", "kl", "bound", "ratio", "relative_gap"] { #expect(readme.contains("| `\(column)` |")) }
        let report = String(decoding: try #require(files["REPORT.md"]), as: UTF8.self)
        #expect(
            report.contains("![") && report.contains("(entropy-decay/entropy_decay.svg)")
                && report.contains("**Verdict: pass.**"))
    }

    @Test func comparePassesOnFreshDataAndReportsAnEditedNumber() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let output = scratch.path("data")
        #expect(try writeData(into: output, only: "entropy-decay").status == 0)
        let same = try FPLabExecutable.run(["verify", "--only", "entropy-decay", "--compare", output])
        #expect(same.status == 0, "\(same.standardOutput) \(same.standardError)")
        #expect(same.standardOutput.contains("nothing moved") && same.standardOutput.contains("quick run, seed 1"))
        // Another seed cannot be compared with data written with seed 1.
        let otherSeed = try FPLabExecutable.run([
            "verify", "--only", "entropy-decay", "--seed", "7", "--compare", output,
        ])
        #expect(
            otherSeed.status == 64 && otherSeed.standardError.contains("written with seed 1")
                && otherSeed.standardError.contains("--seed 7"))
        // Edit one number of the mixture table (row 3, the KL value) well beyond its tolerance.
        let path = output + "/entropy-decay/mixture.csv"
        var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        var fields = lines[3].components(separatedBy: ",")
        let old = try #require(Double(fields[1]))
        fields[1] = "\(old * 1.01)"
        lines[3] = fields.joined(separator: ",")
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let moved = try FPLabExecutable.run(["verify", "--only", "entropy-decay", "--compare", output])
        #expect(moved.status == 1)
        let line = try #require(moved.standardOutput.split(separator: "\n").first { $0.contains("mixture.csv") })
        for piece in ["entropy-decay", "mixture.csv", " 3 ", "kl", "\(old * 1.01)", "\(old)", "rel"] {
            #expect(line.contains(piece), "\(piece) not in: \(line)")
        }
        // A quick comparison of data written by a full run is refused.
        let full = try FPLabExecutable.run(["verify", "--quick", "--compare", scratch.path("nowhere")])
        #expect(full.status == 64 && full.standardError.contains("--compare"))
    }

    @Test func brokenToleranceFailsAndBadInputLeavesEarlierResultsUntouched() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let output = scratch.path("data")
        #expect(try writeData(into: output, only: "ve-exact").status == 0)
        let before = snapshot(of: output)
        // A tolerance scale near 0 breaks every check: exit 1; with --output the failing run is written as such.
        let broken = try FPLabExecutable.run(["verify", "--quick", "--only", "ve-exact", "--tolerance-scale", "1e-9"])
        #expect(broken.status == 1 && broken.standardOutput.contains("FAILED"))
        // An unknown claim name: exit 64, the names listed, nothing written.
        let unknown = try FPLabExecutable.run(["verify", "--only", "no-such-claim", "--output", output])
        #expect(unknown.status == 64 && unknown.standardError.contains("no claim named 'no-such-claim'"))
        #expect(snapshot(of: output) == before)
        // An output folder that cannot be created (its parent is a file), and a folder of unrelated files.
        let file = scratch.path("plain-file")
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let unwritable = try FPLabExecutable.run([
            "verify", "--quick", "--only", "ve-exact", "--output", file + "/data",
        ])
        #expect(unwritable.status == 64 && unwritable.standardError.contains("--output"))
        let foreign = scratch.path("foreign")
        try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: foreign + "/thesis.tex"))
        let refused = try FPLabExecutable.run(["verify", "--quick", "--only", "ve-exact", "--output", foreign])
        #expect(refused.status == 64 && refused.standardError.contains("did not write"))
        #expect(snapshot(of: foreign) == ["thesis.tex": Data("keep".utf8)])
        #expect(snapshot(of: output) == before)
    }

    /// The tree writer: entries it does not own are carried over; a failure part way leaves the old tree and no
    /// temporary sibling behind.
    @Test func treeIsSwappedWholeAndAFailedWriteLeavesTheOldTree() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let tree = OutputTree(path: scratch.path("data"))
        try tree.write([("a/one.csv", Data("1".utf8)), ("README.md", Data("r".utf8))], owns: { _ in true })
        try Data("mine".utf8).write(to: URL(fileURLWithPath: scratch.path("data", "notebook.ipynb")))
        try tree.write([("b/two.csv", Data("2".utf8))], owns: { $0 != "notebook.ipynb" })
        #expect(
            snapshot(of: scratch.path("data")) == ["b/two.csv": Data("2".utf8), "notebook.ipynb": Data("mine".utf8)])
        let before = snapshot(of: scratch.path("data"))
        #expect(throws: OutputFolderError.self) {
            try tree.write(
                [("c", Data("file".utf8)), ("c/inside.csv", Data("3".utf8))], owns: { $0 != "notebook.ipynb" })
        }
        #expect(snapshot(of: scratch.path("data")) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path) == ["data"])
    }

    @Test func defaultOutputIsNotebooksDataForTheFullRunOnly() throws {
        func target(_ arguments: [String]) throws -> String? {
            try #require(try FPLab.parseAsRoot(["verify"] + arguments) as? Verify).outputTarget
        }
        #expect(try target([]) == "notebooks-data")
        #expect(try target(["--quick"]) == nil)
        #expect(try target(["--only", "ve-exact"]) == nil)
        #expect(try target(["--no-output"]) == nil)
        #expect(
            try target(["--quick", "--output", "/nonexistent-fplab-folder/data"]) == "/nonexistent-fplab-folder/data")
        #expect(parseFailure("verify", ["--no-output", "--output", "x"])?.contains("exclude each other") == true)
    }
}

/// The progress lines of `fplab verify` away from a terminal: a long claim's quarters, each written once.
@Suite struct VerifyProgressTests {
    final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var pieces: [String] = []
        func append(_ text: String) {
            lock.lock()
            pieces.append(text)
            lock.unlock()
        }
        var text: String {
            lock.lock()
            defer { lock.unlock() }
            return pieces.joined()
        }
    }

    @Test func plainLinesShowQuartersOnce() {
        let collected = Collected()
        let progress = VerifyProgress(claimCount: 2, isTerminal: false, output: { collected.append($0) })
        progress.start(index: 0, name: "short")
        progress.finish(passed: true, seconds: 0.5)
        progress.start(index: 1, name: "long")
        for fraction in [0.1, 0.3, 0.3, 0.8, 1.0] { progress.update(fraction: fraction, detail: "working") }
        progress.finish(passed: false, seconds: 12)
        #expect(collected.text == "[1/2] short ... passed (0.5 s)\n[2/2] long ... 25 % 50 % 75 % FAILED (12.0 s)\n")
    }
}

import FPLabCommandLine
import FokkerPlanckLab
import Foundation
import Testing

@Suite struct OutputDirectoryTests {
    static let files = [
        OutputFile(name: "manifest.json", contents: "{}\n"),
        OutputFile(name: "table.csv", contents: "a,b\n1,2\n"),
    ]

    @Test func createsMissingParentsAndLeavesNoTemporaryFiles() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let directory = OutputDirectory(path: scratch.path("x", "y", "z"))
        try directory.checkWritable()
        #expect(scratch.contents().isEmpty, "checking creates nothing")
        try directory.write(Self.files)
        #expect(scratch.contents() == ["x", "x/y", "x/y/z", "x/y/z/manifest.json", "x/y/z/table.csv"])
        #expect(try String(contentsOfFile: scratch.path("x", "y", "z", "table.csv"), encoding: .utf8) == "a,b\n1,2\n")
    }

    @Test func replacesEarlierFiles() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let directory = OutputDirectory(path: scratch.url.path)
        try directory.write([OutputFile(name: "table.csv", contents: "old\n")])
        try directory.write(Self.files)
        #expect(try String(contentsOfFile: scratch.path("table.csv"), encoding: .utf8) == "a,b\n1,2\n")
        #expect(scratch.contents() == ["manifest.json", "table.csv"])
    }

    /// A directory in the way of the second file: the error names --output, and neither file, nor a temporary
    /// file, nor the directories created for the call remain.
    @Test func failureLeavesNothingBehind() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let directory = OutputDirectory(path: scratch.path("new", "run"))
        let obstacle = scratch.path("new", "run", "table.csv")
        try FileManager.default.createDirectory(atPath: obstacle, withIntermediateDirectories: true)
        #expect {
            try directory.write(Self.files)
        } throws: { error in
            (error as? OutputFolderError)?.description.hasPrefix("--output ") == true
        }
        #expect(scratch.contents() == ["new", "new/run", "new/run/table.csv"])
    }

    @Test func pathThroughARegularFileIsRefused() throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        try "x".write(toFile: scratch.path("plain"), atomically: false, encoding: .utf8)
        let directory = OutputDirectory(path: scratch.path("plain", "run"))
        #expect(throws: OutputFolderError.self) { try directory.checkWritable() }
        #expect(throws: OutputFolderError.self) { try directory.write(Self.files) }
        #expect(scratch.contents() == ["plain"])
    }
}

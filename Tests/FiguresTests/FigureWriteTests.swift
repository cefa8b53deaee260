import Foundation
import Testing

@testable import Figures

@Suite("Writing figures")
struct FigureWriteTests {
    @Test("write(to:) leaves exactly svg() in the file, replaces an old file, and leaves no temporary behind")
    func atomicWrite() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "figures-write-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("plot.svg").path
        try "old contents".write(toFile: path, atomically: false, encoding: .utf8)
        let plot = LinePlot(title: "written", series: [.init("a", x: [0, 1], y: [0, 1])])
        try plot.write(to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == plot.svg())
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["plot.svg"])
    }

    @Test("a missing directory is an error that names the path")
    func missingDirectory() {
        let path = "/nonexistent-\(UUID().uuidString)/plot.svg"
        #expect(throws: FigureWriteError.self) { try LinePlot().write(to: path) }
        do {
            try LinePlot().write(to: path)
        } catch {
            #expect("\(error)".contains(path))
        }
    }

    @Test("sizes other than the standard one reach the root element")
    func size() throws {
        let plot = LinePlot(size: FigureSize(width: 320, height: 240))
        let root = try parsedSVG(plot.svg())
        #expect(attributeValue(root, "width") == "320" && attributeValue(root, "viewBox") == "0 0 320 240")
    }
}

import Foundation
import Testing

/// notebooks-data/notebook.ipynb: valid nbformat 4 JSON, and every file it loads is committed beside it.
@Suite struct NotebookTests {
    let folder = repositoryRoot.appendingPathComponent("notebooks-data")

    func notebook() throws -> [String: Any] {
        let data = try Data(contentsOf: folder.appendingPathComponent("notebook.ipynb"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func isNbformat4() throws {
        let notebook = try notebook()
        #expect(
            notebook["nbformat"] as? Int == 4 && notebook["nbformat_minor"] is Int
                && notebook["metadata"] is [String: Any])
        let cells = try #require(notebook["cells"] as? [[String: Any]])
        #expect(
            cells.contains { $0["cell_type"] as? String == "code" }
                && cells.contains { $0["cell_type"] as? String == "markdown" })
        for cell in cells {
            #expect(
                ["code", "markdown"].contains(cell["cell_type"] as? String ?? "") && cell["metadata"] is [String: Any])
            #expect((cell["source"] as? [String]) != nil, "source is a list of lines")
            if cell["cell_type"] as? String == "code" {
                #expect(cell["outputs"] is [Any] && cell.keys.contains("execution_count"))
            }
        }
    }

    @Test func everyFileItLoadsExists() throws {
        let cells = try #require(try notebook()["cells"] as? [[String: Any]])
        let code = cells.filter { $0["cell_type"] as? String == "code" }.compactMap {
            ($0["source"] as? [String])?.joined()
        }.joined(separator: "\n")
        let pattern = try NSRegularExpression(pattern: #""([A-Za-z0-9_./-]+\.(?:csv|npy))""#)
        let paths = pattern.matches(in: code, range: NSRange(code.startIndex..., in: code)).map { match in
            String(code[Range(match.range(at: 1), in: code)!])
        }
        #expect(paths.count >= 8)
        for path in paths {
            #expect(
                FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path),
                "notebook loads \(path), which is missing")
        }
    }
}

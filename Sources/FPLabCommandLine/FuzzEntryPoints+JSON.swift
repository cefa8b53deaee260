import FokkerPlanckLab
import Foundation

extension FuzzEntryPoints {
    /// The path `fplab run FILE` takes after reading the file: the bytes as UTF-8 text (other bytes are refused
    /// by `InputFile.readText` before the reader sees them), the JSON reader in both number modes, the
    /// configuration turned into arguments, and the command-line parser with the subcommand's validation, without
    /// running it. Parsing stops at `RunConfiguration.byteLimit` bytes like the file reader.
    public static func jsonConfiguration(_ data: Data) {
        guard data.count <= RunConfiguration.byteLimit, !data.contains(0),
            let text = String(data: data, encoding: .utf8)
        else { return }
        if let value = try? JSONValue.parse(text) { _ = value.rendered() }
        guard let configuration = try? RunConfiguration(path: "fuzz.json", text: text) else { return }
        guard !configuration.arguments.contains(where: touchesFiles) else { return }
        _ = try? FPLab.parseAsRoot(configuration.arguments)
    }

    /// Whether an argument names a file or folder to read or write (validation would touch the file system).
    static func touchesFiles(_ argument: String) -> Bool {
        ["--output=", "--compare=", "--data=", "--checkpoint=", "--resume="].contains { argument.hasPrefix($0) }
    }
}

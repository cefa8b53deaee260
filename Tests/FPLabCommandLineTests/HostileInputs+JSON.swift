import Foundation
import Testing

extension HostileInput {
    /// A configuration file case: `c.json` holding `contents`, run as `fplab run {dir}/c.json` (or with
    /// `--print-command`); the message must name the file and each of `mentions`.
    static func config(
        _ inputClass: InputClass, _ name: String, _ contents: String, printing: Bool = false,
        mentions: [String]
    ) -> HostileInput {
        configBytes(inputClass, name, Data(contents.utf8), printing: printing, mentions: mentions)
    }

    static func configBytes(
        _ inputClass: InputClass, _ name: String, _ contents: Data, printing: Bool = false,
        mentions: [String]
    ) -> HostileInput {
        HostileInput(
            inputClass, name, ["run"] + (printing ? ["--print-command"] : []) + ["{dir}/c.json"],
            files: ["c.json": contents], mentions: ["c.json"] + mentions)
    }

    /// A `forward` configuration whose options object is `options` (JSON text).
    static func forwardOptions(_ name: String, _ options: String, mentions: [String]) -> HostileInput {
        config(.configuration, name, #"{"command": "forward", "options": {"# + options + "}}", mentions: mentions)
    }

    /// `fplab verify --compare {dir}/old` where old/manifest.json holds `manifest`.
    static func compareManifest(_ name: String, _ manifest: Data, mentions: [String]) -> HostileInput {
        HostileInput(
            .json, name, ["verify", "--compare", "{dir}/old"],
            files: ["old/manifest.json": manifest], mentions: ["--compare", "manifest.json"] + mentions)
    }

    /// `fplab verify --output {dir}/old` where old/manifest.json holds `manifest`: not recognized, not replaced.
    static func outputManifest(_ name: String, _ manifest: Data) -> HostileInput {
        HostileInput(
            .json, name, ["verify", "--only", "ve-exact", "--output", "{dir}/old"],
            files: ["old/manifest.json": manifest, "old/summary.csv": Data("claim\n".utf8)],
            mentions: ["--output", "did not write"])
    }

    /// A manifest as `fplab verify --output` writes it, with `seed` spelled as given.
    static func manifest(seed: String) -> Data {
        Data(
            (#"{"claims": [], "command": "verify", "passed": true, "quick": false, "seed": "#
                + seed + #", "threads": 1}"#).utf8)
    }

    static func nested(_ depth: Int, open: String = "[", close: String = "]") -> String {
        String(repeating: open, count: depth) + String(repeating: close, count: depth)
    }

    static func makeFolder(_ url: URL) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    }

    static let fifo: @Sendable (URL) throws -> Void = { folder in
        #expect(mkfifo(folder.appendingPathComponent("c.json").path, 0o600) == 0)
    }

    /// The JSON reader, through `fplab run` and through manifest.json of `verify --compare` / `--output`.
    static let jsonCases: [HostileInput] = [
        config(
            .json, "arrays nested 40 000 deep", #"{"command": "forward", "options": "# + nested(40_000) + "}",
            mentions: ["line 1, column", "512 levels"]),
        config(
            .json, "objects nested 40 000 deep",
            #"{"command": "forward", "options": "#
                + String(repeating: #"{"a":"#, count: 40_000) + "1" + String(repeating: "}", count: 40_001),
            mentions: ["line 1", "512 levels"]),
        config(
            .json, "arrays nested 513 deep", "{\"description\": \"x\",\n\"options\": " + nested(513) + "}",
            mentions: ["line 2, column 523", "512 levels"]),
        config(
            .json, "100 000 unclosed brackets", String(repeating: "[", count: 100_000),
            mentions: ["line 1, column 513", "512 levels"]),
        config(
            .json, "high surrogate then \\u0041", #"{"command": "forward", "options": {"mixture": "\ud800\u0041"}}"#,
            mentions: ["line 1, column 48", "high surrogate \\uD800", "\\u0041"]),
        config(
            .json, "lone low surrogate", #"{"command": "\udc00"}"#,
            mentions: ["line 1, column 14", "low surrogate"]),
        config(
            .json, "high surrogate closing the string", #"{"command": "\ud83d"}"#,
            mentions: ["line 1, column 14", "not followed by a low surrogate"]),
        config(
            .json, "high surrogate then text", #"{"command": "\ud83dabc"}"#,
            mentions: ["column 14", "low surrogate"]),
        config(
            .json, "high surrogate then \\n", #"{"command": "\ud83d\n"}"#, mentions: ["column 14", "low surrogate"]),
        config(.json, "two high surrogates", #"{"command": "\ud83d\ud83d"}"#, mentions: ["column 14", "\\uD83D"]),
        config(
            .json, "high surrogate at the end of the text", #"{"command": "\ud83d"#,
            mentions: ["column 14", "low surrogate"]),
        config(.json, "non-hex digit in \\u", #"{"command": "\u12G4"}"#, mentions: ["column 18", "hexadecimal"]),
        config(.json, "\\u cut by the end of the text", #"{"command": "\u12"#, mentions: ["column 18", "hexadecimal"]),
        config(.json, "unknown escape \\x", #"{"command": "\x41"}"#, mentions: ["column 14", "invalid escape"]),
        config(.json, "backslash at the end of the text", #"{"command": "abc\"#, mentions: ["column 17", "escape"]),
        config(.json, "raw tab inside a string", "{\"command\": \"for\tward\"}", mentions: ["column 17", "U+0009"]),
        config(
            .json, "raw line break inside a string", "{\"command\": \"for\nward\"}",
            mentions: ["line 1, column 17", "control character"]),
        config(.json, "unterminated string", #"{"command": "forward}"#, mentions: ["column 13", "unterminated"]),
        config(
            .json, "leading zero 007", #"{"command": "forward", "options": {"points": 007}}"#,
            mentions: ["column 46", "leading zero"]),
        config(
            .json, "leading zero -01", #"{"command": "forward", "options": {"time": -01}}"#,
            mentions: ["column 44", "leading zero"]),
        config(
            .json, "leading zero 00.5", #"{"command": "forward", "options": {"time": 00.5}}"#,
            mentions: ["column 44", "leading zero"]),
        config(
            .json, "minus without digits", #"{"command": "forward", "options": {"time": -}}"#,
            mentions: ["column 45", "digit after '-'"]),
        config(
            .json, "fraction without digits 1.", #"{"command": "forward", "options": {"time": 1.}}"#,
            mentions: ["column 46", "after '.'"]),
        config(
            .json, "number starting with a point .5", #"{"command": "forward", "options": {"time": .5}}"#,
            mentions: ["column 44", "'.'"]),
        config(
            .json, "plus sign +1", #"{"command": "forward", "options": {"time": +1}}"#,
            mentions: ["column 44", "'+'"]),
        config(
            .json, "exponent without digits 1e", #"{"command": "forward", "options": {"time": 1e}}"#,
            mentions: ["column 46", "exponent"]),
        config(
            .json, "exponent sign without digits 1e+", #"{"command": "forward", "options": {"time": 1e+}}"#,
            mentions: ["column 47", "exponent"]),
        config(
            .json, "hexadecimal 0x10", #"{"command": "forward", "options": {"points": 0x10}}"#,
            mentions: ["column 47", "'x'"]),
        config(
            .json, "NaN literal", #"{"command": "forward", "options": {"time": NaN}}"#,
            mentions: ["column 44", "'N'"]),
        config(
            .json, "Infinity literal", #"{"command": "forward", "options": {"time": Infinity}}"#,
            mentions: ["column 44", "'I'"]),
        config(
            .json, "-Infinity literal", #"{"command": "forward", "options": {"time": -Infinity}}"#,
            mentions: ["column 45", "'I'"]),
        config(
            .json, "True capitalised", #"{"command": "verify", "options": {"quick": True}}"#,
            mentions: ["column 44", "'T'"]),
        config(
            .json, "nul for null", #"{"command": "verify", "options": {"quick": nul}}"#,
            mentions: ["column 44", "'null'"]),
        config(
            .json, "trailing comma in an object", "{\"command\": \"forward\",\n  \"options\": {\"points\": 64,}\n}",
            mentions: ["line 2, column 28", "trailing comma"]),
        config(
            .json, "trailing comma in an array", #"{"command": "invert", "options": {"noise": [0.1,]}}"#,
            mentions: ["column 49", "trailing comma"]),
        config(
            .json, "line comment", "// forward run\n{\"command\": \"forward\"}",
            mentions: ["line 1, column 1", "comments"]),
        config(
            .json, "block comment", "{\"command\": /* the solver */ \"forward\"}",
            mentions: ["column 13", "comments"]),
        config(.json, "single-quoted string", "{\"command\": 'forward'}", mentions: ["column 13", "double quotes"]),
        config(.json, "unquoted key", "{command: \"forward\"}", mentions: ["column 2", "key in double quotes"]),
        config(.json, "curly quotes", "{\u{201C}command\u{201D}: \"forward\"}", mentions: ["column 2", "U+201C"]),
        config(.json, "missing colon", #"{"command" "forward"}"#, mentions: ["column 12", "':'"]),
        config(
            .json, "missing comma between members", #"{"command": "forward" "options": {}}"#,
            mentions: ["column 23", "',' or '}'"]),
        config(
            .json, "missing comma in an array", #"{"command": "invert", "options": {"noise": [0.1 0.2]}}"#,
            mentions: ["column 49", "',' or ']'"]),
        config(
            .json, "command given twice", #"{"command": "forward", "command": "verify"}"#,
            mentions: ["column 24", "\"command\" appears twice"]),
        config(
            .json, "option key given twice", #"{"command": "forward", "options": {"points": 64, "points": 128}}"#,
            mentions: ["column 50", "\"points\" appears twice"]),
        config(
            .json, "duplicate key inside an array value",
            #"{"command": "invert", "options": {"noise": [{"a": 1, "a": 2}]}}"#,
            mentions: ["column 54", "\"a\" appears twice"]),
        config(.json, "empty file", "", mentions: ["line 1, column 1", "end of the text"]),
        config(.json, "only white space", " \n\t\r\n ", mentions: ["line 3, column 2", "end of the text"]),
        config(
            .json, "two objects", #"{"command": "verify"} {"command": "forward"}"#,
            mentions: ["column 23", "after the JSON value"]),
        config(.json, "truncated object", #"{"command": "forward""#, mentions: ["column 22", "','"]),
        config(
            .json, "two byte-order marks", "\u{FEFF}\u{FEFF}{\"command\": \"verify\"}",
            mentions: ["column 1", "U+FEFF"]),
        config(
            .json, "no-break space as white space", "{\"command\":\u{00A0}\"verify\"}",
            mentions: ["column 12", "U+00A0"]),
        config(.json, "form feed as white space", "{\"command\":\u{0C}\"verify\"}", mentions: ["column 12", "U+000C"]),
        config(
            .json, "CR line ends, error on line 3", "{\r\"command\": \"verify\",\r\"options\": [}\r}",
            mentions: ["line 3, column 13"]),
        config(
            .json, "CR LF line ends, error on line 3",
            "{\r\n\"command\": \"verify\",\r\n\"options\": {\"quick\": tru}\r\n}",
            mentions: ["line 3, column 22"]),
        config(
            .json, "column counts characters, not bytes", "{\"descr\u{E9}ption\u{2014}\": \"\u{1F600}\" \"x\"}",
            mentions: ["line 1, column 22"]),
        configBytes(.json, "byte 0xFF", Data(#"{"command": "verify"}"#.utf8) + Data([0xFF]), mentions: ["not UTF-8"]),
        configBytes(
            .json, "Latin-1 e acute", Data(#"{"description": "caf"#.utf8) + Data([0xE9]) + Data(#""}"#.utf8),
            mentions: ["not UTF-8"]),
        configBytes(
            .json, "overlong UTF-8 slash",
            Data(#"{"command": ""#.utf8) + Data([0xC0, 0xAF]) + Data(#""}"#.utf8),
            mentions: ["not UTF-8"]),
        configBytes(
            .json, "UTF-8 encoded surrogate",
            Data(#"{"command": ""#.utf8) + Data([0xED, 0xA0, 0x80]) + Data(#""}"#.utf8),
            mentions: ["not UTF-8"]),
        configBytes(
            .json, "UTF-16 text",
            Data([0xFF, 0xFE]) + #"{"command": "verify"}"#.data(using: .utf16LittleEndian)!,
            mentions: ["NUL byte"]),
        configBytes(
            .json, "raw NUL byte", Data(#"{"command": "verify""#.utf8) + Data([0]) + Data("}".utf8),
            mentions: ["NUL byte at offset 20"]),
        config(
            .json, "over 1 MiB", #"{"command": "verify"}"# + String(repeating: " ", count: 1 << 20),
            mentions: ["1048576"]),
        HostileInput(
            .json, "config is a directory", ["run", "{dir}/c.json"], files: ["c.json/x": Data()],
            mentions: ["c.json", "a directory"]),
        HostileInput(
            .json, "config is a FIFO", ["run", "{dir}/c.json"], prepare: fifo, mentions: ["c.json", "a FIFO"],
            timeLimit: 5),
        HostileInput(
            .json, "config is /dev/zero", ["run", "/dev/zero"], mentions: ["/dev/zero", "character device"],
            timeLimit: 5),
        HostileInput(
            .json, "config is a link to /dev/zero", ["run", "{dir}/c.json"],
            prepare: { folder in
                try FileManager.default.createSymbolicLink(
                    atPath: folder.appendingPathComponent("c.json").path,
                    withDestinationPath: "/dev/zero")
            }, mentions: ["c.json", "character device"], timeLimit: 5),
        HostileInput(.json, "config missing", ["run", "{dir}/none.json"], mentions: ["none.json", "cannot read"]),
        HostileInput(
            .json, "config print-command of a FIFO", ["run", "--print-command", "{dir}/c.json"], prepare: fifo,
            mentions: ["c.json", "a FIFO"], timeLimit: 5),

        compareManifest(
            "manifest nested 40 000 deep", Data(("{\"claims\": " + nested(40_000) + "}").utf8),
            mentions: ["line 1, column", "512 levels"]),
        compareManifest(
            "manifest with a bad surrogate pair",
            Data(#"{"command": "verify", "version": "\ud800\u0041"}"#.utf8),
            mentions: ["column 35", "surrogate"]),
        compareManifest("manifest seed 1e999", manifest(seed: "1e999"), mentions: ["beyond the range of a double"]),
        compareManifest("manifest seed with leading zero", manifest(seed: "07"), mentions: ["leading zero"]),
        HostileInput(
            .json, "manifest largest seed kept exactly", ["verify", "--compare", "{dir}/old", "--seed", "5"],
            files: ["old/manifest.json": manifest(seed: "18446744073709551615")],
            mentions: ["--compare", "seed 18446744073709551615", "--seed 5"]),
        compareManifest("manifest seed beyond UInt64", manifest(seed: "18446744073709551616"), mentions: ["no seed"]),
        compareManifest("manifest seed negative", manifest(seed: "-1"), mentions: ["no seed"]),
        compareManifest("manifest seed fractional", manifest(seed: "1.5"), mentions: ["no seed"]),
        compareManifest(
            "manifest seed given twice",
            Data(#"{"command": "verify", "quick": false, "seed": 1, "seed": 2}"#.utf8),
            mentions: ["\"seed\" appears twice"]),
        compareManifest("manifest empty", Data(), mentions: ["end of the text"]),
        compareManifest("manifest a JSON array", Data("[1, 2]".utf8), mentions: ["not a JSON object"]),
        compareManifest("manifest not UTF-8", Data([0x7B, 0xFE, 0x7D]), mentions: ["not UTF-8"]),
        compareManifest(
            "manifest with a NUL byte", Data(#"{"command": "verify"}"#.utf8) + Data([0]),
            mentions: ["NUL byte"]),
        compareManifest(
            "manifest over 1 MiB", Data(String(repeating: " ", count: (1 << 20) + 1).utf8),
            mentions: ["1048576"]),
        compareManifest(
            "manifest of another command", Data(#"{"command": "forward", "quick": false, "seed": 1}"#.utf8),
            mentions: ["not written by fplab verify"]),
        HostileInput(
            .json, "manifest is a FIFO", ["verify", "--compare", "{dir}/old"],
            prepare: { folder in
                try makeFolder(folder.appendingPathComponent("old"))
                #expect(mkfifo(folder.appendingPathComponent("old/manifest.json").path, 0o600) == 0)
            }, mentions: ["--compare", "manifest.json", "a FIFO"], timeLimit: 5),
        HostileInput(
            .json, "manifest is a directory", ["verify", "--compare", "{dir}/old"],
            files: ["old/manifest.json/x": Data()], mentions: ["--compare", "manifest.json", "a directory"]),
        HostileInput(
            .json, "manifest links to /dev/zero", ["verify", "--compare", "{dir}/old"],
            prepare: { folder in
                try makeFolder(folder.appendingPathComponent("old"))
                try FileManager.default.createSymbolicLink(
                    atPath: folder.appendingPathComponent("old/manifest.json").path,
                    withDestinationPath: "/dev/zero")
            }, mentions: ["--compare", "manifest.json", "character device"], timeLimit: 5),
        outputManifest("output folder with a manifest nested 40 000 deep", Data(nested(40_000).utf8)),
        outputManifest("output folder with a malformed manifest", Data(#"{"command": "verify",}"#.utf8)),
        outputManifest("output folder with a surrogate in the manifest", Data(#"{"command": "\udc00verify"}"#.utf8)),
        HostileInput(
            .json, "output folder whose manifest is a FIFO",
            ["verify", "--only", "ve-exact", "--output", "{dir}/old"],
            prepare: { folder in
                try makeFolder(folder.appendingPathComponent("old"))
                #expect(mkfifo(folder.appendingPathComponent("old/manifest.json").path, 0o600) == 0)
            }, mentions: ["--output", "did not write"], timeLimit: 5),
        config(
            .json, "verify --compare through a config, manifest nested deep",
            #"{"command": "verify", "options": {"compare": "old"}}"#, mentions: ["key 'compare'"]
        )
        .adding(files: ["old/manifest.json": Data(nested(40_000).utf8)]),
    ]

    /// Valid JSON that is not a valid configuration: each refused naming the key and what it may be.
    static let configurationCases: [HostileInput] = [
        forwardOptions(
            "half_width and half-width", #""half_width": 8, "half-width": 9"#,
            mentions: ["'half-width'", "'half_width'", "--half-width"]),
        forwardOptions(
            "halfWidth and half_width", #""halfWidth": 8, "half_width": 9"#,
            mentions: ["'halfWidth'", "'half_width'"]),
        config(
            .configuration, "tMin and t_min", #"{"command": "sample", "options": {"tMin": 0.01, "t_min": 0.1}}"#,
            mentions: ["'tMin'", "'t_min'", "--t-min"]),
        forwardOptions(
            "seed beyond UInt64", #""seed": 18446744073709551616"#,
            mentions: ["key 'seed'", "18446744073709551616"]),
        forwardOptions("seed negative", #""seed": -1"#, mentions: ["key 'seed'", "-1"]),
        forwardOptions("seed 1e999", #""seed": 1e999"#, mentions: ["key 'seed'", "1e999"]),
        forwardOptions("seed fractional", #""seed": 1.5"#, mentions: ["key 'seed'", "1.5"]),
        forwardOptions("seed as exponent 1e3", #""seed": 1e3"#, mentions: ["key 'seed'", "1e3"]),
        forwardOptions(
            "points beyond Int", #""points": 18446744073709551615"#,
            mentions: ["key 'points'", "18446744073709551615"]),
        forwardOptions("points below Int.min", #""points": -9223372036854775809"#, mentions: ["key 'points'"]),
        forwardOptions("time 1e999", #""time": 1e999"#, mentions: ["key 'time'", "--time"]),
        forwardOptions("time -1E400", #""time": -1E400"#, mentions: ["key 'time'", "--time"]),
        forwardOptions("time as string nan", #""time": "nan""#, mentions: ["key 'time'", "--time"]),
        forwardOptions("time as string inf", #""time": "inf""#, mentions: ["key 'time'", "--time"]),
        forwardOptions("NUL inside a value", #""time": "1.5\u0000garbage""#, mentions: ["key 'time'", "U+0000"]),
        forwardOptions("line break inside a value", #""mixture": "1:0:1\n""#, mentions: ["key 'mixture'", "U+000A"]),
        forwardOptions("tab inside a value", #""mixture": "1:0:1\t""#, mentions: ["key 'mixture'", "U+0009"]),
        forwardOptions("DEL inside a value", "\"mixture\": \"1:0:1\u{7F}\"", mentions: ["key 'mixture'", "U+007F"]),
        forwardOptions(
            "C1 control inside a value", #""mixture": "1:0\u0085:1""#,
            mentions: ["key 'mixture'", "U+0085"]),
        forwardOptions("line separator inside a value", #""mixture": "1:0\u2028:1""#, mentions: ["U+2028"]),
        forwardOptions(
            "right-to-left override inside a value", "\"output\": \"out\u{202E}vsc.exe\"",
            mentions: ["key 'output'", "U+202E"]),
        forwardOptions(
            "NUL inside an array element", #""mixture": ["1:0:1", "x\u0000"]"#,
            mentions: ["key 'mixture'", "U+0000"]),
        forwardOptions("NUL inside a key", #""poi\u0000nts": 64"#, mentions: ["\"poi\\u0000nts\"", "unknown key"]),
        forwardOptions("line break inside a key", #""points\n": 64"#, mentions: ["\"points\\n\"", "unknown key"]),
        forwardOptions(
            "key of 200 characters", "\"" + String(repeating: "p", count: 200) + "\": 1",
            mentions: ["unknown key", "…"]),
        config(
            .configuration, "line break inside the command", #"{"command": "forward\n"}"#,
            mentions: ["\"forward\\n\"", "no subcommand"]),
        forwardOptions("empty key", #""": 64"#, mentions: ["unknown key ''"]),
        forwardOptions("empty value", #""points": """#, mentions: ["key 'points'", "empty"]),
        forwardOptions(
            "key with the dashes", #""--points": 64"#,
            mentions: ["'--points'", "without its leading dashes"]),
        forwardOptions("key help", #""help": true"#, mentions: ["unknown key 'help'"]),
        forwardOptions("key version", #""version": true"#, mentions: ["unknown key 'version'"]),
        forwardOptions("key with a doubled underscore", #""half__width": 8"#, mentions: ["unknown key 'half__width'"]),
        forwardOptions("key with an equals sign", #""points=64": 1"#, mentions: ["unknown key 'points=64'"]),
        forwardOptions(
            "key of another subcommand", #""quick": true"#,
            mentions: ["unknown key 'quick' for fplab forward"]),
        config(
            .configuration, "command run (itself)", #"{"command": "run", "options": {"file": "c.json"}}"#,
            mentions: ["no subcommand 'run'"]),
        config(.configuration, "command help", #"{"command": "help"}"#, mentions: ["no subcommand 'help'"]),
        config(.configuration, "command empty", #"{"command": ""}"#, mentions: ["no subcommand ''"]),
        config(
            .configuration, "command capitalised", #"{"command": "Forward"}"#,
            mentions: ["no subcommand 'Forward'"]),
        config(.configuration, "command a number", #"{"command": 5}"#, mentions: ["key 'command' must be a string"]),
        config(.configuration, "command null", #"{"command": null}"#, mentions: ["key 'command' must be a string"]),
        config(
            .configuration, "command an array", #"{"command": ["forward"]}"#,
            mentions: ["key 'command' must be a string"]),
        config(.configuration, "command missing", #"{"options": {}}"#, mentions: ["key 'command' must be a string"]),
        config(.configuration, "top level an array", #"[{"command": "verify"}]"#, mentions: ["one JSON object"]),
        config(.configuration, "top level a string", #""verify""#, mentions: ["one JSON object"]),
        config(.configuration, "top level null", "null", mentions: ["one JSON object"]),
        config(
            .configuration, "unknown top-level key", #"{"command": "verify", "option": {}}"#,
            mentions: ["unknown key 'option' at the top level"]),
        config(
            .configuration, "options an array", #"{"command": "verify", "options": ["quick"]}"#,
            mentions: ["key 'options' must be an object"]),
        config(
            .configuration, "options a string", #"{"command": "verify", "options": "--quick"}"#,
            mentions: ["key 'options' must be an object"]),
        config(.configuration, "options null", #"{"command": "verify", "options": null}"#, mentions: ["key 'options'"]),
        config(
            .configuration, "description a number", #"{"command": "verify", "description": 1}"#,
            mentions: ["key 'description' must be a string"]),
        forwardOptions("value an object", #""points": {"value": 64}"#, mentions: ["key 'points'", "not an object"]),
        forwardOptions(
            "value a nested array", #""mixture": [["1:0:1"]]"#,
            mentions: ["key 'mixture'", "nested arrays"]),
        forwardOptions("value an empty array", #""mixture": []"#, mentions: ["key 'mixture'", "empty"]),
        forwardOptions(
            "array of 5000 elements",
            #""mixture": ["# + Array(repeating: "1", count: 5000).joined(separator: ",") + "]",
            mentions: ["key 'mixture'", "5000 elements", "4096"]),
        forwardOptions(
            "value over 128 KiB", #""mixture": ""# + String(repeating: "1", count: 131_073) + "\"",
            mentions: ["key 'mixture'", "131073 bytes", "131072"]),
        forwardOptions(
            "array joined over 128 KiB",
            #""mixture": ["#
                + Array(repeating: "\"" + String(repeating: "1", count: 40) + "\"", count: 4000)
                .joined(separator: ",") + "]", mentions: ["key 'mixture'", "131072"]),
        config(
            .configuration, "flag given a string", #"{"command": "verify", "options": {"quick": "yes"}}"#,
            mentions: ["key 'quick' is a flag"]),
        config(
            .configuration, "flag given 1", #"{"command": "verify", "options": {"quick": 1}}"#,
            mentions: ["key 'quick' is a flag"]),
        config(
            .configuration, "flag given null", #"{"command": "verify", "options": {"list": null}}"#,
            mentions: ["key 'list' is a flag"]),
        config(
            .configuration, "flag given an array", #"{"command": "verify", "options": {"quick": [true]}}"#,
            mentions: ["key 'quick' is a flag"]),
        forwardOptions("value true", #""points": true"#, mentions: ["key 'points' takes a value"]),
        forwardOptions("value null", #""points": null"#, mentions: ["key 'points' is null"]),
        forwardOptions("array holding null", #""mixture": ["1:0:1", null]"#, mentions: ["key 'mixture' is null"]),
        forwardOptions("array holding an object", #""mixture": [{}]"#, mentions: ["key 'mixture'", "not an object"]),
        forwardOptions("array holding false", #""mixture": [false]"#, mentions: ["key 'mixture' takes a value"]),
        forwardOptions("unknown option", #""pionts": 64"#, mentions: ["unknown key 'pionts' for fplab forward"]),
        forwardOptions("points 5x", #""points": "5x""#, mentions: ["key 'points'", "5x"]),
        forwardOptions("points with a leading space", #""points": " 64""#, mentions: ["key 'points'"]),
        forwardOptions("points hexadecimal string", #""points": "0x40""#, mentions: ["key 'points'", "0x40"]),
        forwardOptions("points out of range", #""points": 1"#, mentions: ["key 'points'", "--points"]),
        forwardOptions("format not a choice", #""format": "xml""#, mentions: ["key 'format'", "xml"]),
        forwardOptions("threads zero", #""threads": 0"#, mentions: ["key 'threads'", "--threads"]),
        config(
            .configuration, "print-command of a duplicated option",
            #"{"command": "forward", "options": {"time": 1, "Time": 2}}"#,
            printing: true, mentions: ["'Time'", "'time'"]),
        config(
            .configuration, "print-command of a NUL value",
            #"{"command": "forward", "options": {"time": "1\u0000"}}"#,
            printing: true, mentions: ["key 'time'", "U+0000"]),
        config(
            .configuration, "verify output /dev/null",
            #"{"command": "verify", "options": {"only": "ve-exact", "output": "/dev/null"}}"#,
            mentions: ["key 'output'", "/dev/null"]),
        config(
            .configuration, "verify output inside a regular file",
            #"{"command": "verify", "options": {"only": "ve-exact", "output": "plain/sub"}}"#,
            mentions: ["key 'output'"]
        )
        .adding(files: ["plain": Data("not a folder\n".utf8)]),
        config(
            .configuration, "verify output a folder of other files",
            #"{"command": "verify", "options": {"only": "ve-exact", "output": "mine"}}"#,
            mentions: ["key 'output'", "did not write"]
        ).adding(files: ["mine/notes.txt": Data("keep\n".utf8)]),
        config(
            .configuration, "verify compare a missing folder",
            #"{"command": "verify", "options": {"compare": "none"}}"#,
            mentions: ["key 'compare'", "no manifest.json"]),
        config(
            .configuration, "verify plant without only", #"{"command": "verify", "options": {"plant": 1}}"#,
            mentions: ["key 'plant'", "--only"]),
        config(
            .configuration, "verify seed as a string with NUL",
            #"{"command": "verify", "options": {"seed": "7\u0000"}}"#,
            mentions: ["key 'seed'", "U+0000"]),
    ]

    /// The same case with more files in its scratch folder.
    func adding(files more: [String: Data]) -> HostileInput {
        var copy = self
        copy.files.merge(more) { _, new in new }
        return copy
    }
}

@Suite struct JSONHostileInputTests {
    @Test(arguments: HostileInput.jsonCases) func refused(_ input: HostileInput) throws { try input.check() }
}

@Suite struct ConfigurationHostileInputTests {
    @Test(arguments: HostileInput.configurationCases) func refused(_ input: HostileInput) throws { try input.check() }
}

import Foundation
import Testing

/// Builders of the files of the file-reader cases: point files, `.npy` arrays, checkpoints, compare trees.
enum HostileFiles {
    static func text(_ string: String) -> Data { Data(string.utf8) }

    /// A `.npy` header dictionary with the given fields as written.
    static func npyHeader(descr: String = "'<f8'", fortran: String = "False", shape: String) -> String {
        "{'descr': \(descr), 'fortran_order': \(fortran), 'shape': \(shape), }"
    }

    /// A well-formed (3, 2) float64 array with the given header text and payload.
    static func npy(_ header: String, values: [Double] = [0, 1, 2, 3, 4, 5], version: (UInt8, UInt8) = (1, 0)) -> Data {
        HostileBytes.npy(header: header, payload: HostileBytes.doubles(values), version: version)
    }

    /// Version 2.0 bytes with a 4-byte header length field written as given.
    static func npyVersion2(headerLength: UInt32, header: String) -> Data {
        var data = Data([0x93] + Array("NUMPY".utf8) + [2, 0])
        withUnsafeBytes(of: headerLength.littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        return data
    }

    // MARK: Checkpoints (format version 1, written here independently of the library's encoder)

    /// The header JSON of a 2-D network, width 4, depth 1, scalar embedding: 26 parameters ((3 + 1) 4 + (4 + 1) 2).
    static func checkpointHeader(
        architecture: String = #""activation":"silu","depth":1,"dimension":2,"embedding":"scalar","width":4"#,
        configuration: String = #""adam_epsilon":1e-08,"batch_size":16,"first_moment_decay":0.9,"#
            + #""learning_rate":0.001,"second_moment_decay":0.999,"seed":1"#,
        schedule: String = #""beta_first":0.0001,"beta_last":0.02,"step_count":1000"#,
        step: Int = 2, parameterCount: Int = 26, lossCount: Int = 2, extra: String = ""
    ) -> String {
        "{\"architecture\":{\(architecture)},\"configuration\":{\(configuration)},\"loss_count\":\(lossCount),"
            + "\"parameter_count\":\(parameterCount),\"schedule\":{\(schedule)},\"step\":\(step)\(extra)}"
    }

    /// magic, version, header length, header, parameters, first and second moments, losses, FNV-1a 64 checksum.
    static func checkpoint(
        header: String = checkpointHeader(), parameters: [Double] = Array(repeating: 0.1, count: 26),
        first: [Double] = Array(repeating: 0, count: 26),
        second: [Double] = Array(repeating: 0, count: 26),
        losses: [Double] = [1, 0.9], version: UInt32 = 1, headerLength: UInt32? = nil
    ) -> Data {
        var data = Data("FPLABNET".utf8)
        withUnsafeBytes(of: version.littleEndian) { data.append(contentsOf: $0) }
        withUnsafeBytes(of: (headerLength ?? UInt32(header.utf8.count)).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        for array in [parameters, first, second, losses] { data.append(HostileBytes.doubles(array)) }
        withUnsafeBytes(of: fowlerNollVo(data).littleEndian) { data.append(contentsOf: $0) }
        return data
    }

    /// FNV-1a 64: h = 14695981039346656037, then h = (h xor byte) * 1099511628211 for every byte.
    static func fowlerNollVo(_ data: Data) -> UInt64 {
        data.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
    }

    // MARK: Preparations

    static func fifo(_ name: String) -> @Sendable (URL) throws -> Void {
        { folder in
            let path = folder.appendingPathComponent(name).path
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true)
            guard mkfifo(path, 0o644) == 0 else { throw CocoaError(.fileWriteUnknown) }
        }
    }

    static func loop(_ name: String) -> @Sendable (URL) throws -> Void {
        { folder in
            let path = folder.appendingPathComponent(name).path
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(
                atPath: path,
                withDestinationPath: (path as NSString).lastPathComponent)
        }
    }

    static func directory(_ name: String) -> @Sendable (URL) throws -> Void {
        { folder in
            try FileManager.default.createDirectory(
                at: folder.appendingPathComponent(name),
                withIntermediateDirectories: true)
        }
    }

    /// A sparse file of `size` bytes beside the case's folder (outside its snapshot, which reads every file) and
    /// a link to it named `name` inside.
    static func sparse(_ name: String, size: UInt64) -> @Sendable (URL) throws -> Void {
        { folder in
            let target = folder.deletingLastPathComponent()
                .appendingPathComponent("sparse-" + (name as NSString).lastPathComponent)
            _ = FileManager.default.createFile(atPath: target.path, contents: nil)
            let handle = try FileHandle(forWritingTo: target)
            try handle.truncate(atOffset: size)
            try handle.close()
            let link = folder.appendingPathComponent(name).path
            try FileManager.default.createDirectory(
                atPath: (link as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target.path)
        }
    }

    // MARK: Compare trees

    /// The committed full-run data of one claim in this repository (notebooks-data/CLAIM).
    static func committedFiles(of claim: String) -> [String: Data] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("notebooks-data").appendingPathComponent(claim)
        var files: [String: Data] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [] {
            files["tree/\(claim)/\(name)"] = FileManager.default.contents(
                atPath: root.appendingPathComponent(name).path)
        }
        return files
    }

    /// A tree `tree/` with a top manifest and CLAIM's committed folder, `changes` applied (nil removes a file).
    static func tree(_ claim: String, _ changes: [String: Data?] = [:]) -> [String: Data] {
        var files = committedFiles(of: claim)
        files["tree/manifest.json"] = text(#"{"command": "verify", "quick": false, "seed": 1}"#)
        for (path, data) in changes { files["tree/\(claim)/\(path)"] = data }
        return files
    }
}

extension HostileInput {
    /// A point file (CSV) for `--data` of one of the commands that read training points.
    static func pointFile(
        _ name: String, _ contents: Data, file: String = "points.csv", command: String = "memorize",
        mentions: [String] = []
    ) -> HostileInput {
        let inputClass: InputClass = file.hasSuffix(".npy") ? .npy : .csv
        return HostileInput(
            inputClass, name, [command, "--data", "{dir}/\(file)"], files: [file: contents],
            mentions: ["--data", file] + mentions)
    }

    static func csvFile(
        _ name: String, _ text: String, command: String = "memorize",
        mentions: [String] = []
    ) -> HostileInput {
        pointFile(name, Data(text.utf8), command: command, mentions: mentions)
    }

    static func npyFile(
        _ name: String, _ data: Data, command: String = "sample",
        mentions: [String] = []
    ) -> HostileInput {
        pointFile(name, data, file: "points.npy", command: command, mentions: mentions)
    }

    static func pointList(
        _ name: String, _ list: String, command: String = "memorize",
        mentions: [String] = []
    ) -> HostileInput {
        HostileInput(.pointList, name, [command, "--points", list], mentions: ["--points"] + mentions)
    }

    static func mixture(
        _ name: String, _ specification: String, command: String = "forward", dimension: Int = 1,
        mentions: [String] = []
    ) -> HostileInput {
        HostileInput(
            .mixture, name,
            [command, "--mixture", specification] + (dimension == 1 ? [] : ["--dimension", "\(dimension)"]),
            mentions: ["--mixture"] + mentions)
    }

    /// A checkpoint read by `generate --checkpoint` (or `train --resume`).
    static func checkpointFile(
        _ name: String, _ data: Data, resume: Bool = false,
        mentions: [String] = []
    ) -> HostileInput {
        let arguments =
            resume
            ? ["train", "--resume", "{dir}/net.fpnet", "--steps", "10"]
            : ["generate", "--checkpoint", "{dir}/net.fpnet", "--particles", "10", "--steps", "2"]
        return HostileInput(
            .checkpoint, name, arguments, files: ["net.fpnet": data],
            mentions: [resume ? "--resume" : "--checkpoint", "net.fpnet"] + mentions)
    }

    static func compareTree(
        _ name: String, claim: String = "entropy-decay", _ changes: [String: Data?] = [:],
        prepare: (@Sendable (URL) throws -> Void)? = nil, mentions: [String]
    ) -> HostileInput {
        HostileInput(
            .compareTree, name, ["verify", "--only", claim, "--compare", "{dir}/tree"],
            files: HostileFiles.tree(claim, changes), prepare: prepare, mentions: ["--compare"] + mentions)
    }
}

extension HostileInput {
    private static let npyShapeHeader = HostileFiles.npyHeader(shape: "(3, 2)")

    /// Point files (CSV, `.npy`), inline point lists, mixtures, checkpoints and `verify --compare` trees.
    static let filesCases: [HostileInput] =
        csvCases + npyCases + pointListCases + mixtureCases + checkpointCases
        + compareTreeCases

    static let csvCases: [HostileInput] = [
        csvFile("a NUL byte ends a number", "x,y\n1.5\u{0}garbage,2\n", mentions: ["NUL"]),
        csvFile("a NUL byte at the end", "x,y\n1,2\n\u{0}", command: "sample", mentions: ["NUL"]),
        csvFile("nan", "x,y\nnan,1\n", mentions: ["line 2"]),
        csvFile("inf", "x,y\n1,inf\n", command: "train", mentions: ["line 2"]),
        csvFile("-inf", "1,2\n-inf,2\n", command: "generate", mentions: ["line 2"]),
        csvFile("infinity spelled out", "1,2\n3,infinity\n", mentions: ["line 2"]),
        csvFile("hexadecimal float", "0x1p3,1\n2,3\n", mentions: ["line 1"]),
        csvFile("an exponent without digits", "1.5e,2\n", mentions: ["line 1"]),
        csvFile("an exponent sign without digits", "1e+,2\n", command: "sample", mentions: ["line 1"]),
        csvFile("an overflowing literal", "1e999,2\n", mentions: ["line 1", "finite"]),
        csvFile("an empty field", "1,,2\n3,4,5\n", mentions: ["line 1"]),
        csvFile("a trailing comma", "1,2,\n", command: "train", mentions: ["line 1"]),
        csvFile("ragged rows", "1,2\n3,4,5\n", mentions: ["line 2", "ragged"]),
        csvFile("a header in the middle", "x,y\n1,2\nx,y\n3,4\n", mentions: ["line 3"]),
        csvFile(
            "a header naming three columns over two", "x,y,z\n1,2\n", command: "sample",
            mentions: ["line 2", "header"]),
        csvFile("a quoted header with a comma over three values", "\"a,b\",c\n1,2,3\n", mentions: ["header"]),
        csvFile("a quote never closed", "\"1,2\n3,4\n", mentions: ["line 1"]),
        csvFile("text after a closing quote", "\"1\"x,2\n", command: "train", mentions: ["line 1"]),
        csvFile("a quote inside a field", "1\"2,3\n", mentions: ["line 1"]),
        csvFile("a space inside a number", "1.5 2,3\n", mentions: ["line 1"]),
        csvFile("a tab-separated file", "1\t2\n3\t4\n", command: "generate", mentions: ["line 2"]),
        csvFile("semicolon-separated", "x;y\n1;2\n", mentions: ["line 2"]),
        csvFile("a Unicode minus", "\u{2212}1,2\n", mentions: ["line 1"]),
        csvFile("Arabic-Indic digits", "\u{0663},4\n", mentions: ["line 1"]),
        csvFile("an underscore in a number", "1_000,2\n", command: "sample", mentions: ["line 1"]),
        csvFile("a lone dot", ".,1\n", mentions: ["line 1"]),
        csvFile("two decimal points", "1.2.3,4\n", mentions: ["line 1"]),
        csvFile("a leading plus and nothing", "1,2\n+,3\n", mentions: ["line 2"]),
        csvFile("only a header", "x,y\n", mentions: ["no points"]),
        csvFile("only comments and blank lines", "# points\n\n  \n# none\n", command: "train", mentions: ["no points"]),
        csvFile("an empty file", "", mentions: ["no points"]),
        csvFile("NaN on line 3 after a BOM", "\u{FEFF}x,y\n1,2\n5,nan\n", mentions: ["line 3"]),
        csvFile(
            "a byte-order mark then a header in the middle", "\u{FEFF}1,2\nx,y\n", command: "sample",
            mentions: ["line 2"]),
        csvFile("CRLF line ends with a bad number", "x,y\r\n1,2\r\n3,4x\r\n", mentions: ["line 3"]),
        csvFile(
            "a 20000-value row after a 2-value row",
            "1,2\n" + Array(repeating: "0", count: 20_000).joined(separator: ",") + "\n",
            mentions: ["line 2", "ragged"]),
        csvFile(
            "a 100 kB line of letters then numbers", String(repeating: "a", count: 100_000) + "\n1,2\n",
            mentions: ["line 2", "header"]),
        pointFile("bytes that are not UTF-8", Data([0x31, 0x2C, 0xFF, 0xFE, 0x0A]), mentions: ["UTF-8"]),
        pointFile(
            "UTF-16 text", Data([0xFF, 0xFE, 0x31, 0x00, 0x2C, 0x00, 0x32, 0x00]), command: "sample",
            mentions: ["NUL"]),
        pointFile(".npy bytes in a .csv file", HostileFiles.npy(npyShapeHeader), mentions: []),
        HostileInput(
            .csv, "a directory named points.csv", ["memorize", "--data", "{dir}/points.csv"],
            prepare: HostileFiles.directory("points.csv"), mentions: ["--data", "points.csv", "directory"]),
        HostileInput(
            .csv, "a FIFO named points.csv", ["sample", "--data", "{dir}/points.csv"],
            prepare: HostileFiles.fifo("points.csv"), mentions: ["--data", "points.csv", "FIFO"],
            timeLimit: 10),
        HostileInput(
            .csv, "a symbolic-link loop", ["train", "--data", "{dir}/points.csv"],
            prepare: HostileFiles.loop("points.csv"), mentions: ["--data", "points.csv"]),
        HostileInput(
            .csv, "a missing file", ["generate", "--data", "{dir}/absent.csv"],
            mentions: ["--data", "absent.csv"]),
        HostileInput(
            .csv, "/dev/zero as data", ["memorize", "--data", "/dev/zero"],
            mentions: ["--data", "/dev/zero", "character device"],
            timeLimit: 10),
        HostileInput(
            .csv, "a sparse 1.5 GiB file", ["memorize", "--data", "{dir}/points.csv"],
            prepare: HostileFiles.sparse("points.csv", size: 3 << 29),
            mentions: ["--data", "points.csv", "bytes"]),
    ]

    static let npyCases: [HostileInput] = [
        npyFile(
            "a shape whose byte count overflows",
            HostileFiles.npy(HostileFiles.npyHeader(shape: "(4611686018427387904, 4611686018427387904)")),
            mentions: ["shape"]),
        npyFile(
            "a shape whose product overflows after the width",
            HostileFiles.npy(HostileFiles.npyHeader(shape: "(2305843009213693952, 1)")),
            command: "memorize", mentions: ["shape"]),
        npyFile(
            "an extent of 20 digits", HostileFiles.npy(HostileFiles.npyHeader(shape: "(99999999999999999999, 2)")),
            mentions: ["extent"]),
        npyFile(
            "a non-integer extent 1e3", HostileFiles.npy(HostileFiles.npyHeader(shape: "(1e3, 2)")),
            mentions: ["extent"]),
        npyFile(
            "a Python 2 long extent", HostileFiles.npy(HostileFiles.npyHeader(shape: "(3L, 2)")), command: "train",
            mentions: ["extent"]),
        npyFile(
            "an extent with a leading zero", HostileFiles.npy(HostileFiles.npyHeader(shape: "(03, 2)")),
            mentions: ["leading zero"]),
        npyFile("a negative extent", HostileFiles.npy(HostileFiles.npyHeader(shape: "(-3, 2)")), mentions: ["extent"]),
        npyFile(
            "a float extent", HostileFiles.npy(HostileFiles.npyHeader(shape: "(3.0, 2)")), command: "generate",
            mentions: ["extent"]),
        npyFile(
            "a one-axis shape without its comma", HostileFiles.npy(HostileFiles.npyHeader(shape: "(6)")),
            mentions: ["(n,)"]),
        npyFile("a shape that is a list", HostileFiles.npy(HostileFiles.npyHeader(shape: "[3, 2]")), mentions: ["'('"]),
        npyFile(
            "an empty extent", HostileFiles.npy(HostileFiles.npyHeader(shape: "(3, , 2)")), command: "memorize",
            mentions: ["extent"]),
        npyFile("three axes", HostileFiles.npy(HostileFiles.npyHeader(shape: "(3, 1, 2)")), mentions: ["3 axes"]),
        npyFile("a scalar", HostileFiles.npy(HostileFiles.npyHeader(shape: "()"), values: [1]), mentions: ["0 axes"]),
        npyFile(
            "no points", HostileFiles.npy(HostileFiles.npyHeader(shape: "(0, 2)"), values: []), command: "train",
            mentions: ["no points"]),
        npyFile(
            "no columns", HostileFiles.npy(HostileFiles.npyHeader(shape: "(3, 0)"), values: []),
            mentions: ["column"]),
        npyFile(
            "big-endian float64", HostileFiles.npy(HostileFiles.npyHeader(descr: "'>f8'", shape: "(3, 2)")),
            mentions: ["big-endian"]),
        npyFile(
            "an object dtype", HostileFiles.npy(HostileFiles.npyHeader(descr: "'|O'", shape: "(3, 2)")),
            command: "memorize",
            mentions: ["object"]),
        npyFile(
            "a structured dtype",
            HostileFiles.npy(HostileFiles.npyHeader(descr: "[('x', '<f8'), ('y', '<f8')]", shape: "(3,)")),
            mentions: ["structured"]),
        npyFile(
            "int64", HostileFiles.npy(HostileFiles.npyHeader(descr: "'<i8'", shape: "(3, 2)")),
            mentions: ["dtype"]),
        npyFile(
            "float16", HostileFiles.npy(HostileFiles.npyHeader(descr: "'<f2'", shape: "(3, 2)")),
            command: "generate", mentions: ["dtype"]),
        npyFile(
            "the dtype as a name", HostileFiles.npy(HostileFiles.npyHeader(descr: "'float64'", shape: "(3, 2)")),
            mentions: ["dtype"]),
        npyFile(
            "Fortran order", HostileFiles.npy(HostileFiles.npyHeader(fortran: "True", shape: "(3, 2)")),
            mentions: ["Fortran"]),
        npyFile(
            "fortran_order not a boolean", HostileFiles.npy(HostileFiles.npyHeader(fortran: "0", shape: "(3, 2)")),
            command: "train",
            mentions: ["fortran_order"]),
        npyFile("no shape key", HostileFiles.npy("{'descr': '<f8', 'fortran_order': False, }"), mentions: ["shape"]),
        npyFile("no descr key", HostileFiles.npy("{'fortran_order': False, 'shape': (3, 2), }"), mentions: ["descr"]),
        npyFile(
            "the shape key twice",
            HostileFiles.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), 'shape': (1000000, 2), }"),
            command: "memorize", mentions: ["twice"]),
        npyFile(
            "an unknown key",
            HostileFiles.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), 'extra': 1, }"),
            mentions: ["unknown key"]),
        npyFile(
            "no closing brace", HostileFiles.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), "),
            mentions: ["header"]),
        npyFile(
            "an unterminated string",
            HostileFiles.npy("{'descr: '<f8', 'fortran_order': False, 'shape': (3, 2), }"), mentions: ["header"]),
        npyFile(
            "text after the closing brace", HostileFiles.npy(npyShapeHeader + " x"), command: "generate",
            mentions: ["closing brace"]),
        npyFile(
            "a header not ASCII",
            HostileFiles.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), 'é': 1}"),
            mentions: ["ASCII"]),
        npyFile(
            "a NUL byte inside the dtype",
            HostileFiles.npy(HostileFiles.npyHeader(descr: "'<f8\u{0}'", shape: "(3, 2)")),
            mentions: ["header"]),
        npyFile(
            "the payload one byte short", HostileFiles.npy(npyShapeHeader).dropLast(), command: "memorize",
            mentions: ["shorter"]),
        npyFile(
            "the payload one value short", HostileFiles.npy(npyShapeHeader, values: [0, 1, 2, 3, 4]),
            mentions: ["shorter"]),
        npyFile(
            "eight bytes after the payload", HostileFiles.npy(npyShapeHeader, values: [0, 1, 2, 3, 4, 5, 6]),
            mentions: ["after the data"]),
        npyFile(
            "NaN in the payload", HostileFiles.npy(npyShapeHeader, values: [0, 1, .nan, 3, 4, 5]), command: "train",
            mentions: ["NaN"]),
        npyFile(
            "infinity in a float32 payload",
            HostileBytes.npy(
                header: HostileFiles.npyHeader(descr: "'<f4'", shape: "(2,)"),
                payload: Data([0, 0, 0x80, 0x7F, 0, 0, 0, 0])),
            mentions: ["infinity"]),
        npyFile("format version 4.0", HostileFiles.npy(npyShapeHeader, version: (4, 0)), mentions: ["version 4.0"]),
        npyFile(
            "format version 1.1", HostileFiles.npy(npyShapeHeader, version: (1, 1)), command: "generate",
            mentions: ["version 1.1"]),
        npyFile(
            "version 2.0 with a 4 GiB header length",
            HostileFiles.npyVersion2(headerLength: .max, header: npyShapeHeader),
            mentions: ["header length"]),
        npyFile(
            "version 2.0 with a header past the end",
            HostileFiles.npyVersion2(headerLength: 5000, header: npyShapeHeader),
            command: "memorize", mentions: ["truncated"]),
        npyFile(
            "version 1.0 cut inside the header", HostileFiles.npy(npyShapeHeader).prefix(40),
            mentions: ["truncated"]),
        npyFile(
            "a header without its line break",
            {
                var data = HostileFiles.npy(npyShapeHeader)
                data[data.firstIndex(of: 0x0A)!] = 0x20
                return data
            }(), mentions: ["line break"]),
        npyFile("cut inside the magic", Data([0x93, 0x4E, 0x55]), command: "train", mentions: ["magic"]),
        npyFile("cut after the version", Data([0x93] + Array("NUMPY".utf8) + [1, 0, 0x40]), mentions: ["truncated"]),
        npyFile("a wrong magic", Data("NUMPY is not here at all, just text\n".utf8), mentions: ["magic"]),
        npyFile("an empty .npy file", Data(), command: "generate", mentions: ["magic"]),
        HostileInput(
            .npy, "a FIFO named points.npy", ["sample", "--data", "{dir}/points.npy"],
            prepare: HostileFiles.fifo("points.npy"),
            mentions: ["--data", "points.npy", "FIFO"], timeLimit: 10),
        HostileInput(
            .npy, "a directory named points.npy", ["train", "--data", "{dir}/points.npy"],
            prepare: HostileFiles.directory("points.npy"), mentions: ["--data", "points.npy", "directory"]),
        HostileInput(
            .npy, "a sparse 1.5 GiB .npy", ["sample", "--data", "{dir}/points.npy"],
            prepare: HostileFiles.sparse("points.npy", size: 3 << 29),
            mentions: ["--data", "points.npy", "bytes"]),
    ]

    static let pointListCases: [HostileInput] = [
        pointList("nan", "0,nan,2", mentions: ["point 2"]),
        pointList("inf", "0;inf", command: "generate", mentions: ["point 2"]),
        pointList("a hexadecimal float", "0x1p3,1", mentions: ["point 1"]),
        pointList("an empty entry", "0,,2", mentions: ["point 2"]),
        pointList("ragged rows", "0,0; 1", mentions: ["point 2", "ragged"]),
        pointList("an empty list", "", mentions: ["point 1"]),
        pointList("only separators", ";", command: "generate", mentions: ["point 1"]),
        pointList("a space inside a number", "1 5,2", mentions: ["point 1"]),
        pointList("an overflowing literal", "1e999", mentions: ["point 1"]),
        pointList("a Unicode minus", "\u{2212}1,2", mentions: ["point 1"]),
        pointList("two decimal points", "1.2.3", command: "generate", mentions: ["point 1"]),
        pointList("an exponent without digits", "1e", mentions: ["point 1"]),
        pointList("a word", "zero,one", mentions: ["point 1"]),
        pointList("an underscore", "1_0,2", mentions: ["point 1"]),
        pointList("a lone sign", "-", command: "generate", mentions: ["point 1"]),
    ]

    static let mixtureCases: [HostileInput] = [
        mixture("a NaN weight", "nan:0:1", mentions: ["component 1", "weight"]),
        mixture("an infinite mean", "1:inf:1", command: "sample", mentions: ["component 1", "mean"]),
        mixture("a hexadecimal std", "1:0:0x1p-2", command: "reverse", mentions: ["component 1", "std"]),
        mixture("an overflowing mean", "1:1e999:1", mentions: ["component 1", "finite"]),
        mixture("two fields", "0.5:1", mentions: ["component 1", "weight:mean:std"]),
        mixture("four fields", "1:0:1:2", command: "sample", mentions: ["component 1"]),
        mixture("no components", ";;", mentions: ["no components"]),
        mixture("weights summing to 0.9", "0.4:0:1;0.5:1:1", mentions: ["sum"]),
        mixture("a zero weight", "0:0:1;1:1:1", mentions: ["component 1", "weight"]),
        mixture("a zero std", "1:0:0", command: "reverse", mentions: ["component 1", "std"]),
        mixture("a std of 1e-200", "1:0:1e-200", mentions: ["component 1", "1e-150"]),
        mixture("a std of 1e200", "1:0:1e200", command: "sample", mentions: ["component 1", "1e150"]),
        mixture("a 2-D mean in 1-D", "1:0,0:1", mentions: ["component 1", "dimension"]),
        mixture("a 1-D mean in 2-D", "1:0:1", dimension: 2, mentions: ["component 1", "dimension"]),
        mixture("three stds in 2-D", "1:0,0:1,1,1", command: "sample", dimension: 2, mentions: ["component 1", "std"]),
        mixture("an empty mean", "1::1", mentions: ["component 1", "mean"]),
        mixture("a space inside a number", "1:0 5:1", mentions: ["component 1", "mean"]),
        mixture("a Unicode minus", "1:\u{2212}2:1", command: "reverse", mentions: ["component 1", "mean"]),
        mixture("an exponent without digits", "1:0:1e", mentions: ["component 1", "std"]),
        mixture("a bad second component", "0.5:0:1;0.5:x:1", mentions: ["component 2", "mean"]),
        mixture("two weights", "0.5,0.5:0:1", command: "sample", mentions: ["component 1", "weight"]),
        mixture("a trailing comma in the mean", "1:0,:1", dimension: 2, mentions: ["component 1", "mean"]),
    ]

    static let checkpointCases: [HostileInput] = {
        let valid = HostileFiles.checkpoint()
        let header = HostileFiles.checkpointHeader()
        let headerEnd = 16 + header.utf8.count
        var flipped = valid
        flipped[headerEnd + 3] ^= 0x01
        func config(_ replacement: String) -> String {
            HostileFiles.checkpointHeader(configuration: replacement)
        }
        let base =
            #""adam_epsilon":1e-08,"batch_size":16,"first_moment_decay":0.9,"learning_rate":0.001,"#
            + #""second_moment_decay":0.999,"seed":1"#
        func with(_ old: String, _ new: String) -> Data {
            HostileFiles.checkpoint(header: config(base.replacingOccurrences(of: old, with: new)))
        }
        var nanWeight = Array(repeating: 0.1, count: 26)
        nanWeight[7] = .nan
        var nanMoment = Array(repeating: 0.0, count: 26)
        nanMoment[3] = .nan
        var negativeMoment = Array(repeating: 0.0, count: 26)
        negativeMoment[5] = -1
        return [
            checkpointFile("a wrong magic", Data("FPLABNEX".utf8) + valid.dropFirst(8), mentions: ["signature"]),
            checkpointFile("an empty file", Data(), resume: true, mentions: ["signature"]),
            checkpointFile("a CSV file", Data("x,y\n1,2\n3,4\n".utf8), mentions: ["signature"]),
            checkpointFile("cut inside the preamble", valid.prefix(12), mentions: ["signature"]),
            checkpointFile(
                "format version 2", HostileFiles.checkpoint(version: 2), resume: true,
                mentions: ["version 2"]),
            checkpointFile(
                "a 4 GiB header length", HostileFiles.checkpoint(headerLength: .max),
                mentions: ["header length"]),
            checkpointFile("cut inside the header", valid.prefix(headerEnd - 10), mentions: ["truncated"]),
            checkpointFile(
                "cut inside the parameters", valid.prefix(headerEnd + 8 * 10), resume: true,
                mentions: ["truncated"]),
            checkpointFile("cut inside the first moments", valid.prefix(headerEnd + 8 * 30), mentions: ["truncated"]),
            checkpointFile("cut inside the second moments", valid.prefix(headerEnd + 8 * 60), mentions: ["truncated"]),
            checkpointFile(
                "cut inside the losses", valid.prefix(headerEnd + 8 * 79), resume: true,
                mentions: ["truncated"]),
            checkpointFile("the checksum missing", valid.dropLast(8), mentions: ["truncated"]),
            checkpointFile("trailing bytes", valid + Data(repeating: 0, count: 16), mentions: []),
            checkpointFile("a flipped payload byte", flipped, resume: true, mentions: ["checksum"]),
            checkpointFile(
                "header JSON that does not parse", HostileFiles.checkpoint(header: "{\"architecture\": [}"),
                mentions: ["header"]),
            checkpointFile(
                "a parameter count of 10^15",
                HostileFiles.checkpoint(
                    header: HostileFiles.checkpointHeader(
                        parameterCount: 1_000_000_000_000_000)), mentions: ["header"]),
            checkpointFile(
                "a loss count of 2^62",
                HostileFiles.checkpoint(header: HostileFiles.checkpointHeader(lossCount: 1 << 62)),
                resume: true, mentions: ["header"]),
            checkpointFile(
                "a parameter count that does not fit the architecture",
                HostileFiles.checkpoint(
                    header: HostileFiles.checkpointHeader(parameterCount: 25),
                    parameters: Array(repeating: 0.1, count: 25),
                    first: Array(repeating: 0, count: 25),
                    second: Array(repeating: 0, count: 25)), mentions: ["header"]),
            checkpointFile(
                "width 0",
                HostileFiles.checkpoint(
                    header: HostileFiles.checkpointHeader(
                        architecture: #""activation":"silu","depth":1,"dimension":2,"embedding":"scalar","width":0"#)),
                mentions: ["header"]),
            checkpointFile(
                "an unknown activation",
                HostileFiles.checkpoint(
                    header: HostileFiles.checkpointHeader(
                        architecture: #""activation":"tanh","depth":1,"dimension":2,"embedding":"scalar","width":4"#)),
                resume: true, mentions: ["header"]),
            checkpointFile(
                "a schedule of 0 steps",
                HostileFiles.checkpoint(
                    header: HostileFiles.checkpointHeader(
                        schedule: #""beta_first":0.0001,"beta_last":0.02,"step_count":0"#)), mentions: ["header"]),
            checkpointFile(
                "a schedule with beta_first above beta_last",
                HostileFiles.checkpoint(
                    header: HostileFiles.checkpointHeader(
                        schedule: #""beta_first":0.5,"beta_last":0.02,"step_count":1000"#)),
                mentions: ["header"]),
            checkpointFile(
                "a NaN weight", HostileFiles.checkpoint(parameters: nanWeight),
                mentions: ["weight", "parameter 7"]),
            checkpointFile(
                "a NaN Adam first moment", HostileFiles.checkpoint(first: nanMoment), resume: true,
                mentions: ["first moment"]),
            checkpointFile(
                "a negative Adam second moment", HostileFiles.checkpoint(second: negativeMoment),
                resume: true,
                mentions: ["second moment"]),
            checkpointFile("a NaN loss", HostileFiles.checkpoint(losses: [1, .nan]), mentions: ["loss", "update 2"]),
            checkpointFile(
                "a negative loss", HostileFiles.checkpoint(losses: [-1, 1]), resume: true,
                mentions: ["loss", "update 1"]),
            checkpointFile(
                "a learning rate of 1e6", with("\"learning_rate\":0.001", "\"learning_rate\":1000000"),
                resume: true,
                mentions: ["learning rate"]),
            checkpointFile(
                "a learning rate of 0", with("\"learning_rate\":0.001", "\"learning_rate\":0"),
                mentions: ["learning rate"]),
            checkpointFile(
                "beta1 = 1", with("\"first_moment_decay\":0.9", "\"first_moment_decay\":1"), resume: true,
                mentions: ["first-moment decay"]),
            checkpointFile(
                "beta2 = 1.5", with("\"second_moment_decay\":0.999", "\"second_moment_decay\":1.5"),
                mentions: ["second-moment decay"]),
            checkpointFile(
                "a negative beta1", with("\"first_moment_decay\":0.9", "\"first_moment_decay\":-0.1"),
                mentions: ["first-moment decay"]),
            checkpointFile(
                "an Adam epsilon of 0", with("\"adam_epsilon\":1e-08", "\"adam_epsilon\":0"), resume: true,
                mentions: ["epsilon"]),
            checkpointFile("a batch of 0", with("\"batch_size\":16", "\"batch_size\":0"), mentions: ["batch"]),
            checkpointFile(
                "a step with fewer losses",
                HostileFiles.checkpoint(header: HostileFiles.checkpointHeader(step: 5)), resume: true,
                mentions: ["losses"]),
            checkpointFile(
                "a negative step", HostileFiles.checkpoint(header: HostileFiles.checkpointHeader(step: -2)),
                mentions: ["step"]),
            checkpointFile(
                "a training-data record of another dimension",
                HostileFiles.checkpoint(
                    header: HostileFiles.checkpointHeader(
                        extra: #","training_data":{"count":10,"dimension":3,"hash":"0000000000000000"}"#)),
                mentions: ["training-data"]),
            HostileInput(
                .checkpoint, "a schedule shorter than --sampling-steps",
                ["train", "--resume", "{dir}/net.fpnet", "--steps", "10", "--sampling-steps", "500"],
                files: [
                    "net.fpnet": HostileFiles.checkpoint(
                        header: HostileFiles.checkpointHeader(
                            schedule: #""beta_first":0.0001,"beta_last":0.02,"step_count":100"#))
                ],
                mentions: ["--sampling-steps", "--resume", "net.fpnet", "100"]),
            HostileInput(
                .checkpoint, "two checkpoints with the same name",
                [
                    "generate",
                    "--checkpoint", "{dir}/a/net.fpnet",
                    "--checkpoint", "{dir}/b/net.fpnet",
                ],
                files: ["a/net.fpnet": valid, "b/net.fpnet": valid],
                mentions: ["--checkpoint", "a/net.fpnet", "b/net.fpnet"]),
            HostileInput(
                .checkpoint, "two checkpoint names differing in case",
                [
                    "generate",
                    "--checkpoint", "{dir}/net.fpnet",
                    "--checkpoint", "{dir}/NET.fpnet",
                ],
                files: ["net.fpnet": valid, "NET.fpnet": valid],
                mentions: ["--checkpoint", "net.fpnet", "NET.fpnet"]),
            HostileInput(
                .checkpoint, "a FIFO as --resume", ["train", "--resume", "{dir}/net.fpnet", "--steps", "10"],
                prepare: HostileFiles.fifo("net.fpnet"), mentions: ["--resume", "net.fpnet", "FIFO"],
                timeLimit: 10),
            HostileInput(
                .checkpoint, "a FIFO as --checkpoint to write",
                ["train", "--checkpoint", "{dir}/net.fpnet", "--steps", "1"],
                prepare: HostileFiles.fifo("net.fpnet"), mentions: ["--checkpoint", "net.fpnet", "FIFO"],
                timeLimit: 10),
            HostileInput(
                .checkpoint, "/dev/null as --checkpoint to write",
                ["train", "--checkpoint", "/dev/null", "--steps", "1"],
                mentions: ["--checkpoint", "/dev/null", "character device"]),
            HostileInput(
                .checkpoint, "a link to /dev/null as --checkpoint",
                ["train", "--checkpoint", "{dir}/null.fpnet", "--steps", "1"],
                prepare: { folder in
                    try FileManager.default.createSymbolicLink(
                        atPath: folder.appendingPathComponent("null.fpnet").path,
                        withDestinationPath: "/dev/null")
                }, mentions: ["--checkpoint", "null.fpnet", "character device"]),
            HostileInput(
                .checkpoint, "/dev/zero as --checkpoint to read", ["generate", "--checkpoint", "/dev/zero"],
                mentions: ["--checkpoint", "/dev/zero", "character device"], timeLimit: 10),
            HostileInput(
                .checkpoint, "a directory as --resume",
                ["train", "--resume", "{dir}/net.fpnet", "--steps", "10"],
                prepare: HostileFiles.directory("net.fpnet"),
                mentions: ["--resume", "net.fpnet", "directory"]),
            HostileInput(
                .checkpoint, "a missing checkpoint", ["generate", "--checkpoint", "{dir}/absent.fpnet"],
                mentions: ["--checkpoint", "absent.fpnet"]),
            HostileInput(
                .checkpoint, "a symbolic-link loop as --checkpoint",
                ["generate", "--checkpoint", "{dir}/net.fpnet"],
                prepare: HostileFiles.loop("net.fpnet"), mentions: ["--checkpoint", "net.fpnet"]),
        ]
    }()

    static let compareTreeCases: [HostileInput] = {
        let npyClaim = "forward-spectral-exact"
        let goodArray = HostileFiles.committedFiles(of: npyClaim)["tree/\(npyClaim)/density_2d.npy"] ?? Data()
        let manifestName = "entropy-decay/manifest.json"
        return [
            HostileInput(
                .compareTree, "no top-level manifest",
                ["verify", "--only", "entropy-decay", "--compare", "{dir}/tree"],
                files: HostileFiles.committedFiles(of: "entropy-decay"),
                mentions: ["--compare", "manifest.json"]),
            HostileInput(
                .compareTree, "the claim's folder missing",
                ["verify", "--only", "entropy-decay", "--compare", "{dir}/tree"],
                files: [
                    "tree/manifest.json":
                        HostileFiles.text(#"{"command": "verify", "quick": true, "seed": 1}"#)
                ],
                mentions: ["--compare", "entropy-decay/", "missing"]),
            compareTree(
                "the claim's folder a symbolic-link loop", [:],
                prepare: { folder in
                    try FileManager.default.removeItem(at: folder.appendingPathComponent("tree/entropy-decay"))
                    try FileManager.default.createSymbolicLink(
                        atPath: folder.appendingPathComponent("tree/entropy-decay").path,
                        withDestinationPath: "entropy-decay")
                }, mentions: ["entropy-decay/"]),
            compareTree("the claim's manifest missing", ["manifest.json": nil], mentions: [manifestName]),
            compareTree(
                "the claim's manifest not JSON", ["manifest.json": HostileFiles.text("files: mixture.csv\n")],
                mentions: [manifestName]),
            compareTree(
                "the claim's manifest without files",
                ["manifest.json": HostileFiles.text(#"{"claim": "entropy-decay"}"#)],
                mentions: [manifestName, "list of files"]),
            compareTree(
                "a listed file outside the folder",
                ["manifest.json": HostileFiles.text(#"{"files": ["../manifest.json"]}"#)],
                mentions: [manifestName, "plain file name"]),
            compareTree(
                "a listed file that is a number", ["manifest.json": HostileFiles.text(#"{"files": [3]}"#)],
                mentions: [manifestName, "plain file name"]),
            compareTree(
                "the claim's manifest with a NUL byte",
                ["manifest.json": HostileFiles.text("{\"files\": [\"a\u{0}\"]}")],
                mentions: [manifestName, "NUL"]),
            compareTree(
                "the claim's manifest a FIFO", ["manifest.json": nil],
                prepare: HostileFiles.fifo("tree/entropy-decay/manifest.json"),
                mentions: [manifestName, "FIFO"]),
            compareTree(
                "a listed CSV missing", ["mixture.csv": nil],
                mentions: ["entropy-decay/mixture.csv", "missing"]),
            compareTree(
                "an extra file", ["notes.txt": HostileFiles.text("mine\n")],
                mentions: ["entropy-decay/notes.txt", "not listed"]),
            compareTree(
                "checks.csv a FIFO", ["checks.csv": nil],
                prepare: HostileFiles.fifo("tree/entropy-decay/checks.csv"),
                mentions: ["entropy-decay/checks.csv", "FIFO"]),
            compareTree(
                "checks.csv a directory", ["checks.csv": nil],
                prepare: HostileFiles.directory("tree/entropy-decay/checks.csv"),
                mentions: ["entropy-decay/checks.csv", "directory"]),
            compareTree(
                "mixture.csv a symbolic-link loop", ["mixture.csv": nil],
                prepare: HostileFiles.loop("tree/entropy-decay/mixture.csv"),
                mentions: ["entropy-decay/mixture.csv"]),
            compareTree(
                "mixture.csv a sparse 100 MB file", ["mixture.csv": nil],
                prepare: HostileFiles.sparse("tree/entropy-decay/mixture.csv", size: 100_000_000),
                mentions: ["entropy-decay/mixture.csv", "bytes"]),
            compareTree(
                "mixture.csv with a NUL byte",
                ["mixture.csv": HostileFiles.text("time,kl,bound,ratio\n0.0,1\u{0},1,1\n")],
                mentions: ["entropy-decay/mixture.csv", "NUL"]),
            compareTree(
                "mixture.csv not UTF-8", ["mixture.csv": Data([0x74, 0x2C, 0xC3, 0x28, 0x0A])],
                mentions: ["entropy-decay/mixture.csv", "UTF-8"]),
            compareTree(
                "a quote never closed",
                ["mixture.csv": HostileFiles.text("time,kl,bound,ratio\n\"0.0,1,1,1\n")],
                mentions: ["entropy-decay/mixture.csv", "line 2", "never closed"]),
            compareTree(
                "text after a closing quote",
                ["mixture.csv": HostileFiles.text("time,kl,bound,ratio\n\"0.0\"x,1,1,1\n")],
                mentions: ["entropy-decay/mixture.csv", "line 2"]),
            compareTree(
                "a quote inside an unquoted field",
                ["checks.csv": HostileFiles.text("quantity,measured,expectation,verdict\nk\"l,1,2,pass\n")],
                mentions: ["entropy-decay/checks.csv", "line 2"]),
            compareTree(
                "a record with too few fields",
                ["mixture.csv": HostileFiles.text("time,kl,bound,ratio\n0.0,1,1\n")],
                mentions: ["entropy-decay/mixture.csv", "line 2", "3 fields"]),
            compareTree(
                "a record with too many fields", ["gaussian.csv": HostileFiles.text("time,kl\n0.0,1,1,1,1\n")],
                mentions: ["entropy-decay/gaussian.csv", "line 2"]),
            compareTree(
                "a header naming a column twice",
                ["mixture.csv": HostileFiles.text("time,kl,kl,ratio\n0.0,1,1,1\n")],
                mentions: ["entropy-decay/mixture.csv", "twice"]),
            compareTree(
                "an empty CSV file", ["mixture.csv": Data()], mentions: ["entropy-decay/mixture.csv", "empty"]),
            compareTree(
                "a lone carriage return",
                ["mixture.csv": HostileFiles.text("time,kl,bound,ratio\r0.0,1,1,1\n")],
                mentions: ["entropy-decay/mixture.csv", "carriage return"]),
            compareTree(
                "a blank line inside", ["mixture.csv": HostileFiles.text("time,kl,bound,ratio\n\n0.0,1,1,1\n")],
                mentions: ["entropy-decay/mixture.csv", "line 2"]),
            compareTree(
                "an array with a wrong magic", claim: npyClaim,
                ["density_2d.npy": HostileFiles.text("not an array\n")],
                mentions: ["\(npyClaim)/density_2d.npy", "magic"]),
            compareTree(
                "an array cut short", claim: npyClaim,
                ["density_2d.npy": goodArray.prefix(goodArray.count - 8)],
                mentions: ["\(npyClaim)/density_2d.npy", "shorter"]),
            compareTree(
                "an array with trailing bytes", claim: npyClaim, ["density_2d.npy": goodArray + Data(count: 8)],
                mentions: ["\(npyClaim)/density_2d.npy", "after the data"]),
            compareTree(
                "an array with an overflowing shape", claim: npyClaim,
                ["density_2d.npy": HostileFiles.npy(HostileFiles.npyHeader(shape: "(4611686018427387904, 4)"))],
                mentions: ["\(npyClaim)/density_2d.npy", "shape"]),
            compareTree(
                "an array with a non-integer extent", claim: npyClaim,
                ["density_2d.npy": HostileFiles.npy(HostileFiles.npyHeader(shape: "(1e3, 2)"))],
                mentions: ["\(npyClaim)/density_2d.npy", "extent"]),
            compareTree(
                "a big-endian array", claim: npyClaim,
                ["density_2d.npy": HostileFiles.npy(HostileFiles.npyHeader(descr: "'>f8'", shape: "(3, 2)"))],
                mentions: ["\(npyClaim)/density_2d.npy", "big-endian"]),
            compareTree(
                "a float32 array", claim: npyClaim,
                [
                    "density_2d.npy": HostileBytes.npy(
                        header: HostileFiles.npyHeader(
                            descr: "'<f4'",
                            shape: "(2,)"),
                        payload: Data(count: 8))
                ],
                mentions: ["\(npyClaim)/density_2d.npy", "dtype"]),
            compareTree(
                "an array a FIFO", claim: npyClaim, ["density_2d.npy": nil],
                prepare: HostileFiles.fifo("tree/\(npyClaim)/density_2d.npy"),
                mentions: ["\(npyClaim)/density_2d.npy", "FIFO"]),
            compareTree(
                "an array listed but missing", claim: npyClaim, ["density_2d.npy": nil],
                mentions: ["\(npyClaim)/density_2d.npy", "missing"]),
        ]
    }()
}

@Suite struct FilesHostileInputTests {
    @Test(arguments: HostileInput.filesCases) func refused(_ input: HostileInput) throws { try input.check() }

    /// The brief's floor: at least 130 distinct file inputs, each class present.
    @Test func suiteSize() {
        let cases = HostileInput.filesCases
        #expect(cases.count >= 130)
        #expect(Set(cases.map(\.testDescription)).count == cases.count, "two cases share a name")
        for inputClass in [HostileInput.InputClass.csv, .npy, .checkpoint, .compareTree, .pointList, .mixture] {
            #expect(cases.contains { $0.inputClass == inputClass }, "no \(inputClass) case")
        }
    }
}

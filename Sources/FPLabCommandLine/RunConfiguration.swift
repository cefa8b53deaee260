import ArgumentParser
import FokkerPlanckLab
import Foundation

/// One experiment described in a JSON file, turned into the command line it stands for.
///
/// Schema: an object with `"command"` (a subcommand name: "verify", "forward", "sample", "invert", …), optional
/// `"options"` (an object) and optional `"description"` (text for people, ignored). Each option key is a long option
/// of that subcommand, written as on the command line without the dashes ("half-width"), in snake_case
/// ("half_width") or camelCase ("halfWidth"). Values: a string or a number for an option (`--key=value`), `true`
/// or `false` for a flag (`true` gives `--key`, `false` leaves it out), an array for an option that may repeat
/// (one `--key=value` each) or, for any other option, the elements joined with commas. The keys are checked
/// against the options the subcommand declares (read from the command-line parser itself, so a new subcommand
/// or option works without changes here); the values then go through the subcommand's own validation.
struct RunConfiguration {
    /// One declared option or flag of a subcommand.
    struct Declared {
        var name: String
        var isFlag: Bool
        var isRepeating: Bool
    }

    /// The largest configuration file read: 1 MiB (2^20 bytes). A configuration stands for one command line, and
    /// the longest command line the systems the tool runs on accept is ARG_MAX: 1 MiB on macOS, 2 MiB on Linux;
    /// the example configurations hold under 1 KiB. The limit is checked before a byte is read.
    static let byteLimit = 1 << 20

    /// The most elements in one option's array: 4096. An array stands for a list of values (`"noise": [0.01,
    /// 1e-6]`) or a repeated option, and the longest list any option uses is a few dozen values; the parser of the
    /// command line handles each repeated option once, so 4096 keeps a run's set-up in milliseconds while a 1 MiB
    /// file could otherwise hold half a million elements.
    static let arrayElementLimit = 4096

    /// The longest value of one option: 131072 bytes, the longest single argument Linux passes to a program
    /// (MAX_ARG_STRLEN, 32 pages of 4 KiB), so that a configuration says nothing a command line could not.
    static let valueByteLimit = 131_072

    let path: String
    /// The command-line arguments the file stands for, e.g. ["forward", "--points=512", "--time=2"].
    let arguments: [String]
    /// The option keys of the file with the long option each stands for (for naming the key in the
    /// subcommand's own validation errors), longest option names first so "--t-min" is not taken for "--t".
    let optionKeys: [(key: String, name: String)]

    /// Reads the file (a regular file of at most `byteLimit` bytes of UTF-8 text without NUL bytes).
    init(path: String) throws {
        let text: String
        do {
            text = try InputFile.readText(path, subject: "config \(path)", byteLimit: Self.byteLimit)
        } catch let error as InputFileError {
            throw ValidationError(error.description)
        }
        try self.init(path: path, text: text)
    }

    /// The configuration held by `text`; `path` only names it in errors.
    init(path: String, text: String) throws {
        self.path = path
        let document: JSONValue
        do { document = try JSONValue.parse(text, numbers: .literals) } catch let error as JSONSyntaxError {
            throw Self.failure(path, "malformed JSON at \(error).")
        }
        (arguments, optionKeys) = try Self.translate(document, path: path)
    }

    /// An error about the configuration file: "config FILE: …" (exit status 64 through `ValidationError`).
    func failure(_ message: String) -> ValidationError { Self.failure(path, message) }

    static func failure(_ path: String, _ message: String) -> ValidationError {
        ValidationError("config \(path): \(message)")
    }

    /// The subcommands and their declared options, from the parser's description of the tool (read once).
    static let declaredOptions: [String: [Declared]] = {
        guard case .object(let tool)? = try? JSONValue.parse(FPLab._dumpHelp()),
            case .object(let root)? = tool["command"],
            case .array(let subcommands)? = root["subcommands"]
        else { return [:] }
        var table: [String: [Declared]] = [:]
        for case .object(let command) in subcommands {
            guard case .string(let name)? = command["commandName"], name != "help",
                name != Run.configuration.commandName
            else { continue }
            var declared: [Declared] = []
            if case .array(let arguments)? = command["arguments"] {
                for case .object(let argument) in arguments {
                    guard case .string(let kind)? = argument["kind"], kind != "positional",
                        case .array(let names)? = argument["names"]
                    else { continue }
                    for case .object(let nameInfo) in names {
                        guard nameInfo["kind"] == .string("long"), case .string(let long)? = nameInfo["name"],
                            long != "help", long != "version"
                        else { continue }
                        declared.append(
                            Declared(
                                name: long, isFlag: kind == "flag", isRepeating: argument["isRepeating"] == .bool(true))
                        )
                    }
                }
            }
            table[name] = declared
        }
        return table
    }()

    /// "half_width", "halfWidth" and "half-width" all give "half-width".
    static func kebabCase(_ key: String) -> String {
        var text = ""
        for character in key {
            if character == "_" {
                text.append("-")
            } else if character.isUppercase {
                if !text.isEmpty, text.last != "-" { text.append("-") }
                text += character.lowercased()
            } else {
                text.append(character)
            }
        }
        return text
    }

    /// A key or value as a message shows it: 'half_width', or a JSON string literal with escapes when it holds
    /// control characters (a line break in a key must not break the one-line message) or is very long.
    static func shown(_ text: String) -> String {
        let isPlain = text.count <= 80 && !text.unicodeScalars.contains(where: JSONValue.isInvisibleControl)
        return isPlain ? "'\(text)'" : JSONValue.quoted(text)
    }

    /// The arguments and the option keys of a parsed document.
    private static func translate(_ document: JSONValue, path: String) throws
        -> ([String], [(key: String, name: String)])
    {
        func failure(_ message: String) -> ValidationError { Self.failure(path, message) }
        guard case .object(let members) = document else {
            throw failure("the file must hold one JSON object with a \"command\" key.")
        }
        for key in members.keys.sorted() where !["command", "options", "description"].contains(key) {
            throw failure(
                "unknown key \(shown(key)) at the top level; the keys are \"command\", \"options\" and "
                    + "\"description\".")
        }
        let subcommands = Self.declaredOptions
        let names = subcommands.keys.sorted().joined(separator: ", ")
        guard case .string(let command)? = members["command"] else {
            throw failure("key 'command' must be a string naming one of: \(names).")
        }
        guard let declared = subcommands[command] else {
            throw failure("key 'command': no subcommand \(shown(command)); the subcommands are: \(names).")
        }
        if let description = members["description"], case .string = description {
        } else if members["description"] != nil {
            throw failure("key 'description' must be a string.")
        }
        var options: [String: JSONValue] = [:]
        switch members["options"] {
        case nil: break
        case .object(let given)?: options = given
        default: throw failure("key 'options' must be an object of option names and values.")
        }
        var arguments = [command]
        var keyOfOption: [String: String] = [:]
        for key in options.keys.sorted() {
            let name = Self.kebabCase(key)
            guard let option = declared.first(where: { $0.name == name }) else {
                let dashes = key.hasPrefix("-") ? " (write the option without its leading dashes)" : ""
                let names = declared.map(\.name).joined(separator: ", ")
                throw failure("unknown key \(shown(key)) for fplab \(command)\(dashes); its options are: \(names).")
            }
            if let other = keyOfOption[name] {
                throw failure("keys \(shown(other)) and \(shown(key)) both stand for --\(name); give it once.")
            }
            keyOfOption[name] = key
            arguments += try Self.arguments(for: options[key]!, key: key, option: option, failure: failure)
        }
        return (arguments, options.keys.map { ($0, Self.kebabCase($0)) }.sorted { $0.name.count > $1.name.count })
    }

    private static func arguments(
        for value: JSONValue, key: String, option: Declared,
        failure: (String) -> ValidationError
    ) throws -> [String] {
        if option.isFlag {
            guard case .bool(let on) = value else {
                throw failure("key \(shown(key)) is a flag: its value must be true or false.")
            }
            return on ? ["--\(option.name)"] : []
        }
        switch value {
        case .array(let elements):
            guard !elements.isEmpty else { throw failure("key \(shown(key)): the array is empty.") }
            guard elements.count <= arrayElementLimit else {
                throw failure(
                    "key \(shown(key)): the array has \(elements.count) elements, more than the "
                        + "\(arrayElementLimit) allowed.")
            }
            let texts = try elements.map { try scalarText($0, key: key, failure: failure) }
            let values = option.isRepeating ? texts : [texts.joined(separator: ",")]
            return try values.map { try argument(option, $0, key: key, failure: failure) }
        default:
            return [try argument(option, try scalarText(value, key: key, failure: failure), key: key, failure: failure)]
        }
    }

    /// `--name=value`, the value at most `valueByteLimit` bytes.
    private static func argument(
        _ option: Declared, _ value: String, key: String,
        failure: (String) -> ValidationError
    ) throws -> String {
        guard value.utf8.count <= valueByteLimit else {
            throw failure(
                "key \(shown(key)): the value has \(value.utf8.count) bytes, more than the \(valueByteLimit) "
                    + "one command-line argument may hold.")
        }
        return "--\(option.name)=\(value)"
    }

    /// A value's text as the option receives it; numbers arrive as written (the file is read with
    /// `.literals`), so the option's own check judges `18446744073709551615` or `1e999`, not a rounded double.
    private static func scalarText(
        _ value: JSONValue, key: String,
        failure: (String) -> ValidationError
    ) throws -> String {
        switch value {
        case .string(let text):
            if let index = text.unicodeScalars.firstIndex(where: JSONValue.isInvisibleControl) {
                let scalar = text.unicodeScalars[index]
                let hex = String(scalar.value, radix: 16, uppercase: true)
                let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                let offset = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: index)
                throw failure(
                    "key \(shown(key)): the value holds the control character \(code) at character "
                        + "\(offset + 1); option values are printable text.")
            }
            guard !text.isEmpty else {
                throw failure("key \(shown(key)): the value is empty; give a value or leave the key out.")
            }
            return text
        case .integer(let number): return String(number)
        case .unsignedInteger(let number): return String(number)
        case .number(let number): return "\(number)"
        case .numberLiteral(let literal): return literal
        case .bool: throw failure("key \(shown(key)) takes a value (a string or a number), not true or false.")
        case .null: throw failure("key \(shown(key)) is null; give a value or leave the key out.")
        case .object: throw failure("key \(shown(key)) takes a string, a number or an array, not an object.")
        case .array: throw failure("key \(shown(key)): nested arrays are not option values.")
        }
    }
}

/// `fplab run FILE`: one experiment described in a JSON file.
public struct Run: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one experiment described in a JSON file.",
        discussion: """
            The file holds one object: {"command": "forward", "options": {"points": 512, "time": 2}, \\
            "description": "…"}. "command" names a subcommand (verify, forward, sample, invert, …); each key of \\
            "options" is one of its long options, written "half-width", "half_width" or "halfWidth"; a string or \\
            number is the option's value, true/false turns a flag on/off, an array gives a repeated option or a \\
            comma-joined value. Unknown keys, wrong types and malformed JSON are errors naming the key (or the line \\
            and column), exit status 64. Examples: notebooks-data/configs/*.json (schema in \\
            notebooks-data/configs/README.md).
            """
    )

    @Argument(help: ArgumentHelp("The JSON file describing the run.", valueName: "file"))
    public var file: String

    @Flag(name: .customLong("print-command"), help: "Print the command line the file stands for and exit.")
    public var printCommand = false

    public init() {}

    /// Reads the file and checks the configuration (with `--print-command` that is all: the command may be meant
    /// for another machine, whose files are not here). The subcommand's options are checked when it is built.
    public mutating func validate() throws {
        _ = try RunConfiguration(path: file)
    }

    /// Prints the command, or parses it, builds its experiment (once: files read, sizes and costs checked, an error
    /// naming the key behind it) and runs it.
    public mutating func run() throws {
        if printCommand {
            let arguments = try RunConfiguration(path: file).arguments
            try StandardStreams.writeOutput((["fplab"] + arguments.map(Self.shellQuoted)).joined(separator: " ") + "\n")
            return
        }
        try resolved()()
    }

    /// The file's subcommand, parsed and its experiment built, ready to run; an error names the key it concerns.
    func resolved() throws -> PreparedRun {
        let configuration = try RunConfiguration(path: file)
        do {
            var command = try FPLab.parseAsRoot(configuration.arguments)
            if let experimentCommand = command as? any ExperimentCommand { return try experimentCommand.prepared() }
            return PreparedRun { try command.run() }
        } catch {
            guard FPLab.exitCode(for: error) == .validationFailure else { throw error }
            let message = FPLab.oneLineMessage(for: error)
            let key = configuration.optionKeys.first { key, name in message.contains("--\(name)") }?.key
            throw configuration.failure((key.map { "key \(RunConfiguration.shown($0)): " } ?? "") + message)
        }
    }

    /// An argument as a POSIX shell reads it back: bare when it holds only ASCII letters, digits and
    /// `-_=.,:/+@%`, otherwise in single quotes (inside which only `'` needs care: it becomes `'\''`).
    static func shellQuoted(_ argument: String) -> String {
        let bare =
            !argument.isEmpty
            && argument.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII
                    && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                        || ("0"..."9").contains(scalar) || "-_=.,:/+@%".unicodeScalars.contains(scalar))
            }
        return bare ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

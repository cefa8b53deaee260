import ArgumentParser
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

    let path: String

    /// An error about the configuration file: "config FILE: …" (exit status 64 through `ValidationError`).
    func failure(_ message: String) -> ValidationError { ValidationError("config \(path): \(message)") }

    /// The subcommands and their declared options, from the parser's description of the tool.
    static func declaredOptions() -> [String: [Declared]] {
        guard case let .object(tool)? = try? JSONValue.parse(FPLab._dumpHelp()), case let .object(root)? = tool["command"],
              case let .array(subcommands)? = root["subcommands"] else { return [:] }
        var table: [String: [Declared]] = [:]
        for case let .object(command) in subcommands {
            guard case let .string(name)? = command["commandName"], name != "help", name != Run.configuration.commandName else { continue }
            var declared: [Declared] = []
            if case let .array(arguments)? = command["arguments"] {
                for case let .object(argument) in arguments {
                    guard case let .string(kind)? = argument["kind"], kind != "positional",
                          case let .array(names)? = argument["names"] else { continue }
                    for case let .object(nameInfo) in names {
                        guard nameInfo["kind"] == .string("long"), case let .string(long)? = nameInfo["name"],
                              long != "help", long != "version" else { continue }
                        declared.append(Declared(name: long, isFlag: kind == "flag", isRepeating: argument["isRepeating"] == .bool(true)))
                    }
                }
            }
            table[name] = declared
        }
        return table
    }

    /// "half_width", "halfWidth" and "half-width" all give "half-width".
    static func kebabCase(_ key: String) -> String {
        var text = ""
        for character in key {
            if character == "_" { text.append("-") } else if character.isUppercase {
                if !text.isEmpty, text.last != "-" { text.append("-") }
                text += character.lowercased()
            } else { text.append(character) }
        }
        return text
    }

    /// The command-line arguments the file stands for, e.g. ["forward", "--points=512", "--time=2"].
    func arguments() throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw failure("cannot read the file.") }
        guard let text = String(data: data, encoding: .utf8) else { throw failure("the file is not UTF-8 text.") }
        let document: JSONValue
        do { document = try JSONValue.parse(text) } catch let error as JSONSyntaxError {
            throw failure("malformed JSON at \(error).")
        }
        guard case let .object(members) = document else { throw failure("the file must hold one JSON object with a \"command\" key.") }
        for key in members.keys.sorted() where !["command", "options", "description"].contains(key) {
            throw failure("unknown key '\(key)' at the top level; the keys are \"command\", \"options\" and \"description\".")
        }
        let subcommands = Self.declaredOptions()
        guard case let .string(command)? = members["command"] else {
            throw failure("key 'command' must be a string naming one of: \(subcommands.keys.sorted().joined(separator: ", ")).")
        }
        guard let declared = subcommands[command] else {
            throw failure("key 'command': no subcommand '\(command)'; the subcommands are: \(subcommands.keys.sorted().joined(separator: ", ")).")
        }
        if let description = members["description"], case .string = description {} else if members["description"] != nil {
            throw failure("key 'description' must be a string.")
        }
        var options: [String: JSONValue] = [:]
        switch members["options"] {
        case nil: break
        case let .object(given)?: options = given
        default: throw failure("key 'options' must be an object of option names and values.")
        }
        var arguments = [command]
        for key in options.keys.sorted() {
            let name = Self.kebabCase(key)
            guard let option = declared.first(where: { $0.name == name }) else {
                throw failure("unknown key '\(key)' for fplab \(command); its options are: \(declared.map(\.name).joined(separator: ", ")).")
            }
            arguments += try self.arguments(for: options[key]!, key: key, option: option)
        }
        return arguments
    }

    /// The option keys of the file with the long option each stands for (for naming the key in the
    /// subcommand's own validation errors), longest option names first so "--t-min" is not taken for "--t".
    func optionKeys() throws -> [(key: String, name: String)] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8),
              case let .object(members)? = try? JSONValue.parse(text), case let .object(options)? = members["options"] else { return [] }
        return options.keys.map { ($0, Self.kebabCase($0)) }.sorted { $0.name.count > $1.name.count }
    }

    private func arguments(for value: JSONValue, key: String, option: Declared) throws -> [String] {
        if option.isFlag {
            guard case let .bool(on) = value else { throw failure("key '\(key)' is a flag: its value must be true or false.") }
            return on ? ["--\(option.name)"] : []
        }
        switch value {
        case let .array(elements):
            let texts = try elements.map { try scalarText($0, key: key) }
            guard !texts.isEmpty else { throw failure("key '\(key)': the array is empty.") }
            return option.isRepeating ? texts.map { "--\(option.name)=\($0)" } : ["--\(option.name)=" + texts.joined(separator: ",")]
        default:
            return ["--\(option.name)=" + (try scalarText(value, key: key))]
        }
    }

    private func scalarText(_ value: JSONValue, key: String) throws -> String {
        switch value {
        case let .string(text): return text
        case let .integer(number): return String(number)
        case let .unsignedInteger(number): return String(number)
        case let .number(number): return "\(number)"
        case .bool: throw failure("key '\(key)' takes a value (a string or a number), not true or false.")
        case .null: throw failure("key '\(key)' is null; give a value or leave the key out.")
        case .object: throw failure("key '\(key)' takes a string, a number or an array, not an object.")
        case .array: throw failure("key '\(key)': nested arrays are not option values.")
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

    public mutating func run() throws {
        let configuration = RunConfiguration(path: file)
        let arguments = try configuration.arguments()
        if printCommand {
            let quoted = arguments.map { argument in
                argument.allSatisfy { $0.isLetter || $0.isNumber || "-_=.,:/+".contains($0) }
                    ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
            }
            try StandardStreams.writeOutput((["fplab"] + quoted).joined(separator: " ") + "\n")
            return
        }
        var command: ParsableCommand
        do { command = try FPLab.parseAsRoot(arguments) } catch {
            guard FPLab.exitCode(for: error) == .validationFailure else { throw error }
            let message = FPLab.oneLineMessage(for: error)
            let key = try configuration.optionKeys().first { key, name in message.contains("--\(name)") }?.key
            throw configuration.failure((key.map { "key '\($0)': " } ?? "") + message)
        }
        try command.run()
    }
}

import Foundation
import Testing

extension HostileInput {
    /// Standard streams that cannot be written: standard output full (`/dev/full`, ENOSPC) or closed at start
    /// (`>&-`), standard error full or closed as well. Results that cannot be delivered are exit status 1 with one
    /// line naming standard output, never a trap; when standard error is unusable too only the status is checked.
    /// Every command that prints results is covered: a table, `--format json|csv|markdown`, `--help`, `--version`,
    /// `verify --list`, `run --print-command`.
    static let streamCases: [HostileInput] = {
        let quickForward = ["forward", "--points", "32", "--snapshots", "1"]
        let commands: [(String, [String])] = [
            ("forward", quickForward),
            ("forward --format json", quickForward + ["--format", "json"]),
            ("forward --format csv", quickForward + ["--format", "csv"]),
            ("forward --format markdown", quickForward + ["--format", "markdown"]),
            ("--help", ["--help"]),
            ("forward --help", ["forward", "--help"]),
            ("--version", ["--version"]),
            ("verify --list", ["verify", "--list"]),
            ("verify --list --verbose", ["verify", "--list", "--verbose"]),
            ("verify --quick --only sampler-exact-ou", ["verify", "--quick", "--only", "sampler-exact-ou"]),
            ("sample", ["sample", "--particles", "1000", "--steps", "10"]),
            (
                "memorize",
                ["memorize", "--particles", "200", "--steps", "50", "--step-sweep", "50", "--voronoi-runs", "100"]
            ),
            ("invert", ["invert", "--points", "64"]),
        ]
        var cases: [HostileInput] = []
        for (name, arguments) in commands {
            var full = HostileInput(
                .stream, "\(name), standard output full", arguments,
                redirection: ">/dev/full", status: 1, mentions: ["standard output"])
            var closed = HostileInput(
                .stream, "\(name), standard output closed", arguments,
                redirection: ">&-", status: 1, mentions: ["standard output", "closed"])
            full.followsProgress = arguments.contains("--only")
            closed.followsProgress = full.followsProgress
            cases += [full, closed]
        }
        for (name, arguments) in commands.prefix(3) {
            cases.append(
                HostileInput(
                    .stream, "\(name), both streams full", arguments,
                    redirection: ">/dev/full 2>/dev/full", status: 1, mentions: [],
                    checksMessage: false))
            cases.append(
                HostileInput(
                    .stream, "\(name), both streams closed", arguments,
                    redirection: ">&- 2>&-", status: 1, mentions: [], checksMessage: false))
        }
        // A bad option with standard error full or closed: the status still says 64.
        cases.append(
            HostileInput(
                .stream, "bad option, standard error full", ["forward", "--points", "1"],
                redirection: "2>/dev/full", mentions: [], checksMessage: false))
        cases.append(
            HostileInput(
                .stream, "bad option, standard error closed", ["forward", "--points", "1"],
                redirection: "2>&-", mentions: [], checksMessage: false))
        return cases
    }()
}

@Suite struct StreamHostileInputTests {
    @Test(arguments: HostileInput.streamCases) func refused(_ input: HostileInput) throws { try input.check() }
}

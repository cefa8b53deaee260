import Foundation
import Testing

extension HostileInput {
    /// Standard streams that cannot be written, and files that cannot be read as input.
    static let streamCases: [HostileInput] = [
        HostileInput(.stream, "standard output is /dev/full", ["forward", "--points", "32", "--snapshots", "1"],
                     redirection: ">/dev/full", status: 1, mentions: ["standard output"]),
    ]
}

@Suite struct StreamHostileInputTests {
    @Test(arguments: HostileInput.streamCases) func refused(_ input: HostileInput) throws { try input.check() }
}

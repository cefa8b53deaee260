import FPLabCommandLine
import Foundation
import Testing

@Suite struct VerifyCommandTests {
    @Test func unknownClaimIsRefusedWithTheNamesListed() {
        do {
            _ = try FPLab.parseAsRoot(["verify", "--only", "no-such-claim"])
            Issue.record("accepted an unknown claim")
        } catch {
            let message = FPLab.oneLineMessage(for: error)
            #expect(message.contains("--only: no claim named 'no-such-claim'") && message.contains("entropy-decay"))
        }
    }

    /// One claim through the executable: JSON verdicts, exit 0; a broken tolerance: exit 1.
    @Test func verdictsAndExitStatus() throws {
        let passing = try FPLabExecutable.run(["verify", "--quick", "--only", "ve-exact", "--format", "json"])
        #expect(passing.status == 0)
        let json = try parseJSONObject(passing.standardOutput)
        #expect(json["passed"] as? Bool == true)
        #expect((json["claims"] as? [[String: Any]])?.first?["name"] as? String == "ve-exact")
        let failing = try FPLabExecutable.run(["verify", "--quick", "--only", "ve-exact", "--tolerance-scale", "1e-9"])
        #expect(failing.status == 1)
        #expect(failing.standardOutput.contains("FAILED"))
    }

    @Test func listNamesEveryClaim() throws {
        let result = try FPLabExecutable.run(["verify", "--list"])
        #expect(result.status == 0)
        #expect(
            result.standardOutput.contains("forward-spectral-exact")
                && result.standardOutput.contains("endpoint-frequencies"))
    }
}

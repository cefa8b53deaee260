import Verification

/// The outcomes of a verification run, with the settings it ran with and its wall time: what
/// `VerificationArchive` writes and `fplab verify` prints.
public struct VerificationReport {
    public let outcomes: [ClaimOutcome]
    public let settings: VerificationSettings
    public let wallSeconds: Double

    public init(outcomes: [ClaimOutcome], settings: VerificationSettings, wallSeconds: Double) {
        self.outcomes = outcomes
        self.settings = settings
        self.wallSeconds = wallSeconds
    }

    public var allPassed: Bool { outcomes.allSatisfy(\.passed) }
}

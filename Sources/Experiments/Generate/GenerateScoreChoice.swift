/// The scores `fplab generate` measures beside the exact finite-data score: one imperfect score, or all of them
/// (table (1)). The raw values are the command line's spellings.
public enum GenerateScoreChoice: String, CaseIterable, Sendable {
    case exact, smoothed, biased, noisy
    case earlyStop = "early-stop"
    case all
}

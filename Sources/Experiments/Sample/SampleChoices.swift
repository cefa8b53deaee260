/// Which way `fplab sample` runs its particles: along the forward SDE from t = 0 to T, or back from T along the
/// reverse-time SDE (or the probability-flow ODE). The raw values are the command line's spellings.
public enum SampleDirection: String, CaseIterable, Sendable { case forward, reverse }

/// The score that guides reverse sampling: the exact score of the mixture (an oracle), the empirical score of a
/// finite training set (kernel bandwidth b; b = 0 is the exact finite-data score), or a score read off a forward
/// spectral solve on the grid (interpolated linearly in time between its snapshots).
public enum SampleScoreKind: String, CaseIterable, Sendable { case exact, empirical, grid }

/// Where reverse sampling starts: the exact law rho_T at the horizon, or gamma = N(0, I) in its place.
public enum SampleStartLaw: String, CaseIterable, Sendable { case exact, gamma }

import GridFields

/// A forward diffusion dX = b(X, t) dt + g(t) dB in R^d with a scalar diffusion scale g(t).
///
/// Its Fokker–Planck equation is d_t rho = -div(b rho) + (g(t)^2 / 2) Lap rho. One value of this type is what
/// the grid solvers and the particle samplers both consume, so their results compare like for like.
public protocol ForwardProcess: Sendable {
    /// A short name for tables and manifests ("ou", "vp", ...).
    var name: String { get }

    /// b(x, t) for one point x (any dimension d): writes d components into `drift`.
    func drift(at point: UnsafeBufferPointer<Double>, time: Double, into drift: UnsafeMutableBufferPointer<Double>)

    /// b(x, t) for a block of points, flat (`dimension` per point). The default calls the one-point method per
    /// point; processes whose drift has a per-time set-up (a score field) evaluate whole blocks at once.
    func drift(
        atPoints points: UnsafeBufferPointer<Double>, dimension: Int, time: Double,
        into drift: UnsafeMutableBufferPointer<Double>)

    /// g(t), the diffusion scale; the Fokker–Planck diffusion coefficient is g(t)^2 / 2.
    func diffusionScale(at time: Double) -> Double

    /// int_start^end g(r)^2 dr, exactly where a closed form exists.
    func integratedSquaredDiffusion(from start: Double, to end: Double) -> Double

    /// f(t) when the drift is linear, b(x, t) = f(t) x; nil for a general drift. Solvers use it as a fast path.
    func linearDriftRate(at time: Double) -> Double?

    /// True when b does not depend on t (solvers may then evaluate it once).
    var isDriftTimeIndependent: Bool { get }

    /// True when b is identically zero (pure diffusion, e.g. VE): the cosine basis then solves reflecting walls
    /// exactly.
    var isDriftFree: Bool { get }

    /// Writes b_a(x_i, t) into `components[a][i]` for every cell i of `grid` (row-major, last axis fastest) and
    /// axis a, faster than the pointwise block evaluation (e.g. a drift read off a field stored on that very grid,
    /// where interpolation is the identity); returns false, writing nothing, when the process cannot serve `grid`
    /// (the default). The values must equal what `drift(atPoints:...)` gives at the centres. The spectral solver
    /// asks for it before each new stage time of a general drift and falls back to the pointwise evaluation.
    func drift(atCellCentresOf grid: Grid, time: Double, into components: [UnsafeMutableBufferPointer<Double>]) -> Bool
}

extension ForwardProcess {
    public var isDriftFree: Bool { false }

    public func drift(
        atCellCentresOf grid: Grid, time: Double, into components: [UnsafeMutableBufferPointer<Double>]
    ) -> Bool { false }

    public func drift(
        atPoints points: UnsafeBufferPointer<Double>, dimension: Int, time: Double,
        into drift: UnsafeMutableBufferPointer<Double>
    ) {
        for start in stride(from: 0, to: points.count, by: dimension) {
            self.drift(
                at: UnsafeBufferPointer(rebasing: points[start..<(start + dimension)]), time: time,
                into: UnsafeMutableBufferPointer(rebasing: drift[start..<(start + dimension)]))
        }
    }

    /// Convenience: b(x, t) for a point given as an array.
    public func drift(at point: [Double], time: Double) -> [Double] {
        var result = [Double](repeating: 0, count: point.count)
        point.withUnsafeBufferPointer { pointBuffer in
            result.withUnsafeMutableBufferPointer { resultBuffer in
                drift(at: pointBuffer, time: time, into: resultBuffer)
            }
        }
        return result
    }
}

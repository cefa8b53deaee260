/// dX = b(X, t) dt + g(t) dB with an arbitrary drift b and a scalar diffusion scale g(t) (library use).
///
/// No closed-form marginals: the grid solvers evaluate b at their points; int g^2 is integrated by composite
/// Gauss–Legendre quadrature unless a closed form is supplied.
public struct GeneralSDE: ForwardProcess {
    public typealias Drift = @Sendable (UnsafeBufferPointer<Double>, Double, UnsafeMutableBufferPointer<Double>) -> Void

    public let name: String
    public let isDriftTimeIndependent: Bool
    private let driftFunction: Drift
    private let diffusionFunction: @Sendable (Double) -> Double
    private let squaredDiffusionIntegral: (@Sendable (Double, Double) -> Double)?

    /// - Parameters:
    ///   - drift: writes b(x, t) into its third argument for the point in its first.
    ///   - diffusionScale: g(t).
    ///   - squaredDiffusionIntegral: int_s^t g^2, if known in closed form.
    public init(
        name: String = "general",
        driftIsTimeIndependent: Bool = false,
        drift: @escaping Drift,
        diffusionScale: @escaping @Sendable (Double) -> Double,
        squaredDiffusionIntegral: (@Sendable (Double, Double) -> Double)? = nil
    ) {
        self.name = name
        self.isDriftTimeIndependent = driftIsTimeIndependent
        self.driftFunction = drift
        self.diffusionFunction = diffusionScale
        self.squaredDiffusionIntegral = squaredDiffusionIntegral
    }

    public func drift(
        at point: UnsafeBufferPointer<Double>, time: Double, into drift: UnsafeMutableBufferPointer<Double>
    ) {
        driftFunction(point, time, drift)
    }

    public func diffusionScale(at time: Double) -> Double { diffusionFunction(time) }

    public func integratedSquaredDiffusion(from start: Double, to end: Double) -> Double {
        if let squaredDiffusionIntegral { return squaredDiffusionIntegral(start, end) }
        let diffusion = diffusionFunction
        return GaussLegendre.integrate(from: start, to: end) { diffusion($0) * diffusion($0) }
    }

    public func linearDriftRate(at time: Double) -> Double? { nil }
}

import Testing
import Foundation
@testable import DensitySolvers
import DiffusionModels
import GridFields

@Test func explore() throws {
    let mixture = try GaussianMixture(specification: "0.3:-2:0.2;0.7:1.5:0.5", dimension: 1)
    let grid = Grid(dimension: 1, points: 256, halfWidth: 10)
    let model = LinearSDE.ornsteinUhlenbeck
    let exact = mixture.evolved(under: model, to: 1).field(on: grid)
    print("suggested", SpectralFokkerPlanckSolver.suggestedStepCount(process: model, grid: grid, endTime: 1))
    for method in SpectralFokkerPlanckSolver.Method.allCases {
        for steps in [10, 20, 40, 80, 160, 200, 320, 640] {
            let solver = try SpectralFokkerPlanckSolver(process: model, initialDensity: mixture.field(on: grid), method: method)
            let result = DensityRun(endTime: 1, stepCount: steps).run(solver)
            print(method, steps, result.status, result.finalDensity.distanceLInfinity(to: exact))
        }
    }
    let fvGrid = Grid(dimension: 1, points: 256, halfWidth: 10, boundary: .reflecting)
    let fvExact = mixture.evolved(under: model, to: 1).field(on: fvGrid)
    for method in FiniteVolumeFokkerPlanckSolver.Method.allCases {
        for steps in [10, 20, 40, 80, 160, 320] {
            let solver = try FiniteVolumeFokkerPlanckSolver(process: model, initialDensity: mixture.field(on: fvGrid), method: method)
            let result = DensityRun(endTime: 1, stepCount: steps).run(solver)
            print(method, steps, result.status, result.finalDensity.distanceLInfinity(to: fvExact), result.finalDensity.integral - 1, result.finalDensity.minimum)
        }
    }
}

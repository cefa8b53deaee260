import DiffusionModels
import GridFields

/// The largest |b(x, t)| over the box's cell centres (linear drifts: |f(t)| L sqrt(d)).
enum DriftBound {
    static func largestDrift(process: any ForwardProcess, grid: Grid, times: [Double]) -> Double {
        if process.isDriftFree { return 0 }
        if process.linearDriftRate(at: times[0]) != nil {
            let corner = grid.halfWidth * Double(grid.dimension).squareRoot()
            return times.map { abs(process.linearDriftRate(at: $0)!) * corner }.max()!
        }
        let points = grid.allPoints()
        var drift = [Double](repeating: 0, count: grid.dimension)
        var largest = 0.0
        for time in times {
            for index in 0..<grid.count {
                let point = Array(points[(index * grid.dimension)..<((index + 1) * grid.dimension)])
                drift = process.drift(at: point, time: time)
                largest = max(largest, drift.reduce(0) { $0 + $1 * $1 }.squareRoot())
            }
        }
        return largest
    }
}

import Foundation
import MessagePassing
import Safeguards

/// The collapse study over the ranks of `mpirun -n R fplab regimes collapse`: each case is independent and draws
/// from its own streams (case i from stream i, as in `run(progress:)`), so the cases are split over the ranks
/// (`RankShares.longestFirst`, cost n d) and the measurements, gathered on rank 0, equal the one-rank run's bit for
/// bit.
extension CollapseStudy {
    /// The measurements in case order on rank 0, nil on the other ranks. A case that fails on any rank fails the
    /// run on every rank (its error on rank 0).
    public func run(on communicator: any Communicator, progress: ((Double) -> Void)? = nil) throws
        -> [CollapseMeasurement]?
    {
        let costs = cases.map { Double($0.trainingCount) * Double($0.dimension) }
        let mine = RankShares.longestFirst(costs: costs, ranks: communicator.size)[communicator.rank]
        var measured: [(Int, CollapseMeasurement)] = []
        var failure: String?
        for (done, index) in mine.enumerated() {
            do {
                measured.append((index, try measure(cases[index], stream: UInt64(index))))
            } catch {
                failure = "\(error)"
                break
            }
            progress?(Double(done + 1) / Double(mine.count))
        }
        var writer = WireWriter()
        writer.append(failure)
        writer.append(measured.count)
        for (index, measurement) in measured {
            writer.append(index)
            measurement.write(to: &writer)
        }
        let gathered = communicator.gather(writer.bytes, root: 0)
        var failures: [String] = []
        var measurements = [CollapseMeasurement?](repeating: nil, count: cases.count)
        for bytes in gathered ?? [] {
            var reader = WireReader(bytes)
            if let failure = try reader.optionalString() { failures.append(failure) }
            for _ in 0..<(try reader.integer()) {
                let index = try reader.integer()
                guard measurements.indices.contains(index) else { throw WireFormatError() }
                measurements[index] = try CollapseMeasurement(from: &reader, horizon: horizon, steps: steps)
            }
        }
        let failed = communicator.broadcast([failures.isEmpty ? 0 : 1], root: 0)[0] != 0
        if failed { throw CollapseStudyRanksError(failures.first ?? "a case failed on another rank") }
        return gathered == nil ? nil : measurements.compactMap { $0 }
    }
}

/// A case of the collapse study failed on some rank.
public struct CollapseStudyRanksError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension CollapseMeasurement {
    /// Everything but the medians (recomputed from the times, the same bits) and the study's horizon and steps.
    func write(to writer: inout WireWriter) {
        writer.append(prediction.dimension)
        writer.append(prediction.trainingCount)
        writer.append(prediction.dataVariance)
        writer.append(prediction.eigenvalues != nil)
        writer.append(prediction.eigenvalues ?? [])
        writer.append(weightTimes)
        writer.append(ownerTimes)
        writer.append(marginalChecks.count)
        for check in marginalChecks {
            for value in [check.time, check.trajectoryFraction, check.forwardFraction, check.standardError] {
                writer.append(value)
            }
        }
        status.write(to: &writer)
    }

    init(from reader: inout WireReader, horizon: Double, steps: Int) throws {
        let dimension = try reader.integer()
        let trainingCount = try reader.integer()
        let dataVariance = try reader.double()
        let hasSpectrum = try reader.bool()
        let eigenvalues = try reader.doubles()
        let prediction =
            hasSpectrum
            ? CollapsePrediction(trainingCount: trainingCount, eigenvalues: eigenvalues)
            : CollapsePrediction(dimension: dimension, trainingCount: trainingCount, dataVariance: dataVariance)
        let weightTimes = try reader.doubles()
        let ownerTimes = try reader.doubles()
        var checks: [CollapseMeasurement.MarginalCheck] = []
        for _ in 0..<(try reader.integer()) {
            checks.append(
                .init(
                    time: try reader.double(), trajectoryFraction: try reader.double(),
                    forwardFraction: try reader.double(), standardError: try reader.double()))
        }
        self.init(
            prediction: prediction, weightTimes: weightTimes, ownerTimes: ownerTimes,
            weightMedian: MedianInterval(sample: weightTimes), ownerMedian: MedianInterval(sample: ownerTimes),
            marginalChecks: checks, horizon: horizon, steps: steps, status: try RunStatus(from: &reader))
    }
}

extension RunStatus {
    /// The case and its fields (an optional as a flag and a value).
    func write(to writer: inout WireWriter) {
        switch self {
        case .completed:
            writer.append(0)
        case .nonFinite(let time, let step, let particle):
            writer.append(1)
            writer.append(time != nil)
            writer.append(time ?? 0)
            writer.append(step)
            writer.append(particle != nil)
            writer.append(particle ?? 0)
        case .massDrift(let time, let step, let drift):
            writer.append(2)
            writer.append(time)
            writer.append(step)
            writer.append(drift)
        case .blewUp(let time, let step, let ratio):
            writer.append(3)
            writer.append(time)
            writer.append(step)
            writer.append(ratio)
        case .errorExceeded(let time, let step, let error, let threshold):
            writer.append(4)
            writer.append(time)
            writer.append(step)
            writer.append(error)
            writer.append(threshold)
        }
    }

    init(from reader: inout WireReader) throws {
        switch try reader.integer() {
        case 0: self = .completed
        case 1:
            let (hasTime, time) = (try reader.bool(), try reader.double())
            let step = try reader.integer()
            let (hasParticle, particle) = (try reader.bool(), try reader.integer())
            self = .nonFinite(time: hasTime ? time : nil, step: step, particle: hasParticle ? particle : nil)
        case 2:
            self = .massDrift(time: try reader.double(), step: try reader.integer(), relativeDrift: try reader.double())
        case 3:
            self = .blewUp(time: try reader.double(), step: try reader.integer(), amplitudeRatio: try reader.double())
        case 4:
            self = .errorExceeded(
                time: try reader.double(), step: try reader.integer(), relativeError: try reader.double(),
                threshold: try reader.double())
        default: throw WireFormatError()
        }
    }
}

import Testing

@testable import Safeguards

@Suite struct RunStatusTests {
    /// Every status as a sentence, written out: six significant digits, the run's clock named, particles and
    /// training updates where they apply.
    @Test func sentences() {
        #expect(RunStatus.completed.description == "completed")
        #expect(RunStatus.nonFinite(time: 0.123456789, step: 12).description == "non-finite at t = 0.123457 (step 12)")
        #expect(
            RunStatus.nonFinite(time: 0.5, step: 3, particle: 17).description
                == "non-finite at t = 0.5 (step 3, particle 17)")
        #expect(
            RunStatus.nonFinite(time: nil, step: 40, particle: nil).description
                == "non-finite loss or parameters at update 40")
        #expect(
            RunStatus.massDrift(time: 2, step: 7, relativeDrift: 1.5e-7).description
                == "mass drift 1.5e-07 at t = 2 (step 7)")
        #expect(
            RunStatus.blewUp(time: 0.25, step: 9, amplitudeRatio: 3).description(clock: .reverseTime)
                == "blew up at reverse time s = 0.25 (step 9): amplitude ratio 3")
        #expect(
            RunStatus.nonFinite(time: 0.5, step: 2).description(clock: .reverseTime)
                == "non-finite at reverse time s = 0.5 (step 2)")
        #expect(
            RunStatus.errorExceeded(time: 0.75, step: 30, relativeError: 2.5, threshold: 1).description
                == "blew up at t = 0.75 (step 30): relative error 2.5 > 1")
    }

    @Test func namesStepsAndTimes() {
        let statuses: [RunStatus] = [
            .completed, .nonFinite(time: 1, step: 2), .massDrift(time: 3, step: 4, relativeDrift: 0.1),
            .blewUp(time: 5, step: 6, amplitudeRatio: 2),
            .errorExceeded(time: 7, step: 8, relativeError: 3, threshold: 1),
        ]
        #expect(statuses.map(\.name) == ["completed", "non-finite", "mass-drift", "blew-up", "blew-up"])
        #expect(statuses.map(\.step) == [nil, 2, 4, 6, 8])
        #expect(statuses.map(\.time) == [nil, 1, 3, 5, 7])
        #expect(statuses.map(\.isCompleted) == [true, false, false, false, false])
    }
}

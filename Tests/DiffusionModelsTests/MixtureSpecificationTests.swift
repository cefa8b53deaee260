import Foundation
import Testing

@testable import DiffusionModels

@Suite struct MixtureSpecificationTests {
    /// The named paper mixtures are the texts the paper and the README give, parsed by the specification reader
    /// (an independent construction: the named values are built from components).
    @Test func paperMixturesAreTheirPublishedTexts() throws {
        #expect(try GaussianMixture(specification: "0.3:-2:0.2;0.7:1.5:0.5", dimension: 1) == .paperOneDimensional)
        #expect(
            try GaussianMixture(specification: "0.5:-1.5,0:0.5;0.5:1.5,1:0.5", dimension: 2) == .paperTwoDimensional)
        #expect(GaussianMixture.paperOneDimensional.specification == "0.3:-2:0.2;0.7:1.5:0.5")
        #expect(GaussianMixture.paperTwoDimensional.specification == "0.5:-1.5,0:0.5;0.5:1.5,1:0.5")
        #expect(
            try GaussianMixture(specification: "0.5:-1.5,0,0:0.5;0.5:1.5,1,0.5:0.5", dimension: 3)
                == .paperThreeDimensional)
        #expect(GaussianMixture.paper(dimension: 3) == .paperThreeDimensional)
        #expect(GaussianMixture.paper(dimension: 4) == nil)
    }

    /// Written back and read again, a diagonal mixture is the same value, bit for bit: random weights, means and
    /// per-axis or shared deviations over twelve decades, in 1-D to 4-D (seeded).
    @Test func specificationReadsBackAsTheSameMixture() throws {
        var generator = SeededGenerator(seed: 11)
        for trial in 0..<200 {
            let dimension = 1 + trial % 4
            let count = 1 + Int(generator.next() % 4)
            let raw = (0..<count).map { _ in Double.random(in: 0.1...1, using: &generator) }
            let weights = raw.map { $0 / raw.reduce(0, +) }
            let components = weights.map { weight in
                let shared = trial % 2 == 0
                let deviation = pow(10, Double.random(in: -6...6, using: &generator))
                return GaussianMixture.Component(
                    weight: weight, mean: (0..<dimension).map { _ in Double.random(in: -50...50, using: &generator) },
                    standardDeviations: (0..<dimension).map { _ in
                        shared ? deviation : pow(10, Double.random(in: -6...6, using: &generator))
                    })
            }
            let mixture = GaussianMixture(components: components)
            let text = try #require(mixture.specification)
            // Weights that do not sum to 1 within the reader's tolerance cannot occur: they were normalized.
            let parsed = try GaussianMixture(specification: text, dimension: dimension)
            #expect(parsed == mixture, "\(text)")
        }
    }

    /// A correlated covariance has no text form.
    @Test func correlatedMixtureHasNoSpecification() {
        let mixture = GaussianMixture(components: [
            .init(weight: 1, mean: [0, 0], covariance: [1, 0.5, 0.5, 1])
        ])
        #expect(mixture.specification == nil)
    }

    /// Negative control: a writer that prints six significant digits (as `%g` would) no longer reads back.
    @Test func roundedWriterFailsTheRoundTrip() throws {
        let mixture = GaussianMixture(components: [
            .init(weight: 1, mean: [1.0 / 3.0], standardDeviations: [0.1])
        ])
        let text = try #require(mixture.specification)
        #expect(try GaussianMixture(specification: text, dimension: 1) == mixture)
        let rounded = String(format: "1:%g:0.1", 1.0 / 3.0)
        #expect(try GaussianMixture(specification: rounded, dimension: 1) != mixture)
    }
}

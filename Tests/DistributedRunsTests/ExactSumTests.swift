import Foundation
import MessagePassing
import RandomStreams
import Testing

/// `ExactSum` against integer arithmetic, and the property the distributed runs rely on: the sum does not depend on
/// the order of the terms, where the plain floating-point sum does.
@Suite struct ExactSumTests {
    /// Terms k 2^-40 with integer |k| < 2^40: their exact sum is (sum k) 2^-40, computed in Int64 with no rounding
    /// at all, and representable in double as long as |sum k| < 2^53 (here below 2^50). ExactSum must give it exactly.
    @Test func sumsOfDyadicTermsAreExact() {
        var generator = Xoshiro256StarStar(seed: 3)
        var integers: [Int64] = []
        for _ in 0..<1000 { integers.append(Int64(bitPattern: generator.next() >> 24) - (1 << 39)) }
        let terms = integers.map { Double($0) * 0x1p-40 }
        #expect(ExactSum.sum(terms) == Double(integers.reduce(0, +)) * 0x1p-40)
        // Terms straddling the limbs (2^40 down to 2^-60) that cancel to a tiny remainder.
        let cancelling: [Double] = [0x1p40, 0x1p-60, -0x1p40, 3 * 0x1p-62, 0x1p20, -0x1p20]
        #expect(ExactSum.sum(cancelling) == 0x1p-60 + 3 * 0x1p-62)
        #expect(ExactSum.sum([-1.5, 0.25]) == -1.25)
    }

    /// Mixed magnitudes (10^-12 to 10^6, both signs): every permutation gives the same bits, within 2 ulp of the
    /// Neumaier-compensated sum (error about 2 ulp of the result plus n ε^2 of the terms, far below 1 ulp here). The
    /// plain left-to-right sum of the same permutations takes more than one value: the negative control, the
    /// defect the limbs remove.
    @Test func sumDoesNotDependOnTheOrderOfTheTerms() {
        var generator = Xoshiro256StarStar(seed: 5)
        let terms = (0..<4000).map { _ -> Double in
            let magnitude = pow(10, -12 + 18 * generator.nextUniform())
            return generator.nextUniform() < 0.5 ? -magnitude : magnitude
        }
        var exactSums = Set<UInt64>()
        var plainSums = Set<UInt64>()
        for seed in UInt64(0)..<8 {
            var shuffler = Xoshiro256StarStar(seed: 100 + seed)
            let permuted = terms.shuffled(using: &shuffler)
            exactSums.insert(ExactSum.sum(permuted).bitPattern)
            plainSums.insert(permuted.reduce(0, +).bitPattern)
        }
        #expect(exactSums.count == 1)
        #expect(plainSums.count > 1)
        var (sum, compensation) = (0.0, 0.0)
        for term in terms {
            let next = sum + term
            compensation += abs(sum) >= abs(term) ? (sum - next) + term : (term - next) + sum
            sum = next
        }
        let reference = sum + compensation
        #expect(abs(ExactSum.sum(terms) - reference) <= 2 * reference.ulp)
    }

    /// In-process ranks: the limbs summed over 1, 2, 3 and 5 ranks, each holding a contiguous share of the terms,
    /// give the same value as one rank summing all of them.
    @Test func limbsSummedOverRanksMatchOneRank() {
        var generator = Xoshiro256StarStar(seed: 7)
        let terms = (0..<1001).map { _ in 1e3 * (generator.nextUniform() - 0.5) }
        let single = ExactSum.sum(terms)
        for ranks in [1, 2, 3, 5] {
            let values = InProcessCommunicator.run(ranks: ranks) { communicator in
                var limbs = [Int64](repeating: 0, count: ExactSum.limbCount)
                limbs.withUnsafeMutableBufferPointer { limbs in
                    for index in communicator.share(of: terms.count) {
                        ExactSum.add(terms[index], to: limbs.baseAddress!)
                    }
                }
                communicator.sum(&limbs)
                return limbs.withUnsafeBufferPointer { ExactSum.value(of: $0.baseAddress!) }
            }
            #expect(values.allSatisfy { $0.bitPattern == single.bitPattern }, "\(ranks) ranks")
        }
    }
}

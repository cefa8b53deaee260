import FPLabCommandLine
import FokkerPlanckLab
import Foundation
import Testing

/// Seeded random mutation of valid inputs for the file readers: every mutant must give a value or a thrown error,
/// never a trap (which would end the test process). Each run lasts `budget` seconds with a fixed seed, so a failure
/// reproduces by its iteration count; both outcomes must occur (the mutants reach past the first check).
@Suite struct FileReaderFuzzTests {
    /// Seconds per reader: long enough for some 10⁴–10⁵ mutants, short enough for `swift test`.
    static let budget = 2.0

    /// SplitMix64: a small seeded generator for the mutator (independent of the library's streams).
    struct Mutator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        mutating func below(_ bound: Int) -> Int { bound <= 0 ? 0 : Int(next() % UInt64(bound)) }

        /// Bytes that steer the parsers: separators, quotes, digits, signs, NUL, high bytes.
        static let interesting: [UInt8] = Array("0129-+.eE,;:\n\r\"'()[]{} LTrue".utf8) + [0, 0x7F, 0x80, 0xFF]

        /// One to four edits: flip a bit, set a byte, insert, delete or duplicate a range, splice another seed.
        mutating func mutate(_ input: Data, seeds: [Data]) -> Data {
            var bytes = [UInt8](input)
            for _ in 0...below(4) {
                let position = below(bytes.count + 1)
                switch below(7) {
                case 0 where !bytes.isEmpty: bytes[min(position, bytes.count - 1)] ^= UInt8(1) << UInt8(below(8))
                case 1 where !bytes.isEmpty:
                    bytes[min(position, bytes.count - 1)] = Self.interesting[below(Self.interesting.count)]
                case 2:
                    bytes.insert(
                        contentsOf: (0...below(8)).map { _ in
                            Self.interesting[below(Self.interesting.count)]
                        }, at: position)
                case 3: bytes.removeSubrange(position..<min(bytes.count, position + 1 + below(16)))
                case 4:
                    let end = min(bytes.count, position + 1 + below(64))
                    bytes.insert(contentsOf: Array(bytes[position..<end]), at: position)
                case 5: bytes = Array(bytes.prefix(position))
                default:
                    let other = [UInt8](seeds[below(seeds.count)])
                    let cut = below(other.count + 1)
                    bytes = Array(bytes.prefix(position)) + Array(other.suffix(from: cut))
                }
            }
            return Data(bytes)
        }
    }

    /// Runs `read` on mutants of `seeds` for `budget` seconds; returns (values, errors).
    static func fuzz(
        seed: UInt64, seeds: [Data], repair: (Data) -> Data = { $0 },
        _ read: (Data) throws -> Void
    ) -> (Int, Int) {
        var mutator = Mutator(state: seed)
        var outcomes = (values: 0, errors: 0)
        let deadline = Date().addingTimeInterval(budget)
        while Date() < deadline {
            for _ in 0..<64 {
                let input = repair(mutator.mutate(seeds[mutator.below(seeds.count)], seeds: seeds))
                do {
                    try read(input)
                    outcomes.values += 1
                } catch { outcomes.errors += 1 }
            }
        }
        return outcomes
    }

    @Test func pointFiles() {
        let seeds = [
            HostileFiles.text("x,y\n1,2\n3.5,-4e-2\n"), HostileFiles.text("\u{FEFF}\"a\",b\r\n0,1\r\n"),
            HostileFiles.text("# c\n1\n2\n"), HostileFiles.text("1.5,2,3\n4,5,6\n"),
        ]
        let csv = Self.fuzz(seed: 1, seeds: seeds) { _ = try PointSet(fileData: $0, name: "fuzz.csv") }
        #expect(csv.0 > 0 && csv.1 > 0, "CSV mutants: \(csv)")
        let npySeeds = [
            HostileFiles.npy(HostileFiles.npyHeader(shape: "(3, 2)")),
            HostileBytes.npy(
                header: HostileFiles.npyHeader(descr: "'<f4'", shape: "(2,)"),
                payload: Data(count: 8)),
            HostileFiles.npy(HostileFiles.npyHeader(shape: "(6,)"), version: (2, 0)),
        ]
        let npy = Self.fuzz(seed: 2, seeds: npySeeds) { _ = try PointSet(fileData: $0, name: "fuzz.npy") }
        #expect(npy.0 > 0 && npy.1 > 0, "npy mutants: \(npy)")
    }

    @Test func numpyArrays() {
        let seeds = [
            HostileFiles.npy(HostileFiles.npyHeader(shape: "(3, 2)")),
            HostileFiles.npy(HostileFiles.npyHeader(shape: "(2, 1, 3)")),
            HostileFiles.npy(HostileFiles.npyHeader(shape: "()"), values: [1]),
            HostileFiles.npy(HostileFiles.npyHeader(shape: "(0,)"), values: []),
        ]
        let outcome = Self.fuzz(seed: 3, seeds: seeds) { _ = try NumpyArray(npyData: $0) }
        #expect(outcome.0 > 0 && outcome.1 > 0, "mutants: \(outcome)")
    }

    /// Mutants with their checksum repaired, so that the header and value checks behind it are reached too.
    @Test func checkpoints() {
        let seeds = [
            HostileFiles.checkpoint(),
            HostileFiles.checkpoint(
                header: HostileFiles.checkpointHeader(
                    extra: #","training_data":{"count":10,"dimension":2,"hash":"0000000000000000"}"#)),
        ]
        let raw = Self.fuzz(seed: 4, seeds: seeds) { _ = try NetworkCheckpoint.decode($0, name: "fuzz.fpnet") }
        #expect(raw.1 > 0, "mutants: \(raw)")
        let repaired = Self.fuzz(
            seed: 5, seeds: seeds,
            repair: { data in
                guard data.count >= 8 else { return data }
                var body = data.dropLast(8)
                withUnsafeBytes(of: HostileFiles.fowlerNollVo(Data(body)).littleEndian) { body.append(contentsOf: $0) }
                return Data(body)
            }
        ) { _ = try NetworkCheckpoint.decode($0, name: "fuzz.fpnet") }
        #expect(repaired.0 > 0 && repaired.1 > 0, "repaired mutants: \(repaired)")
    }

    @Test func mixtureSpecifications() {
        let seeds = [
            HostileFiles.text("0.3:-2:0.2;0.7:1.5:0.5"), HostileFiles.text("0.5:-1.5,0:0.5;0.5:1.5,1:0.5"),
            HostileFiles.text("1:0:1"), HostileFiles.text("0.25:1e-3:2,3;0.75:-0:1e2"),
        ]
        let outcome = Self.fuzz(seed: 6, seeds: seeds) { data in
            let text = String(decoding: data, as: UTF8.self)
            var parsed = false
            for dimension in 1...2 {
                if (try? GaussianMixture(specification: text, dimension: dimension)) != nil { parsed = true }
            }
            if !parsed { throw CocoaError(.coderInvalidValue) }
        }
        #expect(outcome.0 > 0 && outcome.1 > 0, "mutants: \(outcome)")
    }

    /// The libFuzzer entry points take the same bytes without trapping.
    @Test func entryPoints() {
        for data in [
            HostileFiles.checkpoint(), HostileFiles.npy(HostileFiles.npyHeader(shape: "(3, 2)")),
            HostileFiles.text("1:0:1"), Data(),
        ] {
            FuzzEntryPoints.pointFile(data)
            FuzzEntryPoints.numpyArray(data)
            FuzzEntryPoints.checkpoint(data)
            FuzzEntryPoints.mixtureSpecification(data)
        }
    }
}

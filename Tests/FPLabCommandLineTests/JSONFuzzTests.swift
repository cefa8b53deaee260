import FPLabCommandLine
import FokkerPlanckLab
import Foundation
import RandomStreams
import Testing

/// A seeded random mutator for the JSON reader: valid configurations and manifests are mutated (bit flips,
/// inserted JSON punctuation and escapes, deletions, duplicated ranges, deep nesting, odd numbers), and every
/// mutant must be read or refused with a `JSONSyntaxError`, never trap; `FuzzEntryPoints.jsonConfiguration` runs
/// on each as well (the configuration path of `fplab run`).
///
/// Foundation's `JSONSerialization` is the independent oracle: where it reads a mutant, the reader must read the
/// same value, and where it refuses one, the reader must refuse it too. The grammars differ on purpose in three
/// places, each allowed here: a key given twice (Foundation keeps the last; the reader refuses it, it would hide a
/// typo), a comma before `]` or `}` (Foundation accepts it; RFC 8259 does not) and a leading byte-order mark
/// (Foundation skips it; the reader leaves that to the file's UTF-8 decoding). Both refuse nesting past 512
/// levels, lone surrogates, leading zeros and numbers beyond the range of a double. One difference is
/// Foundation's: it drops a U+FEFF that begins a string or key (it decodes each string like a file, byte-order
/// mark and all), where the reader keeps the character as written.
@Suite struct JSONFuzzTests {
    /// Mutants per run: 8000 take about 4 s in a release build (each is read by both readers, then twice more
    /// and turned into a command line by the entry point).
    static let mutantCount = 8000

    static var corpus: [[UInt8]] {
        var texts = [
            #"{"command": "forward", "options": {"half_width": 8, "points": 128, "mixture": "1:0:1", "seed": 7}}"#,
            #"{"command": "verify", "options": {"quick": true, "only": "ve-exact", "format": "json"}, "description": "#
                + #""d"}"#,
            #"{"command": "invert", "options": {"sweep": true, "noise": [0.01, 1e-6, 2.5E+3, -0]}}"#,
            #"{"command": "sample", "options": {"t_min": 0.001, "seed": 18446744073709551615, "histogram": false}}"#,
            #"{"s": "\ud83d\ude00 \u00e9 \/ \b\f\n\r\t \\ \"", "n": null, "a": [[], {}, [{"x": [true]}]]}"#,
        ]
        let root = repositoryRoot.appendingPathComponent("notebooks-data")
        let configs = root.appendingPathComponent("configs")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: configs.path)) ?? []
        for name in names.sorted() where name.hasSuffix(".json") {
            if let text = try? String(contentsOf: configs.appendingPathComponent(name), encoding: .utf8) {
                texts.append(text)
            }
        }
        for manifest in ["manifest.json", "ve-exact/manifest.json"] {
            if let text = try? String(contentsOf: root.appendingPathComponent(manifest), encoding: .utf8) {
                texts.append(text)
            }
        }
        return texts.map { Array($0.utf8) }
    }

    static let insertions: [String] = [
        "[", "{", "\"", "\\", "]", "}", ",", ":", "0", "-", "e", ".", "u", " ", "\n", "\r\n", "\u{FEFF}", "\u{A0}",
        "\\ud800", "\\udc00", "\\ud83d\\ude00", "\\u0041", "\\u00", "\\u0000", "\\x", "007", "-0", "1e999", "1E400",
        "18446744073709551616", "-9223372036854775809", "0.", ".5", "true", "nul", "\"half-width\": 1,",
        "\"halfWidth\": 2,", "\u{1F600}", "\u{E9}",
    ].map { String($0) }

    /// One mutation of `bytes`, chosen and placed by `generator`.
    static func mutate(_ bytes: inout [UInt8], using generator: inout Xoshiro256StarStar) {
        func position(_ extra: Int = 0) -> Int { Int.random(in: 0...(bytes.count + extra), using: &generator) }
        guard !bytes.isEmpty else {
            bytes = Array("{}".utf8)
            return
        }
        switch Int.random(in: 0..<7, using: &generator) {
        case 0:
            let index = position(-1)
            bytes[index] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &generator)
        case 1:
            bytes.insert(contentsOf: Array(insertions.randomElement(using: &generator)!.utf8), at: position())
        case 2:
            let start = position(-1)
            let end = min(bytes.count, start + Int.random(in: 1...16, using: &generator))
            bytes.removeSubrange(start..<end)
        case 3:
            let start = position(-1)
            let end = min(bytes.count, start + Int.random(in: 1...64, using: &generator))
            let slice = Array(bytes[start..<end])
            bytes.insert(contentsOf: slice, at: position())
        case 4:
            let depth = [2, 100, 511, 512, 513, 2000].randomElement(using: &generator)!
            let (open, close) = Bool.random(using: &generator) ? ("[", "]") : (#"{"k":"#, "}")
            let index = position()
            bytes.insert(contentsOf: Array(String(repeating: close, count: depth).utf8), at: index)
            bytes.insert(contentsOf: Array(String(repeating: open, count: depth).utf8), at: index)
        case 5:
            bytes[position(-1)] = UInt8.random(in: 0...255, using: &generator)
        default:
            bytes.insert(contentsOf: Array(insertions.randomElement(using: &generator)!.utf8), at: position())
            bytes[position(-1)] = Array("[]{}\",:\\".utf8).randomElement(using: &generator)!
        }
    }

    @Test func mutantsAreReadOrRefusedAsFoundationDoes() throws {
        var generator = Xoshiro256StarStar(seed: 13)
        let corpus = Self.corpus
        #expect(corpus.count >= 8)
        var counts = (read: 0, refused: 0, allowedDifferences: 0)
        let start = Date()
        for _ in 0..<Self.mutantCount {
            var bytes = corpus.randomElement(using: &generator)!
            for _ in 0..<Int.random(in: 1...4, using: &generator) { Self.mutate(&bytes, using: &generator) }
            let data = Data(bytes)
            FuzzEntryPoints.jsonConfiguration(data)
            guard let text = String(validating: bytes, as: UTF8.self) else { continue }
            let theirs = try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)
            do {
                let ours = try JSONValue.parse(text)
                counts.read += 1
                guard let theirs else {
                    Issue.record("read, but Foundation refuses: \(text.prefix(300).debugDescription)")
                    continue
                }
                if let difference = Self.difference(ours, theirs) {
                    Issue.record("values differ at \(difference) for \(text.prefix(200).debugDescription)")
                }
            } catch let error as JSONSyntaxError {
                counts.refused += 1
                guard theirs != nil else { continue }
                let allowed =
                    error.reason.contains("appears twice") || error.reason.contains("trailing comma")
                    || text.unicodeScalars.first == "\u{FEFF}"
                if allowed {
                    counts.allowedDifferences += 1
                } else {
                    Issue.record("refused (\(error)), but Foundation reads \(text.prefix(300).debugDescription)")
                }
            } catch {
                Issue.record("an error other than JSONSyntaxError: \(error)")
            }
        }
        // The mutator must reach both outcomes often, or the comparison says little.
        #expect(counts.read > Self.mutantCount / 20 && counts.refused > Self.mutantCount / 2, "\(counts)")
        print("JSON fuzz: \(Self.mutantCount) mutants in \(Date().timeIntervalSince(start)) s: \(counts)")
    }

    /// Where Foundation's value differs from the reader's ("claims[3].seconds: 0.2 against 0.25"), or nil.
    /// Numbers agree within 4 ulps: Foundation reads integers past UInt64 as decimals, whose conversion to a
    /// double is not always correctly rounded.
    static func difference(_ ours: JSONValue, _ theirs: Any, at path: String = "") -> String? {
        let mismatch = "\(path.isEmpty ? "top" : path): \(ours) against \(theirs)"
        switch ours {
        case .null: return theirs is NSNull ? nil : mismatch
        case .bool(let value): return (theirs as? Bool) == value ? nil : mismatch
        case .integer(let value): return (theirs as? NSNumber)?.int64Value == Int64(value) ? nil : mismatch
        case .unsignedInteger(let value): return (theirs as? NSNumber)?.uint64Value == value ? nil : mismatch
        case .number(let value):
            guard let number = (theirs as? NSNumber)?.doubleValue, abs(number - value) <= 4 * value.ulp else {
                return mismatch
            }
            return nil
        case .numberLiteral: return mismatch
        case .string(let value): return (theirs as? String).map(withoutMark) == withoutMark(value) ? nil : mismatch
        case .array(let elements):
            guard let other = theirs as? [Any], other.count == elements.count else { return mismatch }
            return zip(elements, other).enumerated().lazy.compactMap { index, pair in
                difference(pair.0, pair.1, at: "\(path)[\(index)]")
            }.first
        case .object(let members):
            guard let dictionary = theirs as? [String: Any], dictionary.count == members.count else { return mismatch }
            let other = Dictionary(dictionary.map { (withoutMark($0.key), $0.value) }) { first, _ in first }
            return members.keys.sorted().lazy.compactMap { key in
                other[withoutMark(key)].map { difference(members[key]!, $0, at: path + "." + key) }
                    ?? "\(path).\(key): missing"
            }.first
        }
    }

    /// The text without the U+FEFF that Foundation drops at the start of a string.
    static func withoutMark(_ text: String) -> String {
        text.unicodeScalars.first == "\u{FEFF}" ? String(text.unicodeScalars.dropFirst()) : text
    }

    /// The entry point returns on inputs no mutation above makes: empty, every single byte, invalid UTF-8, NUL.
    @Test func entryPointReturnsOnOddBytes() {
        FuzzEntryPoints.jsonConfiguration(Data())
        for byte in UInt8.min...UInt8.max { FuzzEntryPoints.jsonConfiguration(Data([byte])) }
        FuzzEntryPoints.jsonConfiguration(Data([0x7B, 0xFF, 0xFE, 0x7D]))
        FuzzEntryPoints.jsonConfiguration(Data(#"{"command": "verify""#.utf8) + Data([0]) + Data("}".utf8))
        FuzzEntryPoints.jsonConfiguration(Data(String(repeating: "[", count: 1 << 20).utf8))
    }
}

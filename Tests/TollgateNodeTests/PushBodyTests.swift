import Foundation
import Testing
import TollgateCertificates
@testable import TollgateNode

/// Push bodies are written without `JSONEncoder`, byte for byte what their `Encodable` conformance
/// gives in canonical form, and read without `JSONDecoder` where the text is in that form: as the
/// decoder reads it, on seeded random pushes and on random edits of their bytes.
@Suite struct PushBodyTests {
    static func text(_ rng: inout SeededGenerator) -> String {
        let pieces = ["a", "Z", "0", "-", "_", "=", "\n", " ", "—", "\"", "\\"]
        return (0..<Int.random(in: 0...10, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
    }

    static func push(_ rng: inout SeededGenerator) -> PushRequest {
        PushRequest(segments: (0..<Int.random(in: 0...3, using: &rng)).map { _ in
            LogSegment(node: text(&rng), from: UInt64.random(in: 0...UInt64.max, using: &rng),
                       entries: (0..<Int.random(in: 0...4, using: &rng)).map { _ in
                           LogSegment.Entry(kind: text(&rng), bytes: text(&rng), appendedAt: Int64.random(in: Int64.min...Int64.max, using: &rng))
                       },
                       checkpoint: text(&rng), proofFrom: UInt64.random(in: 0...1_000, using: &rng),
                       proof: (0..<Int.random(in: 0...3, using: &rng)).map { _ in text(&rng) })
        })
    }

    @Test func writesWhatItsEncodableConformanceGives() throws {
        var rng = SeededGenerator(seed: 0x9054_0001)
        for _ in 0..<500 {
            let push = Self.push(&rng)
            #expect(push.encoded() == (try CanonicalJSON.encodeThroughCodable(push)))
            #expect(try PushRequest(json: push.encoded()) == push)
        }
    }

    @Test func readsAsTheDecoderReads() throws {
        var rng = SeededGenerator(seed: 0x9054_0002)
        var read = 0
        for _ in 0..<2_000 {
            var bytes = Self.push(&rng).encoded()
            if Bool.random(using: &rng), !bytes.isEmpty {
                let position = Int.random(in: 0..<bytes.count, using: &rng)
                let edits: [[UInt8]] = [Array(" ".utf8), Array(",".utf8), Array("1".utf8), Array(".5".utf8), Array(#"\u0041"#.utf8),
                                        Array(#""x":1,"#.utf8), [0xc3], [0xe2, 0x80, 0x94]]
                bytes.insert(contentsOf: edits.randomElement(using: &rng)!, at: position)
            }
            let decoded = try? JSONDecoder().decode(PushRequest.self, from: Data(bytes))
            if let fast = PushRequest.read(canonicalJSON: bytes) {
                read += 1
                #expect(fast == decoded, "\(String(decoding: bytes, as: UTF8.self))")
            }
            #expect((try? PushRequest(json: bytes)) == decoded)
        }
        #expect(read > 1_000)
    }
}

import Foundation
import Testing
import TollgateCertificates
import TollgateTestSupport
import TollgateWire
@testable import TollgateNode

/// Push bodies are written without `JSONEncoder`, byte for byte what their `Encodable` conformance
/// gives in canonical form, and read without `JSONDecoder` where the text is in that form: as the
/// decoder reads it, on seeded random pushes and on random edits of their bytes.
@Suite struct PushBodyTests {
    static func text(_ rng: inout SeededGenerator) -> String {
        let pieces = ["a", "Z", "0", "-", "_", "=", "\n", " ", "—", "\"", "\\"]
        return (0..<Int.random(in: 0...10, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
    }

    /// A non-empty text: node ids and entry kinds may not be empty.
    static func name(_ rng: inout SeededGenerator) -> String {
        "n" + text(&rng)
    }

    /// Random pushes whose numbers are all in range (positions below 2^53, times inside ObjectLimits).
    static func push(_ rng: inout SeededGenerator) -> PushRequest {
        PushRequest(segments: (0..<Int.random(in: 1...3, using: &rng)).map { _ in
            LogSegment(node: name(&rng), from: UInt64.random(in: 0..<(ObjectLimits.maxIndex - 8), using: &rng),
                       entries: (0..<Int.random(in: 0...4, using: &rng)).map { _ in
                           LogSegment.Entry(kind: name(&rng), bytes: text(&rng),
                                            appendedAt: Int64.random(in: ObjectLimits.earliestTime...ObjectLimits.latestTime, using: &rng))
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
            // Reading a body also range-checks it, and holds it to RFC 8259 (JSONDecoder lets a
            // trailing comma through).
            let strict = (try? StrictJSON.check(bytes, object: "push")) != nil
            let valid = decoded.flatMap { (try? $0.validate()) == nil || !strict ? nil : $0 }
            #expect((try? PushRequest(json: bytes)) == valid, "\(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(read > 1_000)
    }

    /// Positions and times out of range are refused where the push is decoded, so no sum of a
    /// position and a count, and no difference of two times, can overflow at the parent.
    @Test func outOfRangeNumbersAreRefusedAtDecoding() throws {
        let entry = LogSegment.Entry(kind: "license-issued", bytes: "AA", appendedAt: 1_780_000_000)
        let hostile: [LogSegment] = [
            LogSegment(node: "ra", from: UInt64.max, entries: [entry], checkpoint: "c", proofFrom: 0, proof: []),
            LogSegment(node: "ra", from: ObjectLimits.maxIndex - 1, entries: [entry, entry], checkpoint: "c", proofFrom: 0, proof: []),
            LogSegment(node: "ra", from: 0, entries: [entry], checkpoint: "c", proofFrom: UInt64.max, proof: []),
            LogSegment(node: "ra", from: 0, entries: [LogSegment.Entry(kind: "k", bytes: "AA", appendedAt: .min)], checkpoint: "c", proofFrom: 0, proof: []),
            LogSegment(node: "", from: 0, entries: [entry], checkpoint: "c", proofFrom: 0, proof: []),
        ]
        for segment in hostile {
            let body = PushRequest(segments: [segment]).encoded()
            let error = try #require({ () -> WireError? in
                do { _ = try PushRequest(json: body); return nil } catch let error as WireError { return error } catch { return nil }
            }(), "\(segment)")
            #expect(error.code == .outOfRange)
        }
        #expect(throws: WireError.self) { try PushRequest(json: Array(#"{"segments":[]}"#.utf8)) }
        #expect(throws: WireError.self) { try PushResponse(acked: ["ra": UInt64.max]).validate() }
        let id = String(repeating: "f", count: 43)
        try PushResponse(acked: ["ra": 5], refused: ["ra": "forked"], findings: ["ra": id]).validate()
        #expect(throws: WireError.self) { try PushResponse(acked: ["ra": 5], findings: ["ra": id + id]).validate() }
    }
}

import Foundation
import Testing
import TollgateTestSupport
@testable import TollgateCertificates

/// The payload readers that skip the JSON decoder answer, wherever they answer, exactly what the
/// decoder answers; on seeded random payloads and on random edits of their bytes (whitespace,
/// reordered or repeated members, escapes, fractions, cut-off text), where they mostly give up.
@Suite struct CanonicalJSONReaderTests {
    /// Random edits of canonical bytes, most of which the reader must leave to the decoder.
    static func mutate(_ bytes: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var bytes = bytes
        guard !bytes.isEmpty else { return bytes }
        let position = Int.random(in: 0..<bytes.count, using: &rng)
        switch Int.random(in: 0..<10, using: &rng) {
        case 8:
            // UTF-8, valid or not: é, an overlong slash, a surrogate, a cut-off sequence.
            let sequences: [[UInt8]] = [[0xc3, 0xa9], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x80], [0xf0, 0x9f, 0x99, 0x82]]
            bytes.insert(contentsOf: sequences.randomElement(using: &rng)!, at: position)
        case 0: bytes.insert(UInt8(ascii: " "), at: position)
        case 1: bytes.remove(at: position)
        case 2: bytes[position] = [UInt8(ascii: "0"), UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "e"),
                                   UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: ","), UInt8(ascii: "n"), 0x7f, 0xc3].randomElement(using: &rng)!
        case 3: bytes.insert(contentsOf: Array(#"\u0041"#.utf8), at: position)
        case 4: bytes.insert(contentsOf: Array(#""extra":1,"#.utf8), at: 1)
        case 5:
            // The first member again, at the end: a repeated key.
            if let comma = bytes.firstIndex(of: UInt8(ascii: ",")) {
                bytes.insert(contentsOf: [UInt8(ascii: ",")] + bytes[1..<comma], at: bytes.count - 1)
            }
        case 6: bytes = Array(bytes[..<position])
        case 7:
            if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) { bytes.insert(contentsOf: Array("null,\"x\":".utf8), at: colon + 1) }
        default: bytes.insert(contentsOf: Array("0".utf8), at: position)
        }
        return bytes
    }

    /// Mostly plain text, with what the reader unescapes and, now and then, what it leaves alone.
    static func text(_ rng: inout SeededGenerator) -> String {
        let pieces = ["a", "Z", "0", "-", "_", " ", "DE", "\"", "\\", "/", "\n", "\t", "\u{08}", "\u{0C}", "\r", "é", "\u{01}", "\u{7f}"]
        return (0..<Int.random(in: 1...8, using: &rng)).map { _ in
            Int.random(in: 0..<8, using: &rng) == 0 ? pieces.randomElement(using: &rng)! : String(pieces[Int.random(in: 0..<6, using: &rng)])
        }.joined()
    }

    static func license(_ rng: inout SeededGenerator) -> License {
        let start = UInt64.random(in: 0..<(1 << 52), using: &rng)
        return License(
            iss: text(&rng), cert: text(&rng), seats: SerialRange(start, start + UInt64.random(in: 1...1000, using: &rng)),
            customer: text(&rng), country: text(&rng), territory: (0..<Int.random(in: 0...3, using: &rng)).map { _ in text(&rng) },
            product: text(&rng), features: (0..<Int.random(in: 0...3, using: &rng)).map { _ in text(&rng) }, model: text(&rng),
            price: Price(currency: text(&rng), amount: CanonicalJSONWriterTests.randomInteger(&rng)),
            iat: CanonicalJSONWriterTests.randomInteger(&rng), nbf: CanonicalJSONWriterTests.randomInteger(&rng),
            exp: Bool.random(using: &rng) ? CanonicalJSONWriterTests.randomInteger(&rng) : nil,
            logIndex: UInt64.random(in: 0...UInt64.max, using: &rng), jti: text(&rng), renews: Bool.random(using: &rng) ? text(&rng) : nil,
            tier: Bool.random(using: &rng) ? text(&rng) : nil,
            expiry: Bool.random(using: &rng) ? CanonicalJSONWriterTests.randomExpiry(&rng) : nil,
            supersedes: Bool.random(using: &rng) ? text(&rng) : nil, addonOf: Bool.random(using: &rng) ? text(&rng) : nil,
            converts: Bool.random(using: &rng) ? text(&rng) : nil,
            updatesUntil: Bool.random(using: &rng) ? CanonicalJSONWriterTests.randomInteger(&rng) : nil,
            enforcement: Bool.random(using: &rng) ? text(&rng) : nil)
    }

    static func activation(_ rng: inout SeededGenerator) -> Activation {
        Activation(iss: text(&rng), license: text(&rng), serial: UInt64.random(in: 0...UInt64.max, using: &rng), machineKey: text(&rng),
                   fingerprint: text(&rng), platform: text(&rng), country: text(&rng), iat: CanonicalJSONWriterTests.randomInteger(&rng),
                   exp: Bool.random(using: &rng) ? CanonicalJSONWriterTests.randomInteger(&rng) : nil,
                   kind: Activation.Kind.allCases.randomElement(using: &rng)!, jti: text(&rng), replaces: Bool.random(using: &rng) ? text(&rng) : nil,
                   overUse: Bool.random(using: &rng) ? UInt64.random(in: 0...UInt64.max, using: &rng) : nil)
    }

    static func machineRequest(_ rng: inout SeededGenerator) -> MachineRequest {
        MachineRequest(action: MachineRequest.Action.allCases.randomElement(using: &rng)!, license: text(&rng),
                       activation: Bool.random(using: &rng) ? text(&rng) : nil, machineKey: text(&rng), fingerprint: text(&rng),
                       platform: text(&rng), country: text(&rng), iat: CanonicalJSONWriterTests.randomInteger(&rng), nonce: text(&rng))
    }

    static func check<Payload: SignedPayload>(_ bytes: [UInt8], as type: Payload.Type) -> Bool {
        let decoded = try? JSONDecoder().decode(Payload.self, from: Data(bytes))
        guard let read = Payload.read(canonicalJSON: bytes) else { return false }
        #expect(read == decoded, "\(String(decoding: bytes, as: UTF8.self))")
        return true
    }

    /// Random payloads of one kind, as signing writes them and edited at random: the reader must
    /// answer for most of the first and never differ from the decoder.
    static func sweep<Payload: SignedPayload>(seed: UInt64, _ make: (inout SeededGenerator) -> Payload) throws {
        var rng = SeededGenerator(seed: seed)
        var read = 0
        var mutatedRead = 0
        for _ in 0..<3_000 {
            let bytes = try CanonicalJSON.encode(make(&rng))
            if check(bytes, as: Payload.self) { read += 1 }
            for _ in 0..<4 where check(mutate(bytes, &rng), as: Payload.self) { mutatedRead += 1 }
        }
        #expect(read > 300)
        #expect(mutatedRead > 10)
    }

    @Test func licensesReadAsTheDecoderReadsThem() throws {
        try Self.sweep(seed: 0x4EAD_0001, Self.license)
    }

    @Test func activationsReadAsTheDecoderReadsThem() throws {
        try Self.sweep(seed: 0x4EAD_0002, Self.activation)
    }

    @Test func machineRequestsReadAsTheDecoderReadsThem() throws {
        try Self.sweep(seed: 0x4EAD_0003, Self.machineRequest)
    }

    @Test func plainPayloadsAreReadWithoutTheDecoder() throws {
        let license = License(iss: "k", cert: "c", seats: SerialRange(5, 7), customer: "ACME \"GmbH\"\\n", country: "DE", territory: ["DE", "AT"],
                              product: "cad", features: ["render", "export"], model: "subscription", price: Price(currency: "EUR", amount: -3),
                              iat: 10, nbf: 10, exp: 99, logIndex: UInt64.max, jti: "j", renews: nil)
        #expect(License.read(canonicalJSON: try CanonicalJSON.encode(license)) == license)
        #expect(License.read(canonicalJSON: Array(#"{"cert":"c"}"#.utf8)) == nil)
        let activation = Activation(iss: "k", license: "l", serial: 0, machineKey: "m", fingerprint: "f", platform: "p", country: "FR",
                                    iat: Int64.min, exp: nil, kind: .temporary, jti: "j", replaces: "r")
        #expect(Activation.read(canonicalJSON: try CanonicalJSON.encode(activation)) == activation)
    }
}

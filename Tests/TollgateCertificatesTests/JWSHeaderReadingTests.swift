import Foundation
import Testing
import TollgateTestSupport
@testable import TollgateCertificates

/// The header reader that skips the JSON decoder answers exactly what the decoder answers wherever
/// it answers, and leaves every other text to the decoder.
@Suite struct JWSHeaderReadingTests {
    static let pieces = ["a", "Z", "0", "-", "_", "+", ".", " ", "\"", "\\", "\\\"", "é", "\u{01}", "\u{7f}", "}", ",", ":"]

    static func randomText(_ rng: inout SeededGenerator) -> String {
        (0..<Int.random(in: 0...6, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
    }

    /// Headers as the signer writes them, and near misses: other key orders, spaces, other
    /// algorithms, extra members, escapes, cut-off text.
    static func randomHeader(_ rng: inout SeededGenerator) -> [UInt8] {
        let kid = randomText(&rng), typ = randomText(&rng)
        let forms = [
            #"{"alg":"EdDSA","kid":"\#(kid)","typ":"\#(typ)"}"#,
            #"{"alg":"EdDSA","typ":"\#(typ)","kid":"\#(kid)"}"#,
            #"{"alg":"EdDSA", "kid":"\#(kid)","typ":"\#(typ)"}"#,
            #"{"alg":"ES256","kid":"\#(kid)","typ":"\#(typ)"}"#,
            #"{"alg":"EdDSA","kid":"\#(kid)","typ":"\#(typ)","crit":["x"]}"#,
            #"{"alg":"EdDSA","kid":"\#(kid)","typ":"\#(typ)""#,
        ]
        return Array(forms.randomElement(using: &rng)!.utf8)
    }

    @Test func agreesWithTheJSONDecoder() {
        var rng = SeededGenerator(seed: 0x4EAD_E401)
        var fast = 0
        for _ in 0..<20_000 {
            let bytes = Self.randomHeader(&rng)
            let decoded = try? JSONDecoder().decode(JWSHeader.self, from: Data(bytes))
            if let read = JWSHeader(signedForm: bytes) {
                fast += 1
                #expect(read == decoded, "\(String(decoding: bytes, as: UTF8.self))")
            }
        }
        #expect(fast > 200)
    }

    @Test func readsWhatTheSignerWrites() throws {
        let header = JWSHeader(typ: "tollgate-license+jws", kid: "Xq1_-9")
        let bytes = Array(#"{"alg":"EdDSA","kid":"Xq1_-9","typ":"tollgate-license+jws"}"#.utf8)
        #expect(JWSHeader(signedForm: bytes) == header)
        #expect(JWSHeader(signedForm: Array(#"{"alg":"EdDSA","kid":"a\"b","typ":"t"}"#.utf8)) == nil)
        #expect(JWSHeader(signedForm: Array(#"{"alg":"EdDSA","kid":"a","typ":"t\u00e9"}"#.utf8)) == nil)
    }
}

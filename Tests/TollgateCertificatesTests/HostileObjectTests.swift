import Foundation
import Testing
import TollgateCrypto
import TollgateTestSupport
@testable import TollgateCertificates

/// Signed objects carrying hostile values: duplicate members, `crit`, unknown header members,
/// out-of-range numbers, oversized lists. Parsing refuses them naming the rule, and signing refuses
/// the same claims before any signature is made.
@Suite struct HostileObjectTests {
    static let key = try! Ed25519PrivateKey(seed: [UInt8](repeating: 7, count: 32))

    static func license(_ mutate: (inout License) -> Void = { _ in }) -> License {
        var license = License(iss: key.publicKey.thumbprint, cert: "cert-hash", seats: SerialRange(1_000, 1_001), customer: "Muster GmbH",
                              country: "DE", territory: ["DE", "AT"], product: "cad-pro", features: ["export"], model: "subscription",
                              price: Price(currency: "EUR", amount: 4_900), iat: 1_780_000_000, nbf: 1_780_000_000, exp: 1_811_536_000,
                              logIndex: 3, jti: "jti-1")
        mutate(&license)
        return license
    }

    /// A compact JWS with the given header and payload text, really signed by `key`.
    static func compact(header: String? = nil, payload: String) throws -> String {
        let header = header ?? #"{"alg":"EdDSA","kid":""# + key.publicKey.thumbprint + #"","typ":"tollgate-license+jws"}"#
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
        return input + "." + Base64URL.encode(try key.signature(for: Array(input.utf8)))
    }

    static func payloadText(_ license: License) throws -> String {
        String(decoding: try license.encodedPayload(), as: UTF8.self)
    }

    static func rule(_ body: () throws -> Void) -> VerificationError.Rule? {
        do {
            try body()
            return nil
        } catch let error as VerificationError {
            return error.rule
        } catch {
            return VerificationError.Rule("unexpected: \(error)")
        }
    }

    @Test func aDuplicateMemberIsRefusedWhereverItIs() throws {
        let text = try Self.payloadText(Self.license())
        let variants = [
            #"{"seats":[1000,6000],"# + text.dropFirst(),                      // seats twice, the first one ours
            String(text.dropLast()) + #","country":"US"}"#,                    // country twice, the last one new
            #"{"seat\u0073":[1000,6000],"# + text.dropFirst(),                 // the same name behind an escape
            String(text.dropLast()) + #","price":{"amount":1,"amount":2,"currency":"EUR"}}"#,
        ]
        for variant in variants {
            let compact = try Self.compact(payload: variant)
            #expect(Self.rule { _ = try SignedLicense(compact: compact) } == .duplicateMember, "\(variant)")
        }
    }

    @Test func aHeaderWithAlgTwiceOrCritOrAnUnknownMemberIsRefused() throws {
        let payload = try Self.payloadText(Self.license())
        let kid = Self.key.publicKey.thumbprint
        let cases: [(String, VerificationError.Rule)] = [
            (#"{"alg":"EdDSA","alg":"HS256","kid":"\#(kid)","typ":"tollgate-license+jws"}"#, .duplicateMember),
            (#"{"alg":"EdDSA","crit":["exp"],"exp":1,"kid":"\#(kid)","typ":"tollgate-license+jws"}"#, .criticalExtension),
            (#"{"alg":"EdDSA","jku":"https://x.example","kid":"\#(kid)","typ":"tollgate-license+jws"}"#, .unknownHeaderMember),
        ]
        for (header, expected) in cases {
            let compact = try Self.compact(header: header, payload: payload)
            #expect(Self.rule { _ = try SignedLicense(compact: compact) } == expected, "\(header)")
        }
        // The same payload under our own header form still reads.
        #expect(Self.rule { _ = try SignedLicense(compact: try Self.compact(payload: payload)) } == nil)
    }

    @Test func outOfRangeNumbersAreRefusedWhereTheyAreDecoded() throws {
        let hostile: [(String, (inout License) -> Void)] = [
            ("iat at -2^63", { $0.iat = .min }),
            ("nbf at -2^63 and exp at 2^63-1", { $0.nbf = .min; $0.exp = .max }),
            ("exp past year 9999", { $0.exp = ObjectLimits.latestTime + 1 }),
            ("price of 4e12 minor units", { $0.price.amount = 4_000_000_000_000 }),
            ("a million and one seats", { $0.seats = SerialRange(0, ObjectLimits.maxLicenseSeats + 1) }),
            ("log_index beyond 2^53", { $0.logIndex = UInt64.max }),
            ("territory repeating DE", { $0.territory = Array(repeating: "DE", count: 3) }),
            ("territory of 100,000 entries", { $0.territory = (0..<100_000).map { _ in "DE" } }),
        ]
        for (name, mutate) in hostile {
            let license = Self.license(mutate)
            // Signed by hand, as a cheater would: the parser refuses it.
            let compact = try Self.compact(payload: try Self.payloadText(license))
            let parsed = Self.rule { _ = try SignedLicense(compact: compact) }
            #expect(parsed == .invalidField || parsed == .objectTooLarge, "\(name): \(String(describing: parsed))")
            // And our own signing refuses it before signing.
            let signed = Self.rule { _ = try SignedLicense.sign(license, with: Self.key) }
            #expect(signed == .invalidField || signed == .objectTooLarge, "\(name): signing gave \(String(describing: signed))")
        }
    }

    /// `lease` was a kind no node made and no verifier rule covered; until leases exist, an
    /// activation claiming to be one is refused.
    @Test func anActivationOfAnUnknownKindIsRefused() throws {
        let activation = Activation(iss: Self.key.publicKey.thumbprint, license: "license-hash", serial: 1_000, machineKey: "machine-key",
                                    fingerprint: "fp", platform: "linux-x86_64", country: "DE", iat: 1_780_000_000, exp: 1_780_086_400,
                                    kind: .temporary, jti: "jti-2")
        let text = String(decoding: try activation.encodedPayload(), as: UTF8.self)
        #expect(text.contains(#""kind":"temporary""#))
        let header = #"{"alg":"EdDSA","kid":""# + Self.key.publicKey.thumbprint + #"","typ":"tollgate-activation+jws"}"#
        let lease = try Self.compact(header: header, payload: text.replacingOccurrences(of: #""kind":"temporary""#, with: #""kind":"lease""#))
        #expect(Self.rule { _ = try SignedActivation(compact: lease) } == .malformed)
        let temporary = try Self.compact(header: header, payload: text)
        #expect(Self.rule { _ = try SignedActivation(compact: temporary) } == nil)
    }

    @Test func signingRefusesAnObjectOverTheSizeLimit() {
        // 250 distinct territory codes and 256 features of 256 bytes: every field in range, the whole too big.
        let features = (0..<256).map { String(format: "%03d", $0) + String(repeating: "f", count: 253) }
        let license = Self.license { $0.features = features }
        #expect(Self.rule { try license.validateFields(object: "license") } == nil)
        #expect(Self.rule { _ = try SignedLicense.sign(license, with: Self.key) } == .objectTooLarge)
    }

    @Test func whatSigningAcceptsEveryParserAccepts() throws {
        let signed = try SignedLicense.sign(Self.license(), with: Self.key)
        #expect(signed.compact.utf8.count == JWS.compactSize(payloadBytes: signed.jws.payload.count, typ: License.type,
                                                            kid: Self.key.publicKey.thumbprint))
        #expect(try SignedLicense(compact: signed.compact).payload == Self.license())
    }

    @Test func strictJSONAcceptsWhatRFC8259AllowsAndNothingElse() {
        let valid = [#"{}"#, #"[]"#, #" {"a" : [1, -0.5e+3, true, false, null, "x\u00e9\ud83d\ude00"] } "#, #""\/""#, "0", "-1E9"]
        for text in valid {
            #expect(Self.rule { try StrictJSON.check(Array(text.utf8), object: "t") } == nil, "\(text)")
        }
        let invalid = [#"{"a":1,}"#, #"[1,]"#, #"{"a" 1}"#, "01", "1.", "-", #""\x""#, "\"\u{01}\"", #"{"a":1} x"#, "tru", #""\ud800""#,
                       String(repeating: "[", count: ObjectLimits.maxNesting + 1) + String(repeating: "]", count: ObjectLimits.maxNesting + 1)]
        for text in invalid {
            #expect(Self.rule { try StrictJSON.check(Array(text.utf8), object: "t") } == .malformed, "\(text)")
        }
        #expect(Self.rule { try StrictJSON.check(Array(#"[{"a":1},{"a":1,"b":{"c":1,"c":2}}]"#.utf8), object: "t") } == .duplicateMember)
    }

    /// Seeded: random JSON texts with repeated names at random depths are refused; the same texts
    /// with the names made distinct are accepted.
    @Test(arguments: 1...20) func duplicatesAtAnyDepthAreFound(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        func object(depth: Int, duplicate: Bool) -> String {
            let count = Int.random(in: 1...4, using: &rng)
            var members = (0..<count).map { index -> String in
                let value = depth < 3 && Bool.random(using: &rng) ? object(depth: depth + 1, duplicate: false) : "\(index)"
                return "\"k\(index)\":\(value)"
            }
            if duplicate { members.append("\"k\(Int.random(in: 0..<count, using: &rng))\":null") }
            return "{" + members.joined(separator: ",") + "}"
        }
        let nestedDuplicate = "{\"outer\":" + object(depth: 1, duplicate: true) + "}"
        #expect(Self.rule { try StrictJSON.check(Array(nestedDuplicate.utf8), object: "t") } == .duplicateMember, "\(nestedDuplicate)")
        let clean = object(depth: 0, duplicate: false)
        #expect(Self.rule { try StrictJSON.check(Array(clean.utf8), object: "t") } == nil, "\(clean)")
        #expect((try? JSONSerialization.jsonObject(with: Data(clean.utf8))) != nil)
    }
}

import Testing
import TollgateCertificates
import TollgateTestSupport

/// The payloads that write their canonical JSON themselves give, for seeded random values, exactly
/// the bytes of their `Encodable` path: every key, its order, escapes, omitted optionals, integers.
@Suite struct CanonicalJSONWriterTests {
    /// Strings with what needs escaping (quotes, backslashes, control bytes), non-ASCII text and slashes.
    static func randomText(_ rng: inout SeededGenerator) -> String {
        let pieces = ["a", "Z", "0", "\"", "\\", "/", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}",
                      "é", "日本", "🙂", " ", "-", "_", "{", "}"]
        return (0..<Int.random(in: 1...12, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
    }

    static func randomInteger(_ rng: inout SeededGenerator) -> Int64 {
        [Int64.min, -1, 0, 9, 10, Int64.max, Int64.random(in: Int64.min...Int64.max, using: &rng)].randomElement(using: &rng)!
    }

    static func randomLicense(_ rng: inout SeededGenerator) -> License {
        let start = UInt64.random(in: 0..<(1 << 52), using: &rng)
        return License(
            iss: randomText(&rng), cert: randomText(&rng), seats: SerialRange(start, start + UInt64.random(in: 1...1000, using: &rng)),
            customer: randomText(&rng), country: randomText(&rng),
            territory: (0..<Int.random(in: 0...4, using: &rng)).map { _ in randomText(&rng) },
            product: randomText(&rng), features: (0..<Int.random(in: 0...4, using: &rng)).map { _ in randomText(&rng) },
            model: randomText(&rng), price: Price(currency: randomText(&rng), amount: randomInteger(&rng)),
            iat: randomInteger(&rng), nbf: randomInteger(&rng), exp: Bool.random(using: &rng) ? randomInteger(&rng) : nil,
            logIndex: UInt64.random(in: 0...UInt64.max, using: &rng), jti: randomText(&rng),
            renews: Bool.random(using: &rng) ? randomText(&rng) : nil,
            tier: Bool.random(using: &rng) ? randomText(&rng) : nil,
            expiry: Bool.random(using: &rng) ? randomExpiry(&rng) : nil,
            supersedes: Bool.random(using: &rng) ? randomText(&rng) : nil, addonOf: Bool.random(using: &rng) ? randomText(&rng) : nil,
            converts: Bool.random(using: &rng) ? randomText(&rng) : nil,
            updatesUntil: Bool.random(using: &rng) ? randomInteger(&rng) : nil,
            enforcement: Bool.random(using: &rng) ? randomText(&rng) : nil)
    }

    /// Any days and words, not only valid ones: the encoding does not judge them.
    static func randomExpiry(_ rng: inout SeededGenerator) -> ExpiryBehaviour {
        var expiry = ExpiryBehaviour(warnDays: randomInteger(&rng), graceDays: randomInteger(&rng), ending: .lock)
        expiry.then = Bool.random(using: &rng) ? ExpiryBehaviour.downgradeWord : randomText(&rng)
        expiry.tier = Bool.random(using: &rng) ? randomText(&rng) : nil
        return expiry
    }

    static func randomActivation(_ rng: inout SeededGenerator) -> Activation {
        Activation(
            iss: randomText(&rng), license: randomText(&rng), serial: UInt64.random(in: 0...UInt64.max, using: &rng),
            machineKey: randomText(&rng), fingerprint: randomText(&rng), platform: randomText(&rng),
            country: randomText(&rng), iat: randomInteger(&rng), exp: Bool.random(using: &rng) ? randomInteger(&rng) : nil,
            kind: Activation.Kind.allCases.randomElement(using: &rng)!, jti: randomText(&rng),
            replaces: Bool.random(using: &rng) ? randomText(&rng) : nil,
            overUse: Bool.random(using: &rng) ? UInt64.random(in: 0...UInt64.max, using: &rng) : nil)
    }

    @Test(arguments: 0..<4)
    func aLicenseWritesWhatItsCodableEncodingGives(seed: UInt64) throws {
        var rng = SeededGenerator(seed: 0x11CE_115E + seed)
        for _ in 0..<250 {
            let license = Self.randomLicense(&rng)
            let written = try CanonicalJSON.encode(license)
            #expect(written == (try CanonicalJSON.encodeThroughCodable(license)), "seed \(seed): \(String(decoding: written, as: UTF8.self))")
        }
    }

    @Test(arguments: 0..<4)
    func anActivationWritesWhatItsCodableEncodingGives(seed: UInt64) throws {
        var rng = SeededGenerator(seed: 0xAC71_7A7E + seed)
        for _ in 0..<250 {
            let activation = Self.randomActivation(&rng)
            let written = try CanonicalJSON.encode(activation)
            #expect(written == (try CanonicalJSON.encodeThroughCodable(activation)), "seed \(seed): \(String(decoding: written, as: UTF8.self))")
        }
    }

    @Test func nestedContainersGetTheirCommas() {
        var json = CanonicalJSONWriter()
        json.object { json in
            json.key("a")
            json.array { json in
                json.integer(Int64(-12))
                json.object { json in json.member("x", "y") }
                json.array { _ in }
                json.string("q\"")
            }
            json.member("b", UInt64(0))
            json.member("c", [String]())
            json.member("d", Int64?.none)
            json.member("e", SerialRange(3, 40))
        }
        #expect(String(decoding: json.bytes, as: UTF8.self) == #"{"a":[-12,{"x":"y"},[],"q\""],"b":0,"c":[],"e":[3,40]}"#)
    }

    /// A floating-point number has no one canonical form: encoding it is refused with the verifier's
    /// `invalid_field`, the one error of this layer (it was a separate `EncodingError`).
    @Test func floatingPointNumbersAreAnInvalidField() {
        struct Measured: Encodable { var ratio: Double }
        #expect {
            _ = try CanonicalJSON.encode(Measured(ratio: 0.5))
        } throws: { error in
            (error as? VerificationError)?.rule == .invalidField
        }
    }
}

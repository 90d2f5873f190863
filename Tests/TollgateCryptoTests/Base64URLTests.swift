import Testing
import TollgateTestSupport
@testable import TollgateCrypto

/// The table-driven decoder against a plain reading of RFC 4648 §5 on seeded random input:
/// round trips of random bytes, and random strings (valid, invalid characters, padding, stray low
/// bits, impossible lengths) that must decode to the same bytes or fail the same way.
@Suite struct Base64URLTests {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// RFC 4648 §5 read bit by bit: nil where the text is not canonical unpadded base64url.
    private static func reference(_ text: [UInt8]) -> [UInt8]? {
        var bits: [UInt8] = []
        for character in text {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            for shift in stride(from: 5, through: 0, by: -1) { bits.append(UInt8(value >> shift & 1)) }
        }
        let whole = bits.count / 8
        let leftover = bits[(whole * 8)...]
        guard leftover.count < 6, leftover.allSatisfy({ $0 == 0 }) else { return nil }
        return (0..<whole).map { index in bits[(index * 8)..<(index * 8 + 8)].reduce(0) { $0 << 1 | $1 } }
    }

    @Test func roundTripsRandomBytes() throws {
        var random = SeededGenerator(seed: 0x5EED_0001)
        for _ in 0..<2_000 {
            let bytes = (0..<Int(random.next() % 70)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let text = Base64URL.encode(bytes)
            #expect(try Base64URL.decode(text) == bytes)
            #expect(try Base64URL.decode(text[...]) == bytes)
        }
    }

    @Test func agreesWithTheReferenceOnRandomText() {
        var random = SeededGenerator(seed: 0x5EED_0002)
        let strays = Array("=+/ .\n\u{00}é".utf8)
        for _ in 0..<20_000 {
            var text = (0..<Int(random.next() % 14)).map { _ in Self.alphabet[Int(random.next() % 64)] }
            if !text.isEmpty, random.next() % 4 == 0 { text[Int(random.next() % UInt64(text.count))] = strays[Int(random.next() % UInt64(strays.count))] }
            let string = String(decoding: text, as: UTF8.self)
            let expected = Self.reference(Array(string.utf8))
            let decoded = try? Base64URL.decode(string)
            #expect(decoded == expected, "\(string.debugDescription)")
        }
    }
}

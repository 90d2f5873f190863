import Testing
import TollgateCrypto

/// The shape every layer's error shares, shown on the lowest layer's: equality by code and reason
/// only, the throwing line recorded, and a description for users that leaves the location out.
@Suite struct LayerErrorTests {
    @Test func equalityAndHashingIgnoreWhereTheErrorWasRaised() {
        let first = CryptoError(.invalidKey, "too short")
        let second = CryptoError(.invalidKey, "too short")
        #expect(first.line != second.line)
        #expect(first == second)
        #expect(first.hashValue == second.hashValue)
        #expect(Set([first, second]).count == 1)
        #expect(first != CryptoError(.invalidPEM, "too short"))
        #expect(first != CryptoError(.invalidKey, "too long"))
    }

    @Test func theRaisingFileAndLineAreRecorded() throws {
        let here = CryptoError(.fileAccess, "here"); let line: UInt = #line
        #expect(here.file == "TollgateCryptoTests/LayerErrorTests.swift")
        #expect(here.line == line)
        let thrown = #expect(throws: CryptoError.self) { try Base64URL.decode("a*") }
        #expect(thrown?.code == .invalidEncoding)
        #expect(thrown?.file == "TollgateCrypto/Base64URL.swift")
    }

    @Test func theDescriptionIsCodeAndReasonWithoutTheLocation() {
        let error = CryptoError(.signingFailed, "the key refused")
        #expect(error.description == "signing_failed: the key refused")
        #expect(!"\(error)".contains("LayerErrorTests"))
    }
}

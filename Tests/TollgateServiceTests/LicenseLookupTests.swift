import Testing
import TollgateAPI
import TollgateCertificates
import TollgateNode

/// Licenses are named by their printed id or any unique prefix of it, the way git takes commits.
@Suite struct LicenseLookupTests {
    static let first = "abcdEFGH1234" + String(repeating: "x", count: 31)
    static let second = "abcdEFGH9876" + String(repeating: "y", count: 31)
    static let other = "zzzz" + String(repeating: "z", count: 39)
    let candidates: [LicenseLookup.Candidate] = [(first, "Muster GmbH, cad"), (second, "Beispiel AG, cad"), (other, "Other, cam")]

    @Test func aUniquePrefixOrTheWholeIdNamesOneLicense() throws {
        #expect(try LicenseLookup.resolve("abcdEFGH1", among: candidates) == Self.first)
        #expect(try LicenseLookup.resolve(HashID.short(Self.second), among: candidates) == Self.second)
        #expect(try LicenseLookup.resolve("zzzz", among: candidates) == Self.other)
        #expect(try LicenseLookup.resolve(Self.first, among: candidates) == Self.first)
        #expect(HashID.short(Self.first) == "abcdEFGH1234")
    }

    @Test func anAmbiguousPrefixListsTheCandidates() {
        let error = #expect(throws: NodeError.self) { try LicenseLookup.resolve("abcdEFGH", among: candidates) }
        #expect(error?.code == .invalidRequest)
        #expect(error?.reason.contains("abcdEFGH1234 (Muster GmbH, cad), abcdEFGH9876 (Beispiel AG, cad)") == true, "\(String(describing: error))")
    }

    @Test func anUnknownOrTooShortIdIsRefusedSayingWhatWasSearched() {
        let unknown = #expect(throws: NodeError.self) { try LicenseLookup.resolve("qqqq", among: candidates) }
        #expect(unknown?.code == .notFound)
        #expect(unknown?.reason.contains("among the 3 licenses this node issued") == true)
        let short = #expect(throws: NodeError.self) { try LicenseLookup.resolve("abc", among: candidates) }
        #expect(short?.code == .invalidRequest)
        // Case matters: ids are base64url.
        #expect(throws: NodeError.self) { try LicenseLookup.resolve("ABCD", among: candidates) }
    }
}

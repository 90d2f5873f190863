import Foundation
import Testing
import TollgateCertificates
import TollgateVectors

@Suite struct TestVectorTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Certificates/vectors")

    @Test func everyVectorGetsItsExpectedVerdict() throws {
        let vectors = try VectorGenerator().vectors()
        #expect(vectors.count >= 40)
        for vector in vectors {
            let verdict = try VectorGenerator.run(vector)
            #expect(verdict == vector.expect, "vector \(vector.name)")
        }
    }

    @Test func everyRejectionRuleHasAVector() throws {
        let rules = Set(try VectorGenerator().vectors().compactMap(\.expect.rule))
        let all: [VerificationError.Rule] = [
            .malformed, .objectTooLarge, .chainTooLong, .emptyChain, .unsupportedAlgorithm, .wrongType, .invalidField,
            .badSignature, .issuerMismatch, .parentMismatch, .seatsOutsideParent, .countriesWidened, .productsWidened,
            .featuresWidened, .modelsWidened, .priceFloorLowered, .depthNotReduced, .windowOutsideParent,
            .syncWithinWidened, .certificateMismatch, .seatsOutsideCertificate, .countryNotAllowed, .territoryNotAllowed,
            .productNotAllowed, .featureNotAllowed, .modelNotAllowed, .currencyNotAllowed, .priceBelowFloor,
            .issuedOutsideWindow, .expiryRequired, .notYetValid, .expired, .revoked, .invalidRevocation,
            .licenseMismatch, .activatorNotAuthorized, .serialOutsideLicense, .activationOutsideTerritory,
            .machineMismatch, .activationExpired, .activationBeforeLicense,
        ]
        for rule in all { #expect(rules.contains(rule.rawValue), "no vector for \(rule)") }
    }

    /// The committed files are exactly what the generator writes, and each verifies as it says.
    @Test func committedVectorsMatchTheGeneratorByteForByte() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-vectors-\(UUID().uuidString)")
        let generated = try VectorGenerator().write(to: scratch)
        for vector in generated {
            let name = "\(vector.name).json"
            let committed = try Data(contentsOf: Self.directory.appendingPathComponent(name))
            let fresh = try Data(contentsOf: scratch.appendingPathComponent(name))
            #expect(committed == fresh, "Certificates/vectors/\(name) differs from the generator's output")
            let decoded = try JSONDecoder().decode(TestVector.self, from: committed)
            #expect(try VectorGenerator.run(decoded) == decoded.expect, "vector \(name)")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0.hasSuffix(".json") }
        #expect(files.count == generated.count, "Certificates/vectors holds files the generator does not make")
    }

    /// A shared cache gives the same verdicts as a cold verifier, in any order.
    @Test func cacheNeverChangesAVerdict() throws {
        let cache = VerifiedCertificateCache()
        let vectors = try VectorGenerator().vectors()
        for vector in vectors + vectors.reversed() {
            #expect(try VectorGenerator.run(vector, cache: cache) == vector.expect, "vector \(vector.name) with cache")
        }
        #expect(cache.count > 0)
    }
}

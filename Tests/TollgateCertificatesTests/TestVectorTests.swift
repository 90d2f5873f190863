import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
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
            .badSignature, .duplicateMember, .criticalExtension, .unknownHeaderMember, .issuerMismatch, .parentMismatch, .seatsOutsideParent, .countriesWidened, .productsWidened,
            .featuresWidened, .modelsWidened, .priceFloorLowered, .depthNotReduced, .windowOutsideParent,
            .syncWithinWidened, .certificateMismatch, .seatsOutsideCertificate, .countryNotAllowed, .territoryNotAllowed,
            .productNotAllowed, .featureNotAllowed, .modelNotAllowed, .currencyNotAllowed, .priceBelowFloor,
            .issuedOutsideWindow, .expiryRequired, .notYetValid, .expired, .revoked, .invalidRevocation, .licenseRevoked, .revocationNotAuthorized,
            .licenseMismatch, .activatorNotAuthorized, .serialOutsideLicense, .activationOutsideTerritory,
            .machineMismatch, .activationExpired, .activationBeforeLicense, .emergencyWidened, .emergencyTooLong,
            .tierOutsideProduct, .tiersWidened, .tierNotAllowed, .tierMismatch, .downgradeTierNotAllowed,
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

    /// A shared record of verified signatures gives the same verdicts as verifying every time, in
    /// any order: a bad signature stays bad after every good one was recorded.
    @Test func signatureCacheNeverChangesAVerdict() throws {
        let signatures = VerifiedSignatureCache()
        let vectors = try VectorGenerator().vectors()
        for vector in vectors + vectors.reversed() {
            #expect(try VectorGenerator.run(vector, signatures: signatures) == vector.expect, "vector \(vector.name) with signature cache")
        }
        #expect(signatures.count > 0)
        #expect(vectors.contains { $0.expect.rule == VerificationError.Rule.badSignature.rawValue })
    }

    /// Verifying a license already parsed gives the verdict of verifying its file.
    @Test func parsedLicenseGetsTheFileVerdict() throws {
        for vector in try VectorGenerator().vectors() {
            guard let license = try? SignedLicense(compact: vector.license) else { continue }
            let anchor = TrustAnchor(publicKey: try Ed25519PublicKey(rawRepresentation: Base64URL.decode(vector.anchor)))
            let verifier = LicenseVerifier(anchor: anchor)
            let machine = vector.machineKey.map { MachineIdentity(machineKey: $0) }
            func verdict(_ body: () throws(VerificationError) -> VerifiedLicense) -> String {
                do { _ = try body(); return "valid" } catch { return "\(error.rule.rawValue) \(error.object)" }
            }
            let fromFile = verdict { () throws(VerificationError) in
                try verifier.verify(LicenseFile(chain: vector.chain, license: vector.license), at: vector.now,
                                    revocations: vector.revocations, activation: vector.activation, machine: machine)
            }
            let fromParsed = verdict { () throws(VerificationError) in
                try verifier.verify(license, chain: vector.chain, at: vector.now, revocations: vector.revocations,
                                    activation: vector.activation, machine: machine)
            }
            #expect(fromParsed == fromFile, "vector \(vector.name)")
        }
    }

    /// The record is keyed by the exact bytes: another object carrying a recorded signature is
    /// verified for itself.
    @Test func recordedSignatureDoesNotCoverOtherBytes() throws {
        let key = try Ed25519PrivateKey(seed: Array(repeating: 7, count: 32))
        let signed = try JWS.sign(payload: Array(#"{"a":1}"#.utf8), typ: "test", key: key)
        let signatures = VerifiedSignatureCache()
        #expect(signatures.isSigned(signed, by: key.publicKey))
        #expect(signatures.contains(jwsHash: signed.hash, signedBy: key.publicKey))
        let parts = signed.compact.split(separator: ".")
        let swapped = Base64URL.encode(Array(#"{"a":2}"#.utf8))
        let forged = try JWS(compact: "\(parts[0]).\(swapped).\(parts[2])", object: "forged")
        #expect(!signatures.isSigned(forged, by: key.publicKey))
        let other = try Ed25519PrivateKey(seed: Array(repeating: 8, count: 32))
        #expect(!signatures.contains(jwsHash: signed.hash, signedBy: other.publicKey))
        #expect(signatures.count == 1)
    }
}

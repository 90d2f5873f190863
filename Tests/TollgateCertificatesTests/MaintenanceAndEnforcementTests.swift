import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateTestSupport

/// Maintenance (`updates_until`) of perpetual licenses and the enforcement policy (strict or
/// lenient): the fields' form, the rules inside a certificate and down a chain, the release check,
/// and that objects without the new fields keep their bytes.
@Suite struct MaintenanceAndEnforcementTests {
    static let day: Int64 = 86_400
    static let exp: Int64 = 1_800_000_000

    static func certificate(enforcement: [String]? = nil) -> AllocationCertificate {
        AllocationCertificate(iss: "root", sub: "agent", subKey: "key", parent: nil, seats: SerialRange(0, 100), countries: ["DE"],
                              products: ["cad": ["export"]], models: ["subscription", "perpetual"], priceFloor: ["EUR": 100], depth: 1,
                              nbf: exp - 400 * day, exp: exp, syncWithin: 7 * day, jti: "c", enforcement: enforcement)
    }

    static func license(updatesUntil: Int64? = nil, enforcement: String? = nil, exp: Int64? = nil) -> License {
        License(iss: "agent", cert: "c", seats: SerialRange(0, 1), customer: "Muster", country: "DE", territory: ["DE"], product: "cad",
                features: ["export"], model: exp == nil ? "perpetual" : "subscription", price: Price(currency: "EUR", amount: 100),
                iat: Self.exp - 300 * day, nbf: Self.exp - 300 * day, exp: exp, logIndex: 0, jti: "l", updatesUntil: updatesUntil,
                enforcement: enforcement)
    }

    static func check(_ license: License, _ certificate: AllocationCertificate = certificate()) -> VerificationError.Rule? {
        Thrown.rule { () throws(VerificationError) in
            try license.validateFields(object: "license")
            try LicenseRules.check(license, within: certificate)
        }
    }

    @Test func maintenanceGoesWithPerpetualLicensesInsideTheCertificateWindow() {
        #expect(Self.check(Self.license(updatesUntil: Self.exp - 10 * Self.day)) == nil)
        #expect(Self.check(Self.license(updatesUntil: Self.exp)) == nil)
        #expect(Self.check(Self.license(updatesUntil: Self.exp + 1)) == .maintenanceOutsideCertificate)
        #expect(Self.check(Self.license(updatesUntil: Self.exp - 10 * Self.day, exp: Self.exp)) == .invalidField)
        #expect(Self.check(Self.license(updatesUntil: Self.exp - 301 * Self.day)) == .invalidField)  // before nbf
        #expect(Self.check(Self.license(updatesUntil: -1)) == .invalidField)
    }

    @Test func enforcementIsGrantedByTheCertificate() {
        #expect(Self.check(Self.license(enforcement: "strict")) == nil)
        #expect(Self.check(Self.license(enforcement: "lenient")) == .enforcementNotAllowed)
        #expect(Self.check(Self.license(enforcement: "lenient"), Self.certificate(enforcement: ["lenient", "strict"])) == nil)
        #expect(Self.check(Self.license(enforcement: "strict"), Self.certificate(enforcement: ["lenient"])) == .enforcementNotAllowed)
        #expect(Self.check(Self.license(enforcement: "forgiving")) == .invalidField)
        let unknown = Self.certificate(enforcement: ["strict", "forgiving"])
        #expect(Thrown.rule { () throws(VerificationError) in try unknown.validateFields(object: "certificate") } == .invalidField)
    }

    @Test func aChildGrantsNoPolicyItsParentLacks() {
        let strictOnly = Self.certificate(), lenient = Self.certificate(enforcement: ["lenient", "strict"])
        var child = Self.certificate(enforcement: ["lenient", "strict"])
        child.depth = 0
        #expect(Thrown.rule { () throws(VerificationError) in try Attenuation.check(child: child, parent: strictOnly, object: "child") } == .enforcementWidened)
        #expect(Thrown.rule { () throws(VerificationError) in try Attenuation.check(child: child, parent: lenient, object: "child") } == nil)
        child.enforcement = nil
        #expect(Thrown.rule { () throws(VerificationError) in try Attenuation.check(child: child, parent: lenient, object: "child") } == nil)
        child.enforcement = ["strict"]
        #expect(Thrown.rule { () throws(VerificationError) in try Attenuation.check(child: child, parent: strictOnly, object: "child") } == nil)
    }

    @Test func overUseMarksAStandardActivationOnly() {
        var activation = Activation(iss: "agent", license: "l", serial: 0, machineKey: "m", fingerprint: "f", platform: "linux", country: "DE",
                                    iat: Self.exp - 10, exp: nil, kind: .standard, jti: "a", overUse: 1)
        #expect(Thrown.rule { () throws(VerificationError) in try activation.validateFields(object: "activation") } == nil)
        activation.overUse = 0
        #expect(Thrown.rule { () throws(VerificationError) in try activation.validateFields(object: "activation") } == .invalidField)
        activation.overUse = 1
        activation.kind = .temporary
        activation.exp = Self.exp
        #expect(Thrown.rule { () throws(VerificationError) in try activation.validateFields(object: "activation") } == .invalidField)
    }

    /// A real chain: the release check refuses a later release naming both dates and accepts an older one.
    @Test func theVerifierChecksTheReleaseAgainstUpdatesUntil() throws {
        let root = try Ed25519PrivateKey(), agent = try Ed25519PrivateKey()
        var certificate = Self.certificate()
        certificate.iss = root.publicKey.thumbprint
        certificate.subKey = Base64URL.encode(agent.publicKey.rawRepresentation)
        let signedCertificate = try SignedCertificate.sign(certificate, with: root)
        let until = Self.exp - 100 * Self.day
        var license = Self.license(updatesUntil: until)
        license.iss = agent.publicKey.thumbprint
        license.cert = signedCertificate.hash
        let file = LicenseFile(chain: [signedCertificate.compact], license: try SignedLicense.sign(license, with: agent).compact)
        let verifier = LicenseVerifier(anchor: TrustAnchor(publicKey: root.publicKey))
        // Years after the maintenance ended the license still verifies: perpetual fallback.
        let verified = try verifier.verify(file, at: Self.exp + 900 * Self.day)
        #expect(verified.updatesUntil == until)
        #expect(Thrown.rule { () throws(VerificationError) in try verifier.checkRelease(until - Self.day, of: verified) } == nil)
        #expect(Thrown.rule { () throws(VerificationError) in try verifier.checkRelease(until, of: verified) } == nil)
        do throws(VerificationError) {
            try verifier.checkRelease(until + 1, of: verified)
            Issue.record("a release after the maintenance end ran")
        } catch {
            #expect(error.rule == .releaseAfterMaintenance)
            #expect(error.reason.contains(TimeText.iso(until)) && error.reason.contains(TimeText.iso(until + 1)))
        }
        // A license without maintenance runs every release.
        license.updatesUntil = nil
        let unmaintained = LicenseFile(chain: [signedCertificate.compact], license: try SignedLicense.sign(license, with: agent).compact)
        let plain = try verifier.verify(unmaintained, at: Self.exp)
        #expect(Thrown.rule { () throws(VerificationError) in try verifier.checkRelease(Self.exp * 2, of: plain) } == nil)
    }

    /// Strict, the default, is written as nothing, so licenses and activations without the new
    /// fields keep exactly the bytes they had.
    @Test func objectsWithoutTheNewFieldsKeepTheirBytes() throws {
        let license = Self.license()
        var writer = CanonicalJSONWriter()
        license.write(to: &writer)
        let text = String(decoding: writer.bytes, as: UTF8.self)
        #expect(!text.contains("updates_until") && !text.contains("enforcement"))
        let maintained = Self.license(updatesUntil: Self.exp, enforcement: "lenient")
        var second = CanonicalJSONWriter()
        maintained.write(to: &second)
        #expect(License.read(canonicalJSON: second.bytes) == maintained)
        #expect(String(decoding: second.bytes, as: UTF8.self).contains(#""enforcement":"lenient""#))
        let activation = Activation(iss: "agent", license: "l", serial: 0, machineKey: "m", fingerprint: "f", platform: "linux", country: "DE",
                                    iat: 1, exp: nil, kind: .standard, jti: "a")
        var third = CanonicalJSONWriter()
        activation.write(to: &third)
        #expect(!String(decoding: third.bytes, as: UTF8.self).contains("over_use"))
    }
}

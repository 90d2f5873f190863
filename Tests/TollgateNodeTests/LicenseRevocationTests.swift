import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateNode
import TollgateTestSupport

/// Revoking one license (a refund, a fraud, a chargeback): at the issuer or an ancestor, pulled
/// down to the issuer, which then refuses the license's activations and renewals; every bad
/// revocation is refused with a clear error and changes nothing.
@Suite struct LicenseRevocationTests {
    typealias Tree = SyncAndAuditTests.Tree

    /// A subscription for two seats at the regional agent, with one machine activated.
    func sold(_ channel: Channel, customer: String = "Muster GmbH") throws -> (file: LicenseFile, hash: String, activation: String) {
        var sale = channel.sale(customer, seats: 2)
        sale.model = "subscription"
        sale.exp = channel.now + 30 * 86_400
        sale.price = Price(currency: "EUR", amount: 1_200)
        let file = try channel.regional.issue(sale, at: channel.now)
        let hash = JWS.hash(of: file.license)
        let receipt = try channel.regional.handleMachineRequest(try TestMachine().request(.activate, license: hash, at: channel.now), at: channel.now)
        return (file, hash, receipt.activation)
    }

    /// A regional agent under the general agent, beside `channel.regional`: another branch.
    func sibling(of channel: Channel) throws -> LicensingNode {
        let node = LicensingNode(identity: NodeIdentity(name: "ra-2", key: try Ed25519PrivateKey(), anchor: channel.anchor),
                                 store: try NodeStore(database: SQLiteDatabase(path: ":memory:")))
        var request = channel.request(to: node, count: 50)
        request.countries = ["DE"]
        try node.accept(chain: try channel.general.delegate(request, at: channel.now).chain, at: channel.now)
        return node
    }

    @Test func theIssuerRefusesActivationsRenewalsAndEmergenciesOfARevokedLicense() throws {
        let channel = try Channel()
        try channel.wire()
        let (file, hash, activation) = try sold(channel)
        let at = channel.now + 60
        let revocation = try channel.regional.revoke(license: String(hash.prefix(8)), reason: "refund", at: at)
        #expect(revocation.payload.license == hash)
        #expect(revocation.payload.cert == nil)
        #expect(revocation.payload.effective == at)
        let revocationID = HashID.short(revocation.hash)
        for action in [MachineRequest.Action.activate, .emergency] {
            do {
                _ = try channel.regional.handleMachineRequest(
                    try TestMachine().request(action, license: hash, activation: JWS.hash(of: activation), at: at + 10), at: at + 10)
                Issue.record("a revoked license took a \(action)")
            } catch let error as NodeError {
                #expect(error.code == .licenseInvalid)
                #expect(error.rule == .licenseRevoked)
                #expect(error.reason.contains(revocationID), "the refusal names the revocation: \(error.reason)")
            }
        }
        do {
            _ = try channel.regional.renew(licenseHash: hash, exp: channel.now + 60 * 86_400, at: at + 10)
            Issue.record("a revoked license was renewed")
        } catch {
            #expect(error.code == .licenseInvalid)
            #expect(error.rule == .licenseRevoked)
            #expect(error.reason.contains(revocationID))
        }
        // The activation made before stays in the log and the store.
        #expect(try channel.regional.activationRecords().map { $0.activation.compact } == [activation])
        // The status carries the revocation, and an offline verifier holding it refuses the license.
        let status = try channel.regional.licenseStatus(hash: hash, at: at + 10)
        #expect(status.revocations == [revocation.compact])
        #expect(status.problem?.rule == .licenseRevoked)
        #expect(throws: VerificationError.self) {
            try LicenseVerifier(anchor: channel.anchor).verify(file, at: at + 10, revocations: status.revocations)
        }
    }

    /// A renewal made before the revocation is covered by it: the revocation names the lineage.
    @Test func aRevocationCoversTheLineagesRenewals() throws {
        let channel = try Channel()
        try channel.wire()
        let (_, hash, _) = try sold(channel)
        let renewal = try channel.regional.renew(licenseHash: hash, exp: channel.now + 60 * 86_400, at: channel.now + 10)
        let revocation = try channel.regional.revoke(license: JWS.hash(of: renewal.license), reason: "chargeback", at: channel.now + 20)
        #expect(revocation.payload.license == hash, "named by its renewal, the lineage's first license is revoked")
        do {
            _ = try LicenseVerifier(anchor: channel.anchor).verify(renewal, at: channel.now + 30, revocations: [revocation.compact])
            Issue.record("the renewal of a revoked license verified")
        } catch {
            #expect(error.rule == .licenseRevoked)
        }
    }

    @Test func anAncestorRevokesAndThePullBringsTheRevocationToTheIssuer() throws {
        let tree = try Tree()
        let channel = tree.channel
        let (_, hash, _) = try sold(channel)
        let (_, other, _) = try sold(channel, customer: "Other AG")
        try tree.regionalLink.sync(at: channel.now + 10)
        let revocation = try channel.general.revoke(license: String(hash.prefix(6)), effective: channel.now + 100, reason: "fraud", at: channel.now + 20)
        #expect(revocation.payload.iss == channel.general.identity.keyID)
        // Before the pull the regional agent does not know of it; the pull brings it, once.
        #expect(try channel.regional.licenseStatus(hash: hash, at: channel.now + 30).revocations.isEmpty)
        try tree.regionalLink.sync(at: channel.now + 30)
        try tree.regionalLink.sync(at: channel.now + 40)
        #expect(try channel.regional.knownRevocations().map(\.compact) == [revocation.compact])
        // Before its effective time the license is still usable; from then on it is refused.
        _ = try channel.regional.handleMachineRequest(try TestMachine().request(.activate, license: hash, at: channel.now + 50), at: channel.now + 50)
        do {
            _ = try channel.regional.handleMachineRequest(try TestMachine().request(.activate, license: hash, at: channel.now + 100), at: channel.now + 100)
            Issue.record("a revoked license took an activation")
        } catch let error as NodeError {
            #expect(error.rule == .licenseRevoked)
        }
        // The other license's status carries no revocation of this one.
        #expect(try channel.regional.licenseStatus(hash: other, at: channel.now + 100).revocations.isEmpty)
        #expect(try channel.regional.licenseStatus(hash: hash, at: channel.now + 100).revocations == [revocation.compact])
    }

    @Test func badRevocationsAreRefusedAndChangeNothing() throws {
        let channel = try Channel()
        try channel.wire()
        let sibling = try sibling(of: channel)
        let (_, hash, _) = try sold(channel)
        var siblingSale = channel.sale("Sibling Kunde")
        siblingSale.country = "DE"
        let siblingHash = JWS.hash(of: try sibling.issue(siblingSale, at: channel.now).license)
        try SyncLink(child: sibling, parent: channel.general).sync(at: channel.now + 5)
        let size = try channel.regional.store.log.size
        let cases: [(String, String, NodeError.Code, VerificationError.Rule?)] = [
            ("unknown license", "AAAAAAAAAAAA", .notFound, nil),
            ("another branch's license", siblingHash, .notFound, nil),
            ("too short an id", String(hash.prefix(2)), .invalidRequest, nil),
            ("a bad reason", hash, .invalidRequest, .invalidField),
        ]
        for (what, license, code, rule) in cases {
            do {
                _ = try channel.regional.revoke(license: license, reason: what == "a bad reason" ? "changed my mind" : "refund", at: channel.now + 10)
                Issue.record("revoked \(what)")
            } catch {
                #expect(error.code == code, "\(what): \(error)")
                #expect(error.rule == rule, "\(what)")
            }
            #expect(try channel.regional.store.log.size == size, "\(what) changed the log")
            #expect(try channel.regional.knownRevocations().isEmpty)
        }
        // The general agent, an ancestor of both branches, may revoke the sibling's license.
        _ = try channel.general.revoke(license: siblingHash, reason: "refund", at: channel.now + 10)
        // Twice: refused, naming the first revocation.
        let first = try channel.regional.revoke(license: hash, reason: "refund", at: channel.now + 10)
        do {
            _ = try channel.regional.revoke(license: hash, reason: "fraud", at: channel.now + 20)
            Issue.record("revoked a license twice")
        } catch {
            #expect(error.code == .invalidRequest)
            #expect(error.reason.contains(HashID.short(first.hash)))
        }
        #expect(try channel.regional.store.log.size == size + 1)
    }

    /// A license revocation signed by a node outside the license's chain (the sibling) is refused
    /// on receipt; one naming a license outside the node's subtree is not found.
    @Test func receivedRevocationsMustComeFromTheIssuerOrAnAncestor() throws {
        let channel = try Channel()
        try channel.wire()
        let sibling = try sibling(of: channel)
        let (_, hash, _) = try sold(channel)
        let forged = try SignedRevocation.sign(
            Revocation(iss: sibling.identity.keyID, license: hash, effective: channel.now, reason: .fraud, iat: channel.now, jti: "forged"),
            with: sibling.identity.key)
        let size = try channel.regional.store.log.size
        do {
            try channel.regional.receiveRevocation(forged.compact, at: channel.now + 10)
            Issue.record("took a revocation from outside the license's chain")
        } catch {
            #expect(error.code == .unauthorized)
            #expect(error.rule == .revocationNotAuthorized)
        }
        let elsewhere = try SignedRevocation.sign(
            Revocation(iss: channel.general.identity.keyID, license: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", effective: channel.now,
                       reason: .refund, iat: channel.now, jti: "elsewhere"), with: channel.general.identity.key)
        #expect(throws: NodeError.self) { try channel.regional.receiveRevocation(elsewhere.compact, at: channel.now + 10) }
        #expect(try channel.regional.store.log.size == size)
        // The offline verifier refuses the forged one as a revocation, with its own rule.
        let stored = try channel.regional.store.license(hash: hash)
        let file = LicenseFile(chain: try channel.regional.heldCertificates()[0].chain, license: try #require(stored).compact)
        do {
            _ = try LicenseVerifier(anchor: channel.anchor).verify(file, at: channel.now + 10, revocations: [forged.compact])
            Issue.record("the verifier took a revocation from outside the license's chain")
        } catch {
            #expect(error.rule == .revocationNotAuthorized)
            #expect(error.object == "revocation[0]")
        }
    }

    /// Field rules of the object itself: exactly one of cert and license, a license reason from the list.
    @Test func revocationFieldsAreChecked() throws {
        let key = try Ed25519PrivateKey()
        var both = Revocation(iss: key.publicKey.thumbprint, cert: "c", effective: 0, reason: "x", iat: 0, jti: "j")
        both.license = "l"
        var neither = both
        neither.cert = nil
        neither.license = nil
        var badReason = Revocation(iss: key.publicKey.thumbprint, license: "l", effective: 0, reason: .refund, iat: 0, jti: "j")
        badReason.reason = "goodwill"
        for payload in [both, neither, badReason] {
            let compact = try SignedRevocation.signUnchecked(payload, with: key).compact
            do {
                _ = try SignedRevocation(compact: compact)
                Issue.record("parsed \(payload)")
            } catch {
                #expect(error.rule == .invalidField)
            }
        }
        let good = try SignedRevocation.sign(Revocation(iss: key.publicKey.thumbprint, license: "l", effective: 5, reason: .chargeback, iat: 5, jti: "j"), with: key)
        #expect(String(decoding: good.jws.payload, as: UTF8.self) == #"{"effective":5,"iat":5,"iss":"\#(key.publicKey.thumbprint)","jti":"j","license":"l","reason":"chargeback"}"#)
    }
}

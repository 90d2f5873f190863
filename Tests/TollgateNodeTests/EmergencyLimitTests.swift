import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateNode
import TollgateWire

/// Emergency activations are bounded by the license certificate's limits: the node refuses one
/// beyond them, the offline verifier refuses one longer than allowed, and the audit reports
/// stand-ins a cheating node signed beyond them.
@Suite struct EmergencyLimitTests {
    typealias Tree = SyncAndAuditTests.Tree

    func licensed(_ channel: Channel) throws -> (LicenseFile, failed: String) {
        let file = try channel.regional.issue(channel.sale("Muster GmbH"), at: channel.now)
        let receipt = try channel.regional.handleMachineRequest(try TestMachine().request(.activate, license: JWS.hash(of: file.license), at: channel.now),
                                                               at: channel.now)
        return (file, JWS.hash(of: receipt.activation))
    }

    func emergency(_ channel: Channel, _ file: LicenseFile, failed: String, at time: Int64) throws -> SignedActivation {
        let receipt = try channel.regional.handleMachineRequest(
            try TestMachine().request(.emergency, license: JWS.hash(of: file.license), activation: failed, at: time), at: time)
        return try SignedActivation(compact: receipt.activation)
    }

    @Test func defaultLimitsAllowTwoEmergenciesOf72HoursPerThirtyDays() throws {
        let channel = try Channel()
        try channel.wire()
        let (file, failed) = try licensed(channel)
        let first = try emergency(channel, file, failed: failed, at: channel.now)
        #expect(first.payload.exp == channel.now + 72 * 3_600)
        // The failed machine keeps its seat; after the first stand-in ends a second may follow.
        let second = try emergency(channel, file, failed: failed, at: channel.now + 73 * 3_600)
        #expect(second.payload.replaces == failed)
        do {
            _ = try emergency(channel, file, failed: failed, at: channel.now + 146 * 3_600)
            Issue.record("a third emergency within 30 days was activated")
        } catch let error as NodeError {
            #expect(error.code == .ruleViolation)
            #expect(error.rule == .emergencyLimitReached)
        }
        // Once the first falls out of the period, one more is allowed.
        _ = try emergency(channel, file, failed: failed, at: channel.now + 30 * 86_400 + 60)
    }

    @Test func certificateLimitsSetTheLengthAndCountAndChildrenCannotWidenThem() throws {
        let channel = try Channel()
        let limits = EmergencyLimits(maxSeconds: 3_600, maxCount: 1, periodSeconds: 60 * 86_400)
        try channel.wire(regionalEmergency: limits)
        #expect(try channel.regional.heldCertificates()[0].payload.emergency == limits)
        let (file, failed) = try licensed(channel)
        let stand = try emergency(channel, file, failed: failed, at: channel.now)
        #expect(stand.payload.exp == channel.now + 3_600)
        #expect(throws: NodeError.self) { try emergency(channel, file, failed: failed, at: channel.now + 7_200) }
        // The regional agent may narrow its limits for a child, never widen them.
        let child = try Ed25519PrivateKey()
        var request = DelegationRequest(subject: "sub", subjectKey: Base64URL.encode(child.publicKey.rawRepresentation))
        request.count = 5
        request.emergency = EmergencyLimits(maxSeconds: 7_200, maxCount: 1, periodSeconds: 60 * 86_400)
        do {
            _ = try channel.regional.delegate(request, at: channel.now)
            Issue.record("a child certificate widened the emergency limits")
        } catch {
            #expect(error.rule == .emergencyWidened)
        }
        request.emergency = nil
        let inherited = try channel.regional.delegate(request, at: channel.now)
        #expect(try SignedCertificate(compact: inherited.chain.last!).payload.emergency == limits)
    }

    @Test func verifierRefusesAnEmergencyLongerThanTheCertificateAllows() throws {
        let tree = try Tree()
        let now = tree.channel.now
        let (file, failed) = try licensed(tree.channel)
        let long = try forgedEmergency(tree, file, failed: failed, at: now + 60, lasting: 96 * 3_600)
        do {
            _ = try LicenseVerifier(anchor: tree.channel.anchor).verify(file, at: now + 120, activation: long.compact)
            Issue.record("a 96-hour emergency verified")
        } catch {
            #expect(error.rule == .emergencyTooLong)
        }
    }

    /// A temporary stand-in the regional agent signs and logs itself, past the honest node's checks.
    func forgedEmergency(_ tree: Tree, _ file: LicenseFile, failed: String, at time: Int64, lasting: Int64) throws -> SignedActivation {
        let node = tree.channel.regional
        let machine = try Ed25519PrivateKey()
        let serial = try SignedLicense(compact: file.license).payload.seats.start
        let payload = Activation(iss: node.identity.keyID, license: JWS.hash(of: file.license), serial: serial,
                                 machineKey: Base64URL.encode(machine.publicKey.rawRepresentation), fingerprint: "spare-\(UUID().uuidString)",
                                 platform: "linux-x86_64", country: "DE", iat: time, exp: time + lasting, kind: .temporary, jti: UUID().uuidString,
                                 replaces: failed, logIndex: try node.store.log.size)
        let signed = try SignedActivation.sign(payload, with: node.identity.key)
        _ = try node.store.log.append(kind: "activation", bytes: Array(signed.compact.utf8), at: time)
        return signed
    }

    @Test func auditReportsEmergenciesBeyondTheLimits() throws {
        let tree = try Tree()
        let now = tree.channel.now
        let (file, failed) = try licensed(tree.channel)
        // Within the limits: two stand-ins of 72 hours in 30 days. Nothing is found.
        _ = try emergency(tree.channel, file, failed: failed, at: now)
        _ = try emergency(tree.channel, file, failed: failed, at: now + 73 * 3_600)
        #expect(try PlantedCheatTests().findings(tree, at: now + 146 * 3_600).isEmpty)
        // A third within the period, and one lasting 96 hours (outside any period of the others).
        _ = try forgedEmergency(tree, file, failed: failed, at: now + 147 * 3_600, lasting: 72 * 3_600)
        try tree.syncAll(at: now + 148 * 3_600)
        try tree.syncAll(at: now + 20 * 86_400)
        _ = try forgedEmergency(tree, file, failed: failed, at: now + 40 * 86_400, lasting: 96 * 3_600)
        let found = try PlantedCheatTests().findings(tree, at: now + 40 * 86_400 + 60)
        #expect(found.map(\.kind) == [.emergencyOveruse, .emergencyOveruse])
        #expect(Set(found.map { $0.evidence.filter { $0.role == .activation }.count }) == [1, 3])
    }
}

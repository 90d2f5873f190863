import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateNode
import TollgateTestSupport

/// Objects that name a position in their issuer's log are checked against that log and against the
/// checkpoints the issuer's parent witnessed: a fresh forgery beyond the log is hidden issuance once
/// a later checkpoint was witnessed, and so is one logged somewhere other than where it says.
@Suite struct HiddenIssuanceTests {
    typealias Tree = SyncAndAuditTests.Tree
    let planted = PlantedCheatTests()

    /// A license on serials nobody sold, naming a log index beyond the reseller's log.
    func freshForgery(_ tree: Tree, at date: Int64, hidden: Bool = true, beyond: UInt64 = 50) throws -> LicenseFile {
        let size = try tree.channel.regional.store.log.size
        return try CheatingNode(node: tree.channel.regional).forgeLicense(at: date, hidden: hidden) {
            $0.customer = "fresh forgery"
            $0.seats = SerialRange($0.seats.start + 60, $0.seats.start + 61)
            $0.logIndex = size + beyond
        }
    }

    @Test func freshForgeryBeyondTheLogIsFoundOnceALaterCheckpointIsWitnessed() throws {
        let tree = try Tree()
        let now = tree.channel.now
        try tree.syncAll(at: now)
        let forged = try freshForgery(tree, at: now + 60)
        // Seen before any later checkpoint: it could still be logged, so nothing is found.
        #expect(try planted.findings(tree, at: now + 120, observe: [forged]).isEmpty)
        // The reseller goes on selling; its parent witnesses a checkpoint an hour later that does not reach the index.
        _ = try tree.channel.regional.issue(tree.channel.sale("later sale"), at: now + 1_800)
        let found = try planted.findings(tree, at: now + 3_600)
        #expect(found.map(\.kind) == [.hiddenIssuance])
        let evidence = try #require(found.first?.evidence)
        #expect(evidence.map(\.role) == [.license, .checkpoint, .witness])
        #expect(evidence[1].node == tree.channel.general.identity.keyID)
        // Audited again, the finding is stored once.
        #expect(try tree.channel.root.audit(at: now + 7_200).count == 1)
    }

    @Test func forgeryReusingSerialsIsAlsoADuplicateSerial() throws {
        let tree = try Tree()
        let now = tree.channel.now
        let sold = try tree.channel.regional.issue(tree.channel.sale("honest"), at: now)
        try tree.syncAll(at: now)
        let seats = try SignedLicense(compact: sold.license).payload.seats
        let size = try tree.channel.regional.store.log.size
        let forged = try CheatingNode(node: tree.channel.regional).forgeLicense(at: now + 60, hidden: true) {
            $0.customer = "second buyer"; $0.seats = seats; $0.logIndex = size + 10
        }
        _ = try tree.channel.regional.issue(tree.channel.sale("later sale"), at: now + 1_800)
        let found = try planted.findings(tree, at: now + 3_600, observe: [forged])
        #expect(Set(found.map(\.kind)) == [.hiddenIssuance, .duplicateSerial])
        let duplicate = try #require(found.first { $0.kind == .duplicateSerial })
        #expect(Set(duplicate.evidence.map(\.object)) == [sold.license, forged.license])
    }

    @Test func licenseLoggedAtAnotherIndexThanItNamesIsHidden() throws {
        let tree = try Tree()
        let now = tree.channel.now
        try tree.syncAll(at: now)
        // Logged, but claiming an index far beyond where it is: a customer's verifier and the log disagree.
        _ = try freshForgery(tree, at: now + 60, hidden: false)
        let found = try planted.findings(tree, at: now + 3_600)
        #expect(found.map(\.kind) == [.hiddenIssuance])
        // Claiming an index the log holds, with other bytes there, is shown with that entry.
        let tree2 = try Tree()
        _ = try tree2.channel.regional.issue(tree2.channel.sale("at index one"), at: now)
        _ = try CheatingNode(node: tree2.channel.regional).forgeLicense(at: now + 60) {
            $0.logIndex = 0; $0.seats = SerialRange($0.seats.start + 70, $0.seats.start + 71)
        }
        let shown = try planted.findings(tree2, at: now + 120)
        #expect(shown.map(\.kind) == [.hiddenIssuance])
        #expect(shown.first?.evidence.map(\.role) == [.license, .checkpoint, .entry])
    }

    @Test func hiddenActivationAndDeactivationAreFoundFromObservations() throws {
        let tree = try Tree()
        let now = tree.channel.now
        let file = try tree.channel.regional.issue(tree.channel.sale("two seats", seats: 2), at: now)
        let seats = try SignedLicense(compact: file.license).payload.seats
        try tree.syncAll(at: now)
        let size = try tree.channel.regional.store.log.size
        let cheat = CheatingNode(node: tree.channel.regional)
        let activation = try cheat.forgeActivation(of: file, serial: seats.start + 1, country: "DE", at: now + 60, hidden: true, logIndex: size + 5)
        let deactivation = try SignedDeactivation.sign(
            Deactivation(iss: tree.channel.regional.identity.keyID, activation: activation.hash, serial: seats.start + 1,
                         proof: try TestMachine().request(.deactivate, license: JWS.hash(of: file.license), activation: activation.hash, at: now + 90),
                         iat: now + 90, jti: UUID().uuidString, logIndex: size + 6),
            with: tree.channel.regional.identity.key)
        _ = try tree.channel.regional.issue(tree.channel.sale("later sale"), at: now + 1_800)
        try tree.syncAll(at: now + 3_600)
        try tree.channel.root.observe(Observation(kind: .activation, object: activation.compact, license: file), at: now + 3_600)
        try tree.channel.root.observe(Observation(kind: .deactivation, object: deactivation.compact, license: file), at: now + 3_600)
        let found = try planted.findings(tree, at: now + 3_660)
        #expect(found.map(\.kind) == [.hiddenIssuance, .hiddenIssuance])
        #expect(Set(found.compactMap { $0.evidence.first?.role }) == [.activation, .deactivation])
    }

    @Test func honestActivationsNameTheirLogIndexAndObservingThemFindsNothing() throws {
        let tree = try Tree()
        let now = tree.channel.now
        let file = try tree.channel.regional.issue(tree.channel.sale("honest machine"), at: now)
        let licenseHash = JWS.hash(of: file.license)
        let machine = try TestMachine()
        let receipt = try tree.channel.regional.handleMachineRequest(try machine.request(.activate, license: licenseHash, at: now), at: now)
        let activation = try SignedActivation(compact: receipt.activation)
        let logged = try tree.channel.regional.store.log.entries(in: try #require(activation.payload.logIndex)..<(activation.payload.logIndex! + 1))
        #expect(logged.first?.bytes == Array(receipt.activation.utf8))
        let ended = try tree.channel.regional.handleMachineRequest(
            try machine.request(.deactivate, license: licenseHash, activation: activation.hash, at: now + 60), at: now + 60)
        try tree.syncAll(at: now + 3_600)
        #expect(try tree.channel.root.observe(Observation(kind: .activation, object: receipt.activation, license: file), at: now + 3_600))
        #expect(try !tree.channel.root.observe(Observation(kind: .activation, object: receipt.activation, license: file), at: now + 3_600))
        try tree.channel.root.observe(Observation(kind: .deactivation, object: ended.activation, license: file), at: now + 3_600)
        try tree.channel.root.observe(file, at: now + 3_600)
        #expect(try planted.findings(tree, at: now + 3_660).isEmpty)
    }

    @Test func observeRefusesObjectsThatDoNotBelongToTheirLicense() throws {
        let tree = try Tree()
        let now = tree.channel.now
        let first = try tree.channel.regional.issue(tree.channel.sale("first"), at: now)
        let second = try tree.channel.regional.issue(tree.channel.sale("second"), at: now)
        let machine = try TestMachine()
        let receipt = try tree.channel.regional.handleMachineRequest(try machine.request(.activate, license: JWS.hash(of: first.license), at: now), at: now)
        let cases: [Observation] = [
            Observation(kind: .activation, object: receipt.activation, license: second),
            Observation(kind: .license, object: second.license, license: first),
            Observation(kind: .activation, object: "not.a.jws", license: first),
            Observation(kind: .init("lease"), object: receipt.activation, license: first),
            Observation(kind: .license, object: first.license, license: LicenseFile(chain: [], license: first.license)),
        ]
        for observation in cases {
            do {
                try tree.channel.root.observe(observation, at: now)
                Issue.record("observed \(observation.kind) that does not belong to its license")
            } catch {
                #expect(error.code == .invalidRequest)
            }
        }
        #expect(try planted.findings(tree, at: now + 60).isEmpty)
    }
}

import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateNode
import TollgateTestSupport

/// Each cheat a reseller can try, planted on the regional agent; the root finds it, with the right
/// finding and evidence, and names nobody else.
@Suite struct PlantedCheatTests {
    typealias Tree = SyncAndAuditTests.Tree

    func findings(_ tree: Tree, at now: Int64, observe: [LicenseFile] = []) throws -> [AuditFinding] {
        try tree.syncAll(at: now)
        for file in observe { try tree.channel.root.observe(file, at: now) }
        let findings = try tree.channel.root.audit(at: now + 1)
        let cheater = tree.channel.regional.identity.keyID
        #expect(findings.allSatisfy { $0.node == cheater }, "a finding names an honest node: \(findings.map { "\($0.kind) \($0.nodeName)" })")
        try recheck(findings, anchor: tree.channel.anchor)
        return findings
    }

    /// Every finding holds up from its evidence alone, and fails once its evidence is tampered with.
    func recheck(_ findings: [AuditFinding], anchor: TrustAnchor) throws {
        let check = FindingCheck(anchor: anchor)
        for finding in findings {
            do {
                try check.check(finding)
            } catch {
                Issue.record("\(finding.kind) does not recheck: \(error)")
            }
            var tampered = finding
            let target = try #require(tampered.evidence.firstIndex { $0.role != .checkpoint })
            tampered.evidence[target].object = String(tampered.evidence[target].object.dropLast(4)) + "AAAA"
            #expect(throws: (any Error).self, "tampered \(finding.kind) evidence still checks") { try check.check(tampered) }
        }
    }

    @Test func reusedSerials() throws {
        let tree = try Tree()
        let now = tree.channel.now
        let honest = try tree.channel.regional.issue(tree.channel.sale("first"), at: now)
        let seats = try SignedLicense(compact: honest.license).payload.seats
        _ = try CheatingNode(node: tree.channel.regional).forgeLicense(at: now + 60) { $0.seats = seats; $0.customer = "second" }
        let found = try findings(tree, at: now + 120)
        #expect(found.map(\.kind) == [.duplicateSerial])
        #expect(found.first?.evidence.filter { $0.role == .license }.count == 2)
    }

    /// The audit reads each log a chunk at a time and keeps only a summary of each object: a serial
    /// sold twice with the two sales in different chunks, and an activation abroad of a license
    /// logged chunks earlier, are still found, with the objects quoted again from the log.
    @Test func cheatsAcrossTheAuditsChunks() throws {
        let tree = try Tree()
        let now = tree.channel.now
        let honest = try tree.channel.regional.issue(tree.channel.sale("first"), at: now)
        let license = try SignedLicense(compact: honest.license)
        let cheat = CheatingNode(node: tree.channel.regional)
        // Renewals on the lineage's own serials are no new allocation: they fill the first chunk.
        for offset in 0..<2_100 {
            try cheat.forgeLicense(at: now + 1 + Int64(offset / 100)) {
                $0.seats = license.payload.seats
                $0.customer = "first"
                $0.renews = license.hash
            }
        }
        #expect(try tree.channel.regional.store.log.size > 2_048 + 4)
        let second = try cheat.forgeLicense(at: now + 60) { $0.seats = license.payload.seats; $0.customer = "second" }
        let abroad = try cheat.forgeActivation(of: honest, country: "US", at: now + 61)
        let found = try findings(tree, at: now + 120)
        #expect(Set(found.map(\.kind)) == [.duplicateSerial, .crossRegionActivation])
        let duplicate = try #require(found.first { $0.kind == .duplicateSerial })
        #expect(duplicate.evidence.filter { $0.role == .license }.map(\.object) == [honest.license, second.license])
        let escape = try #require(found.first { $0.kind == .crossRegionActivation })
        #expect(escape.evidence.map(\.object) == [abroad.compact, honest.license])
    }

    @Test func soldOutsideItsCountries() throws {
        let tree = try Tree()
        let now = tree.channel.now
        _ = try CheatingNode(node: tree.channel.regional).forgeLicense(at: now) { $0.country = "CH"; $0.territory = ["CH"] }
        #expect(try findings(tree, at: now + 60).map(\.kind) == [.countryEscape])
    }

    @Test func belowFloor() throws {
        let tree = try Tree()
        let now = tree.channel.now
        _ = try CheatingNode(node: tree.channel.regional).forgeLicense(at: now) { $0.price = Price(currency: "EUR", amount: 10) }
        #expect(try findings(tree, at: now + 60).map(\.kind) == [.belowPriceFloor])
    }

    @Test func activationOutsideTerritory() throws {
        let tree = try Tree()
        let now = tree.channel.now
        let file = try tree.channel.regional.issue(tree.channel.sale("traveller"), at: now)
        let seats = try SignedLicense(compact: file.license).payload.seats
        _ = try CheatingNode(node: tree.channel.regional).forgeActivation(of: file, serial: seats.start, country: "US", at: now + 60)
        #expect(try findings(tree, at: now + 120).map(\.kind) == [.crossRegionActivation])
    }

    @Test func overActivation() throws {
        let tree = try Tree()
        let now = tree.channel.now
        let file = try tree.channel.regional.issue(tree.channel.sale("one seat"), at: now)
        let serial = try SignedLicense(compact: file.license).payload.seats.start
        let cheat = CheatingNode(node: tree.channel.regional)
        _ = try cheat.forgeActivation(of: file, serial: serial, country: "DE", at: now + 60)
        _ = try cheat.forgeActivation(of: file, serial: serial, country: "DE", at: now + 120)
        #expect(try findings(tree, at: now + 180).map(\.kind) == [.overActivation])
    }

    @Test func backdatedPastSyncWithin() throws {
        let tree = try Tree()
        let now = tree.channel.now
        try tree.syncAll(at: now)
        // Ten days later, long past sync_within, it sells and dates one sale to right after its last
        // sync (it reaches the parent too late) and one to before it (the checkpoint witnessed then
        // did not contain it).
        let cheat = CheatingNode(node: tree.channel.regional)
        _ = try cheat.forgeLicense(at: now + 1) { $0.customer = "after the last sync" }
        _ = try cheat.forgeLicense(at: now - 3_600) { $0.customer = "before the last sync"; $0.seats = SerialRange($0.seats.start + 1, $0.seats.end + 1) }
        let found = try findings(tree, at: now + 10 * 86_400)
        #expect(found.filter { $0.kind == .lateSync }.count == 2)
        #expect(found.filter { $0.kind == .backdating }.count == 1)
        #expect(found.count == 3)
    }

    @Test func forkedLog() throws {
        let tree = try Tree()
        let now = tree.channel.now
        let sold = try tree.channel.regional.issue(tree.channel.sale("to be hidden"), at: now)
        try tree.syncAll(at: now + 60)
        // The agent rewrites its history to drop the sale and syncs the rewritten log.
        let index = try SignedLicense(compact: sold.license).payload.logIndex
        let forked = try CheatingNode(node: tree.channel.regional).fork(replacing: index, with: Array("nothing to see".utf8))
        let link = SyncLink(child: forked, parent: tree.channel.general)
        #expect(try link.attempt(at: now + 180).logRefused)
        _ = try link.attempt(at: now + 240)  // the honest code resends from 0 when told, which shows the differing entry
        try tree.generalLink.sync(at: now + 300)
        let atGeneral = try tree.channel.general.findings()
        #expect(atGeneral.map(\.kind) == [.logEquivocation])
        try recheck(atGeneral, anchor: tree.channel.anchor)
        #expect(atGeneral.first?.evidence.filter { $0.role == .entry }.count == 2)
        // The general agent logged the finding, so it reached the root with its evidence.
        let atRoot = try findings(tree, at: now + 360)
        #expect(atRoot.map(\.kind) == [.logEquivocation])
        #expect(atRoot.first?.evidence == atGeneral.first?.evidence)
    }

    @Test func hiddenIssuance() throws {
        let tree = try Tree()
        let now = tree.channel.now
        let hidden = try CheatingNode(node: tree.channel.regional).forgeLicense(at: now, hidden: true) { $0.customer = "off the books" }
        _ = try tree.channel.regional.issue(tree.channel.sale("on the books"), at: now + 60)  // takes the log index the hidden one names
        let found = try findings(tree, at: now + 120, observe: [hidden])
        // The hidden license also claims the serial the logged sale took.
        #expect(Set(found.map(\.kind)) == [.hiddenIssuance, .duplicateSerial])
        #expect(found.count == 2)
    }

    @Test func serialsUsedAfterReturn() throws {
        let tree = try Tree()
        let now = tree.channel.now
        let certificate = try tree.channel.regional.heldCertificates()[0].payload
        let back = SerialRange(certificate.seats.end - 10, certificate.seats.end)
        _ = try tree.channel.regional.returnQuota(back, at: now)
        _ = try CheatingNode(node: tree.channel.regional).forgeLicense(at: now + 60) { $0.seats = SerialRange(back.start, back.start + 2) }
        #expect(try findings(tree, at: now + 120).map(\.kind) == [.quotaUsedAfterReturn])
    }

    @Test func staleNode() throws {
        let tree = try Tree()
        let now = tree.channel.now
        try tree.syncAll(at: now)
        // The regional agent goes silent; the general agent keeps syncing with the root.
        try tree.generalLink.sync(at: now + 8 * 86_400)
        let found = try tree.channel.root.audit(at: now + 8 * 86_400 + 60)
        #expect(found.map(\.kind) == [.staleNode])
        try recheck(found, anchor: tree.channel.anchor)
        #expect(found.first?.node == tree.channel.regional.identity.keyID)
    }

    /// The general agent revokes a license (a chargeback); after the revocation reached the
    /// regional agent, it still activates a machine and renews the license. An activation made
    /// before the revocation arrived, though dated after its effective time, names nobody.
    @Test func activationAndRenewalOfARevokedLicense() throws {
        let tree = try Tree()
        let now = tree.channel.now
        let file = try tree.channel.regional.issue(tree.channel.sale("refunded"), at: now)
        let license = try SignedLicense(compact: file.license)
        try tree.syncAll(at: now + 10)
        _ = try tree.channel.general.revoke(license: license.hash, effective: now + 30, reason: "chargeback", at: now + 20)
        // Honest: the regional agent has not pulled the revocation yet.
        _ = try tree.channel.regional.handleMachineRequest(try TestMachine().request(.activate, license: license.hash, at: now + 40), at: now + 40)
        try tree.regionalLink.sync(at: now + 60)
        let cheat = CheatingNode(node: tree.channel.regional)
        try cheat.forgeActivation(of: file, serial: license.payload.seats.start, country: "DE", at: now + 120)
        try cheat.forgeLicense(at: now + 130) { $0 = license.payload; $0.renews = license.hash; $0.iat = now + 130; $0.nbf = now + 130
            $0.logIndex = (try? tree.channel.regional.store.log.size) ?? 0; $0.jti = "renewal-after-revocation" }
        let found = try findings(tree, at: now + 200).filter { $0.kind == .usedAfterLicenseRevocation }
        #expect(found.count == 2, "\(found.map(\.summary))")
        #expect(found.contains { $0.evidence.contains { $0.role == .activation } })
        #expect(found.allSatisfy { $0.evidence.contains { $0.role == .revocation } })
    }
}

import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateNode
import TollgateTestSupport
import TollgateWire

/// A closed site's log carried to its agent as a file, and the audit of the leases in it: two leases
/// of one serial overlapping for different machines are `lease_oversubscribed`, re-checked from the
/// evidence alone and naming the site, never the agent or the root.
@Suite struct FloatingAuditTests {
    typealias Site = FloatingSiteTests.Site

    /// A lease the site signs on `serial` outside its lease desk, logged in its own log: a cheat.
    func plantLease(_ site: Site, serial: UInt64, machine: TestMachine, at time: Int64) throws {
        let payload = Lease(iss: site.key.publicKey.thumbprint, license: site.channel.license, serial: serial, machineKey: machine.machineKey,
                            nbf: time, exp: time + 900, kind: .lease, jti: "planted-\(time)", site: site.binding.hash,
                            logIndex: try site.node.logSize())
        let signed = try SignedLease.sign(payload, with: site.key)
        _ = try site.node.store.log.append(kind: LogEntryKind.leaseGranted.rawValue, bytes: Array(signed.compact.utf8), at: time)
    }

    @Test func anHonestSitesLogIsTakenInOnceAndItsAuditIsClean() throws {
        let site = try Site(seats: 2)
        let channel = site.channel
        let a = try TestMachine(), b = try TestMachine()
        let lease = try channel.lease(channel.ask(a, .lease, at: channel.now, server: site.node))
        _ = try channel.ask(a, .release, lease: lease.hash, at: channel.now + 60, server: site.node)
        _ = try channel.ask(b, .lease, at: channel.now + 61, server: site.node)  // the same serial, after the release
        let export = try SiteLogExport(data: site.node.exportSiteLog(at: channel.now + 100).encoded())
        let before = try channel.agent.logSize()
        #expect(try channel.agent.ingestSiteLog(export, at: channel.now + 200) == 3)
        #expect(try channel.agent.logSize() == before + 3)
        #expect(try channel.agent.ingestSiteLog(export, at: channel.now + 300) == 0)
        #expect(try channel.agent.logSize() == before + 3)
        #expect(try channel.agent.audit(at: channel.now + 400).filter { $0.kind == .leaseOversubscribed } == [])
    }

    /// Found by the simulator: a heartbeat replaces a lease with a later one of the same machine and
    /// serial, and nothing logs the end of the replaced one; the audit ran it to its `exp`, so the
    /// next machine to take the serial after the release was taken for a second holder.
    @Test func aSerialTakenAfterAHeartbeatAndAReleaseIsNotOverLeasing() throws {
        let channel = try FloatingChannel(seats: 1)
        let a = try TestMachine(), b = try TestMachine()
        let first = try channel.lease(channel.ask(a, .lease, at: channel.now))
        let second = try channel.lease(channel.ask(a, .heartbeat, lease: first.hash, at: channel.now + 300))
        #expect(second.payload.serial == first.payload.serial && second.payload.exp > first.payload.exp)
        _ = try channel.ask(a, .release, lease: second.hash, at: channel.now + 400)
        let taken = try channel.lease(channel.ask(b, .lease, at: channel.now + 500))  // before `first`'s exp
        #expect(taken.payload.serial == first.payload.serial && taken.payload.nbf < first.payload.exp)
        #expect(try channel.agent.audit(at: channel.now + 600).filter { $0.kind == .leaseOversubscribed } == [])
        // A second machine on the serial while the first lease was in force is still found.
        let c = try TestMachine()
        let forged = Lease(iss: channel.agent.identity.keyID, license: channel.license, serial: first.payload.serial, machineKey: c.machineKey,
                           nbf: channel.now + 100, exp: channel.now + 200, kind: .lease, jti: "planted", logIndex: try channel.agent.logSize())
        let signed = try SignedLease.sign(forged, with: channel.agentKey)
        _ = try channel.agent.store.log.append(kind: LogEntryKind.leaseGranted.rawValue, bytes: Array(signed.compact.utf8), at: channel.now + 700)
        let findings = try channel.agent.audit(at: channel.now + 800).filter { $0.kind == .leaseOversubscribed }
        #expect(findings.count == 1)
        #expect(findings.first?.evidence.filter { $0.role == .lease }.map(\.object).sorted() == [first.compact, signed.compact].sorted())
    }

    @Test func aSiteThatGrantsOneLeaseTooManyIsFoundAndTheFindingRechecks() throws {
        let site = try Site(seats: 1)
        let channel = site.channel
        let a = try TestMachine(), b = try TestMachine()
        let lease = try channel.lease(channel.ask(a, .lease, at: channel.now, server: site.node))
        try plantLease(site, serial: lease.payload.serial, machine: b, at: channel.now + 30)
        try channel.agent.ingestSiteLog(site.node.exportSiteLog(at: channel.now + 100), at: channel.now + 200)
        let findings = try channel.agent.audit(at: channel.now + 300).filter { $0.kind == .leaseOversubscribed }
        let finding = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(finding.node == site.key.publicKey.thumbprint)
        #expect(finding.evidence.filter { $0.role == .lease }.count == 2)
        try FindingCheck(anchor: channel.anchor).check(finding)
        // Evidence cut to one lease proves nothing.
        var cut = finding
        cut.evidence.removeAll { $0.role == .lease && $0.object == lease.compact }
        #expect(throws: NodeError.self) { try FindingCheck(anchor: channel.anchor).check(cut) }
        // The site's leases sync up with the agent's log; the root finds the same, naming only the site.
        try SyncLink(child: channel.agent, parent: channel.root).sync(at: channel.now + 400)
        let atRoot = try channel.root.audit(at: channel.now + 500)
        #expect(atRoot.filter { $0.kind == .leaseOversubscribed }.map(\.node) == [site.key.publicKey.thumbprint])
        #expect(!atRoot.contains { $0.node == channel.agentKey.publicKey.thumbprint || $0.node == channel.root.identity.keyID })
    }

    @Test func aSiteLogThatIsForgedOrRewrittenIsRefusedAndNothingIsStored() throws {
        let site = try Site()
        let channel = site.channel
        _ = try channel.ask(try TestMachine(), .lease, at: channel.now, server: site.node)
        let export = try site.node.exportSiteLog(at: channel.now + 10)
        let size = try channel.agent.logSize()
        // Entries that are not what the checkpoint signs.
        var dropped = export
        dropped.entries.removeLast()
        #expect((try #require(throws: NodeError.self) { try channel.agent.ingestSiteLog(dropped, at: channel.now + 20) }).code == .invalidRequest)
        // A log from a key no site activation of the agent binds.
        let stranger = LicensingNode(identity: NodeIdentity(name: "x", key: try Ed25519PrivateKey(), anchor: channel.anchor),
                                     store: try NodeStore(database: SQLiteDatabase(path: ":memory:")))
        #expect((try #require(throws: NodeError.self) { try channel.agent.ingestSiteLog(try stranger.exportSiteLog(at: channel.now), at: channel.now + 20) }).code == .unauthorized)
        #expect(try channel.agent.logSize() == size)
        // Taken in once, a rewritten log (the same site key, a different lease at entry 1) is refused.
        try channel.agent.ingestSiteLog(export, at: channel.now + 30)
        let taken = try channel.agent.logSize()
        let fork = LicensingNode(identity: NodeIdentity(name: "site", key: site.key, anchor: channel.anchor),
                                 store: try NodeStore(database: SQLiteDatabase(path: ":memory:")))
        let request = try TestMachine(key: site.key, platform: "site").request(.site, license: channel.license, at: channel.now + 40)
        try fork.bindSite(channel.agent.handleMachineRequest(request, at: channel.now + 40, offline: true), at: channel.now + 40)
        _ = try channel.ask(try TestMachine(), .lease, at: channel.now + 41, server: fork)
        let rewritten = try #require(throws: NodeError.self) { try channel.agent.ingestSiteLog(try fork.exportSiteLog(at: channel.now + 50), at: channel.now + 60) }
        #expect(rewritten.code == .logConflict)
        #expect(try channel.agent.logSize() == taken)
    }
}

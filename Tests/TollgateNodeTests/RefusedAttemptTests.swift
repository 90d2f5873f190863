import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
@testable import TollgateNode
import TollgateTestSupport
import TollgateWire

/// A refused activation or lease leaves one signed `activation-refused` record in the refusing
/// node's log and nothing else; past the hourly cap the refusals are counted and summarized.
@Suite struct RefusedAttemptTests {
    func licensed(seats: UInt64 = 1) throws -> (Channel, String) {
        let channel = try Channel()
        try channel.wire()
        var sale = channel.sale("Muster GmbH", seats: seats)
        sale.territory = ["AT", "DE"]
        let file = try channel.regional.issue(sale, at: channel.now)
        return (channel, JWS.hash(of: file.license))
    }

    /// The refusals in `node`'s log from `start` on.
    func refusals(_ node: LicensingNode, from start: UInt64 = 0) throws -> [SignedActivationRefusal] {
        try node.logEntries(in: start..<node.logSize()).filter { $0.kind == LogEntryKind.activationRefused.rawValue }
            .map { try SignedActivationRefusal(compact: String(decoding: $0.bytes, as: UTF8.self)) }
    }

    /// What a refusal must leave unchanged: the log but for the refusal, the activations.
    struct Snapshot: Equatable {
        var entries: [String]
        var activations: [String]
        init(_ node: LicensingNode) throws {
            entries = try node.logEntries(in: 0..<node.logSize()).filter { $0.kind != LogEntryKind.activationRefused.rawValue }.map { $0.kind + ":" + Base64URL.encode($0.bytes) }
            activations = try node.activationRecords().map(\.activation.hash)
        }
    }

    @Test func aTakenSeatIsLoggedAsAnOverActivationAttemptAndNothingElseChanges() throws {
        let (channel, license) = try licensed(seats: 1)
        let node = channel.regional
        _ = try node.handleMachineRequest(try TestMachine().request(.activate, license: license, at: channel.now), at: channel.now)
        let before = try Snapshot(node)
        let size = try node.logSize()
        let intruder = try TestMachine()
        let request = try intruder.request(.activate, license: license, at: channel.now + 5)
        #expect(throws: NodeError.self) { _ = try node.handleMachineRequest(request, at: channel.now + 5) }
        #expect(try Snapshot(node) == before)
        #expect(try node.logSize() == size + 1)
        let logged = try refusals(node, from: size)
        let refusal = try #require(logged.first)
        #expect(refusal.payload.code == NodeError.Code.seatsInUse.rawValue)
        #expect(refusal.payload.attempt == .activation)
        #expect(refusal.payload.license == license)
        #expect(refusal.payload.customer == "Muster GmbH")
        #expect(refusal.payload.serial != nil)
        #expect(refusal.payload.machine == (try Ed25519PublicKey(rawRepresentation: Base64URL.decode(intruder.machineKey))).thumbprint)
        #expect(refusal.payload.country == intruder.country)
        #expect(refusal.jws.isSigned(by: node.identity.key.publicKey))
    }

    @Test func aForeignCountryAndAForgedLicenseAreLoggedWithTheirRules() throws {
        let (channel, license) = try licensed(seats: 2)
        let node = channel.regional
        let size = try node.logSize()
        let abroad = try TestMachine(country: "CH")
        #expect(throws: NodeError.self) { _ = try node.handleMachineRequest(try abroad.request(.activate, license: license, at: channel.now), at: channel.now) }
        let forged = Base64URL.encode(Array(repeating: 7, count: 32))
        #expect(throws: NodeError.self) { _ = try node.handleMachineRequest(try TestMachine().request(.activate, license: forged, at: channel.now), at: channel.now) }
        // Not even a signed request: not an attempt, not logged.
        #expect(throws: NodeError.self) { _ = try node.handleMachineRequest("{not a request", at: channel.now) }
        let logged = try refusals(node, from: size)
        #expect(logged.map(\.payload.code) == [VerificationError.Rule.activationOutsideTerritory.rawValue, NodeError.Code.notFound.rawValue])
        #expect(logged[0].payload.country == "CH")
        #expect(logged[1].payload.license == forged && logged[1].payload.serial == nil && logged[1].payload.customer == nil)
        #expect(try node.activationRecords().isEmpty)
        #expect(try node.logSize() == size + 2)
    }

    @Test func pastTheHourlyCapRefusalsAreCountedAndSummarizedOncePerHour() throws {
        let (channel, license) = try licensed(seats: 1)
        let node = channel.regional
        _ = try node.handleMachineRequest(try TestMachine().request(.activate, license: license, at: channel.now), at: channel.now)
        let hour = channel.now - channel.now % 3_600, cap = LicensingNode.refusalsLoggedPerHour
        let size = try node.logSize()
        for offset in 0..<Int64(cap + 7) {
            let time = channel.now + offset % (hour + 3_600 - channel.now)
            #expect(throws: NodeError.self) { _ = try node.handleMachineRequest(try TestMachine().request(.activate, license: license, at: time), at: time) }
        }
        #expect(try refusals(node, from: size).count == Int(cap))
        // The next hour's first refusal logs the last hour's summary before itself.
        let later = hour + 3_600 + 5
        let abroad = try TestMachine(country: "CH")
        #expect(throws: NodeError.self) { _ = try node.handleMachineRequest(try abroad.request(.activate, license: license, at: later), at: later) }
        let logged = try refusals(node, from: size)
        #expect(logged.count == Int(cap) + 2)
        let summary = logged[Int(cap)].payload
        #expect(summary.code == ActivationRefusal.summaryCode && summary.hour == hour)
        #expect(summary.suppressed == [.init(attempt: .activation, code: NodeError.Code.seatsInUse.rawValue, count: 7)])
        #expect(logged[Int(cap) + 1].payload.code == VerificationError.Rule.activationOutsideTerritory.rawValue)
        // The audit reads the records as valid objects: no invalid-object finding.
        try SyncLink(child: channel.regional, parent: channel.general).sync(at: later + 10)
        try SyncLink(child: channel.general, parent: channel.root).sync(at: later + 10)
        #expect(try channel.root.audit(at: later + 20).filter { $0.kind == .invalidObject }.isEmpty)
    }

    @Test func aLeaseRefusedForWantOfAFreeSeatIsAnOverLeasingAttempt() throws {
        let channel = try FloatingChannel(seats: 1)
        _ = try channel.ask(try TestMachine(), .lease, at: channel.now)
        let size = try channel.agent.logSize()
        #expect(throws: NodeError.self) { _ = try channel.ask(try TestMachine(), .lease, at: channel.now + 1) }
        let logged = try refusals(channel.agent, from: size)
        #expect(logged.map(\.payload.attempt) == [.lease])
        #expect(logged.map(\.payload.code) == [NodeError.Code.noSeatFree.rawValue])
        #expect(try channel.agent.logSize() == size + 1)
    }

    /// A refusal record that breaks the object's rules (signed by hand, as no honest node signs it)
    /// is an invalid object at the root, like any other kind, and no report counts it.
    @Test func aMalformedRefusalFromAChildIsAnInvalidObjectFinding() throws {
        let (channel, _) = try licensed()
        let node = channel.regional, now = channel.now
        let bad = ActivationRefusal(iss: node.identity.keyID, attempt: .activation, code: "seats_in_use", country: "de", iat: now, jti: UUID().uuidString)
        let signed = try SignedActivationRefusal.signUnchecked(bad, with: node.identity.key)
        #expect(throws: VerificationError.self) { _ = try SignedActivationRefusal(compact: signed.compact) }
        _ = try node.store.log.append(kind: LogEntryKind.activationRefused.rawValue, bytes: Array(signed.compact.utf8), at: now)
        try SyncLink(child: node, parent: channel.general).sync(at: now + 10)
        try SyncLink(child: channel.general, parent: channel.root).sync(at: now + 10)
        let findings = try channel.root.audit(at: now + 20).filter { $0.kind == .invalidObject }
        #expect(findings.count == 1 && findings.first?.node == node.identity.keyID, "\(findings.map(\.summary))")
        for finding in findings { try FindingCheck(anchor: channel.anchor).check(finding) }
        #expect(try channel.root.report("piracy", at: now + 30).piracy?.last?.refused == 0)
    }

    /// A flood that stops still reaches the parent with its counts: the next push logs the summary
    /// of the hour that left refusals out, and only once.
    @Test func theNextPushAfterTheHourLogsItsSummary() throws {
        let (channel, license) = try licensed(seats: 1)
        let node = channel.regional, now = channel.now
        _ = try node.handleMachineRequest(try TestMachine().request(.activate, license: license, at: now), at: now)
        let size = try node.logSize()
        for _ in 0..<Int(LicensingNode.refusalsLoggedPerHour + 3) {
            #expect(throws: NodeError.self) { _ = try node.handleMachineRequest(try TestMachine().request(.activate, license: license, at: now), at: now) }
        }
        _ = try node.makePush(at: now + 60)
        #expect(try refusals(node, from: size).count == Int(LicensingNode.refusalsLoggedPerHour))
        let later = RefusedAttempts.hourStart(now) + 3_600
        _ = try node.makePush(at: later)
        _ = try node.makePush(at: later + 60)
        let summaries = try refusals(node, from: size).filter { $0.payload.code == ActivationRefusal.summaryCode }
        #expect(summaries.map(\.payload.count) == [3])
    }
}

import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateNode
import TollgateTestSupport
import TollgateWire

/// A metered license sold by the regional agent, one machine activated on it, and the root above,
/// linked by the production sync round.
struct MeteredChannel {
    let channel: Channel
    let license: LicenseFile
    let lineage: String
    let machine: TestMachine
    let activation: String
    var now: Int64 { channel.now }

    init(overage: Metering.Overage = .allow(percent: 150), allowance: Int64 = 100, seats: UInt64 = 2) throws {
        channel = try Channel()
        try channel.wire(models: ["metered", "perpetual", "subscription"])
        var sale = channel.sale("Zähler AG", seats: seats)
        sale.model = License.meteredModel
        sale.exp = channel.now + 365 * 86_400
        sale.metering = Metering(allowance: [MeteredFeature(feature: "render", units: allowance)], unitPrice: Price(currency: "EUR", amount: 2),
                                 overage: overage)
        license = try channel.regional.issue(sale, at: channel.now)
        lineage = JWS.hash(of: license.license)
        machine = try TestMachine()
        let receipt = try channel.regional.handleMachineRequest(try machine.request(.activate, license: lineage, at: channel.now), at: channel.now)
        activation = JWS.hash(of: receipt.activation)
    }

    /// `units.count` records of `machine` after `head` (a new chain when nil).
    func records(_ units: [Int64], after head: SignedUsageRecord? = nil, machine: TestMachine? = nil, activation: String? = nil,
                 feature: String = "render", at time: Int64? = nil) throws -> [SignedUsageRecord] {
        try (machine ?? self.machine).usageChain(license: lineage, after: head.map { ($0.payload.seq, $0.hash) } ?? (0, activation ?? self.activation),
                                                 units: units, feature: feature, at: time ?? now + 60)
    }

    @discardableResult
    func upload(_ records: [SignedUsageRecord], at time: Int64? = nil) throws -> UsageUploadResult {
        try channel.regional.receiveUsage(UsageUpload(records: records.map(\.compact)), at: time ?? now + 120)
    }

    func syncUp(at time: Int64) throws {
        try SyncLink(child: channel.regional, parent: channel.general).sync(at: time)
        try SyncLink(child: channel.general, parent: channel.root).sync(at: time + 1)
    }
}

@Suite struct MeteredUseTests {
    @Test func aMeteredLicenseCarriesItsMeteringAndVerifies() throws {
        let metered = try MeteredChannel()
        let verified = try LicenseVerifier(anchor: metered.channel.anchor).verify(metered.license, at: metered.now)
        let metering = try #require(verified.license.payload.metering)
        #expect(metering.allowance(of: "render") == 100)
        #expect(metering.ceiling(of: "render") == 150)
        #expect(metering.overageText == "allow:1.5")
    }

    @Test func aChildNeverGetsTheMeteredModelItsParentLacks() throws {
        let channel = try Channel()
        try channel.wire()
        var toRegional = channel.request(to: channel.regional, count: 10)
        toRegional.countries = ["DE"]
        toRegional.models = ["metered"]
        do {
            _ = try channel.general.delegate(toRegional, at: channel.now)
            Issue.record("a child got the metered model its parent lacks")
        } catch {
            #expect(error.rule == .modelsWidened)
        }
        var sale = channel.sale("Zähler AG")
        sale.model = License.meteredModel
        sale.exp = channel.now + 86_400
        sale.metering = Metering(allowance: [MeteredFeature(feature: "render", units: 10)], unitPrice: Price(currency: "EUR", amount: 2), overage: .bill)
        do {
            _ = try channel.regional.issue(sale, at: channel.now)
            Issue.record("a metered license was sold under a certificate without metered")
        } catch {
            #expect(error.rule == .modelNotAllowed)
        }
    }

    @Test func anUploadLogsTheNewRecordsAndAReUploadChangesNothing() throws {
        let metered = try MeteredChannel()
        let records = try metered.records([10, 20, 30])
        let sizeBefore = try metered.channel.regional.logSize()
        let first = try metered.upload(records)
        #expect(first.accepted == 3 && first.duplicates == 0 && first.forked.isEmpty)
        let receipt = try SignedUsageReceipt(compact: first.receipt)
        #expect(receipt.jws.isSigned(by: metered.channel.regional.identity.key.publicKey))
        #expect(receipt.payload.seq == 3 && receipt.payload.head == records[2].hash)
        #expect(receipt.payload.logIndex == sizeBefore + 2)
        let entry = try metered.channel.regional.logEntries(in: receipt.payload.logIndex..<(receipt.payload.logIndex + 1))[0]
        #expect(entry.kind == "usage-recorded" && entry.bytes == Array(records[2].compact.utf8))

        let again = try metered.upload(records)
        #expect(again.accepted == 0 && again.duplicates == 3)
        #expect(try metered.channel.regional.logSize() == sizeBefore + 3)
        #expect(try SignedUsageReceipt(compact: again.receipt).payload.head == records[2].hash)
        // The rest of the chain, sent with what was sent before.
        let more = try metered.records([5], after: records[2])
        let next = try metered.upload(records + more)
        #expect(next.accepted == 1 && next.duplicates == 3)
    }

    @Test func badUploadsAreRefusedEachWithItsErrorAndNothingIsStored() throws {
        let metered = try MeteredChannel()
        let regional = metered.channel.regional
        let records = try metered.records([1, 2, 3])
        try metered.upload([records[0]])
        let plain = try regional.issue(metered.channel.sale("Pauschal GmbH"), at: metered.now)
        let size = try regional.logSize()
        func refused(_ upload: UsageUpload, _ code: NodeError.Code, rule: VerificationError.Rule? = nil, _ comment: Comment) {
            do {
                _ = try regional.receiveUsage(upload, at: metered.now + 200)
                Issue.record("accepted: \(comment)")
            } catch {
                #expect(error.code == code, comment)
                if let rule { #expect(error.rule == rule, comment) }
            }
            #expect((try? regional.logSize()) == size, comment)
        }
        refused(UsageUpload(records: [records[2].compact]), .usageOutOfSequence, rule: .usageOutOfSequence, "a gap: record 3 after record 1")
        refused(UsageUpload(records: []), .invalidRequest, "an empty upload")
        refused(UsageUpload(records: ["not.a.jws"]), .invalidRequest, "a record that is not a JWS")

        let stranger = try TestMachine()
        let strangers = try metered.records([4], machine: stranger, activation: metered.activation)
        refused(UsageUpload(records: strangers.map(\.compact)), .notFound, "a machine never activated for the license")

        let forged = try SignedUsageRecord.sign(UsageRecord(license: metered.lineage, machineKey: metered.machine.machineKey, seq: 2, prev: records[0].hash,
                                                            feature: "render", units: 9, iat: metered.now + 60), with: stranger.key)
        refused(UsageUpload(records: [forged.compact]), .unauthorized, rule: .badSignature, "a record not signed by the machine it names")

        let plainHash = JWS.hash(of: plain.license)
        let onPlain = try metered.machine.usageChain(license: plainHash, after: (0, metered.activation), units: [1], at: metered.now + 60)
        refused(UsageUpload(records: onPlain.map(\.compact)), .ruleViolation, rule: .notMetered, "a license that is not metered")

        let elsewhere = try metered.machine.usageChain(license: Base64URL.encode(SHA256Digest.hash(Array("other".utf8))), after: (0, metered.activation),
                                                       units: [1], at: metered.now + 60)
        refused(UsageUpload(records: elsewhere.map(\.compact)), .notFound, "a license this node did not issue")

        let export = try metered.records([1], after: records[0], feature: "export")
        refused(UsageUpload(records: export.map(\.compact)), .ruleViolation, rule: .notMetered, "a feature the license does not meter")

        let mixed = [records[1].compact] + strangers.map(\.compact)
        refused(UsageUpload(records: mixed), .invalidRequest, rule: .usageMismatch, "two machines' records in one upload")
    }

    @Test func theRootBillsEachRecordOnceWithOveragePriced() throws {
        let metered = try MeteredChannel()
        let records = try metered.records([60, 50, 30])  // 140 of an allowance of 100: 40 over
        try metered.upload(Array(records.prefix(2)))
        try metered.syncUp(at: metered.now + 300)
        try metered.upload(records)  // sent again, with the third
        try metered.upload(records)
        try metered.syncUp(at: metered.now + 600)
        try metered.syncUp(at: metered.now + 900)
        let report = try metered.channel.root.report("usage", query: .init(period: MonthPeriod.of(metered.now + 60)), at: metered.now + 1_000)
        let row = try #require(report.usage?.first)
        #expect(report.usage?.count == 1)
        #expect(row.customer == "Zähler AG" && row.feature == "render" && row.machines == 1 && row.records == 3)
        #expect(row.units == 140 && row.allowance == 100 && row.overageUnits == 40)
        #expect(row.currency == "EUR" && row.unitPrice == 2 && row.overagePrice == 80)
        let total = try #require(report.usageTotals?.first)
        #expect(report.usageTotals?.count == 1)
        #expect(total.period == row.period && total.currency == "EUR" && total.units == 140 && total.overageUnits == 40 && total.overagePrice == 80)
        let otherMonth = try metered.channel.root.report("usage", query: .init(period: "2020-01"), at: metered.now + 1_000)
        #expect(otherMonth.usage == [])
        #expect(throws: NodeError.self) { try metered.channel.root.report("usage", query: .init(period: "2026-13"), at: metered.now) }
    }

    /// Renewal risk reads metered use: a license whose machines used, in the last whole month, less
    /// than half of the month before is `falling_use`, with both figures.
    @Test func renewalRiskListsAMeteredLicenseWhoseUseFellByHalf() throws {
        let metered = try MeteredChannel()
        let first = try metered.records([60, 40])  // 100 units in the month of the sale
        try metered.upload(first)
        let nextMonth = TimeText.startOfNextMonth(after: metered.now) + 86_400
        try metered.syncUp(at: nextMonth - 600)
        try metered.upload(try metered.records([15, 5], after: first.last, at: nextMonth), at: nextMonth + 60)  // 20 the month after
        try metered.syncUp(at: nextMonth + 120)
        let monthAfter = TimeText.startOfNextMonth(after: nextMonth) + 86_400
        let report = try metered.channel.root.report("renewals", query: .init(at: monthAfter, days: 30), at: monthAfter)
        let row = try #require(report.renewalRisk?.first { $0.state == "falling_use" }, "\(report.renewalRisk ?? [])")
        #expect(row.unitsBefore == 100 && row.unitsLast == 20 && row.license == metered.lineage && row.customer == "Zähler AG")
        #expect(report.renewalRiskTotals?.contains { $0.state == "falling_use" && $0.subscriptions == 1 } == true)
        // Inside the month after the sale, the months compared are the one before the sale (nothing) and the sale's: no fall.
        let early = try metered.channel.root.report("renewals", query: .init(at: nextMonth + 200, days: 30), at: nextMonth + 200)
        #expect(early.renewalRisk?.contains { $0.state == "falling_use" } == false)
    }

    @Test func aRolledBackMachineForksItsChainAndTheAuditProvesIt() throws {
        let metered = try MeteredChannel()
        let records = try metered.records([10, 20, 30])
        try metered.upload(records)
        // Restored from a snapshot holding only record 1, the machine records again.
        let rerecorded = try metered.records([5, 5], after: records[0], at: metered.now + 500)
        let result = try metered.upload([records[0]] + rerecorded)
        #expect(result.forked == [rerecorded[0].hash])
        #expect(result.accepted == 0 && result.duplicates == 1)
        #expect(try SignedUsageReceipt(compact: result.receipt).payload.head == records[2].hash)
        try metered.syncUp(at: metered.now + 900)
        let findings = try metered.channel.root.audit(at: metered.now + 1_000)
        let fork = try #require(findings.first { $0.kind == .usageFork })
        #expect(fork.node == metered.machine.key.publicKey.thumbprint)
        #expect(![metered.channel.regional, metered.channel.general, metered.channel.root].map(\.identity.keyID).contains(fork.node))
        try FindingCheck(anchor: metered.channel.anchor).check(fork)
        // The fork's record is evidence, not use: the bill holds the logged chain.
        let report = try metered.channel.root.report("usage", at: metered.now + 1_000)
        #expect(report.usage?.first?.units == 60)
        // Doctored evidence does not prove a fork.
        var doctored = fork
        doctored.evidence.removeAll { $0.role == .usageRecord && $0.object == rerecorded[0].compact }
        doctored.evidence.append(AuditEvidence(role: .usageRecord, object: records[1].compact))
        #expect(throws: NodeError.self) { try FindingCheck(anchor: metered.channel.anchor).check(doctored) }
    }

    @Test func useBeyondARefusingAllowanceIsAFindingNamingTheMachine() throws {
        let metered = try MeteredChannel(overage: .refuse, allowance: 50)
        try metered.upload(try metered.records([30, 30]))  // a tampered machine: 60 of 50
        try metered.syncUp(at: metered.now + 300)
        let findings = try metered.channel.root.audit(at: metered.now + 400)
        let beyond = try #require(findings.first { $0.kind == .usageBeyondAllowance })
        #expect(beyond.node == metered.machine.key.publicKey.thumbprint)
        try FindingCheck(anchor: metered.channel.anchor).check(beyond)

        let billed = try MeteredChannel(overage: .bill, allowance: 50)
        try billed.upload(try billed.records([30, 30]))
        try billed.syncUp(at: billed.now + 300)
        #expect(try billed.channel.root.audit(at: billed.now + 400).allSatisfy { $0.kind != .usageBeyondAllowance })
    }

    @Test func aReceiptWhoseHeadTheAgentDidNotLogIsFound() throws {
        let metered = try MeteredChannel()
        let records = try metered.records([10, 20])
        let honest = try metered.upload(records)
        // An agent that signed a receipt for a head it then left out of its log: the receipt names
        // a position that holds something else (here, the license's own entry).
        let licenseIndex = try SignedLicense(compact: metered.license.license).payload.logIndex
        let claim = UsageReceipt(iss: metered.channel.regional.identity.keyID, license: metered.lineage, machineKey: metered.machine.machineKey,
                                 seq: 3, head: Base64URL.encode(SHA256Digest.hash(Array("dropped".utf8))), logIndex: licenseIndex,
                                 iat: metered.now + 130, jti: "dropped")
        let dropped = try SignedUsageReceipt.sign(claim, with: metered.channel.regional.identity.key)
        try metered.syncUp(at: metered.now + 300)
        let root = metered.channel.root
        #expect(try root.observe(Observation(kind: .usageReceipt, object: honest.receipt, license: metered.license), at: metered.now + 310))
        #expect(try root.observe(Observation(kind: .usageReceipt, object: dropped.compact, license: metered.license), at: metered.now + 310))
        let findings = try root.audit(at: metered.now + 400).filter { $0.kind == .unloggedUsage }
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding.node == metered.channel.regional.identity.keyID)
        #expect(finding.evidence.contains { $0.object == dropped.compact })
        try FindingCheck(anchor: metered.channel.anchor).check(finding)
        // A receipt signed by someone else is refused as an observation.
        let stranger = try Ed25519PrivateKey()
        var forgedClaim = claim
        forgedClaim.iss = stranger.publicKey.thumbprint
        let forged = try SignedUsageReceipt.sign(forgedClaim, with: stranger)
        #expect(throws: NodeError.self) {
            try root.observe(Observation(kind: .usageReceipt, object: forged.compact, license: metered.license), at: metered.now + 320)
        }
    }

    @Test func aRecordLoggedWithoutItsPredecessorIsAGapNamingTheLoggingNode() throws {
        let metered = try MeteredChannel()
        let records = try metered.records([10, 20, 30])
        try metered.upload([records[0]])
        // An agent that dropped record 2 and logged record 3 by hand.
        _ = try metered.channel.regional.store.log.append(kind: "usage-recorded", bytes: Array(records[2].compact.utf8), at: metered.now + 150)
        try metered.syncUp(at: metered.now + 300)
        let gap = try #require(try metered.channel.root.audit(at: metered.now + 400).first { $0.kind == .usageGap })
        #expect(gap.node == metered.channel.regional.identity.keyID)
        try FindingCheck(anchor: metered.channel.anchor).check(gap)
    }
}

import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
@testable import TollgateNode
import TollgateTestSupport
import TollgateWire

/// The `piracy` report at the root, from the refusals the regional agent logged and synced and
/// the findings the root holds: per node in tree order, with each count's rule.
@Suite struct PiracyReportTests {
    @Test func refusalsAndFindingsAreCountedPerNodeInTreeOrder() throws {
        let channel = try Channel()
        try channel.wire()
        let regional = channel.regional, now = channel.now
        var sale = channel.sale("Muster GmbH", seats: 1)
        sale.territory = ["DE"]
        let license = JWS.hash(of: try regional.issue(sale, at: now).license)
        _ = try regional.handleMachineRequest(try TestMachine().request(.activate, license: license, at: now), at: now)
        for time in [now + 1, now + 2] {
            #expect(throws: NodeError.self) { _ = try regional.handleMachineRequest(try TestMachine().request(.activate, license: license, at: time), at: time) }
        }
        #expect(throws: NodeError.self) {
            _ = try regional.handleMachineRequest(try TestMachine(country: "AT").request(.activate, license: license, at: now + 3), at: now + 3)
        }
        // Before the sync the root sees none of them.
        #expect(try channel.root.report("piracy", at: now + 5).piracy?.allSatisfy { $0.refused == 0 } == true)
        try SyncLink(child: regional, parent: channel.general).sync(at: now + 10)
        try SyncLink(child: channel.general, parent: channel.root).sync(at: now + 10)
        let regionalID = regional.identity.keyID
        for kind: AuditFinding.Kind in [.overActivation, .invalidObject, .hiddenIssuance] {
            _ = try channel.root.store.insertFinding(AuditFinding(kind: kind, node: regionalID, nodeName: "ra", summary: "planted \(kind)", evidence: [],
                                                                  detectedAt: now + 20))
        }

        let report = try channel.root.report("piracy", at: now + 30)
        let rows = try #require(report.piracy)
        #expect(rows.map(\.name) == ["root", "ga", "ra"])
        #expect(report.asOf.map(\.name) == rows.map(\.name))
        let ra = rows[2]
        #expect(ra.refused == 3 && ra.overActivationAttempts == 2 && ra.overLeasingAttempts == 0)
        #expect(ra.refusedByCode == [.init(key: "seats_in_use", count: 2), .init(key: "activation_outside_territory", count: 1)])
        #expect(ra.forgeries == 1 && ra.hiddenIssuance == 1 && ra.overActivationFindings == 1 && ra.leaseOversubscribedFindings == 0 && ra.openFindings == 3)
        #expect(rows[0].refused == 0 && rows[0].openFindings == 0 && rows[1].refused == 0)
        // The refusals one by one, newest first, with the license's serial and customer.
        let listed = try #require(report.refusals)
        #expect(listed.map(\.at) == [now + 3, now + 2, now + 1])
        #expect(listed.map(\.code) == ["activation_outside_territory", "seats_in_use", "seats_in_use"])
        #expect(listed.allSatisfy { $0.name == "ra" && $0.customer == "Muster GmbH" && $0.serial != nil && $0.license == license && $0.machine != nil })
        #expect(listed[0].country == "AT")

        // The window: only what happened in --from..--at counts, findings by their detection time.
        let early = try #require(try channel.root.report("piracy", query: ReportQuery(at: now + 2), at: now + 30).piracy?.last)
        #expect(early.refused == 2 && early.openFindings == 0)
        let late = try #require(try channel.root.report("piracy", query: ReportQuery(from: now + 3), at: now + 30).piracy?.last)
        #expect(late.refused == 1 && late.overActivationAttempts == 0 && late.openFindings == 3)
        // In JSON the figures read back as they were made.
        let decoded = try JSONDecoder().decode(ChannelReport.self, from: JSONEncoder().encode(report))
        #expect(decoded.piracy == rows && decoded.refusals == listed)
    }
}

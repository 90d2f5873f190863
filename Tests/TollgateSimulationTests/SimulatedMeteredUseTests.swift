import Foundation
import Testing
import TollgateCertificates
import TollgateNode
@testable import TollgateSimulation

/// Metered use in the simulator: the scenario keys, the customers' tally against the root's usage
/// report, the workload through the agents' usage route, and the restored machines' forks.
@Suite struct SimulatedMeteredUseTests {
    static func record(seq: UInt64, units: Int64, license: String = "L", at iat: Int64 = 1_780_000_000) -> UsageRecord {
        UsageRecord(license: license, machineKey: "m", seq: seq, prev: "p\(seq)", feature: "render", units: units, iat: iat)
    }

    /// A row of the root's `usage` report, as the report's JSON carries it.
    static func row(_ record: UsageRecord, node: String, units: Int64, records: Int) throws -> ChannelReport.UsageRow {
        let fields: [String: Any] = ["customer": "c", "license": record.license, "node": node, "period": record.period, "feature": record.feature,
                                     "machines": 1, "records": records, "units": units, "allowance": 150, "overageUnits": 0,
                                     "overageRule": "allow:1.5", "currency": "EUR", "unitPrice": 2, "overagePrice": 0, "saturated": false]
        return try JSONDecoder().decode(ChannelReport.UsageRow.self, from: JSONSerialization.data(withJSONObject: fields))
    }

    @Test func readsTheMeteredKeysAndGrantsMeteredOnlyWhenSold() throws {
        let scenario = try ScenarioParser(file: "t.sim").parse("""
            # Metered use.
            metered_share 0.3
            metered_allowance 250
            usage_rollback 0.2
            """, name: "t")
        #expect(scenario.meteredShare == 0.3)
        #expect(scenario.meteredAllowance == 250)
        #expect(scenario.usageRollbackShare == 0.2)
        #expect(scenario.grantsMetered)
        #expect(!Scenario(name: "p", summary: "p").grantsMetered)
        #expect(ChannelTerms.models(floating: false, metered: true).contains(License.meteredModel))
        #expect(!ChannelTerms.models(floating: true, metered: false).contains(License.meteredModel))
        #expect(throws: ScenarioError.self) { try ScenarioParser(file: "t.sim").parse("metered_share 1.5", name: "t") }
    }

    @Test func theTallyMatchesTheRootsBillOnlyRecordForRecord() throws {
        var tally = UsageTally()
        let first = Self.record(seq: 1, units: 20), second = Self.record(seq: 2, units: 5)
        tally.add(first, seller: "r1")
        tally.add(second, seller: "r1")
        #expect(tally.mismatches([try Self.row(first, node: "r1", units: 25, records: 2)], sellers: ["r1"]).isEmpty)
        // A unit billed twice, a record the root lacks, a bill for use nobody receipted.
        #expect(tally.mismatches([try Self.row(first, node: "r1", units: 26, records: 2)], sellers: ["r1"]).count == 1)
        #expect(tally.mismatches([try Self.row(first, node: "r1", units: 20, records: 1)], sellers: ["r1"]).count == 1)
        #expect(tally.mismatches([], sellers: ["r1"]).first?.contains("bills license L for render in \(first.period) nothing") == true)
        let stray = Self.record(seq: 1, units: 3, license: "K")
        #expect(tally.mismatches([try Self.row(first, node: "r1", units: 25, records: 2), try Self.row(stray, node: "r1", units: 3, records: 1)],
                                 sellers: ["r1"]).count == 1)
        // A seller the checker does not hold to the tally (a cheater's) is left out.
        #expect(tally.mismatches([try Self.row(stray, node: "r4", units: 3, records: 1)], sellers: ["r1"]).count == 1)
        #expect(tally.mismatches([try Self.row(first, node: "r1", units: 25, records: 2)], sellers: []).isEmpty)
    }

    @Test func meteredMachinesRecordUploadAndAreBilledAndEveryRestoredMachineIsNamed() throws {
        var options = SimulationOptions()
        options.keepTrace = true
        let report = try Simulation(scenario: try ScenarioFiles.load("metered-use.sim").forTests, seed: 1, options: options).run()
        #expect(report.passed, "\(ScenarioFiles.explain(report))")
        let statistics = report.nodes.map(\.statistics)
        #expect(statistics.reduce(0) { $0 + $1.usageRecords } > 100)
        #expect(statistics.reduce(0) { $0 + $1.usageRefusedOffline } > 0, "some machines reach the allowance's ceiling")
        let forks = statistics.reduce(0) { $0 + $1.usageForked }
        #expect(forks > 0)
        let named = report.findings.filter { $0.kind == AuditFinding.Kind.usageFork.rawValue }
        #expect(named.count == forks, "one usage_fork per restored machine: \(named.map(\.node))")
        #expect(named.allSatisfy { !$0.againstHonest })
        #expect(report.trace.contains { $0.contains("is restored from a snapshot") })
    }

    @Test func aForkTheCheckerWasNotToldOfFailsInvariantFour() throws {
        var options = SimulationOptions()
        options.hideRollbacksFromChecker = true
        let report = try Simulation(scenario: try ScenarioFiles.load("metered-use.sim").forTests, seed: 1, options: options).run()
        #expect(!report.passed)
        let four = try #require(report.invariants.first { $0.invariant == .cheatsFound })
        #expect(four.violations.contains { $0.contains("usage_fork against a machine that was not restored") }, "\(four.violations)")
    }
}

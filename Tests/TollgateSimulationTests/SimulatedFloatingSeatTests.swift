import Foundation
import Testing
import TollgateCertificates
@testable import TollgateSimulation

/// Floating seats in the simulator: the checker of the leases customers hold, the scenario keys,
/// the workload through the agents' lease servers, and the over-lease cheat taken for honest.
@Suite struct SimulatedFloatingSeatTests {
    /// A lease of `license` signed by a throwaway key, as a lease server would answer it.
    static func lease(_ serial: UInt64, machine: String, from nbf: Int64, to exp: Int64, license: String = "L") throws -> SignedLease {
        let payload = Lease(iss: "agent", license: license, serial: serial, machineKey: machine, nbf: nbf, exp: exp, kind: .lease,
                            jti: "\(machine)-\(nbf)", logIndex: UInt64(nbf))
        return try SignedLease.sign(payload, with: try Ed25519PrivateKeyFactory.make(7))
    }

    @Test func theLeaseBookTakesHeartbeatsAndReleasesAndCatchesTheLeaseBeyondN() throws {
        var book = LeaseBook(license: "L", seats: 1)
        #expect(book.acknowledge(try Self.lease(0, machine: "a", from: 0, to: 900)) == nil)
        // A heartbeat replaces a's lease; the release ends the replacement; b takes the serial.
        let renewed = try Self.lease(0, machine: "a", from: 300, to: 1_200)
        #expect(book.acknowledge(renewed) == nil)
        #expect(book.acknowledge(renewed) == nil, "an answer repeating a lease held changes nothing")
        book.release(renewed.hash, at: 400)
        #expect(book.acknowledge(try Self.lease(0, machine: "b", from: 500, to: 1_400)) == nil)
        // A third machine while b holds the only serial: one lease beyond N.
        let beyond = try #require(book.acknowledge(try Self.lease(1, machine: "c", from: 600, to: 1_500)))
        #expect(beyond.contains("2 unexpired leases"), "\(beyond)")
        // Two machines on one serial, within N in all.
        var two = LeaseBook(license: "L", seats: 2)
        #expect(two.acknowledge(try Self.lease(0, machine: "a", from: 0, to: 900)) == nil)
        let shared = try #require(two.acknowledge(try Self.lease(0, machine: "b", from: 100, to: 1_000)))
        #expect(shared.contains("leased to two machines"), "\(shared)")
        // After a's lease ends at its exp, its serial is b's.
        #expect(two.acknowledge(try Self.lease(1, machine: "c", from: 950, to: 1_800)) == nil)
    }

    @Test func readsTheFloatingKeysAndGrantsFloatingOnlyWhenUsed() throws {
        let scenario = try ScenarioParser(file: "t.sim").parse("""
            # Floating seats.
            floating_share 0.25
            floating_seats 4
            floating_lease 20m
            floating_borrow 2d
            """, name: "t")
        #expect(scenario.floatingShare == 0.25)
        #expect(scenario.floatingSeats == 4)
        #expect(scenario.floatingLeaseSeconds == 1_200)
        #expect(scenario.floatingBorrowSeconds == 2 * 86_400)
        #expect(scenario.grantsFloating)
        var plain = Scenario(name: "p", summary: "p")
        #expect(!plain.grantsFloating)
        #expect(!Cheat.randomPool(floating: false, trials: false).contains(.overLease))
        plain.adversaries.append(Scenario.Plant(node: .named("r1"), cheat: .overLease, at: Scenario.Moment(Scenario.day)))
        #expect(plain.grantsFloating)
    }

    @Test func floatingTeamsLeaseHeartbeatReleaseAndBorrowThroughTheirAgent() throws {
        var options = SimulationOptions()
        options.keepTrace = true
        let report = try Simulation(scenario: try ScenarioFiles.load("cheat-over-lease.sim").forTests, seed: 1, options: options).run()
        #expect(report.passed, "\(ScenarioFiles.explain(report))")
        let statistics = report.nodes.map(\.statistics)
        #expect(statistics.reduce(0) { $0 + $1.leased } > 20)
        #expect(statistics.reduce(0) { $0 + $1.heartbeats } > 20)
        #expect(statistics.reduce(0) { $0 + $1.released } > 5)
        #expect(statistics.reduce(0) { $0 + $1.refusals["no-seat-free", default: 0] } > 0, "teams are larger than their licenses")
        #expect(report.trace.contains { $0.contains("(borrow)") })
        #expect(report.trace.contains { $0.contains("crashes holding its lease") })
    }

    @Test func anOverLeaseTakenForHonestFailsTheLeaseInvariantNotOnlyTheAudit() throws {
        var options = SimulationOptions()
        options.hideCheatersFromChecker = true
        let report = try Simulation(scenario: try ScenarioFiles.load("cheat-over-lease.sim").forTests, seed: 1, options: options).run()
        #expect(!report.passed)
        let two = try #require(report.invariants.first { $0.invariant == .withinCertificates })
        #expect(two.violations.contains { $0.contains("over-leased") && $0.contains("2 unexpired leases") }, "\(two.violations)")
    }
}

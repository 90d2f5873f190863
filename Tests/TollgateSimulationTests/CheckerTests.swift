import Foundation
import Testing
@testable import TollgateSimulation

/// The checkers themselves: they fail when they should, and a failure says how to replay it.
@Suite struct CheckerTests {
    @Test func aCheaterTakenForHonestFailsInvariantFour() throws {
        var options = SimulationOptions()
        options.hideCheatersFromChecker = true
        let scenario = try ScenarioFiles.load("cheat-below-floor.sim").forTests
        let report = try Simulation(scenario: scenario, seed: 1, options: options).run()
        #expect(!report.passed)
        let four = try #require(report.invariants.first { $0.invariant == .cheatsFound })
        #expect(four.violations.contains { $0.contains("below_price_floor against honest") }, "\(four.violations)")
        #expect(report.trace.count > 0, "a failing run keeps its trace")
        #expect(report.summary().contains("replay: tollgate sim run"))
        #expect(report.summary().contains("--seed 1"))
    }

    @Test func forgedObjectsThatBreakARuleAreRejectedByTheVerifier() throws {
        for name in ["cheat-outside-countries.sim", "cheat-below-floor.sim", "cheat-activate-abroad.sim"] {
            let report = try Simulation(scenario: try ScenarioFiles.load(name).forTests, seed: 2).run()
            let one = try #require(report.invariants.first { $0.invariant == .verifierSound })
            #expect(one.passed, "\(name): \(one.violations)")
            #expect(report.plants.allSatisfy { $0.plantedAt != nil }, "\(name): the cheat was carried out")
        }
    }

    @Test func crashesLoseNothingAcknowledged() throws {
        let report = try Simulation(scenario: try ScenarioFiles.load("crash-loops.sim").forTests, seed: 3).run()
        #expect(report.passed, "\(ScenarioFiles.explain(report))")
        #expect(report.nodes.reduce(0) { $0 + $1.statistics.crashes } >= 10)
        let two = try #require(report.invariants.first { $0.invariant == .withinCertificates })
        #expect(two.checks > 100)
    }

    @Test func theTimelineShowsCutsCrashesLagCheatsAndFindings() throws {
        var scenario = try ScenarioFiles.load("cheat-backdate.sim").forTests
        scenario.crashes.append(Scenario.Crash(node: .named("r1"), at: Scenario.Moment(Scenario.day), downFor: Scenario.hour))
        scenario.partitions.append(Scenario.Partition(node: .named("r2"), direction: .both, start: Scenario.Moment(Scenario.day), length: 6 * Scenario.hour))
        let report = try Simulation(scenario: scenario, seed: 4).run()
        let svg = TimelinePicture(timeline: report.timeline, title: "backdate & <test>").svg()
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.contains("&lt;test&gt;"))
        #expect(svg.contains("#7f7f7f"), "a crash bar")
        #expect(svg.contains("#d62728\" opacity"), "a cut bar")
        #expect(svg.contains("<polyline"), "sync lag")
        #expect(svg.contains("<title>backdate</title>"), "the planted cheat")
        #expect(svg.contains("<title>backdating</title>"), "the finding")
        for node in report.timeline.nodes { #expect(svg.contains(">\(node)</text>")) }
    }

    @Test func theSummaryReportsEveryNodeAndTheRate() throws {
        let report = try Simulation(scenario: try ScenarioFiles.load("happy-path.sim").forTests, seed: 5).run()
        let summary = report.summary()
        for node in report.nodes { #expect(summary.contains(node.name)) }
        #expect(summary.contains("node-hours per wall second"))
        #expect(summary.contains("PASSED"))
        #expect(report.nodeHoursPerWallSecond > 0)
    }
}

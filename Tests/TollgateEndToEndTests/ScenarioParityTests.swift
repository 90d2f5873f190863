import Foundation
import Testing
import TollgateHTTPMessages
import TollgateNode
import TollgateSimulation
import TollgateWire

extension EndToEnd {
    /// One scenario through the simulator and through real `tollgate node serve` processes on
    /// loopback: every operator and machine call the simulation made is replayed against the real
    /// nodes and must get the same status; after both channels have synced up, the roots' quota
    /// reports and audits must agree.
    @Suite struct ScenarioParityTests {
        static let scenarioPath = TollgateBinary.packageRoot.appendingPathComponent("Simulations/parity.sim").path

        @Test func theSimulatorAndRealNodesAnswerTheSameScenarioAlike() throws {
            let scenario = try ScenarioParser.load(path: Self.scenarioPath)
            var options = SimulationOptions()
            // The simulated clocks start now, so the replayed calls fall inside the same windows.
            options.epoch = Int64(Date().timeIntervalSince1970)
            options.recordsTranscript = true
            let simulation = try Simulation(scenario: scenario, seed: 1, options: options)
            let report = try simulation.run()
            #expect(report.passed, "\(report.summary())")
            let transcript = simulation.transcript
            let sales = transcript.calls.filter { $0.endpoint == .issueLicense }.count
            let activations = transcript.calls.filter { $0.endpoint == .machineRequest || $0.endpoint == .answerOfflineRequest }.count
            #expect(sales >= 20 && activations >= 20, "\(sales) sales, \(activations) machine calls")

            let replay = try TranscriptReplay(transcript, label: "parity")
            for (index, (call, real)) in try replay.replay().enumerated() {
                #expect(real.status.code == call.response.status.code,
                        "call \(index), \(call.endpoint) at \(call.node): the simulator answered \(call.response.status.code) \(call.response.bodyText.prefix(300)), the real node \(real.status.code) \(real.bodyText.prefix(300))")
            }
            try replay.syncUp()

            let root = try #require(transcript.nodes.first { $0.parent == nil }).name
            let quota = try #require(Endpoint.report.target(["name": "quota"]))
            let simulated = try simulation.respond(to: HTTPRequest(method: .get, path: quota), at: root).decodeJSON(ChannelReport.self)
            let real = try #require(replay.clients[root]).get(quota).decodeJSON(ChannelReport.self)
            #expect(Self.rows(simulated) == Self.rows(real))
            #expect(Self.rows(real).contains { $0.issued > 0 && $0.activated > 0 })

            let audit = try #require(Endpoint.runAudit.target())
            let simulatedFindings = try simulation.respond(to: HTTPRequest(method: .post, path: audit), at: root).decodeJSON([AuditFinding].self)
            let realFindings = try #require(replay.clients[root]).send(.post, audit).decodeJSON([AuditFinding].self)
            #expect(simulatedFindings.map(\.kind.rawValue).sorted() == realFindings.map(\.kind.rawValue).sorted())
            replay.stop()
        }

        struct Row: Hashable, CustomStringConvertible {
            let name: String, allocated: UInt64, delegated: UInt64, issued: UInt64, activated: UInt64, returned: UInt64
            var description: String { "\(name): allocated \(allocated), delegated \(delegated), issued \(issued), activated \(activated), returned \(returned)" }
        }

        /// A quota report's rows by node name; the key ids differ between the two channels.
        static func rows(_ report: ChannelReport) -> [Row] {
            (report.quota ?? []).map {
                Row(name: $0.name, allocated: $0.allocated, delegated: $0.delegated, issued: $0.issued, activated: $0.activated, returned: $0.returned)
            }.sorted { $0.name < $1.name }
        }
    }
}

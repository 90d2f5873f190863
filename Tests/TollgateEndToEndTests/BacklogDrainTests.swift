import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateTestSupport

extension EndToEnd {
    /// An agent that sold while cut off comes back with a backlog far above its parent's body limit
    /// (`--max-body`): it pushes it in bounded segments, each acknowledged, and a SIGKILL in the
    /// middle of the drain costs nothing: restarted, it goes on from what the parent acknowledged.
    /// Before segmented pushes this backlog drew 413 forever.
    ///
    /// `TOLLGATE_LONG_TESTS=1` runs the version: 200,000 entries to a parent with the
    /// default limit (16 MiB). In CI, a 64 KiB limit and a few thousand entries.
    @Suite struct BacklogDrainTests {
        static let long = ProcessInfo.processInfo.environment["TOLLGATE_LONG_TESTS"] == "1"
        static let sales = long ? 200_000 : 3_000
        static let parentArguments = long ? [] : ["--max-body", String(64 << 10)]
        static let clientThreads = 3

        @Test func aBacklogAboveTheParentsBodyLimitDrainsAcrossAKill() throws {
            let scratch = try TemporaryDirectory("e2e-backlog")
            let (vendor, agent) = try AgentFixture.makeDirectories(in: scratch)

            // Cut off: the agent sells with no parent to push to.
            let offline = try NodeProcess(directory: URL(fileURLWithPath: agent))
            try Self.sell(Self.sales, at: offline)
            offline.expectCleanExit()

            let parent = try NodeProcess(directory: URL(fileURLWithPath: vendor), extraArguments: Self.parentArguments)
            let vendorAPI = try NodeAPIClient(baseURL: parent.baseURL, token: try parent.token, timeout: .seconds(120), maxResponseBody: 1 << 30)
            let syncing = ["--parent", parent.baseURL, "--sync-interval", "1"]
            let draining = try NodeProcess(directory: URL(fileURLWithPath: agent), extraArguments: syncing)
            // Killed once the parent holds part of the backlog, not all of it.
            var issuedAtKill: UInt64 = 0
            let started = ContinuousClock.now
            while ContinuousClock.now < started + .seconds(Self.long ? 600 : 60) {
                issuedAtKill = try Self.issued(at: vendorAPI)
                if issuedAtKill > 0 { break }
                Thread.sleep(forTimeInterval: 0.02)
            }
            draining.kill()
            #expect(issuedAtKill > 0, "the parent took none of the backlog: \(parent.log.suffix(2000)) \(draining.log.suffix(2000))")
            #expect(issuedAtKill < UInt64(Self.sales), "the drain ended before the kill: nothing was cut off")

            try draining.start()
            var issued: UInt64 = 0
            let restarted = ContinuousClock.now
            while ContinuousClock.now < restarted + .seconds(Self.long ? 1_800 : 120) {
                issued = try Self.issued(at: vendorAPI)
                if issued >= UInt64(Self.sales) { break }
                Thread.sleep(forTimeInterval: 0.2)
            }
            #expect(issued == UInt64(Self.sales), "the parent holds \(issued) of \(Self.sales) sales: \(draining.log.suffix(2000))")
            let findings = try vendorAPI.expect([Wire.Finding].self, status: 200, .post, "/v1/audit/runs")
            #expect(findings.map { "\($0.kind): \($0.summary)" } == [])
            // The parent holds the agent's log entry for entry: the counts match, nothing twice.
            let agentAPI = try NodeAPIClient(baseURL: draining.baseURL, token: try draining.token, timeout: .seconds(120), maxResponseBody: 1 << 30)
            let licenses = try agentAPI.expect([Wire.LicenseRow].self, status: 200, .get, "/v1/licenses")
            #expect(licenses.count == Self.sales)
            draining.expectCleanExit()
            parent.expectCleanExit()
        }

        /// The licenses the parent's quota report shows for the agent.
        static func issued(at vendor: NodeAPIClient) throws -> UInt64 {
            let report = try vendor.expect(Wire.QuotaReport.self, status: 200, .get, "/v1/reports/quota")
            return report.quota?.first { $0.name == "agent" }?.issued ?? 0
        }

        /// `count` sales at `node`, from a few client threads at once.
        static func sell(_ count: Int, at node: NodeProcess) throws {
            let baseURL = node.baseURL, token = try node.token
            let sale = try JSONSerialization.data(withJSONObject: AgentFixture.sale, options: [.sortedKeys])
            let threads = (0..<clientThreads).map { thread in
                Background { () -> String? in
                    do {
                        let api = try NodeAPIClient(baseURL: baseURL, token: token)
                        for _ in stride(from: thread, to: count, by: clientThreads) {
                            let response = try api.send(.post, "/v1/licenses", body: Array(sale), contentType: "application/json")
                            guard response.status.code == 201 else { return "a sale answered \(response.status.code): \(response.bodyText)" }
                        }
                        return nil
                    } catch {
                        return "\(error)"
                    }
                }
            }
            for thread in threads {
                let failure = thread.wait(timeout: .seconds(Self.long ? 1_800 : 120))
                #expect(failure == .some(nil), "a client thread failed or hung: \(String(describing: failure))")
            }
        }
    }
}

import Testing
import TollgateHTTP
@testable import TollgateService

/// What TollgateService adds to the API without a socket: the HTTP server's counters, written into
/// the API's `/metrics` exposition next to the request counters.
@Suite struct ServiceMetricsTests {
    @Test func theServersCountersShowInMetricsUnderTheNodesName() throws {
        let fixture = try APIFixture()
        var metrics = HTTPServerMetrics()
        metrics.openConnections = 3
        metrics.requestsServed = 7
        metrics.headCheckRefusals = 2
        metrics.rejections[.missingHost] = 5
        let served = metrics
        fixture.api.attach { exposition in served.write(to: &exposition) }
        let text = fixture.send(.get, "/metrics").bodyText
        for line in ["tollgate_http_open_connections{node=\"ga-test\"} 3", "tollgate_http_requests_served_total{node=\"ga-test\"} 7",
                     "tollgate_http_head_check_refusals_total{node=\"ga-test\"} 2",
                     "tollgate_http_rejections_total{node=\"ga-test\",reason=\"missing-host\"} 5",
                     "tollgate_requests_total{node=\"ga-test\",route=\"GET /metrics\"} 1"] {
            #expect(text.split(separator: "\n").contains { $0 == line }, "no line \(line) in\n\(text)")
        }
    }
}

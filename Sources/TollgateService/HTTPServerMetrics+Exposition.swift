import TollgateAPI
import TollgateHTTP
import TollgateHTTPMessages

extension HTTPServerMetrics {
    /// Writes the HTTP server's counters into a `/metrics` exposition.
    func write(to exposition: inout MetricsExposition) {
        exposition.family("tollgate_http_open_connections", "Connections open now.", type: "gauge",
                          samples: [([], UInt64(max(0, openConnections)))])
        exposition.family("tollgate_http_requests_served_total", "Requests answered by a handler.", type: "counter",
                          samples: [([], requestsServed)])
        exposition.family("tollgate_http_idle_closed_when_crowded_total", "Idle connections closed early because the server was crowded.",
                          type: "counter", samples: [([], crowdedConnectionsClosed)])
        exposition.family("tollgate_http_head_check_refusals_total", "Requests refused from their head, before the body was read.",
                          type: "counter", samples: [([], headCheckRefusals)])
        exposition.family("tollgate_http_body_bytes_in_flight", "Request body bytes buffered now.", type: "gauge",
                          samples: [([], UInt64(max(0, bodyBytesInFlight)))])
        exposition.family("tollgate_http_rejections_total", "Requests or connections the server refused itself, by rule.", type: "counter",
                          samples: rejections.sorted(by: { "\($0.key)" < "\($1.key)" }).map { ([("reason", "\($0.key)")], $0.value) })
    }
}

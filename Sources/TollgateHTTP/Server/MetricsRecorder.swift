import Synchronization

/// The server's counters behind a lock, updated from every connection thread.
final class MetricsRecorder: Sendable {
    private let counters = Mutex(HTTPServerMetrics())

    func update(_ body: (inout HTTPServerMetrics) -> Void) {
        counters.withLock { body(&$0) }
    }

    func recordRejection(_ reason: HTTPRejection.Reason) {
        counters.withLock { $0.rejections[reason, default: 0] += 1 }
    }

    func snapshot(openConnections: Int) -> HTTPServerMetrics {
        var metrics = counters.withLock { $0 }
        metrics.openConnections = openConnections
        return metrics
    }
}

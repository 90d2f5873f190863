import Dispatch
import Glibc

/// Runs an action (normally `HTTPServer.shutdown()`) when the process receives one of some signals,
/// through Dispatch signal sources. The signals' default action (termination) is replaced from `init` on;
/// Dispatch arms the sources asynchronously, so a signal arriving within moments of `init` may be lost.
public final class ShutdownSignalSource {
    private let sources: [any DispatchSourceSignal]

    /// Handles `signals` by calling `action` on a private serial queue, once per delivery (so `action`
    /// should be idempotent, as `HTTPServer.shutdown()` is).
    public init(signals: [CInt], action: @escaping @Sendable () -> Void) {
        let queue = DispatchQueue(label: "tollgate.http.shutdown-signals")
        sources = signals.map { number in
            // Ignoring the signal stops it from killing the process; the Dispatch source still sees it.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler(handler: action)
            source.resume()
            return source
        }
    }

    deinit {
        for source in sources { source.cancel() }
    }
}

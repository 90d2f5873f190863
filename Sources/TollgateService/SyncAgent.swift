import Foundation
import Synchronization
import TollgateAPI
import TollgateHTTP
import TollgateHTTPMessages
import TollgateNode

/// Runs a node's ``SyncRound`` with its parent over libcurl: once (`tollgate sync`), or on its own
/// thread with backoff and jitter (`tollgate node serve --parent`). The node is only touched through
/// the executor for short steps, so a sync never blocks issuing or activating.
public final class SyncAgent: Sendable {
    let executor: NodeExecutor
    let parentURL: String
    let configuration: HTTPClientConfiguration
    let clock: @Sendable () -> Int64
    let log: @Sendable (Event) -> Void
    private let stopping = Mutex(false)
    /// How large the next round's pushes may be: smaller after a push the parent did not answer in time.
    private let pace = Mutex(PushPace())
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    /// What the background loop tells the operator (on a node's standard error): each failed round
    /// with why and when the next one is, and the first success after failures.
    public enum Event: Sendable {
        case failed(reason: String, at: Int64, retryIn: Int64)
        case recovered(at: Int64, afterFailures: Int)
    }

    public init(executor: NodeExecutor, parentURL: String, caBundle: String? = nil, clock: @escaping @Sendable () -> Int64,
                log: @escaping @Sendable (Event) -> Void = { _ in }) {
        self.log = log
        self.executor = executor
        self.parentURL = parentURL.hasSuffix("/") ? String(parentURL.dropLast()) : parentURL
        var configuration = HTTPClientConfiguration()
        configuration.caBundlePath = caBundle
        self.configuration = configuration
        self.clock = clock
    }

    /// Starts the background loop: a round now, then every `schedule.interval` seconds, backing off after failures.
    public func start(schedule: SyncSchedule) {
        let thread = Thread { [self] in loop(schedule: schedule) }
        thread.name = "tollgate-sync"
        thread.start()
    }

    /// Stops the loop after the round in progress.
    public func stop() {
        stopping.withLock { $0 = true }
        wake.signal()
        finished.wait()
    }

    private func loop(schedule: SyncSchedule) {
        var schedule = schedule
        var generator = SystemRandomNumberGenerator()
        let client = Result { () throws(HTTPClientError) in try HTTPClient(configuration: configuration) }
        var failures = 0
        while !stopping.withLock({ $0 }) {
            let delay: Int64
            do {
                switch client {
                case .success(let client):
                    _ = try runOnce(client: client)
                case .failure(let error):
                    // Without libcurl no round can start; the node's operator reads why in its last sync failure.
                    let failure = SyncError(.unreachable, "libcurl could not be set up: \(error)")
                    try? SyncRound(executor: executor).recordFailure(failure, at: clock())
                    throw failure
                }
                delay = schedule.afterSuccess(draw: Double.random(in: 0..<1, using: &generator))
                if failures > 0 { log(.recovered(at: clock(), afterFailures: failures)) }
                failures = 0
            } catch {
                delay = schedule.afterFailure(draw: Double.random(in: 0..<1, using: &generator))
                failures += 1
                log(.failed(reason: (error as? SyncError)?.reason ?? "\(error)", at: clock(), retryIn: delay))
            }
            _ = wake.wait(timeout: .now() + .seconds(Int(delay)))
        }
        finished.signal()
    }

    /// One round: pull, then push. Throws when the parent cannot be reached, refuses, or refuses this
    /// node's own log; the failure is recorded at the node first.
    @discardableResult
    public func runOnce(client: HTTPClient) throws(SyncError) -> SyncRound.Outcome {
        var round = SyncRound(executor: executor, pushCeiling: pace.withLock { $0.ceiling })
        do {
            var request = try round.start(at: clock())
            while true {
                switch try round.receive(try send(request, with: client), at: clock()) {
                case .send(let next): request = next
                case .finished(let outcome):
                    pace.withLock { $0.roundEnded(in: round.phase, failure: nil) }
                    return outcome
                }
            }
        } catch {
            pace.withLock { $0.roundEnded(in: round.phase, failure: error) }
            try? round.recordFailure(error, at: clock())
            throw error
        }
    }

    /// Carries one request of the round to the parent.
    private func send(_ request: HTTPRequest, with client: HTTPClient) throws(SyncError) -> HTTPResponse {
        do {
            return try client.send(HTTPClientRequest(method: request.method, url: parentURL + request.target, headers: request.headers,
                                                     body: request.body))
        } catch {
            throw SyncError(.unreachable, "\(request.method) \(parentURL + request.target): \(error)")
        }
    }
}

import Foundation
import Synchronization

/// Work on a thread of its own (not the test's cooperative pool, which a blocking socket call would
/// starve), with a bounded wait for its result so a hung peer fails the test instead of hanging it.
public final class Background<Value: Sendable>: Sendable {
    private let result = Mutex<Value?>(nil)
    private let done = DispatchSemaphore(value: 0)

    public init(_ body: @escaping @Sendable () -> Value) {
        let thread = Thread { [self] in
            let value = body()
            result.withLock { $0 = value }
            done.signal()
        }
        thread.start()
    }

    /// The value, or nil when it was not ready within `timeout`.
    public func wait(timeout: Duration = .seconds(30)) -> Value? {
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        guard done.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .success else { return nil }
        return result.withLock { $0 }
    }
}

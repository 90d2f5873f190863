import Dispatch
import Synchronization

/// A value the ``MachineWorkshop``'s thread makes: filled once, on any thread; whoever needs it
/// waits if it is not ready yet.
final class WorkshopResult<Value: Sendable>: Sendable {
    private let value = Mutex<Value?>(nil)
    private let ready = DispatchSemaphore(value: 0)

    /// Sets the value; called once.
    func fill(_ made: Value) {
        value.withLock { $0 = made }
        ready.signal()
    }

    /// The value, waiting for it if need be.
    func wait() -> Value {
        if let done = value.withLock({ $0 }) { return done }
        ready.wait()
        ready.signal()
        return value.withLock { $0 }!
    }
}

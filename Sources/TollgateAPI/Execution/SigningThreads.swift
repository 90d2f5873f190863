import Foundation
import Synchronization

/// One signing thread per core for a node's executor. Plans are signed oldest first: a thread
/// takes the next unclaimed plan of the oldest ``LicenseSigning`` that has one, so the batch the
/// writer waits for is finished before the one planned behind it.
final class SigningThreads: Sendable {
    private struct State {
        var queue: [LicenseSigning] = []
        var stopping = false
    }

    private let state = Mutex(State())
    /// Counts plans submitted and not yet taken (plus one per thread at the stop).
    private let work = DispatchSemaphore(value: 0)
    private let ended = DispatchSemaphore(value: 0)
    let count: Int

    init(count: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.count = max(1, count)
        for number in 0..<self.count {
            let thread = Thread { [self] in run() }
            thread.name = "tollgate-signing-\(number)"
            thread.start()
        }
    }

    /// Queues `signing`'s plans behind those submitted earlier.
    func submit(_ signing: LicenseSigning) {
        guard !signing.plans.isEmpty else { return }
        state.withLock { $0.queue.append(signing) }
        for _ in signing.plans { work.signal() }
    }

    /// Lets the threads sign what was submitted, then ends them.
    func stop() {
        state.withLock { $0.stopping = true }
        for _ in 0..<count { work.signal() }
        for _ in 0..<count { ended.wait() }
    }

    private func run() {
        // The node's thread is what limits a group commit, so it goes first when both want a core.
        // On Linux the nice value belongs to the calling thread (setpriority(2), "BUGS").
        setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 5)
        while true {
            work.wait()
            let next: (LicenseSigning, Int)? = state.withLock { state in
                while let first = state.queue.first {
                    if let index = first.claim() {
                        if !first.hasUnclaimed { state.queue.removeFirst() }
                        return (first, index)
                    }
                    state.queue.removeFirst()
                }
                return nil
            }
            if let (signing, index) = next {
                signing.sign(index)
            } else if state.withLock({ $0.stopping && $0.queue.isEmpty }) {
                break
            }
        }
        ended.signal()
    }
}

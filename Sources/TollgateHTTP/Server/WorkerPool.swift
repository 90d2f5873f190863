import Dispatch
import Foundation
import Synchronization
import TollgateHTTPMessages

/// The threads that run the handler and the head check on complete request heads and bodies, so the
/// event loop never waits for a handler (handlers may block on SQLite, fsync or signing). Each outcome
/// is posted back to the loop through its mailbox; the loop alone touches sockets.
final class WorkerPool: Sendable {
    /// Names a connection across the hand-off: its descriptor stays open (and unused by the loop) until
    /// the outcome comes back, and the id tells it apart from an earlier connection on the same number.
    struct Ticket: Sendable {
        let descriptor: CInt
        let id: UInt64
    }

    enum Job: Sendable {
        case request(Ticket, HTTPRequest)
        case head(Ticket, HTTPRequestHead)
    }

    enum Outcome: Sendable {
        case response(Ticket, HTTPResponse)
        /// nil: go on and read the body.
        case headChecked(Ticket, HTTPResponse?)
    }

    private struct Queue {
        var jobs: [Job] = []
        var next = 0
        var stopping = false
    }

    private let queue = Mutex(Queue())
    private let available = DispatchSemaphore(value: 0)
    private let threadCount: Int
    /// Left by each thread as it returns, so the server's shutdown can wait for handlers under way.
    private let ended = DispatchGroup()

    init(threads: Int, core: ServerCore, mailbox: LoopMailbox) {
        threadCount = threads
        for index in 0..<threads {
            ended.enter()
            let thread = Thread { [self] in
                work(core: core, mailbox: mailbox)
                ended.leave()
            }
            thread.name = "tollgate-http-worker-\(index)"
            thread.start()
        }
    }

    func submit(_ job: Job) {
        queue.withLock { $0.jobs.append(job) }
        available.signal()
    }

    /// Lets every thread finish once the queue is empty; the loop calls it when it exits.
    func stop() {
        queue.withLock { $0.stopping = true }
        for _ in 0..<threadCount { available.signal() }
    }

    /// Waits until every thread has returned after `stop()`; false when `deadline` passed first.
    func waitUntilEnded(deadline: DispatchTime) -> Bool {
        ended.wait(timeout: deadline) == .success
    }

    private func take() -> Job? {
        queue.withLock { queue -> Job? in
            guard queue.next < queue.jobs.count else { return nil }
            let job = queue.jobs[queue.next]
            queue.next += 1
            if queue.next == queue.jobs.count {
                queue.jobs.removeAll(keepingCapacity: true)
                queue.next = 0
            } else if queue.next >= 1024, queue.next * 2 >= queue.jobs.count {
                queue.jobs.removeFirst(queue.next)
                queue.next = 0
            }
            return job
        }
    }

    private func work(core: ServerCore, mailbox: LoopMailbox) {
        while true {
            available.wait()
            guard let job = take() else {
                if queue.withLock({ $0.stopping }) { return }
                continue
            }
            switch job {
            case .request(let ticket, let request):
                mailbox.post(.response(ticket, core.handler(request)))
            case .head(let ticket, let head):
                mailbox.post(.headChecked(ticket, core.headCheck?(head)))
            }
        }
    }
}

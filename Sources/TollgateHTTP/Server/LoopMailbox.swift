import Synchronization

/// Worker outcomes on their way back to the event loop: a list behind a lock and a local socket pair
/// whose read end the loop watches. A byte is written only when the list goes from empty to not empty,
/// so a burst of outcomes costs one wake-up.
final class LoopMailbox: Sendable {
    let readEnd: CInt
    private let writeEnd: CInt
    private let system: any SocketSystem
    private let outcomes = Mutex<[WorkerPool.Outcome]>([])

    init(system: any SocketSystem) throws(SocketErrno) {
        (readEnd, writeEnd) = try system.socketPair()
        self.system = system
    }

    deinit {
        try? system.close(readEnd)
        try? system.close(writeEnd)
    }

    func post(_ outcome: WorkerPool.Outcome) {
        let wasEmpty = outcomes.withLock { list -> Bool in
            list.append(outcome)
            return list.count == 1
        }
        if wasEmpty {
            let byte: [UInt8] = [1]
            _ = byte.withUnsafeBytes { try? system.write(writeEnd, from: $0) }
        }
    }

    /// Everything posted so far. Drains the wake bytes first, so an outcome posted after that either
    /// is taken now or writes a new byte.
    func take() -> [WorkerPool.Outcome] {
        var scratch = [UInt8](repeating: 0, count: 256)
        while case .success(let count) = scratch.withUnsafeMutableBytes({ buffer in
            Result { () throws(SocketErrno) in try system.read(readEnd, into: buffer) }
        }), count == scratch.count {}
        return outcomes.withLock { list in
            let taken = list
            list.removeAll(keepingCapacity: true)
            return taken
        }
    }
}

import Synchronization
import TollgateLedger

/// The decoded objects of every log a node reads for its reports and console (its own and its
/// mirrors of descendants' logs), one ``DecodedLog`` per log, shared by every request. The logs
/// are append-only, so a request decodes only the entries appended since the copy it finds; the
/// copy is used only if the log's root at the copy's size is still the copy's root, so a log that
/// was rewritten or rolled back (a batch that could not commit) is decoded again from its start
/// and never serves stale objects. Memory: one decoded copy per log, and the last view merged from
/// them (``DecodedView``), which shares the objects' storage.
final class DecodedLogs: Sendable {
    private let logs = Mutex<[String: DecodedLog]>([:])
    /// The last view made from them (one: a view of other logs or sizes replaces it).
    private let view = Mutex<DecodedView?>(nil)

    init() {}

    /// The objects of the first `size` entries of `source`.
    func decoded(_ source: MerkleLog, size: UInt64) throws -> DecodedLog {
        let known = logs.withLock { $0[source.name] }
        var decoded = DecodedLog()
        if let known, known.size <= size, (try? source.rootHash(atSize: known.size)) == known.root {
            decoded = known
        }
        if decoded.size < size { try decoded.extend(from: source, to: size) }
        // The latest copy replaces any other of the same log (whichever a request that ran
        // meanwhile left is checked by its root all the same when next used).
        let result = decoded
        logs.withLock { $0[source.name] = result }
        return result
    }

    /// The view last made of logs of exactly `shape`, if any.
    func view(of shape: [DecodedView.Shape]) -> DecodedView? {
        view.withLock { $0?.shape == shape ? $0 : nil }
    }

    /// Keeps `made` as the view of its logs.
    func keep(_ made: DecodedView) {
        view.withLock { $0 = made }
    }

    /// How many entries of the log called `name` are decoded (nil when none): for tests.
    func decodedSize(of name: String) -> UInt64? {
        logs.withLock { $0[name]?.size }
    }

    /// Forgets every decoded log.
    func discard() {
        logs.withLock { $0.removeAll() }
        view.withLock { $0 = nil }
    }
}

import Synchronization
import TollgateCrypto
import TollgateNode

/// A node's `jti` and nonce source in the simulator: 128 bits per id from a seeded stream that
/// outlives crashes (like the operating system's randomness), so ids never repeat across restarts
/// and a seed replays them exactly.
final class IdentifierStream: Sendable {
    private let random: Mutex<SimulationRandom>

    init(seed: UInt64) {
        random = Mutex(SimulationRandom(seed: seed))
    }

    func make() -> String {
        Base64URL.encode(random.withLock { $0.bytes(16) })
    }

    var source: IdentifierSource {
        IdentifierSource { [self] in make() }
    }
}

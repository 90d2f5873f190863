import Synchronization
import TollgateCrypto

/// The console's sessions, on the server: each lives a fixed time from login, checked here on every
/// request (the cookie's `Max-Age` only tells the browser), and ends at logout. Sessions are keyed
/// by the SHA-256 of their id, so looking one up compares no secret byte by byte. At most
/// ``capacity`` live at once; a login beyond ends the oldest.
final class ConsoleSessions: Sendable {
    static let capacity = 256

    let lifetime: Int64
    private let sessions = Mutex<[String: ConsoleSession]>([:])

    init(lifetime: Int64) {
        self.lifetime = lifetime
    }

    /// A new session from `now`, with fresh random id and anti-CSRF token.
    func open(at now: Int64) throws -> ConsoleSession {
        let session = ConsoleSession(id: Base64URL.encode(try SecureRandom.bytes(count: 32)), csrf: Base64URL.encode(try SecureRandom.bytes(count: 32)),
                                     createdAt: now, expiresAt: now + lifetime)
        sessions.withLock { sessions in
            sessions = sessions.filter { $0.value.expiresAt > now }
            while sessions.count >= Self.capacity, let oldest = sessions.min(by: { $0.value.createdAt < $1.value.createdAt }) {
                sessions[oldest.key] = nil
            }
            sessions[Self.key(session.id)] = session
        }
        return session
    }

    /// The live session `id` names; nil when there is none or it has expired (and it is then dropped).
    func session(_ id: String?, at now: Int64) -> ConsoleSession? {
        guard let id, !id.isEmpty else { return nil }
        let key = Self.key(id)
        return sessions.withLock { sessions in
            guard let session = sessions[key] else { return nil }
            guard session.expiresAt > now else {
                sessions[key] = nil
                return nil
            }
            return session
        }
    }

    /// Ends session `id`; its cookie is refused from now on.
    func close(_ id: String) {
        let key = Self.key(id)
        _ = sessions.withLock { $0.removeValue(forKey: key) }
    }

    var count: Int { sessions.withLock { $0.count } }

    private static func key(_ id: String) -> String {
        Base64URL.encode(SHA256Digest.hash(Array(id.utf8)))
    }
}

import Foundation
import TollgateAPI
import TollgateCertificates
import TollgateCommandLine
import TollgateCrypto
import TollgateLedger
import TollgateNode
import TollgateService

/// A node on disk: `node.json` (name), `node.key` (0600), `node.pub`, `anchor.pub` and `node.sqlite`.
struct NodeDirectory {
    struct Config: Codable {
        var name: String
        var role: String
    }

    let url: URL

    init(_ path: String) {
        url = URL(fileURLWithPath: path)
    }

    var configURL: URL { url.appendingPathComponent("node.json") }
    var keyURL: URL { url.appendingPathComponent("node.key") }
    var publicKeyURL: URL { url.appendingPathComponent("node.pub") }
    var anchorURL: URL { url.appendingPathComponent("anchor.pub") }
    var databaseURL: URL { url.appendingPathComponent("node.sqlite") }
    /// The operator's bearer token for the node's HTTP API (mode 0600).
    var tokenURL: URL { url.appendingPathComponent("operator.token") }

    /// Whether `name` may name a node: 1 to 64 letters, digits, '-', '_' or '.', so it is safe in
    /// file names, logs and reports.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" || $0 == "." }
    }

    /// Creates the directory with a fresh key; refuses to touch an existing node.
    func create(name: String, role: String, anchor: Ed25519PublicKey?) throws -> Ed25519PrivateKey {
        if FileManager.default.fileExists(atPath: configURL.path) {
            throw CommandFailure("\(url.path) already holds a node; refusing to overwrite it")
        }
        precondition(Self.isValidName(name), "a node name is checked where it is read (CommonOptions.nodeName)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let key = try Ed25519PrivateKey()
        try key.write(to: keyURL)
        try key.publicKey.write(to: publicKeyURL)
        try (anchor ?? key.publicKey).write(to: anchorURL)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(Config(name: name, role: role)).write(to: configURL)
        try writeSecret(OperatorToken.generate(), to: tokenURL)
        _ = try open()
        return key
    }

    func operatorToken() throws -> String {
        try String(contentsOf: tokenURL, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func config() throws -> Config {
        guard FileManager.default.fileExists(atPath: configURL.path) else {
            throw CommandFailure("\(url.path) is not a Tollgate node directory (no node.json); create one with 'tollgate root init' or 'tollgate node init'")
        }
        do {
            return try JSONDecoder().decode(Config.self, from: Data(contentsOf: configURL))
        } catch {
            throw CommandFailure("\(configURL.path) is unreadable: \(error)")
        }
    }

    /// The lock that makes this process the directory's only writer (see ``NodeDirectoryLock``).
    func lock() throws -> NodeDirectoryLock {
        try NodeDirectoryLock.acquire(url)
    }

    /// Opens the node: its key, trust anchor and store. Takes the directory's lock first, so no
    /// command opens a store another process has open, and a refused one has changed nothing.
    func open(ids: IdentifierSource = .secureRandom) throws -> LicensingNode {
        let config = try config()
        _ = try lock()
        let key = try Ed25519PrivateKey(contentsOf: keyURL)
        let anchor = TrustAnchor(publicKey: try Ed25519PublicKey(contentsOf: anchorURL))
        // A directory that cannot be written still serves what it holds; writes name the directory as read-only.
        let database = try SQLiteDatabase(path: databaseURL.path, allowingReadOnly: true)
        let store = try NodeStore(database: database)
        return LicensingNode(identity: NodeIdentity(name: config.name, key: key, anchor: anchor), store: store, ids: ids)
    }
}

/// Writes a secret file readable by its owner only.
func writeSecret(_ text: String, to url: URL) throws {
    guard FileManager.default.createFile(atPath: url.path, contents: Data((text + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
        throw CommandFailure("cannot write \(url.path)")
    }
}

import Foundation

/// File access for the wallet: missing files read as nil, writes replace the file atomically so a
/// crash leaves the old or the new content, never a torn file.
enum WalletFile {
    static func read(_ url: URL, what: String) throws(ClientError) -> Data? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw ClientError(.fileAccess, "cannot read the \(what) \(url.path): \(error.localizedDescription)")
        }
    }

    static func readText(_ url: URL, what: String) throws(ClientError) -> String? {
        try read(url, what: what).map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    static func write(_ data: Data, to url: URL, what: String) throws(ClientError) {
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw ClientError(.fileAccess, "cannot write the \(what) \(url.path): \(error.localizedDescription)")
        }
    }

    static func remove(_ url: URL, what: String) throws(ClientError) {
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        do {
            try FileManager.default.removeItem(at: url)
        } catch {
            throw ClientError(.fileAccess, "cannot remove the \(what) \(url.path): \(error.localizedDescription)")
        }
    }

    static func encodeJSON<T: Encodable>(_ value: T, what: String) throws(ClientError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do {
            return try encoder.encode(value)
        } catch {
            throw ClientError(.malformed, "cannot encode the \(what): \(error)")
        }
    }

    static func decodeJSON<T: Decodable>(_ type: T.Type, from data: Data, url: URL, what: String) throws(ClientError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw ClientError(.malformed, "the \(what) \(url.path) is damaged: \(error)")
        }
    }
}

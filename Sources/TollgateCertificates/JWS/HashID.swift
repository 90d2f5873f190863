/// How a signed object's id — its hash (``JWS/hash(of:)``), which the node keys every object on — is
/// printed and typed: printed short, typed as any unique prefix, the way git shows and takes commits.
public enum HashID {
    /// Characters printed for an id: enough to be unique in any one node's store in practice.
    public static let shortLength = 12
    /// The shortest prefix taken; fewer characters would match too much to be meant.
    public static let minimumPrefix = 4
    /// Characters of a whole hash: base64url of 32 bytes, unpadded.
    public static let fullLength = 43

    /// The id as commands print it.
    public static func short(_ hash: String) -> String { String(hash.prefix(shortLength)) }

    /// The hashes among `hashes` that `typed` may mean: itself when whole, else those it prefixes.
    public static func matches(_ typed: String, in hashes: some Sequence<String>) -> [String] {
        let all = Array(hashes)
        if all.contains(typed) { return [typed] }
        guard typed.count >= minimumPrefix else { return [] }
        return all.filter { $0.hasPrefix(typed) }
    }
}

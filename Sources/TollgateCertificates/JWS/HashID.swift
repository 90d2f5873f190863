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

    /// `"; did you mean 'gpYJPqSqXeuk'?"` when `typed`, which matches nothing, is a slip of one
    /// id among `hashes` (compared with as many of its first characters as were typed, so a
    /// mistyped prefix finds its id too); nothing otherwise. The id is printed short.
    public static func hint(for typed: String, in hashes: some Sequence<String>) -> String {
        let scored = hashes.map { (id: short($0), distance: EditDistance.between(typed, String($0.prefix(max(typed.count, minimumPrefix))))) }
        guard let best = scored.min(by: { ($0.distance, $0.id) < ($1.distance, $1.id) }), best.distance > 0,
              EditDistance.isClose(best.distance, to: typed) else { return "" }
        return "; did you mean '\(best.id)'?"
    }
}

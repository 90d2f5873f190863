import TollgateCertificates
import TollgateNode

/// Finds the license an operator means by its printed id (``HashID``): the whole hash or a unique
/// prefix, as `tollgate list licenses` shows it. The operator API and the offline command line
/// both look licenses up here, so an id one of them prints the other takes.
public enum LicenseLookup {
    /// One license as a lookup sees it: its hash and how an ambiguity names it.
    public typealias Candidate = (hash: String, label: String)

    /// The whole hash of the license `typed` names among those `node` issued, renewals included.
    /// A whole hash is passed on as is, unread (the node says if it issued no such license).
    public static func hash(for typed: String, in node: LicensingNode) throws(NodeError) -> String {
        if typed.count == HashID.fullLength { return typed }
        return try resolve(typed, among: try node.issuedLicenses().map { ($0.hash, "\($0.payload.customer), \($0.payload.product)") })
    }

    /// What turns each of `typed` into the whole hash as ``hash(for:in:)`` does, reading the
    /// node's licenses once for all of them (and not at all when every id is whole).
    public static func resolver(for typed: [String], in node: LicensingNode) throws(NodeError) -> (String) throws(NodeError) -> String {
        guard typed.contains(where: { $0.count != HashID.fullLength }) else { return { $0 } }
        let candidates = try node.issuedLicenses().map { ($0.hash, "\($0.payload.customer), \($0.payload.product)") }
        return { text throws(NodeError) in text.count == HashID.fullLength ? text : try resolve(text, among: candidates) }
    }

    /// The one candidate `typed` names: not_found when none does (saying how many were searched),
    /// invalid_request when the prefix is too short or several match (listing them, as git does).
    public static func resolve(_ typed: String, among candidates: [Candidate]) throws(NodeError) -> String {
        guard typed.count >= HashID.minimumPrefix else {
            throw NodeError(.invalidRequest, "license id '\(typed)' is too short: give at least \(HashID.minimumPrefix) characters "
                            + "of the id 'tollgate list licenses' prints")
        }
        let matches = HashID.matches(typed, in: candidates.map(\.hash))
        switch matches.count {
        case 1:
            return matches[0]
        case 0:
            throw NodeError(.notFound, "no license id starts with '\(typed)' among the \(candidates.count) licenses this node issued"
                            + HashID.hint(for: typed, in: candidates.map(\.hash)))
        default:
            let listed = candidates.filter { matches.contains($0.hash) }.map { "\(HashID.short($0.hash)) (\($0.label))" }
            throw NodeError(.invalidRequest, "license id '\(typed)' is ambiguous; it starts \(listed.joined(separator: ", "))")
        }
    }
}

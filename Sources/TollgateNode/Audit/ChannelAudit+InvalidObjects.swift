import TollgateCertificates
import TollgateCrypto

extension ChannelAudit {
    /// Entries a node signed that no parser accepts (over the size limit, a field out of range) are
    /// reported with the entry, its inclusion proof and the node's certificate chain; the rest of the
    /// audit and every report skips them.
    /// `unread` lists the self-signed entries no parser read where they are; one whose very text
    /// was read elsewhere in the log is valid and not reported.
    mutating func auditInvalidObjects(_ log: AuditedLog, unread: [UInt64]) throws {
        guard !unread.isEmpty else { return }
        var read: Set<String> = []
        try log.forEachChunk { entries in read.formUnion(ParsedLogObjects.parse(entries).hashes) }
        for index in unread {
            guard let entry = try log.entry(at: index) else { continue }
            let compact = String(decoding: entry.bytes, as: UTF8.self)
            guard !read.contains(JWS.hash(of: compact)), let refusal = SignedObjectKind.refusal(of: compact), let jws = SignedObjectKind.unboundedJWS(compact),
                  jws.isSigned(by: log.key), let chain = chain(of: log.node) else { continue }
            var evidence = try view.entryEvidence(node: log.node, index: entry.index)
            guard evidence.count == 2 else { continue }
            evidence[1].chain = chain
            add(.invalidObject, node: log.node, "entry \(entry.index) (\(entry.kind)) is signed by \(view.names[log.node] ?? log.node) but refused: \(refusal)",
                evidence, identity: [jws.hash])
        }
    }

    /// The certificate chain (root first) of the certificate held by `node`.
    func chain(of node: String) -> [String]? {
        let held = view.certificates.values.first { certificate in
            (try? Base64URL.decode(certificate.payload.subKey)).flatMap { try? Ed25519PublicKey(rawRepresentation: $0) }?.thumbprint == node
        }
        return held.flatMap { view.chain(ending: $0.hash) }
    }
}

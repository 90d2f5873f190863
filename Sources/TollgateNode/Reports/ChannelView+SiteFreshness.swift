import TollgateCertificates
import TollgateCrypto

extension ChannelView {
    /// The freshness rows of the closed sites bound in the subtree: a site reaches the channel only
    /// when an operator carries its exported log to its agent, so a site nobody exported from is
    /// invisible to sync and must show as `never synced`, and one exported long ago as `stale`.
    /// Its last sync is the latest time its agent took its log in: the agent's own import record
    /// (``NodeStore/siteImportTimes()``, which also counts an export that held only its binding),
    /// or, above the agent, when the site's leases entered the agent's synced log. Its limit is the
    /// `sync_within` of the certificate its license was sold under: the site keeps the agent's log
    /// share, so it keeps the agent's deadline.
    func siteFreshness(_ objects: Objects) throws(NodeError) -> [ChannelReport.FreshnessRow] {
        var lastTaken = try auditor.storage { try auditor.store.siteImportTimes() }.reduce(into: [String: Int64]()) { times, item in
            guard let raw = try? Base64URL.decode(item.key), let key = try? Ed25519PublicKey(rawRepresentation: raw) else { return }
            times[key.thumbprint] = max(times[key.thumbprint] ?? item.value, item.value)
        }
        for received in objects.siteReceipts {
            lastTaken[received.site] = max(lastTaken[received.site] ?? received.at, received.at)
        }
        let ended = Set(objects.deactivations.map(\.deactivation.payload.activation))
        let licenses = Dictionary(objects.licenses.map { ($0.license.hash, $0.license) }, uniquingKeysWith: { first, _ in first })
        var rows: [ChannelReport.FreshnessRow] = []
        var listed: Set<String> = []
        for item in objects.activations where item.activation.payload.kind == .site && !ended.contains(item.activation.hash) {
            let binding = item.activation.payload
            guard binding.exp.map({ $0 > now }) ?? true, let license = licenses[binding.license],
                  let limit = certificates[license.payload.cert]?.payload.syncWithin,
                  let raw = try? Base64URL.decode(binding.machineKey), let key = try? Ed25519PublicKey(rawRepresentation: raw),
                  listed.insert(key.thumbprint).inserted
            else { continue }
            let last = lastTaken[key.thumbprint]
            let age = last.map { now - $0 }
            rows.append(.init(node: key.thumbprint, name: "site of \(license.payload.customer) (via \(names[item.node] ?? item.node))",
                              lastSync: last, ageSeconds: age, syncWithin: limit, status: Self.freshness(age: age, limit: limit)))
        }
        return rows.sorted { ($0.name, $0.node) < ($1.name, $1.node) }
    }

    /// `fresh`, `due` past half the limit, `stale` past it, `never synced` without a sync.
    static func freshness(age: Int64?, limit: Int64) -> String {
        age.map { $0 > limit ? "stale" : ($0 > limit / 2 ? "due" : "fresh") } ?? "never synced"
    }
}

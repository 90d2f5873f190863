import TollgateCertificates
import TollgateCrypto

extension ChannelAudit {
    /// Floating seats: two leases of one serial for different machines whose times overlap (each
    /// ending at its `exp`, at its release when one was logged, or where the same machine's next
    /// lease of the serial starts: a heartbeat or a borrow replaces a lease without logging its end)
    /// prove over-leasing by their signer. The finding names the signer of the later lease (a site's
    /// key id when a site signed it).
    mutating func auditLeases(_ leases: [LoggedLease], releases: [String: Int64], licenses: [String: LoggedLicense],
                              activations: [LoggedActivation]) throws {
        var bySerial: [String: [(lease: LoggedLease, end: Int64)]] = [:]
        for logged in leases {
            let end = min(logged.lease.payload.exp, releases[logged.lease.hash] ?? .max)
            bySerial["\(logged.lease.payload.license)#\(logged.lease.payload.serial)", default: []].append((logged, end))
        }
        let sites = Dictionary(activations.filter { $0.kind == .site }.map { ($0.hash, $0) }, uniquingKeysWith: { first, _ in first })
        for (_, group) in bySerial.sorted(by: { $0.key < $1.key }) where group.count > 1 {
            var ordered = group.sorted { ($0.lease.lease.payload.nbf, $0.lease.lease.hash) < ($1.lease.lease.payload.nbf, $1.lease.lease.hash) }
            for offset in ordered.indices {
                let lease = ordered[offset].lease.lease.payload
                if let next = ordered[(offset + 1)...].first(where: { $0.lease.lease.payload.machineKey == lease.machineKey }) {
                    ordered[offset].end = min(ordered[offset].end, next.lease.lease.payload.nbf)
                }
            }
            for (offset, earlier) in ordered.enumerated() {
                for later in ordered[(offset + 1)...]
                where later.lease.lease.payload.machineKey != earlier.lease.lease.payload.machineKey
                    && later.lease.lease.payload.nbf < earlier.end && earlier.lease.lease.payload.nbf < later.end {
                    guard let license = licenses[later.lease.lease.payload.license] else { continue }
                    var evidence = [AuditEvidence(role: .lease, object: earlier.lease.lease.compact),
                                    AuditEvidence(role: .lease, object: later.lease.lease.compact),
                                    AuditEvidence(role: .license, object: try view.compact(node: license.node, index: license.index), chain: license.chain)]
                    for site in Set([earlier.lease.lease.payload.site, later.lease.lease.payload.site].compactMap { $0 }).sorted() {
                        if let activation = sites[site] {
                            evidence.append(AuditEvidence(role: .activation, object: try view.compact(node: activation.node, index: activation.index)))
                        }
                    }
                    let payload = later.lease.lease.payload
                    add(.leaseOversubscribed, node: payload.iss,
                        "serial \(payload.serial) was leased to two machines at \(TimeText.iso(payload.nbf)) (leases \(HashID.short(earlier.lease.lease.hash)) and \(HashID.short(later.lease.lease.hash)))",
                        evidence)
                }
            }
        }
    }
}

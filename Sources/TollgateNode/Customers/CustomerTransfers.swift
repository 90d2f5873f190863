import TollgateCertificates

/// Moving licenses between customer ids (mergers, acquisitions, a renamed company) at the
/// licenses' issuer or an ancestor: signed, logged and synced like a sale. The licenses are not
/// changed; this node's renewals, and every node's reports, read a lineage's customer as its last
/// transfer leaves it.
struct CustomerTransfers: NodePart {
    let context: NodeContext

    /// See ``LicensingNode/transferCustomer(from:to:licenses:at:)``.
    func transfer(from: String, to: String, licenses typed: [String], at now: Int64) throws(NodeError) -> [SignedCustomerTransfer] {
        guard !from.isEmpty, !to.isEmpty else { throw NodeError(.invalidRequest, "a transfer needs the customer it moves licenses from and the one it moves them to") }
        guard from != to else { throw NodeError(.invalidRequest, "'\(to)' is already the licenses' customer: give another customer to move them to") }
        let licenses = try storage { try store.licenses() + store.mirroredLicenses() }
        let owners = try storage { try store.owners() }
        // Each lineage's customer: its last transfer here, else the customer its first license names.
        var customers: [String: String] = [:]
        for license in licenses where customers[license.lineage] == nil || license.hash == license.lineage {
            customers[license.lineage] = license.payload.customer
        }
        for (lineage, owner) in owners { customers[lineage] = owner }
        let chosen: [String]
        if typed.isEmpty {
            chosen = customers.filter { $0.value == from }.map(\.key).sorted()
            guard !chosen.isEmpty else {
                let nearest = NameSuggestion.nearest(to: from, among: Set(customers.values).sorted())
                throw NodeError(.notFound, "no license of this node's subtree belongs to customer '\(from)'"
                                + (nearest.isEmpty ? "" : "; did you mean " + nearest.map { "'\($0)'" }.joined(separator: " or ") + "?"))
            }
        } else {
            var lineages: Set<String> = []
            for id in typed { lineages.insert(try lineage(named: id, among: licenses)) }
            chosen = lineages.sorted()
            for lineage in chosen where customers[lineage] != from {
                throw NodeError(.customerMismatch, "license \(HashID.short(lineage)) belongs to '\(customers[lineage] ?? "")', not '\(from)'")
            }
        }
        for lineage in chosen {
            if let revoked = try storage({ try store.licenseRevocations(lineage: lineage) }).first {
                throw NodeError(.invalidRequest, "license \(HashID.short(lineage)) was revoked (\(revoked.payload.reason)); a revoked license is not transferred",
                                rule: .licenseRevoked)
            }
        }
        // A transfer names at most `maxListCount` licenses: a larger merge is several, logged together.
        var payloads: [CustomerTransfer] = []
        for start in stride(from: 0, to: chosen.count, by: ObjectLimits.maxListCount) {
            let part = Array(chosen[start..<min(chosen.count, start + ObjectLimits.maxListCount)])
            let payload = CustomerTransfer(iss: identity.keyID, from: from, to: to, licenses: part, reason: typed.isEmpty ? .merge : .transfer,
                                           iat: now, jti: ids.make())
            do {
                try payload.validateFields(object: CustomerTransfer.noun)
            } catch {
                throw NodeError(.invalidRequest, error)
            }
            payloads.append(payload)
        }
        return try storage {
            let signed = try payloads.map { try context.signObject($0) }
            try store.transaction {
                for transfer in signed {
                    let index = try store.log.append(kind: LogEntryKind.customerTransferred.rawValue, bytes: Array(transfer.compact.utf8), at: now)
                    try store.recordTransfer(transfer, logIndex: index)
                }
            }
            return signed
        }
    }

    /// The lineage of the one license `typed` (a whole hash or a unique prefix) names among those
    /// this node and its descendants issued.
    private func lineage(named typed: String, among licenses: [SignedLicense]) throws(NodeError) -> String {
        guard typed.count >= HashID.minimumPrefix else {
            throw NodeError(.invalidRequest, "license id '\(typed)' is too short: give at least \(HashID.minimumPrefix) characters of the id 'tollgate list licenses' prints")
        }
        var byHash: [String: SignedLicense] = [:]
        for license in licenses { byHash[license.hash] = license }
        let matches = HashID.matches(typed, in: byHash.keys).sorted()
        guard matches.count == 1, let license = byHash[matches[0]] else {
            if matches.isEmpty {
                throw NodeError(.notFound, "no license id starts with '\(typed)' among the \(byHash.count) licenses this node and its descendants issued; "
                                + "a node transfers licenses of its own subtree only" + HashID.hint(for: typed, in: byHash.keys))
            }
            throw NodeError(.invalidRequest, "license id '\(typed)' is ambiguous; it starts \(matches.map(HashID.short).joined(separator: ", "))")
        }
        return license.lineage
    }
}

import TollgateCertificates

/// Customer transfers in the subtree's logs: who each license lineage belongs to as the transfers
/// leave it, which every report reads instead of the customer the licenses name.
extension ChannelView {
    /// A transfer a report applies: signed by the node whose log holds it, the lineage's issuer or
    /// an ancestor of it, moving the lineage from the customer it then belonged to.
    struct AppliedTransfer {
        let transfer: SignedCustomerTransfer
        let node: String
        let index: UInt64
        let lineage: String
    }

    /// Each lineage's customer after the transfers, and the transfers applied, in the order they
    /// were signed (then node and position). A transfer the audit would refuse (a signer that is
    /// neither the issuer nor an ancestor, or a `from` that was not the lineage's customer then)
    /// moves nothing.
    func owners(_ objects: Objects) -> (owners: [String: String], applied: [AppliedTransfer]) {
        guard !objects.transfers.isEmpty else { return ([:], []) }
        var issuer: [String: String] = [:]
        var owners: [String: String] = [:]
        for item in objects.licenses where item.license.hash == item.license.lineage {
            issuer[item.license.hash] = item.node
            owners[item.license.hash] = item.license.payload.customer
        }
        let ordered = objects.transfers.sorted { ($0.transfer.payload.iat, $0.node, $0.index) < ($1.transfer.payload.iat, $1.node, $1.index) }
        var applied: [AppliedTransfer] = []
        for item in ordered where item.transfer.payload.iss == item.node {
            for lineage in item.transfer.payload.licenses {
                guard let seller = issuer[lineage], isSelfOrAncestor(item.node, of: seller), owners[lineage] == item.transfer.payload.from else { continue }
                owners[lineage] = item.transfer.payload.to
                applied.append(AppliedTransfer(transfer: item.transfer, node: item.node, index: item.index, lineage: lineage))
            }
        }
        return (owners, applied)
    }

    /// Whether `node` is `descendant` or one of its ancestors in the view's tree.
    func isSelfOrAncestor(_ node: String, of descendant: String) -> Bool {
        var current: String? = descendant
        var steps = 0
        while let link = current, steps <= ObjectLimits.maxDepth + 1 {
            if link == node { return true }
            current = parentOf[link]
            steps += 1
        }
        return false
    }
}

import TollgateCertificates

/// What this node has signed or taken in, listed as stored: for operators' listings and exports.
/// Reads only.
struct NodeRecords: NodePart {
    let context: NodeContext

    func delegatedCertificates() throws(NodeError) -> [SignedCertificate] {
        try storage { try store.delegations() }
    }

    func issuedLicenses() throws(NodeError) -> [SignedLicense] {
        try storage { try store.licenses() }
    }

    func activationRecords() throws(NodeError) -> [(activation: SignedActivation, endedAt: Int64?)] {
        try storage { try store.activations() }
    }

    func knownRevocations() throws(NodeError) -> [SignedRevocation] {
        try storage { try store.revocations() }
    }
}

import TollgateCertificates

extension FindingCheck.Context {
    /// A transfer of a license by a node that is neither its issuer nor an ancestor: the license
    /// verifies from the anchor, the transfer names its lineage and is signed by the node the
    /// finding names (its key from the chain the transfer comes with), whose key holds no
    /// certificate of the license's chain.
    func transfer() throws {
        let (license, chain) = try license(try one(.license))
        let transfer = try SignedCustomerTransfer(compact: try one(.customerTransfer).object)
        guard transfer.payload.licenses.contains(license.lineage) else { throw unproven("the transfer does not move the license") }
        guard transfer.payload.iss == finding.node, let key = keys[finding.node], transfer.jws.isSigned(by: key) else {
            throw unproven("the transfer is not signed by the node the finding names")
        }
        let authorities = Set([check.anchor.keyID] + chain.map(\.subjectKey.thumbprint))
        guard !authorities.contains(finding.node) else { throw unproven("the transfer is signed by the license's issuer or an ancestor") }
    }
}

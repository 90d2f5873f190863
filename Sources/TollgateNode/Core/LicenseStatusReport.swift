import TollgateCertificates

/// What a node knows about a license it issued: the latest renewal, whether it verifies now, and
/// how many of its seats are in use.
public struct LicenseStatusReport: Hashable, Sendable {
    public let file: LicenseFile
    public let current: SignedLicense
    public let lineage: String
    public let problem: VerificationError?
    public let activeSeats: Int
    public let revocations: [String]
}

extension LicensingNode {
    public func licenseStatus(hash: String, at now: Int64) throws(NodeError) -> LicenseStatusReport {
        guard let lineage = try storage({ try store.lineage(of: hash) }),
              let current = try storage({ try store.currentLicense(hash: hash) }) else {
            throw NodeError(.notFound, "license \(hash) was not issued by this node")
        }
        let held = try heldCertificate(matching: current.payload.cert)
        let file = LicenseFile(chain: held.chain, license: current.compact)
        let revocations = try storage { try store.revocations().map(\.compact) }
        var problem: VerificationError?
        do {
            _ = try verifier.verify(file, at: now, revocations: revocations)
        } catch {
            problem = error
        }
        let active = try storage { try store.activeActivations(lineage: lineage, at: now) }
        let seats = Set(active.filter { $0.payload.kind != .temporary }.map(\.payload.serial)).count
        return LicenseStatusReport(file: file, current: current, lineage: lineage, problem: problem, activeSeats: seats, revocations: revocations)
    }
}

extension LicensingNode {
    public func delegatedCertificates() throws(NodeError) -> [SignedCertificate] {
        try storage { try store.delegations() }
    }

    public func issuedLicenses() throws(NodeError) -> [SignedLicense] {
        try storage { try store.licenses() }
    }

    public func activationRecords() throws(NodeError) -> [(activation: SignedActivation, endedAt: Int64?)] {
        try storage { try store.activations() }
    }

    public func knownRevocations() throws(NodeError) -> [SignedRevocation] {
        try storage { try store.revocations() }
    }
}

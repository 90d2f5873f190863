import TollgateCertificates

/// How recently this node heard from its parent, and the rule that an honest node stops issuing
/// once that is longer ago than its certificate's `sync_within`. The root has no parent.
struct SyncFreshness: NodePart {
    let context: NodeContext

    /// See ``LicensingNode/lastParentContact()``.
    func lastParentContact() throws(NodeError) -> Int64? {
        try storage {
            let sync = try store.lastSyncSuccess()
            let received = try store.lastCertificateReceived()
            return [sync, received].compactMap { $0 }.max()
        }
    }

    /// Refuses to issue under `certificate` when the last contact with the parent is too old.
    func check(_ certificate: AllocationCertificate, at now: Int64) throws(NodeError) {
        guard !identity.isRoot else { return }
        try check(certificate, at: now, lastContact: lastParentContact())
    }

    /// The same check with the last contact already read.
    func check(_ certificate: AllocationCertificate, at now: Int64, lastContact: Int64?) throws(NodeError) {
        guard !identity.isRoot else { return }
        let contact = lastContact ?? now
        guard now - contact <= certificate.syncWithin else {
            throw NodeError(.syncOverdue, "last synced with the parent at \(TimeText.iso(contact, relativeTo: now)), more than sync_within (\(TimeText.duration(certificate.syncWithin))) ago; sync before issuing")
        }
    }
}

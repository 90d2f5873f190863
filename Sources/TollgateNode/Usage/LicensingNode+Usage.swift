import TollgateCertificates
import TollgateWire

extension LicensingNode {
    // MARK: Metered use (UsageDesk)

    /// Takes a machine's usage records for a metered license this node issued (online, or from a
    /// file an operator hands in): checks every record against the machine's logged chain, logs the
    /// new ones in one commit and answers with a signed receipt of the chain head. Records logged
    /// before are skipped; a record that forks the logged chain is logged as evidence; anything
    /// else wrong (unknown license or machine, a gap, a bad signature) refuses the whole upload.
    public func receiveUsage(_ upload: UsageUpload, at now: Int64) throws(NodeError) -> UsageUploadResult {
        try UsageDesk(context: context).receiveUsage(upload, at: now)
    }
}

extension LicensingNode {
    /// Sales, renewals and activations per UTC day over the last `days` days, and the limits of every
    /// certificate the subtree received (``ChannelActivity``): what the web console draws beside the
    /// reports, from the same view of the synced logs.
    public func activity(days: Int, at now: Int64) throws(NodeError) -> ChannelActivity {
        try auditing.activity(days: days, at: now)
    }
}

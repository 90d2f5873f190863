extension LicensingNode {
    /// Sales, renewals and activations per UTC day over the last `days` days, and the limits of every
    /// certificate the subtree received (``ChannelActivity``): what the web console draws beside the
    /// reports, from the same view of the synced logs.
    public func activity(days: Int, at now: Int64) throws(NodeError) -> ChannelActivity {
        try auditing.activity(days: days, at: now)
    }
}

extension LicensingNode {
    /// Several reports (and, with `activityDays`, the ``ChannelActivity``) from one view of the
    /// subtree, its logs read and decoded once rather than once per report: what a console page
    /// that shows several of them needs at a large root. The customer report takes a name, so it is
    /// asked with ``report(_:customer:figuresAt:at:)``.
    public func reports(_ names: [String], activityDays: Int? = nil, at now: Int64) throws(NodeError) -> (reports: [ChannelReport], activity: ChannelActivity?) {
        try auditing.reports(names, activityDays: activityDays, at: now)
    }
}

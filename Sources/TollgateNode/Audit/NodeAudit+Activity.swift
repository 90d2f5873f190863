extension NodeAudit {
    /// See ``LicensingNode/activity(days:at:)``.
    func activity(days: Int, at now: Int64) throws(NodeError) -> ChannelActivity {
        let view = try storage { try ChannelView(auditor: context, log: log, at: now) }
        return try view.activity(days: days)
    }
}

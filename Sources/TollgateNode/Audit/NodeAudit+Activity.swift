extension NodeAudit {
    /// See ``LicensingNode/activity(days:at:)``.
    func activity(days: Int, at now: Int64) throws(NodeError) -> ChannelActivity {
        let view = try storage { try ChannelView(auditor: context, log: log, at: now) }
        return try view.activity(days: days)
    }
}

extension NodeAudit {
    /// See ``LicensingNode/reports(_:activityDays:at:)``: one view, its logs read and decoded once.
    func reports(_ names: [String], activityDays: Int?, at now: Int64) throws(NodeError) -> (reports: [ChannelReport], activity: ChannelActivity?) {
        let view = try storage { try ChannelView(auditor: context, log: log, at: now) }
        let objects = view.objects()
        var reports: [ChannelReport] = []
        for name in names { reports.append(try view.report(name, objects: objects)) }
        return (reports, try activityDays.map { days throws(NodeError) in try view.activity(days: days, objects: objects) })
    }
}

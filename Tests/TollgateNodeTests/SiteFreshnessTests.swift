import Testing
import TollgateCertificates
import TollgateNode
import TollgateTestSupport
import TollgateWire

/// A closed site reaches the channel only by its exported log, so the freshness report names it
/// at its agent and above: `never synced` before its first export is taken in, `stale` once its
/// last one is older than its license's certificate lets the agent go without a sync.
@Suite struct SiteFreshnessTests {
    typealias Site = FloatingSiteTests.Site

    func row(_ node: LicensingNode, _ site: Site, at time: Int64) throws -> ChannelReport.FreshnessRow? {
        try node.report("freshness", at: time).freshness?.first { $0.node == site.key.publicKey.thumbprint }
    }

    @Test func aSiteThatNeverExportsIsNeverSyncedAndOneExportedLongAgoIsStale() throws {
        let site = try Site(seats: 2)
        let channel = site.channel
        let unseen = try #require(try row(channel.agent, site, at: channel.now + 10))
        #expect(unseen.status == "never synced" && unseen.lastSync == nil && unseen.name.contains("Muster GmbH"))
        let limit = unseen.syncWithin
        #expect(limit > 0)
        try SyncLink(child: channel.agent, parent: channel.root).sync(at: channel.now + 20)
        #expect(try row(channel.root, site, at: channel.now + 30)?.status == "never synced")

        // An export that holds only the binding still counts at the agent.
        try channel.agent.ingestSiteLog(site.node.exportSiteLog(at: channel.now + 90), at: channel.now + 100)
        let bound = try #require(try row(channel.agent, site, at: channel.now + 110))
        #expect(bound.status == "fresh" && bound.lastSync == channel.now + 100)

        _ = try channel.ask(TestMachine(), .lease, at: channel.now + 150, server: site.node)
        try channel.agent.ingestSiteLog(site.node.exportSiteLog(at: channel.now + 190), at: channel.now + 200)
        #expect(try row(channel.agent, site, at: channel.now + 210)?.lastSync == channel.now + 200)
        let late = channel.now + 200 + limit + 1
        let stale = try #require(try row(channel.agent, site, at: late))
        #expect(stale.status == "stale" && stale.ageSeconds == limit + 1)

        // Above the agent, the site's leases in the agent's synced log date its last export.
        try SyncLink(child: channel.agent, parent: channel.root).sync(at: channel.now + 300)
        let atRoot = try #require(try row(channel.root, site, at: late))
        #expect(atRoot.status == "stale" && atRoot.lastSync == channel.now + 200)
        #expect(try row(channel.root, site, at: channel.now + 310)?.status == "fresh")
    }
}

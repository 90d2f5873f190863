import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateNode
import TollgateTestSupport
import TollgateWire

/// A site node bound to a floating license by one site activation serves its leases; the offline
/// check vendor → certificate → license → site activation → lease, and each of its refusals.
@Suite struct FloatingSiteTests {
    struct Site {
        let channel: FloatingChannel
        let node: LicensingNode
        let key: Ed25519PrivateKey
        let binding: SignedActivation

        init(seats: UInt64 = 3) throws {
            channel = try FloatingChannel(seats: seats)
            key = try Ed25519PrivateKey()
            node = LicensingNode(identity: NodeIdentity(name: "site", key: key, anchor: channel.anchor),
                                 store: try NodeStore(database: SQLiteDatabase(path: ":memory:")))
            let request = try TestMachine(key: key, platform: "site").request(.site, license: channel.license, at: channel.now)
            let receipt = try channel.agent.handleMachineRequest(request, at: channel.now, offline: true)
            binding = try node.bindSite(receipt, at: channel.now)
        }
    }

    func rule(_ body: () throws -> Void) -> VerificationError.Rule? {
        do {
            try body()
            return nil
        } catch let error as VerificationError {
            return error.rule
        } catch {
            Issue.record("not a VerificationError: \(error)")
            return nil
        }
    }

    /// `payload` signed by `key` without the checks an honest server makes: what a forger makes.
    func forged(_ payload: Lease, _ key: Ed25519PrivateKey) throws -> String {
        try SignedLease.signUnchecked(payload, with: key).compact
    }

    @Test func aBoundSiteServesLeasesThatVerifyOfflineWithItsSiteActivation() throws {
        let site = try Site(seats: 2)
        let channel = site.channel
        #expect(site.binding.payload.kind == .site && site.binding.payload.exp == channel.now + 365 * 86_400)
        // Binding again with the same receipt changes nothing; a second site is refused by the agent.
        let other = try Ed25519PrivateKey()
        let second = try TestMachine(key: other, platform: "site").request(.site, license: channel.license, at: channel.now)
        #expect(throws: NodeError.self) { _ = try channel.agent.handleMachineRequest(second, at: channel.now, offline: true) }

        let a = try TestMachine(), b = try TestMachine(), c = try TestMachine()
        let receipt = try channel.ask(a, .lease, at: channel.now + 10, server: site.node)
        #expect(receipt.siteActivation == site.binding.compact)
        let lease = try channel.lease(receipt)
        #expect(lease.payload.iss == site.key.publicKey.thumbprint && lease.payload.site == site.binding.hash)
        let verified = try channel.verifier.verify(lease: lease.compact, file: receipt.license, siteActivation: receipt.siteActivation,
                                                   machineKey: a.machineKey, at: channel.now + 20)
        #expect(verified.secondsLeft == 890 && verified.siteActivation?.hash == site.binding.hash)
        _ = try channel.ask(b, .lease, at: channel.now + 11, server: site.node)
        let full = try #require(throws: NodeError.self) { _ = try channel.ask(c, .lease, at: channel.now + 12, server: site.node) }
        #expect(full.code == .noSeatFree)
        // The site's leases are in its own log, after its binding, then the record of the over-leasing attempt.
        #expect(try site.node.logSize() == 4)
        #expect(try site.node.logEntries(in: 0..<4).map(\.kind) == ["site-bound", "lease-granted", "lease-granted", "activation-refused"])
    }

    @Test func aSiteTakesOnlyItsOwnSiteActivation() throws {
        let site = try Site()
        let stranger = LicensingNode(identity: NodeIdentity(name: "other", key: try Ed25519PrivateKey(), anchor: site.channel.anchor),
                                     store: try NodeStore(database: SQLiteDatabase(path: ":memory:")))
        let receipt = ActivationReceipt(license: site.channel.file, activation: site.binding.compact)
        let refused = try #require(throws: NodeError.self) { try stranger.bindSite(receipt, at: site.channel.now) }
        #expect(refused.rule == .machineMismatch)
        #expect(try stranger.logSize() == 0)
    }

    @Test func eachLeaseRuleHasItsOwnRefusal() throws {
        let site = try Site()
        let channel = site.channel
        let machine = try TestMachine()
        let receipt = try channel.ask(machine, .lease, at: channel.now, server: site.node)
        let lease = try channel.lease(receipt).payload
        let verifier = channel.verifier
        func check(_ compact: String, file: LicenseFile? = nil, activation: String? = site.binding.compact, key: String = machine.machineKey,
                   at time: Int64 = channel.now + 60) -> VerificationError.Rule? {
            rule { _ = try verifier.verify(lease: compact, file: file ?? channel.file, siteActivation: activation, machineKey: key, at: time) }
        }
        #expect(check(receipt.lease) == nil)
        #expect(check(receipt.lease, at: lease.exp) == .leaseExpired)
        var future = lease
        future.nbf = channel.now + 1_000
        future.exp = future.nbf + 900
        #expect(check(try forged(future, site.key)) == .leaseNotYetValid)
        #expect(check(receipt.lease, key: try TestMachine().machineKey) == .leaseMachineMismatch)
        #expect(check(receipt.lease, activation: nil) == .siteActivationInvalid)

        // A lease from a key that is not the license's site (nor its issuer).
        let stranger = try Ed25519PrivateKey()
        var payload = lease
        payload.iss = stranger.publicKey.thumbprint
        #expect(check(try forged(payload, stranger)) == .leaseSignerNotAuthorized)
        payload.site = nil
        #expect(check(try forged(payload, stranger), activation: nil) == .leaseSignerNotAuthorized)
        // The site's key id in the claims, another key's signature (and key id in the header).
        #expect(check(try forged(lease, stranger)) == .leaseSignerNotAuthorized)
        // Beyond the license: its serials, its lease and borrow lengths, its lineage.
        var outside = lease
        outside.serial = 999_999
        #expect(check(try forged(outside, site.key)) == .leaseSerialOutsideLicense)
        var long = lease
        long.exp = long.nbf + 901
        #expect(check(try forged(long, site.key)) == .leaseTooLong)
        var borrow = lease
        borrow.kind = .borrow
        borrow.exp = borrow.nbf + 3 * 86_400 + 1
        #expect(check(try forged(borrow, site.key)) == .borrowTooLong)
        var elsewhere = lease
        elsewhere.license = "another-license"
        #expect(check(try forged(elsewhere, site.key)) == .leaseLicenseMismatch)
        // The agent's own leases name no site; one naming another site activation is refused.
        var wrongSite = lease
        wrongSite.site = "another-activation"
        #expect(check(try forged(wrongSite, site.key)) == .siteActivationInvalid)
    }

    @Test func aLeaseOfANodeLockedLicenseIsRefused() throws {
        let channel = try FloatingChannel()
        let machine = try TestMachine()
        let locked = try channel.agent.issue(LicenseRequest(customer: "Other", country: "DE", product: "cad", model: "perpetual",
                                                            price: Price(currency: "EUR", amount: 500)), at: channel.now)
        let lease = Lease(iss: channel.agentKey.publicKey.thumbprint, license: JWS.hash(of: locked.license), serial: 0,
                          machineKey: machine.machineKey, nbf: channel.now, exp: channel.now + 60, kind: .lease, jti: "forged")
        #expect(rule { _ = try channel.verifier.verify(lease: try forged(lease, channel.agentKey), file: locked, machineKey: machine.machineKey, at: channel.now) }
                == .licenseNotFloating)
        // The agent's own lease verifies without a site activation.
        let receipt = try channel.ask(machine, .lease, at: channel.now)
        #expect(receipt.siteActivation == nil)
        _ = try channel.verifier.verify(lease: receipt.lease, file: receipt.license, machineKey: machine.machineKey, at: channel.now + 1)
    }
}

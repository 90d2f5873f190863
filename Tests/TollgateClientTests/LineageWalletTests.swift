import Foundation
import Testing
import TollgateCertificates
import TollgateClient
import TollgateCrypto
import TollgateTestSupport
import TollgateWire

/// The wallet across a license lineage: an upgrade replaces the installed license and keeps the
/// activation, an older license of the lineage is refused, add-ons sit beside the license and
/// enable their features, and a node's status brings both.
@Suite struct LineageWalletTests {
    let now = TestChannel.now

    /// A license the reseller signs after the channel's own: `mutate` makes it an upgrade or add-on.
    func follower(_ channel: TestChannel, at iat: Int64, _ mutate: (inout License) -> Void) throws -> LicenseFile {
        var claims = channel.license.payload
        claims.iat = iat
        claims.nbf = iat
        claims.jti = "follower-\(iat)"
        claims.logIndex += 1
        mutate(&claims)
        return LicenseFile(chain: channel.chain, license: try SignedLicense.sign(claims, with: channel.reseller).compact)
    }

    func upgrade(_ channel: TestChannel) throws -> LicenseFile {
        try follower(channel, at: now + 60) {
            $0.features = ["export", "render"]
            $0.price = Price(currency: "EUR", amount: 1_000)
            $0.supersedes = channel.license.hash
            $0.renews = channel.license.hash
        }
    }

    func addon(_ channel: TestChannel, of lineage: String? = nil) throws -> LicenseFile {
        try follower(channel, at: now + 120) {
            $0.features = ["render"]
            $0.price = Price(currency: "EUR", amount: 500)
            $0.addonOf = lineage ?? channel.license.hash
        }
    }

    func activatedWallet(_ channel: TestChannel, in directory: TemporaryDirectory) throws -> MachineWallet {
        let wallet = try MachineWallet.create(at: directory.url("wallet"), anchor: channel.anchor, product: TestChannel.product,
                                              files: TestMachineFiles.reader())
        try wallet.importLicense(channel.licenseFile, at: now)
        let request = try wallet.activationRequest(country: "DE", at: now)
        _ = try wallet.install(channel.response(try channel.activation(for: request).compact), at: now)
        return wallet
    }

    @Test func anUpgradeReplacesTheLicenseKeepsTheActivationAndAnOlderOneIsRefused() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel()
        let wallet = try activatedWallet(channel, in: directory)
        let activation = try wallet.activation()
        #expect(try wallet.check(at: now + 10).features == ["export"])
        let upgraded = try upgrade(channel)
        try wallet.importLicense(upgraded, at: now + 100)
        let checked = try wallet.check(at: now + 200)
        #expect(checked.features == ["export", "render"] && checked.activation == activation)
        // The superseded license no longer installs: it would take render away again.
        do throws(ClientError) {
            try wallet.importLicense(channel.licenseFile, at: now + 300)
            Issue.record("the superseded license was installed over its upgrade")
        } catch {
            #expect(error.code == .supersededLicense)
        }
        #expect(try wallet.licenseFile() == upgraded)
    }

    @Test func anAddonSitsBesideTheLicenseAndEnablesItsFeatures() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel()
        let wallet = try activatedWallet(channel, in: directory)
        let file = try addon(channel)
        let installed = try wallet.importLicense(file, at: now + 200)
        #expect(installed.features == ["export", "render"])
        try wallet.installAddon(file, at: now + 210)
        #expect(try wallet.addonFiles() == [file], "an add-on installed twice is kept once")
        #expect(try wallet.licenseFile() == channel.licenseFile, "an add-on does not replace the license")
        let checked = try wallet.check(at: now + 300)
        #expect(checked.features == ["export", "render"] && checked.addons.map(\.compact) == [file.license])
        // An add-on of another license is refused and nothing is stored.
        let foreign = try addon(channel, of: "another-lineage")
        do throws(ClientError) {
            try wallet.installAddon(foreign, at: now + 400)
            Issue.record("an add-on of another license was installed")
        } catch {
            #expect(error.code == .verificationFailed && error.verification?.rule == .lineageMismatch)
        }
        #expect(try wallet.addonFiles() == [file])
        // Without a license installed there is nothing to add to.
        let empty = try MachineWallet.create(at: directory.url("empty"), anchor: channel.anchor, product: TestChannel.product,
                                             files: TestMachineFiles.reader())
        #expect(throws: ClientError.self) { try empty.installAddon(file, at: now) }
    }

    @Test func aStatusBringsTheNewestLicenseAndTheAddons() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel()
        let wallet = try activatedWallet(channel, in: directory)
        let upgraded = try upgrade(channel)
        let addonFile = try addon(channel)
        let current = JWS.hash(of: upgraded.license)
        let status = LicenseStatus(license: channel.license.hash, current: current, valid: true, problem: nil, seats: 2, active: 1, exp: nil,
                                   revocations: [], file: upgraded, addons: [addonFile])
        let installed = try wallet.adopt(status, at: now + 500)
        #expect(installed == [current, JWS.hash(of: addonFile.license)])
        let checked = try wallet.check(at: now + 600)
        #expect(checked.license.hash == current && checked.features == ["export", "render"] && checked.addons.count == 1)
        // Asking again installs nothing more.
        #expect(try wallet.adopt(status, at: now + 700).isEmpty)
    }
}

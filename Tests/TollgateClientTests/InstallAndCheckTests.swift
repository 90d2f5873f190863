import Foundation
import Testing
import TollgateCertificates
import TollgateClient
import TollgateCrypto
import TollgateTestSupport
import TollgateWire

@Suite struct InstallAndCheckTests {
    let now = TestChannel.now

    /// A wallet for the channel's vendor and product with the channel's license imported.
    func licensedWallet(_ channel: TestChannel, in directory: TemporaryDirectory, name: String = "wallet",
                        files: SystemFileReader = TestMachineFiles.reader()) throws -> MachineWallet {
        let wallet = try MachineWallet.create(at: directory.url(name), anchor: channel.anchor, product: TestChannel.product, files: files)
        try wallet.importLicense(channel.licenseFile, at: now)
        return wallet
    }

    /// The channel's answer to this wallet's activation request.
    func activatedResponse(_ channel: TestChannel, for wallet: MachineWallet, exp: Int64? = nil,
                           kind: Activation.Kind = .standard) throws -> ActivationReceipt {
        let request = try wallet.activationRequest(country: "DE", at: now)
        return channel.response(try channel.activation(for: request, exp: exp, kind: kind).compact)
    }

    func expectNothingInstalled(_ wallet: MachineWallet) throws {
        #expect(try wallet.activation() == nil)
        #expect(try wallet.receipt() == nil)
    }

    // MARK: Install

    @Test func aGoodReceiptInstallsAndChecksOffline() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel()
        let wallet = try licensedWallet(channel, in: directory)
        let response = try activatedResponse(channel, for: wallet)
        guard case .activated(let installed) = try wallet.install(response, at: now) else {
            Issue.record("an activation response installed as something else")
            return
        }
        #expect(installed.activation?.compact == response.activation)
        #expect(try wallet.activation()?.compact == response.activation)
        #expect(try wallet.receipt() == response)
        let checked = try wallet.check(at: now + 86_400)
        #expect(checked.activation?.hash == JWS.hash(of: response.activation))
        #expect(checked.license.payload.customer == "Muster GmbH")
        // Installing the same answer again changes nothing.
        _ = try wallet.install(response, at: now)
        #expect(try wallet.check(at: now + 86_460).activation?.hash == checked.activation?.hash)
    }

    /// The wallet keeps the latest time a check saw: a check before it beyond the clock skew is
    /// refused with its own rule, and neither that nor a check inside the skew moves it back.
    @Test func aClockSetBackIsRefusedAndTheLatestTimeNeverMovesBack() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel()
        let wallet = try licensedWallet(channel, in: directory)
        _ = try wallet.install(try activatedResponse(channel, for: wallet), at: now)
        #expect(try wallet.latestSeenTime() == nil)
        let later = now + 10 * 86_400
        _ = try wallet.check(at: later)
        #expect(try wallet.latestSeenTime() == later)
        // Inside the skew: verifies, and the latest time stays.
        _ = try wallet.check(at: later - wallet.policy.clockSkew)
        #expect(try wallet.latestSeenTime() == later)
        let stored = try Data(contentsOf: wallet.directory.appendingPathComponent("clock.json"))
        let error = #expect(throws: ClientError.self) { try wallet.check(at: later - wallet.policy.clockSkew - 1) }
        #expect(error?.code == .verificationFailed)
        #expect(error?.verification?.rule == .clockRolledBack)
        #expect(try wallet.latestSeenTime() == later)
        #expect(try Data(contentsOf: wallet.directory.appendingPathComponent("clock.json")) == stored)
        // Forward again: verifies and moves on.
        _ = try wallet.check(at: later + 86_400)
        #expect(try wallet.latestSeenTime() == later + 86_400)
    }

    @Test func aDamagedWalletClockIsAClearError() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel()
        let wallet = try licensedWallet(channel, in: directory)
        _ = try wallet.install(try activatedResponse(channel, for: wallet), at: now)
        try Data("{\"latest_seen\": \"soon\"}".utf8).write(to: wallet.directory.appendingPathComponent("clock.json"))
        let error = #expect(throws: ClientError.self) { try wallet.check(at: now) }
        #expect(error?.code == .malformed)
        #expect(error?.reason.contains("wallet clock") == true)
    }

    @Test func aReceiptForAnotherMachineIsRefused() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel()
        let wallet = try licensedWallet(channel, in: directory)
        // Another machine's key.
        let other = try licensedWallet(channel, in: directory, name: "other", files: TestMachineFiles.reader(machineID: "ffffffffffffffffffffffffffffffff"))
        let foreign = try activatedResponse(channel, for: other)
        let error = #expect(throws: ClientError.self) { try wallet.install(foreign, at: now) }
        #expect(error?.code == .verificationFailed)
        #expect(error?.verification?.rule == .machineMismatch)
        try expectNothingInstalled(wallet)
        // This machine's key but another machine's fingerprint (a wallet copied elsewhere).
        let copied = try channel.activation(machineKey: wallet.encodedMachineKey, fingerprint: other.fingerprint.value)
        let fingerprintError = #expect(throws: ClientError.self) { try wallet.install(channel.response(copied.compact), at: now) }
        #expect(fingerprintError?.verification?.rule == .machineMismatch)
        try expectNothingInstalled(wallet)
    }

    @Test func aTamperedReceiptIsRefused() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel()
        let wallet = try licensedWallet(channel, in: directory)
        let response = try activatedResponse(channel, for: wallet)
        // Another serial in the activation's claims, the signature left as it was.
        var parts = response.activation.split(separator: ".").map(String.init)
        let claims = String(decoding: try Base64URL.decode(parts[1]), as: UTF8.self)
        #expect(claims.contains(#""serial":1000"#))
        parts[1] = Base64URL.encode(Array(claims.replacingOccurrences(of: #""serial":1000"#, with: #""serial":1001"#).utf8))
        var tampered = response
        tampered.activation = parts.joined(separator: ".")
        let error = #expect(throws: ClientError.self) { try wallet.install(tampered, at: now) }
        #expect(error?.verification?.rule == .badSignature)
        #expect(error?.verification?.object.hasPrefix("activation") == true)
        // A license file whose chain lost a certificate.
        var shortChain = response
        shortChain.license.chain.removeFirst()
        let chainError = #expect(throws: ClientError.self) { try wallet.install(shortChain, at: now) }
        #expect(chainError?.code == .verificationFailed)
        // An activation signed by a key outside the chain.
        let outsider = try Ed25519PrivateKey()
        let forged = try channel.activation(for: try wallet.activationRequest(country: "DE", at: now), signer: outsider)
        let forgedError = #expect(throws: ClientError.self) { try wallet.install(channel.response(forged.compact), at: now) }
        #expect(forgedError?.verification?.rule == .activatorNotAuthorized)
        try expectNothingInstalled(wallet)
    }

    /// Found by the request-files fuzz target: the license file inside a response skipped its format check.
    @Test func aResponseFileWhoseLicenseFileHasAnotherFormatIsRefused() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel()
        let wallet = try licensedWallet(channel, in: directory)
        var response = try activatedResponse(channel, for: wallet)
        #expect(try ActivationReceipt.read(response.encoded()) == response)
        response.license.format = "tollgate-license-fi|e/1"
        let error = #expect(throws: ClientError.self) { try ActivationReceipt.read(response.encoded()) }
        #expect(error?.code == .malformed)
    }

    @Test func aReceiptUnderAnotherVendorsAnchorIsRefused() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel(), otherVendor = try TestChannel(seed: "other vendor")
        let wallet = try MachineWallet.create(at: directory.url, anchor: otherVendor.anchor, product: TestChannel.product,
                                              files: TestMachineFiles.reader())
        let importError = #expect(throws: ClientError.self) { try wallet.importLicense(channel.licenseFile, at: now) }
        #expect(importError?.verification?.rule == .issuerMismatch)
        #expect(importError?.verification?.object.hasPrefix("certificate[0]") == true)
        let request = try wallet.makeRequest(action: .activate, license: channel.license.hash, country: "DE", at: now)
        let response = channel.response(try channel.activation(for: request).compact)
        let error = #expect(throws: ClientError.self) { try wallet.install(response, at: now) }
        #expect(error?.code == .verificationFailed)
        #expect(error?.verification?.rule == .issuerMismatch)
        #expect(try wallet.licenseFile() == nil)
        try expectNothingInstalled(wallet)
    }

    @Test func aReceiptForAnotherProductIsRefused() throws {
        let directory = try TemporaryDirectory()
        let lite = try TestChannel(product: "cad-lite")  // same vendor keys, a license for another product
        let wallet = try MachineWallet.create(at: directory.url, anchor: lite.anchor, product: TestChannel.product, files: TestMachineFiles.reader())
        let request = try wallet.makeRequest(action: .activate, license: lite.license.hash, country: "DE", at: now)
        let error = #expect(throws: ClientError.self) { try wallet.install(lite.response(try lite.activation(for: request).compact), at: now) }
        #expect(error?.code == .productMismatch)
        try expectNothingInstalled(wallet)
    }

    @Test func anActivationOfAnotherLicenseDoesNotReplaceTheHeldOne() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel()
        let renewedTerms = try TestChannel(licenseExp: now + 365 * 86_400)  // same vendor, another license
        let wallet = try licensedWallet(channel, in: directory)
        _ = try wallet.install(try activatedResponse(channel, for: wallet), at: now)
        let request = try wallet.makeRequest(action: .activate, license: renewedTerms.license.hash, country: "DE", at: now)
        let other = renewedTerms.response(try renewedTerms.activation(for: request).compact)
        let error = #expect(throws: ClientError.self) { try wallet.install(other, at: now) }
        #expect(error?.code == .activationHeld)
        let importError = #expect(throws: ClientError.self) { try wallet.importLicense(renewedTerms.licenseFile, at: now) }
        #expect(importError?.code == .activationHeld)
        #expect(try wallet.check(at: now).license.hash == channel.license.hash)
    }

    // MARK: Check

    @Test func checkNamesTheRuleForAnExpiredTemporaryActivation() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel()
        let wallet = try licensedWallet(channel, in: directory)
        let failedMachine = "ZmFpbGVkLW1hY2hpbmUtYWN0aXZhdGlvbi1oYXNoAAA"
        let request = try wallet.emergencyRequest(replacing: failedMachine, country: "AT", at: now)
        #expect(try SignedMachineRequest(compact: request).payload.action == .emergency)
        let temporary = try channel.activation(for: request, exp: now + 72 * 3_600, kind: .temporary)
        #expect(temporary.payload.replaces == failedMachine)
        _ = try wallet.install(channel.response(temporary.compact), at: now)
        #expect(try wallet.check(at: now + 71 * 3_600).activation?.payload.kind == .temporary)
        let error = #expect(throws: ClientError.self) { try wallet.check(at: now + 73 * 3_600) }
        #expect(error?.code == .verificationFailed)
        #expect(error?.verification?.rule == .activationExpired)
    }

    @Test func checkWithoutAnActivationSaysSo() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel()
        let wallet = try MachineWallet.create(at: directory.url, anchor: channel.anchor, product: TestChannel.product, files: TestMachineFiles.reader())
        let empty = #expect(throws: ClientError.self) { try wallet.check(at: now) }
        #expect(empty?.code == .notActivated)
        try wallet.importLicense(channel.licenseFile, at: now)
        let unactivated = #expect(throws: ClientError.self) { try wallet.check(at: now) }
        #expect(unactivated?.code == .notActivated)
    }

    @Test func aWalletCopiedToAnotherMachineFailsItsCheck() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel()
        let wallet = try licensedWallet(channel, in: directory)
        _ = try wallet.install(try activatedResponse(channel, for: wallet), at: now)
        let copy = try MachineWallet(at: directory.url("wallet"), files: TestMachineFiles.reader(machineID: "99999999999999999999999999999999"))
        let error = #expect(throws: ClientError.self) { try copy.check(at: now) }
        #expect(error?.verification?.rule == .machineMismatch)
    }

    @Test func revocationsFromTheNodeAreKeptOnlyWhenTheyApply() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel()
        let wallet = try licensedWallet(channel, in: directory)
        _ = try wallet.install(try activatedResponse(channel, for: wallet), at: now)
        let resellerCertificate = JWS.hash(of: channel.chain[1])
        let forged = try SignedRevocation.sign(Revocation(iss: try Ed25519PrivateKey().publicKey.thumbprint, cert: resellerCertificate,
                                                          effective: now - 10 * 86_400, reason: "forged", iat: now, jti: "forged"),
                                               with: try Ed25519PrivateKey())
        #expect(try wallet.recordRevocations([forged.compact], at: now).isEmpty)
        #expect(try wallet.check(at: now).activation != nil)
        let real = try SignedRevocation.sign(Revocation(iss: channel.general.publicKey.thumbprint, cert: resellerCertificate,
                                                        effective: now - 10 * 86_400, reason: "channel arbitrage", iat: now, jti: "revocation-ra"),
                                             with: channel.general)
        #expect(try wallet.recordRevocations([real.compact], at: now) == [real.compact])
        let error = #expect(throws: ClientError.self) { try wallet.check(at: now) }
        #expect(error?.verification?.rule == .revoked)
    }

    /// A license's revocation carried as a file: kept when it names the installed license and is
    /// signed by its issuer or an ancestor; one of another license, or from an outsider, is refused
    /// and nothing is stored.
    @Test func aLicenseRevocationFileIsInstalledOnlyWhenItConcernsTheLicense() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel()
        let wallet = try licensedWallet(channel, in: directory)
        _ = try wallet.install(try activatedResponse(channel, for: wallet), at: now)
        func revocation(of license: String, by signer: Ed25519PrivateKey, effective: Int64 = TestChannel.now - 60) throws -> String {
            try SignedRevocation.sign(Revocation(iss: signer.publicKey.thumbprint, license: license, effective: effective, reason: .refund,
                                                 iat: effective, jti: "refund-\(license.prefix(4))-\(effective)"), with: signer).compact
        }
        let another = #expect(throws: ClientError.self) {
            try wallet.installRevocation(try revocation(of: JWS.hash(of: "another license"), by: channel.reseller), at: now)
        }
        #expect(another?.code == .receiptMismatch)
        let outsider = #expect(throws: ClientError.self) {
            try wallet.installRevocation(try revocation(of: channel.license.hash, by: try Ed25519PrivateKey()), at: now)
        }
        #expect(outsider?.verification?.rule == .revocationNotAuthorized)
        let garbage = #expect(throws: ClientError.self) { try wallet.installRevocation("not a revocation", at: now) }
        #expect(garbage?.verification?.rule == .malformed)
        #expect(try wallet.revocations().isEmpty)
        #expect(try wallet.check(at: now).activation != nil)
        // One effective tomorrow is kept and bites tomorrow; the general agent, an ancestor, may sign it.
        let tomorrow = try revocation(of: channel.license.hash, by: channel.general, effective: now + 86_400)
        try wallet.installRevocation(tomorrow, at: now)
        try wallet.installRevocation(tomorrow, at: now)  // twice changes nothing
        #expect(try wallet.revocations() == [tomorrow])
        #expect(try wallet.check(at: now).activation != nil)
        let error = #expect(throws: ClientError.self) { try wallet.check(at: now + 86_400) }
        #expect(error?.verification?.rule == .licenseRevoked)
    }

    // MARK: Deactivation

    @Test func aDeactivationEndsTheActivationOnlyWithThisMachinesProof() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel()
        let wallet = try licensedWallet(channel, in: directory)
        _ = try wallet.install(try activatedResponse(channel, for: wallet), at: now)
        let held = try #require(try wallet.activation())

        let (request, ended) = try wallet.deactivationRequest(at: now + 30)
        #expect(ended.hash == held.hash)
        let claims = try SignedMachineRequest(compact: request).payload
        #expect(claims.action == .deactivate && claims.activation == held.hash && claims.license == channel.license.hash)
        // The seat is given back as soon as the request is signed.
        let pending = #expect(throws: ClientError.self) { try wallet.check(at: now + 30) }
        #expect(pending?.code == .notActivated)
        #expect(try wallet.pendingDeactivation()?.hash == held.hash)

        // A deactivation carrying another machine's proof does not touch this wallet.
        let other = try licensedWallet(channel, in: directory, name: "other")
        let otherProof = try other.makeRequest(action: .deactivate, license: channel.license.hash, activation: held.hash, country: "DE", at: now)
        let mismatch = #expect(throws: ClientError.self) {
            try wallet.install(channel.response(try channel.deactivation(of: held, proof: otherProof).compact), at: now)
        }
        #expect(mismatch?.code == .receiptMismatch)
        // Nor does one signed by a key outside the license's chain.
        let outsider = try Ed25519PrivateKey()
        let forged = #expect(throws: ClientError.self) {
            try wallet.install(channel.response(try channel.deactivation(of: held, proof: request, signer: outsider).compact), at: now)
        }
        #expect(forged?.verification?.rule == .activatorNotAuthorized)
        #expect(try wallet.pendingDeactivation()?.hash == held.hash)

        let deactivation = try channel.deactivation(of: held, proof: request)
        guard case .deactivated(let recorded) = try wallet.install(channel.response(deactivation.compact), at: now + 60) else {
            Issue.record("a deactivation response installed as something else")
            return
        }
        #expect(recorded.payload.activation == held.hash)
        #expect(try wallet.pendingDeactivation() == nil)
        #expect(try wallet.activation() == nil)
        #expect(try wallet.lastDeactivation()?.compact == deactivation.compact)
        // Installing the same response file twice is harmless.
        guard case .deactivated = try wallet.install(channel.response(deactivation.compact), at: now + 90) else {
            Issue.record("a repeated deactivation installed as something else")
            return
        }
        // The freed machine can take a seat again.
        let again = try channel.activation(for: try wallet.activationRequest(country: "DE", at: now + 120), at: now + 120)
        _ = try wallet.install(channel.response(again.compact), at: now + 120)
        #expect(try wallet.check(at: now + 120).activation?.hash == again.hash)
    }
}

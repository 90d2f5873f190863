import Foundation
import Testing
import TollgateCertificates
import TollgateClient
import TollgateCrypto
import TollgateTestSupport
import TollgateWire

/// The machine's side of metered use: records made offline, refused past a refusing allowance,
/// chained in the wallet, sent and receipted.
@Suite struct MachineUsageTests {
    let now = TestChannel.now

    static func metering(_ overage: Metering.Overage, allowance: Int64 = 100) -> Metering {
        Metering(allowance: [MeteredFeature(feature: "export", units: allowance)], unitPrice: Price(currency: "EUR", amount: 2), overage: overage)
    }

    /// A wallet activated on the channel's metered license.
    func activatedWallet(_ channel: TestChannel, in directory: TemporaryDirectory) throws -> (MachineWallet, SignedActivation) {
        let wallet = try MachineWallet.create(at: directory.url("wallet"), anchor: channel.anchor, product: TestChannel.product,
                                              files: TestMachineFiles.reader())
        try wallet.importLicense(channel.licenseFile, at: now)
        let activation = try channel.activation(for: try wallet.activationRequest(country: "DE", at: now))
        _ = try wallet.install(channel.response(activation.compact), at: now)
        return (wallet, activation)
    }

    /// The agent's receipt for `record` at log index `index`.
    func receipt(_ channel: TestChannel, for record: SignedUsageRecord, index: UInt64 = 10, signer: Ed25519PrivateKey? = nil) throws -> UsageUploadResult {
        let signer = signer ?? channel.reseller
        let claims = UsageReceipt(iss: signer.publicKey.thumbprint, license: record.payload.license, machineKey: record.payload.machineKey,
                                  seq: record.payload.seq, head: record.hash, logIndex: index, iat: now + 100, jti: "receipt-\(record.payload.seq)")
        return UsageUploadResult(receipt: try SignedUsageReceipt.sign(claims, with: signer).compact, accepted: 1, duplicates: 0, forked: [])
    }

    @Test func usesAreChainedFromTheActivationAndVerify() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel(metering: Self.metering(.bill))
        let (wallet, activation) = try activatedWallet(channel, in: directory)
        let first = try wallet.recordUse(feature: "export", units: 40, at: now + 10)
        let second = try wallet.recordUse(feature: "export", units: 90, at: now + 20)  // past the allowance: billed, not refused
        #expect(first.payload.seq == 1 && first.payload.prev == activation.hash && first.payload.license == channel.license.hash)
        #expect(second.payload.seq == 2 && second.payload.prev == first.hash)
        try UsageVerifier.checkLink(second, after: .init(seq: 1, hash: first.hash), activation: activation.payload)
        let chain = try #require(try wallet.usageChain())
        #expect(chain.records.map(\.hash) == [first.hash, second.hash])
        #expect(chain.used("export", in: first.payload.period) == 130)
        #expect(try wallet.usageUpload().records == [first.compact, second.compact])
    }

    @Test func aRefusingAllowanceRefusesOfflineAndRecordsNothing() throws {
        for (overage, limit) in [(Metering.Overage.refuse, Int64(100)), (.allow(percent: 150), 150)] {
            let directory = try TemporaryDirectory()
            let channel = try TestChannel(seed: "refuse-\(limit)", metering: Self.metering(overage))
            let (wallet, _) = try activatedWallet(channel, in: directory)
            try wallet.recordUse(feature: "export", units: limit - 10, at: now + 10)
            do {
                try wallet.recordUse(feature: "export", units: 11, at: now + 20)
                Issue.record("use past the limit of \(limit) was recorded")
            } catch {
                #expect(error.code == .verificationFailed)
                #expect(error.verification?.rule == .usageBeyondAllowance)
            }
            #expect(try wallet.usageChain()?.records.count == 1)
            try wallet.recordUse(feature: "export", units: 10, at: now + 30)  // exactly the limit
            do {
                try wallet.recordUse(feature: "render", units: 1, at: now + 40)
                Issue.record("a feature the license does not meter was recorded")
            } catch {
                #expect(error.verification?.rule == .notMetered)
            }
        }
    }

    @Test func useNeedsAValidActivatedMeteredLicense() throws {
        let plain = try TestChannel(seed: "plain")
        let directory = try TemporaryDirectory()
        let wallet = try MachineWallet.create(at: directory.url("wallet"), anchor: plain.anchor, product: TestChannel.product,
                                              files: TestMachineFiles.reader())
        try wallet.importLicense(plain.licenseFile, at: now)
        do {
            try wallet.recordUse(feature: "export", units: 1, at: now)
            Issue.record("use was recorded without an activation")
        } catch {
            #expect(error.code == .notActivated)
        }
        let activation = try plain.activation(for: try wallet.activationRequest(country: "DE", at: now))
        _ = try wallet.install(plain.response(activation.compact), at: now)
        do {
            try wallet.recordUse(feature: "export", units: 1, at: now)
            Issue.record("use of a perpetual license was recorded")
        } catch {
            #expect(error.verification?.rule == .notMetered)
        }
        #expect(try wallet.usageChain() == nil)
    }

    @Test func aReceiptIsInstalledOnlyWhenItIsTheIssuersForThisChain() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel(metering: Self.metering(.bill))
        let (wallet, _) = try activatedWallet(channel, in: directory)
        let first = try wallet.recordUse(feature: "export", units: 1, at: now + 10)
        let second = try wallet.recordUse(feature: "export", units: 2, at: now + 20)
        func refused(_ result: UsageUploadResult, _ comment: Comment) {
            do {
                try wallet.installUsageResult(result, at: now + 200)
                Issue.record("installed: \(comment)")
            } catch {
                #expect(error.code == .receiptMismatch || error.code == .verificationFailed, comment)
            }
        }
        refused(try receipt(channel, for: first, signer: try Ed25519PrivateKey()), "a receipt signed by a stranger")
        let foreign = try SignedUsageRecord.sign(UsageRecord(license: first.payload.license, machineKey: first.payload.machineKey, seq: 2, prev: first.hash,
                                                             feature: "export", units: 9, iat: now + 30), with: try Ed25519PrivateKey())
        refused(try receipt(channel, for: foreign), "a receipt for a head this machine never recorded")
        #expect(try wallet.usageChain()?.receipt == nil)

        try wallet.installUsageResult(try receipt(channel, for: first), at: now + 200)
        #expect(try wallet.usageUpload().records == [second.compact])
        try wallet.installUsageResult(try receipt(channel, for: second), at: now + 200)
        #expect(try wallet.usageChain()?.receipt?.payload.seq == 2)
        // An older answer arriving late changes nothing.
        try wallet.installUsageResult(try receipt(channel, for: first), at: now + 200)
        #expect(try wallet.usageChain()?.receipt?.payload.seq == 2)
        #expect(throws: ClientError.self) { try wallet.usageUpload() }
        #expect(try wallet.usageUpload(everything: true).records.count == 2)
    }
}

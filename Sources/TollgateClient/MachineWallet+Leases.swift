import Foundation
import TollgateCertificates
import TollgateWire

/// Floating seats in the wallet: the lease receipt this machine holds (its lease, the license file
/// it was served under and, from a site, the site activation), requests to lease, heartbeat,
/// release and borrow, and the offline check of the lease.
extension MachineWallet {
    static let leaseFile = "lease.json"

    /// The lease receipt installed last, if this machine holds a lease (verify it with ``checkLease(at:)``).
    public func leaseReceipt() throws(ClientError) -> LeaseReceipt? {
        guard let data = try WalletFile.read(url(Self.leaseFile), what: "lease") else { return nil }
        do {
            return try LeaseReceipt(data: data)
        } catch {
            throw ClientError(.malformed, "the stored lease \(url(Self.leaseFile).path) is damaged: \(error.reason)")
        }
    }

    /// A signed `lease`, `borrow`, `heartbeat` or `release` request for the installed floating
    /// license; a heartbeat and a release name the lease this machine holds. `country` defaults to
    /// where the license was sold.
    public func leaseRequest(_ action: MachineRequest.Action, country: String? = nil, at now: Int64) throws(ClientError) -> String {
        let file = try requireLicense(for: "lease a floating seat")
        var held: String?
        switch action {
        case .lease, .borrow:
            break
        case .heartbeat, .release:
            guard let receipt = try leaseReceipt() else {
                throw ClientError(.notActivated, "this machine holds no lease to \(action.rawValue); lease one first")
            }
            held = JWS.hash(of: receipt.lease)
        default:
            throw ClientError(.invalidArgument, "\(action.rawValue) is not a lease request")
        }
        let soldIn = (try? SignedLicense(compact: file.license))?.payload.country ?? "ZZ"
        return try makeRequest(action: action, license: JWS.hash(of: file.license), activation: held, country: country ?? soldIn, at: now)
    }

    /// Installs a lease server's answer: a lease is verified offline for this machine and kept (with
    /// the license file it came with); a release of the lease held ends it. Nothing is stored when
    /// the answer does not verify.
    @discardableResult
    public func installLease(_ receipt: LeaseReceipt, at now: Int64) throws(ClientError) -> VerifiedLease? {
        if receipt.objectType == LeaseRelease.type {
            let release: SignedLeaseRelease
            do {
                release = try SignedLeaseRelease(compact: receipt.lease)
            } catch {
                throw ClientError(error, while: "the release does not parse")
            }
            guard let held = try leaseReceipt(), JWS.hash(of: held.lease) == release.payload.lease else {
                throw ClientError(.receiptMismatch, "the release is for lease \(HashID.short(release.payload.lease)), which this machine does not hold")
            }
            try WalletFile.remove(url(Self.leaseFile), what: "lease")
            return nil
        }
        let verified = try verifyLease(receipt, at: now)
        try checkProduct(verified.license.license)
        let data: Data
        do {
            data = try receipt.encoded()
        } catch {
            throw ClientError(.malformed, "cannot encode the lease: \(error)")
        }
        try WalletFile.write(data, to: url(Self.leaseFile), what: "lease")
        return verified
    }

    /// The offline check of a floating seat: vendor → certificate → license → (site activation) →
    /// this machine's lease, at `now`, with the revocations the wallet knows. A clock set back past
    /// the latest check is refused, as for activations.
    public func checkLease(at now: Int64) throws(ClientError) -> VerifiedLease {
        try observeClock(at: now)
        guard let receipt = try leaseReceipt() else {
            throw ClientError(.notActivated, "this machine holds no lease (run 'tollgate machine lease')")
        }
        return try verifyLease(receipt, at: now)
    }

    private func verifyLease(_ receipt: LeaseReceipt, at now: Int64) throws(ClientError) -> VerifiedLease {
        let known = try revocations()
        do throws(VerificationError) {
            return try LeaseVerifier(verifier).verify(lease: receipt.lease, file: receipt.license, siteActivation: receipt.siteActivation,
                                                      machineKey: encodedMachineKey, at: now, revocations: known)
        } catch {
            throw ClientError(error, while: "the lease does not verify")
        }
    }
}

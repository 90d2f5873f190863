import Foundation
import TollgateCertificates
import TollgateCrypto

/// An end customer's machine: its own key and the requests it signs (activate, deactivate with
/// proof, emergency), as the embedded client would send them.
public struct TestMachine {
    public let key: Ed25519PrivateKey
    public let country: String
    /// What its requests say it runs on, as `MachinePlatform.current` would on that machine.
    public let platform: String

    public init(country: String = "DE", platform: String = "linux-x86_64") throws {
        self.init(key: try Ed25519PrivateKey(), country: country, platform: platform)
    }

    /// A machine with a given key: a site node signs its binding request with its node key.
    public init(key: Ed25519PrivateKey, country: String = "DE", platform: String = "linux-x86_64") {
        self.key = key
        self.country = country
        self.platform = platform
    }

    public var machineKey: String { Base64URL.encode(key.publicKey.rawRepresentation) }
    public var fingerprint: String { Base64URL.encode(SHA256Digest.hash(Array(machineKey.utf8))) }
    public var identity: MachineIdentity { MachineIdentity(machineKey: machineKey) }

    /// The signed request as compact JWS, made now unless `at` says otherwise.
    public func request(_ action: MachineRequest.Action, license: String, activation: String? = nil,
                        at time: Int64 = Int64(Date().timeIntervalSince1970), nonce: String = UUID().uuidString) throws -> String {
        let payload = MachineRequest(action: action, license: license, activation: activation, machineKey: machineKey,
                                     fingerprint: fingerprint, platform: platform, country: country, iat: time, nonce: nonce)
        return try SignedMachineRequest.sign(payload, with: key).compact
    }

    /// A usage record of this machine's chain for `license` (the lineage hash): `prev` is the record
    /// before it, or the activation's hash for `seq` 1.
    public func usageRecord(license: String, seq: UInt64, prev: String, feature: String = "render", units: Int64,
                            at time: Int64) throws -> SignedUsageRecord {
        try SignedUsageRecord.sign(UsageRecord(license: license, machineKey: machineKey, seq: seq, prev: prev, feature: feature, units: units,
                                               iat: time), with: key)
    }

    /// `units.count` records chained after `head` (the activation's hash for a new chain, at `seq` 0).
    public func usageChain(license: String, after head: (seq: UInt64, hash: String), units: [Int64], feature: String = "render",
                           at time: Int64) throws -> [SignedUsageRecord] {
        var records: [SignedUsageRecord] = []
        var previous = head
        for (offset, amount) in units.enumerated() {
            let record = try usageRecord(license: license, seq: previous.seq + 1, prev: previous.hash, feature: feature, units: amount,
                                         at: time + Int64(offset))
            records.append(record)
            previous = (record.payload.seq, record.hash)
        }
        return records
    }

    /// The request's bytes, ready for an HTTP body.
    public func body(_ action: MachineRequest.Action, license: String, activation: String? = nil) throws -> [UInt8] {
        Array(try request(action, license: license, activation: activation).utf8)
    }
}

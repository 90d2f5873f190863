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

    /// The request's bytes, ready for an HTTP body.
    public func body(_ action: MachineRequest.Action, license: String, activation: String? = nil) throws -> [UInt8] {
        Array(try request(action, license: license, activation: activation).utf8)
    }
}

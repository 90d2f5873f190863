import TollgateCertificates
import TollgateCrypto

/// One of a customer's machines: its own key (made at install, here from the run's seed), the
/// country it is in and the activation it holds.
struct CustomerMachine {
    let key: Ed25519PrivateKey
    let country: String
    var activation: String?
    /// The seat was given back, or the machine failed.
    var retired = false

    var machineKey: String { Base64URL.encode(key.publicKey.rawRepresentation) }
    var fingerprint: String { Base64URL.encode(SHA256Digest.hash(Array("fp:\(machineKey)".utf8))) }
    var identity: MachineIdentity { MachineIdentity(machineKey: machineKey, fingerprint: fingerprint) }

    /// A signed request of this machine about `license` (and `activation` for deactivation or emergency).
    func request(_ action: MachineRequest.Action, license: String, activation: String? = nil, at now: Int64,
                 nonce: String) throws -> String {
        let payload = MachineRequest(action: action, license: license, activation: activation, machineKey: machineKey,
                                     fingerprint: fingerprint, platform: "linux-x86_64", country: country, iat: now, nonce: nonce)
        return try SignedMachineRequest.sign(payload, with: key).compact
    }
}

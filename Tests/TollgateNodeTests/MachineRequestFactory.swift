import Foundation
import TollgateCertificates
import TollgateCrypto

/// An end customer's machine in tests: its key and the requests it signs.
struct TestMachine {
    let key: Ed25519PrivateKey
    let country: String
    private static let counter = Counter()

    init(country: String = "DE") throws {
        key = try Ed25519PrivateKey()
        self.country = country
    }

    var machineKey: String { Base64URL.encode(key.publicKey.rawRepresentation) }

    func request(_ action: MachineRequest.Action, license: String, activation: String? = nil, at now: Int64,
                 nonce: String? = nil) throws -> String {
        let payload = MachineRequest(action: action, license: license, activation: activation, machineKey: machineKey,
                                     fingerprint: Base64URL.encode(SHA256Digest.hash(Array(machineKey.utf8))), platform: "linux-x86_64",
                                     country: country, iat: now, nonce: nonce ?? UUID().uuidString)
        return try SignedMachineRequest.sign(payload, with: key).compact
    }

    final class Counter: Sendable {}
}

import Foundation
import TollgateCertificates
import TollgateCrypto

/// An end customer's machine as the benchmarks play it: its signed requests, made as the embedded
/// client makes them, declared once for every benchmark that needs machines.
enum BenchMachine {
    /// `machine`'s signed request for `action` on `license` (naming `activation`, a lease or an
    /// activation, when the action needs one), as compact JWS.
    static func request(_ action: MachineRequest.Action, license: String, activation: String? = nil, by machine: Ed25519PrivateKey,
                        at time: Int64) throws -> String {
        let machineKey = Base64URL.encode(machine.publicKey.rawRepresentation)
        let payload = MachineRequest(action: action, license: license, activation: activation, machineKey: machineKey,
                                     fingerprint: Base64URL.encode(SHA256Digest.hash(Array(machineKey.utf8))),
                                     platform: "linux-x86_64", country: "DE", iat: time, nonce: UUID().uuidString)
        return try SignedMachineRequest.sign(payload, with: machine).compact
    }
}

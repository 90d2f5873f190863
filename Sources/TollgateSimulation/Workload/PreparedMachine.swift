import TollgateCertificates
import TollgateCrypto

/// A customer machine's key and, where the workload already knows it, the first request the machine
/// will send, made on the ``MachineWorkshop``'s thread ahead of the step that uses them. Everything
/// in it follows from the seed and the request's fields (Ed25519 is deterministic), so the run is
/// the same whichever thread made it and when.
final class PreparedMachine: Sendable {
    /// What a preparation made.
    struct Made: Sendable {
        let key: Ed25519PrivateKey
        /// base64url of the raw public key, as requests carry it.
        let machineKey: String
        let fingerprint: String
        /// What the machine runs on, as its requests (and so its activations) say.
        let platform: String
        /// The first request, signed; its signature is in the run's record.
        let firstRequest: String?
    }

    /// The first request's fields, fixed when the machine is installed.
    struct FirstRequest: Sendable {
        let action: MachineRequest.Action
        let license: String
        let activation: String?
        /// Unix seconds the request is made at: when the step that sends it is due.
        let at: Int64
        let nonce: String
    }

    let country: String
    let first: FirstRequest?
    /// The run's record of verified signatures, where every request the machine signs goes.
    let signatures: VerifiedSignatureCache
    private let result = WorkshopResult<Result<Made, any Error>>()

    init(country: String, first: FirstRequest?, signatures: VerifiedSignatureCache) {
        self.country = country
        self.first = first
        self.signatures = signatures
    }

    /// Makes the key and the first request; called once, on any thread.
    func make(seed: [UInt8]) {
        let made = Result { () throws -> Made in
            let key = try Ed25519PrivateKey(seed: seed)
            let machineKey = Base64URL.encode(key.publicKey.rawRepresentation)
            let fingerprint = Self.fingerprint(of: machineKey)
            let platform = Self.platform(seed: seed)
            var firstRequest: String?
            if let first {
                let payload = MachineRequest(action: first.action, license: first.license, activation: first.activation,
                                             machineKey: machineKey, fingerprint: fingerprint, platform: platform,
                                             country: country, iat: first.at, nonce: first.nonce)
                // The agent finds the signature in the run's record instead of verifying it again.
                let signed = try SignedMachineRequest.sign(payload, with: key, recordingIn: signatures)
                firstRequest = signed.compact
            }
            return Made(key: key, machineKey: machineKey, fingerprint: fingerprint, platform: platform, firstRequest: firstRequest)
        }
        result.fill(made)
    }

    /// What was made, waiting for it if the workshop has not finished.
    func made() throws -> Made {
        try result.wait().get()
    }

    /// The platforms customers' machines run on. Every machine said `linux-x86_64` before, so the
    /// platform report of a simulated channel had one row whatever it sold.
    static let platforms = ["linux-x86_64", "windows-x86_64", "darwin-arm64", "linux-aarch64"]

    /// The machine's platform, from its seed: fixed by the run's seed like everything else about
    /// the machine, without drawing from the workload's generator (the run's events stay the same).
    static func platform(seed: [UInt8]) -> String {
        platforms[Int(seed.first ?? 0) % platforms.count]
    }

    static func fingerprint(of machineKey: String) -> String {
        Base64URL.encode(SHA256Digest.hash(Array("fp:\(machineKey)".utf8)))
    }
}

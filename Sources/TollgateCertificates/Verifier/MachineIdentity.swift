/// The machine an activation must be bound to: its public key and, optionally, its fingerprint hash.
public struct MachineIdentity: Hashable {
    /// base64url of the machine's raw Ed25519 public key.
    public var machineKey: String
    public var fingerprint: String?

    public init(machineKey: String, fingerprint: String? = nil) {
        self.machineKey = machineKey
        self.fingerprint = fingerprint
    }
}

extension MachineIdentity: Sendable {}

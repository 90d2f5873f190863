/// A request an end customer's machine signs with its own key: to activate a seat of a license, to
/// give one back (the proof that frees the seat), or to stand in for a failed machine.
/// The JWS `kid` is the machine key's thumbprint and `machine_key` carries the key itself.
public struct MachineRequest: SignedPayload {
    public static let type = "tollgate-machine-request+jws"
    public static let noun = "machine request"

    public enum Action: String, Codable, Hashable, Sendable, CaseIterable {
        /// Occupy a free seat of `license`.
        case activate
        /// Free the seat held by `activation`.
        case deactivate
        /// A short-lived seat for this machine while the machine of `activation` has failed.
        case emergency
        /// A lease on a free serial of a floating `license`.
        case lease
        /// Extends the lease named in `activation` (or resurrects it shortly after it expired).
        case heartbeat
        /// Ends the lease named in `activation` now.
        case release
        /// A borrow: a lease of the license's borrow length, for a machine going offline.
        case borrow
        /// Binds this key, a site node's, as the lease server of floating `license` (a site activation).
        case site
    }

    /// Whether the action names the activation or lease it concerns in `activation`.
    public var namesObject: Bool {
        switch action {
        case .activate, .lease, .borrow, .site: false
        case .deactivate, .emergency, .heartbeat, .release: true
        }
    }

    public var action: Action
    /// Hash of the license.
    public var license: String
    /// For `deactivate` and `emergency`: hash of the activation concerned; for `heartbeat` and
    /// `release`: hash of the lease.
    public var activation: String?
    /// base64url of the machine's raw Ed25519 public key.
    public var machineKey: String
    public var fingerprint: String
    public var platform: String
    public var country: String
    public var iat: Int64
    /// Fresh per request, so a replayed request is recognised.
    public var nonce: String

    public init(action: Action, license: String, activation: String? = nil, machineKey: String, fingerprint: String,
                platform: String, country: String, iat: Int64, nonce: String) {
        self.action = action
        self.license = license
        self.activation = activation
        self.machineKey = machineKey
        self.fingerprint = fingerprint
        self.platform = platform
        self.country = country
        self.iat = iat
        self.nonce = nonce
    }

    enum CodingKeys: String, CodingKey {
        case action, license, activation, fingerprint, platform, country, iat, nonce
        case machineKey = "machine_key"
    }

    public func validateFields(object: String) throws(VerificationError) {
        try FieldFormat.nonEmpty(license, "license", object)
        try FieldFormat.nonEmpty(machineKey, "machine_key", object)
        if let activation { try FieldFormat.nonEmpty(activation, "activation", object) }
        try FieldFormat.time(iat, "iat", object)
        try FieldFormat.nonEmpty(fingerprint, "fingerprint", object)
        try FieldFormat.nonEmpty(platform, "platform", object)
        try FieldFormat.nonEmpty(nonce, "nonce", object)
        try FieldFormat.country(country, "country", object)
        if namesObject && activation == nil {
            let named = action == .heartbeat || action == .release ? "lease" : "activation"
            throw VerificationError(.invalidField, object, "a \(action.rawValue) request names the \(named)")
        }
    }
}

extension MachineRequest {
    /// Reads the canonical JSON that signing writes (see ``CanonicalJSONReader``).
    public static func read(canonicalJSON bytes: [UInt8]) -> MachineRequest? {
        var reader = CanonicalJSONReader(bytes)
        var action: Action?
        var license, machineKey, fingerprint, platform, country, nonce: String?
        var iat: Int64?
        var activation: String??
        let read = reader.object { key, json in
            switch key {
            case "action": return CanonicalJSONReader.once(&action, json.string().flatMap(Action.init(rawValue:)))
            case "activation": return CanonicalJSONReader.once(&activation, json.optional { $0.string() })
            case "country": return CanonicalJSONReader.once(&country, json.string())
            case "fingerprint": return CanonicalJSONReader.once(&fingerprint, json.string())
            case "iat": return CanonicalJSONReader.once(&iat, json.integer())
            case "license": return CanonicalJSONReader.once(&license, json.string())
            case "machine_key": return CanonicalJSONReader.once(&machineKey, json.string())
            case "nonce": return CanonicalJSONReader.once(&nonce, json.string())
            case "platform": return CanonicalJSONReader.once(&platform, json.string())
            default: return false
            }
        }
        guard read, reader.isAtEnd, let action, let license, let machineKey, let fingerprint, let platform, let country, let iat,
              let nonce else { return nil }
        return MachineRequest(action: action, license: license, activation: activation ?? nil, machineKey: machineKey,
                              fingerprint: fingerprint, platform: platform, country: country, iat: iat, nonce: nonce)
    }
}

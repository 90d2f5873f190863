import TollgateCertificates

/// One verification case: inputs, the time of verification and the expected verdict.
public struct TestVector: Codable, Hashable, Sendable {
    /// What the verifier must answer.
    public struct Verdict: Codable, Hashable, Sendable {
        public var valid: Bool
        public var rule: String?
        public var object: String?
        /// For a valid license: its standing (`active`, `expiring`, `grace`, `downgraded`), the
        /// whole days until that changes (absent when it never does) and the features it enables.
        public var state: String?
        public var daysLeft: Int64?
        public var features: [String]?

        enum CodingKeys: String, CodingKey {
            case valid, rule, object, state, features
            case daysLeft = "days_left"
        }
    }

    public var name: String
    public var description: String
    /// The vendor's public key, base64url of the raw 32 bytes.
    public var anchor: String
    public var now: Int64
    public var chain: [String]
    public var license: String
    public var revocations: [String]
    public var activation: String?
    public var machineKey: String?
    /// The running product release's date (Unix seconds), checked against the license's
    /// `updates_until`; absent when the vector checks no release.
    public var release: Int64?
    public var expect: Verdict

    enum CodingKeys: String, CodingKey {
        case name, description, anchor, now, chain, license, revocations, activation, expect, release
        case machineKey = "machine_key"
    }
}

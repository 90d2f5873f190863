import TollgateCertificates

/// A range of serials this node handed out, to a child certificate or a license.
public struct SerialAllocation: Hashable, Sendable {
    public enum Kind: String, Sendable { case delegated, licensed, returned }

    public let seats: SerialRange
    public let kind: Kind
    /// The held certificate the serials came from (`root` for the root's own delegations).
    public let holderHash: String
    public let objectHash: String
}

/// An object a node returned to a caller, which must still be in its store after any crash.
enum AcknowledgedObject {
    case license(hash: String, logIndex: UInt64)
    case activation(hash: String)
    case deactivation(activation: String)
    case delegation(hash: String)
    case quotaReturn(hash: String)
    case revocation(hash: String)
    case lease(hash: String)
    case leaseRelease(lease: String)
}

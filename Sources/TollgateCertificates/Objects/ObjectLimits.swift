/// The one definition of how large a signed object and its fields may be. Parsing refuses anything
/// outside these bounds, and signing checks the same bounds first, so a node never signs what it, its
/// parent or a customer's verifier would refuse. The bounds also keep arithmetic on decoded values
/// from overflowing: two times differ by less than 2^38, a price times a seat count fits in 2^60.
public enum ObjectLimits {
    /// Largest serialized object (compact JWS bytes).
    public static let maxObjectBytes = 64 * 1024
    /// Earliest time a signed object may carry: the Unix epoch.
    public static let earliestTime: Int64 = 0
    /// Latest time a signed object may carry: 9999-12-31T23:59:59Z.
    public static let latestTime: Int64 = 253_402_300_799
    /// Largest price or price floor per seat, in minor units (10^12: ten billion of a two-decimal
    /// currency per seat, far beyond any list price).
    public static let maxAmount: Int64 = 1_000_000_000_000
    /// Most seats one license may carry (machines active at once).
    public static let maxLicenseSeats: UInt64 = 1_000_000
    /// Most entries in a list of countries, features, models, products or currencies; ISO 3166-1
    /// has 249 countries. Entries must be distinct.
    public static let maxListCount = 256
    /// Longest identifier or free-text field, in UTF-8 bytes.
    public static let maxStringBytes = 256
    /// Most further delegation levels a certificate may grant (a chain holds at most 8 certificates).
    public static let maxDepth = 8
    /// Highest log position or serial: below 2^53, so every JSON implementation reads it exactly.
    public static let maxIndex: UInt64 = 1 << 53
    /// Deepest nesting of JSON arrays and objects in a header or payload.
    public static let maxNesting = 16
}

import TollgateCertificates

/// What one order of a bulk issue or renewal came to: issued now, or already issued before (the
/// same license, nothing issued again). Rows are numbered from 1 in the order they were sent.
public struct OrderOutcome: Hashable, Sendable, Codable {
    public enum Status: String, Hashable, Sendable, Codable {
        case issued, existing
    }

    public var row: Int
    public var order: String
    public var status: Status
    /// The license's hash (for a renewal, the renewal's).
    public var license: String
    public var seats: SerialRange
    public var file: LicenseFile

    public init(row: Int, order: String, status: Status, license: String, seats: SerialRange, file: LicenseFile) {
        self.row = row
        self.order = order
        self.status = status
        self.license = license
        self.seats = seats
        self.file = file
    }
}

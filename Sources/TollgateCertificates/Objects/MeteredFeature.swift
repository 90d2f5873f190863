/// One metered feature of a license and its allowance of units per period and machine.
public struct MeteredFeature: Codable, Hashable, Sendable {
    public var feature: String
    public var units: Int64

    public init(feature: String, units: Int64) {
        self.feature = feature
        self.units = units
    }
}

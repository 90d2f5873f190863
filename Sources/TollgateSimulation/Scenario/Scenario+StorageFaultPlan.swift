import TollgateLedger

extension Scenario {
    /// `storage_faults NODE KIND PROBABILITY [from=MOMENT] [for=DURATION]`: while it lasts (from
    /// `start` for `length`, or to the end of the workload), each commit the node's service makes
    /// fails with `fault` at `probability`, through the store's fault seam (``SQLiteFault``).
    public struct StorageFaultPlan: Sendable, Hashable {
        public var node: NodeReference
        public var fault: SQLiteFault
        public var probability: Double
        public var start: Moment
        /// Nil: until the workload ends.
        public var length: Int64?

        func scaled(by factor: Double) -> StorageFaultPlan {
            var copy = self
            copy.start = start.scaled(by: factor)
            copy.length = length.map { Int64(Double($0) * factor) }
            return copy
        }
    }
}

import TollgateNode

extension Simulation {
    /// The root's node as the run left it (nil while it is crashed), and the true time of the run's
    /// clock: for tools that read a simulated channel afterwards, such as the console's benchmark,
    /// which renders pages over a root holding a large channel's logs.
    public var rootNode: (node: LicensingNode, now: Int64)? {
        channel.root.node.map { ($0, context.trueSeconds) }
    }
}

/// One job of a ``LicensingNode`` (holding certificates, planning sales, syncing with the parent…).
/// A part reads the node's identity, store and ids through its ``NodeContext``; the parts it builds
/// on are given to it when the node is made, never looked up.
protocol NodePart {
    var context: NodeContext { get }
}

extension NodePart {
    var identity: NodeIdentity { context.identity }
    var store: NodeStore { context.store }
    var ids: IdentifierSource { context.ids }

    /// ``NodeContext/storage(file:line:_:)``, recording the part's own line.
    func storage<T>(file: String = #fileID, line: UInt = #line, _ body: () throws -> T) throws(NodeError) -> T {
        try context.storage(file: file, line: line, body)
    }
}

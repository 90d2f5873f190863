/// Why one row of a bulk issue or renewal is refused: its number (from 1, in the order sent), its
/// order id when it has one, the field at fault when one is, the refusal's code (the rule's name
/// for a certificate rule, else the node error's code) and the reason in words.
public struct OrderRowError: Hashable, Sendable, Codable {
    public var row: Int
    public var order: String?
    public var field: String?
    public var code: String
    public var reason: String

    public init(row: Int, order: String?, field: String?, code: String, reason: String) {
        self.row = row
        self.order = order
        self.field = field
        self.code = code
        self.reason = reason
    }

    /// `row 3 (order A-17), price: price_below_floor: …`, one line.
    public var description: String {
        "row \(row)" + (order.map { " (order \($0))" } ?? "") + (field.map { ", \($0)" } ?? "") + ": \(code): \(reason)"
    }
}

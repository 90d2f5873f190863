import Foundation
import TollgateWire

extension ActivationReceipt {
    /// Reads a node's answer or an offline response file, as the client's error.
    public static func read(_ data: Data) throws(ClientError) -> ActivationReceipt {
        do {
            return try ActivationReceipt(data: data)
        } catch {
            throw ClientError(.malformed, "not a Tollgate activation response: \(error.reason)")
        }
    }
}

import Foundation
import TollgateHTTPMessages

/// The fields of an `application/x-www-form-urlencoded` body, as a browser posts a form: `+` is a
/// space and everything else percent-encoded. A field given twice keeps its first value.
struct FormBody: Sendable {
    let fields: [String: String]

    /// Bodies above this are refused before parsing: no console form carries more than a token.
    static let maxSize = 8_192

    init?(_ request: HTTPRequest) {
        guard request.body.count <= Self.maxSize else { return nil }
        var fields: [String: String] = [:]
        for pair in String(decoding: request.body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0]), value = parts.count > 1 ? Self.decode(parts[1]) : ""
            if fields[name] == nil { fields[name] = value }
        }
        self.fields = fields
    }

    subscript(name: String) -> String? { fields[name] }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

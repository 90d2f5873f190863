import Foundation
import TollgateHTTP
import TollgateHTTPMessages

/// A response read off a raw socket.
struct RawResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
    var bodyText: String { String(decoding: body, as: UTF8.self) }
    var problem: ProblemDetails? { try? JSONDecoder().decode(ProblemDetails.self, from: Data(body)) }
}

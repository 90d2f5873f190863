import Foundation
import TollgateHTTPMessages

/// A response read off a raw socket.
public struct RawResponse {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
    public var problem: ProblemDetails? { try? JSONDecoder().decode(ProblemDetails.self, from: Data(body)) }
}

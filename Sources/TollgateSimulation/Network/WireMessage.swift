import TollgateHTTPMessages

/// A request or an answer as bytes on the simulated wire: the HTTP/1.1 message the service would
/// read from its socket (request or status line, header fields, a blank line, the body), with one
/// header field more, `Tollgate-Exchange`, that pairs an answer with its request. Routes, methods
/// and bodies are the service's own (`Endpoint`, the wire types): nothing here knows any path.
struct WireMessage {
    enum Payload {
        case request(HTTPRequest)
        case response(HTTPResponse)
    }

    /// Pairs an answer with the request it answers (a round's answers, duplicates and late copies).
    var exchange: UInt64
    var payload: Payload

    static let exchangeField = "Tollgate-Exchange"

    var request: HTTPRequest? {
        if case .request(let request) = payload { return request }
        return nil
    }

    var response: HTTPResponse? {
        if case .response(let response) = payload { return response }
        return nil
    }

    func encoded() -> [UInt8] {
        var head: String
        let headers: HTTPHeaders
        switch payload {
        case .request(let request):
            head = "\(request.method.rawValue) \(request.target) HTTP/1.1\r\n"
            headers = request.headers
        case .response(let response):
            head = "HTTP/1.1 \(response.status.code) \(response.status.reasonPhrase)\r\n"
            headers = response.headers
        }
        head += "\(Self.exchangeField): \(exchange)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        var bytes = Array(head.utf8)
        switch payload {
        case .request(let request): bytes += request.body
        case .response(let response): bytes += response.body
        }
        return bytes
    }

    init(exchange: UInt64, _ payload: Payload) {
        self.exchange = exchange
        self.payload = payload
    }

    /// Parses bytes from the wire; nil when they are not a message.
    init?(bytes: [UInt8]) {
        var split: Int?
        var index = 3
        while index < bytes.count {
            if bytes[index] == 0x0A && bytes[index - 1] == 0x0D && bytes[index - 2] == 0x0A && bytes[index - 3] == 0x0D {
                split = index
                break
            }
            index += 1
        }
        guard let split else { return nil }
        let lines = String(decoding: bytes[..<(split - 3)], as: UTF8.self).components(separatedBy: "\r\n")
        guard let first = lines.first else { return nil }
        var headers = HTTPHeaders()
        var exchange: UInt64?
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let name = String(line[..<colon])
            let value = String(line[line.index(after: colon)...]).trimmingHTTPWhitespace()
            if HTTPHeaders.namesMatch(name, Self.exchangeField) { exchange = UInt64(value) } else { headers.add(name: name, value: value) }
        }
        guard let exchange else { return nil }
        let body = Array(bytes[(split + 1)...])
        let words = first.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard words.count >= 2 else { return nil }
        if words[0] == "HTTP/1.1" {
            guard let code = Int(words[1]), (100...599).contains(code) else { return nil }
            let status = HTTPStatus(code, reasonPhrase: words.count > 2 ? words[2] : "")
            payload = .response(HTTPResponse(status: status, headers: headers, body: body))
        } else {
            guard words.count == 3, words[2] == "HTTP/1.1", words[1].hasPrefix("/") else { return nil }
            let target = words[1]
            let path: String, query: String?
            if let mark = target.firstIndex(of: "?") {
                path = String(target[..<mark])
                query = String(target[target.index(after: mark)...])
            } else {
                path = target
                query = nil
            }
            payload = .request(HTTPRequest(method: HTTPMethod(words[0]), path: path, query: query, headers: headers, body: body))
        }
        self.exchange = exchange
    }
}

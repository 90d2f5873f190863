import Foundation
import TollgateNode
import TollgateWire

/// A node-to-node message as bytes on the simulated wire, shaped like the HTTP exchange it stands
/// for: a request line (or a status line), headers with the exchange number and the node
/// signature, a blank line, then the JSON body the real API carries.
struct WireMessage {
    enum Kind: Hashable {
        case request(method: String)
        case response(status: Int)
    }

    var kind: Kind
    var target: String
    var exchange: UInt64
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    static let pull = "/v1/sync/pull"
    static let push = "/v1/sync/push"
    static let returns = "/v1/returns/received"

    static func request(_ method: String, _ target: String, exchange: UInt64, signature: RequestSignature, body: [UInt8]) -> WireMessage {
        WireMessage(kind: .request(method: method), target: target, exchange: exchange,
                    headers: signature.headers.map { (name: $0.name, value: $0.value) }, body: body)
    }

    static func response(_ status: Int, to request: WireMessage, body: [UInt8]) -> WireMessage {
        WireMessage(kind: .response(status: status), target: request.target, exchange: request.exchange, headers: [], body: body)
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var signature: RequestSignature? {
        RequestSignature { header($0) }
    }

    var method: String? {
        if case .request(let method) = kind { return method }
        return nil
    }

    var status: Int? {
        if case .response(let status) = kind { return status }
        return nil
    }

    func encoded() -> [UInt8] {
        var head: String
        switch kind {
        case .request(let method): head = "\(method) \(target) TSIM/1\n"
        case .response(let status): head = "TSIM/1 \(status) \(target)\n"
        }
        head += "Exchange: \(exchange)\n"
        for (name, value) in headers { head += "\(name): \(value)\n" }
        head += "\n"
        return Array(head.utf8) + body
    }

    init(kind: Kind, target: String, exchange: UInt64, headers: [(name: String, value: String)], body: [UInt8]) {
        self.kind = kind
        self.target = target
        self.exchange = exchange
        self.headers = headers
        self.body = body
    }

    /// Parses bytes from the wire; nil when they are not a message.
    init?(bytes: [UInt8]) {
        var split: Int?
        for index in bytes.indices.dropFirst() where bytes[index] == 0x0A && bytes[index - 1] == 0x0A {
            split = index
            break
        }
        guard let split else { return nil }
        let lines = String(decoding: bytes[..<(split - 1)], as: UTF8.self).split(separator: "\n").map(String.init)
        guard let first = lines.first else { return nil }
        let words = first.split(separator: " ").map(String.init)
        guard words.count == 3 else { return nil }
        if words[0] == "TSIM/1" {
            guard let status = Int(words[1]) else { return nil }
            kind = .response(status: status)
            target = words[2]
        } else {
            guard words[2] == "TSIM/1" else { return nil }
            kind = .request(method: words[0])
            target = words[1]
        }
        var headers: [(name: String, value: String)] = []
        var exchange: UInt64?
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name == "Exchange" { exchange = UInt64(value) } else { headers.append((name, value)) }
        }
        guard let exchange else { return nil }
        self.exchange = exchange
        self.headers = headers
        body = Array(bytes[(split + 1)...])
    }
}

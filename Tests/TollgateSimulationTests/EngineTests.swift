import Testing
import TollgateCertificates
import TollgateHTTPMessages
import TollgateNode
import TollgateWire
@testable import TollgateSimulation

@Suite struct EngineTests {
    @Test func theRandomStreamIsASeedsAlone() {
        var first = SimulationRandom(seed: 42)
        var second = SimulationRandom(seed: 42)
        var other = SimulationRandom(seed: 43)
        let a = (0..<100).map { _ in first.next() }
        #expect(a == (0..<100).map { _ in second.next() })
        #expect(a != (0..<100).map { _ in other.next() })
        var random = SimulationRandom(seed: 7)
        let draws = (0..<10_000).map { _ in random.integer(in: 1...6) }
        #expect(Set(draws) == Set(1...6))
        let mean = (0..<10_000).map { _ in random.exponential(mean: 5) }.reduce(0, +) / 10_000
        #expect(abs(mean - 5) < 0.5)
    }

    @Test func eventsAtTheSameTimeRunInTheOrderTheyWereScheduled() {
        var queue = EventQueue<SimulationEvent>()
        queue.schedule(.audit, at: 10)
        queue.schedule(.sample, at: 5)
        queue.schedule(.workloadEnd, at: 10)
        queue.schedule(.settleCheck, at: 1)
        var order: [String] = []
        while let (time, event) = queue.popFirst() { order.append("\(time) \(event)") }
        #expect(order == ["1 settleCheck", "5 sample", "10 audit", "10 workloadEnd"])
    }

    @Test func wireMessagesRoundTripAsBytes() throws {
        let key = try Ed25519PrivateKeyFactory.make(1)
        let target = Endpoint.syncPush.path.description
        let signature = try RequestSignature.sign(method: "POST", target: target, body: Array("{}".utf8), date: 5, nonce: "n", key: key)
        var headers = HTTPHeaders()
        for (name, value) in signature.headers { headers.add(name: name, value: value) }
        let body = Array("{\"a\":\"\\r\\n\\r\\n\"}\r\n\r\n".utf8)
        let request = HTTPRequest(method: .post, path: target, query: "x=1&y=%20", headers: headers, body: body)
        let parsed = try #require(WireMessage(bytes: WireMessage(exchange: 9, .request(request)).encoded()))
        let arrived = try #require(parsed.request)
        #expect(parsed.exchange == 9)
        #expect(arrived.method == .post && arrived.path == target && arrived.query == "x=1&y=%20")
        #expect(RequestSignature(header: { arrived.headers[$0] }) == signature)
        #expect(arrived.body == body)
        #expect(!arrived.headers.contains(WireMessage.exchangeField), "the exchange number is the wire's, not the request's")
        let problem = HTTPResponse.problem(status: .conflict, type: "https://tollgate.dev/problems/replayed", detail: "seen")
        let answer = try #require(WireMessage(bytes: WireMessage(exchange: 9, .response(problem)).encoded()))
        #expect(answer.response?.status.code == 409)
        #expect(answer.response?.problemDetails?.type == problem.problemDetails?.type)
        #expect(answer.response?.body == problem.body)
        #expect(WireMessage(bytes: Array("garbage".utf8)) == nil)
        #expect(WireMessage(bytes: Array("GET /x HTTP/1.1\r\n\r\n".utf8)) == nil, "no exchange number")
    }

    @Test func cutsAreDirectedAndNest() {
        var network = SimulatedNetwork(parent: [nil, 0, 1], faults: .init(latency: 10...10, loss: 0, duplicate: 0, reorder: 0, reorderDelay: 0))
        var random = SimulationRandom(seed: 1)
        #expect(network.transmit(from: 2, to: 1, at: 0, random: &random) == [10])
        network.cut(2, .up, true)
        #expect(network.isCut(from: 2, to: 1))
        #expect(!network.isCut(from: 1, to: 2))
        network.cut(2, .both, true)
        network.cut(2, .up, false)
        #expect(network.isCut(from: 2, to: 1), "the two-way cut still holds")
        #expect(network.transmit(from: 1, to: 2, at: 0, random: &random).isEmpty)
        #expect(network.isCut(from: 2, to: 0), "nodes that are not parent and child have no link")
        network.heal()
        #expect(!network.isCut(from: 2, to: 1) && !network.isCut(from: 1, to: 2))
        #expect(network.statistics.partitioned == 1)
    }

    @Test func lossAndDuplicationHappenAtTheirRates() {
        var network = SimulatedNetwork(parent: [nil, 0], faults: .init(latency: 1...100, loss: 0.2, duplicate: 0.1, reorder: 0, reorderDelay: 0))
        var random = SimulationRandom(seed: 3)
        let copies = (0..<10_000).map { _ in network.transmit(from: 1, to: 0, at: 0, random: &random).count }
        #expect(abs(Double(copies.filter { $0 == 0 }.count) / 10_000 - 0.2) < 0.02)
        #expect(abs(Double(copies.filter { $0 == 2 }.count) / 10_000 - 0.08) < 0.02)
    }

    @Test func theSerialLedgerRefusesOverlapsAndFreesReturns() {
        var ledger = SerialLedger()
        #expect(ledger.insert(SerialRange(10, 20)) == nil)
        #expect(ledger.insert(SerialRange(30, 40)) == nil)
        #expect(ledger.insert(SerialRange(19, 21)) == SerialRange(10, 20))
        #expect(ledger.insert(SerialRange(25, 31)) == SerialRange(30, 40))
        #expect(ledger.insert(SerialRange(20, 30)) == nil)
        ledger.remove(SerialRange(15, 35))
        #expect(ledger.overlap(SerialRange(15, 35)) == nil)
        #expect(ledger.overlap(SerialRange(14, 15)) == SerialRange(10, 15))
        #expect(ledger.overlap(SerialRange(35, 36)) == SerialRange(35, 40))
        #expect(ledger.insert(SerialRange(16, 34)) == nil)
    }
}

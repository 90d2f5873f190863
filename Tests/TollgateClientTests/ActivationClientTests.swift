import Foundation
import Synchronization
import Testing
import TollgateCertificates
import TollgateClient
import TollgateCrypto
import TollgateHTTP
import TollgateHTTPMessages
import TollgateTestSupport
import TollgateWire

/// A stand-in for a reseller node's customer endpoints on a real loopback HTTP server: it checks the
/// machine's signature and answers like the node does, so the client goes through libcurl end to end.
final class FakeNode: Sendable {
    let channel: TestChannel
    let server: HTTPServer
    private let activations = Mutex<[String: SignedActivation]>([:])
    /// When set, every activation is refused with this problem.
    let refusal = Mutex<ProblemDetails?>(nil)

    init(channel: TestChannel) throws {
        self.channel = channel
        let box = Mutex<FakeNode?>(nil)
        server = try HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0)) { request in
            guard let node = box.withLock({ $0 }) else { return .problem(status: .serviceUnavailable) }
            return node.handle(request)
        }
        box.withLock { $0 = self }
    }

    var url: String { "http://127.0.0.1:\(server.port)/" }

    func stop() { _ = server.shutdown(drainTimeout: .seconds(2)) }

    private func handle(_ request: HTTPRequest) -> HTTPResponse {
        do {
            if request.method == .post && request.path == "/v1/activations" {
                return try answer(String(decoding: request.body, as: UTF8.self))
            }
            if request.method == .get && request.path == "/v1/licenses/\(channel.license.hash)/status" {
                return try .json(LicenseStatus(license: channel.license.hash, current: channel.license.hash, valid: true, problem: nil,
                                               seats: 2, active: activations.withLock { $0.count }, exp: nil, revocations: []))
            }
            return .text("no such endpoint", status: .notFound)
        } catch {
            return .problem(status: .badRequest, type: "https://tollgate.dev/problems/invalid-request", detail: "\(error)")
        }
    }

    private func answer(_ compact: String) throws -> HTTPResponse {
        let request = try SignedMachineRequest(compact: compact)
        let machineKey = try Ed25519PublicKey(rawRepresentation: Base64URL.decode(request.payload.machineKey))
        guard request.jws.isSigned(by: machineKey), request.jws.header.kid == machineKey.thumbprint else {
            return .problem(status: .forbidden, type: "https://tollgate.dev/problems/unauthorized", detail: "not signed by the machine key")
        }
        if let refusal = refusal.withLock({ $0 }) { return .problem(refusal) }
        let object: String
        switch request.payload.action {
        case .activate:
            let activation = try channel.activation(for: compact)
            activations.withLock { $0[activation.hash] = activation }
            object = activation.compact
        case .emergency:
            object = try channel.activation(for: compact, serial: 1_001, exp: TestChannel.now + 3_600, kind: .temporary).compact
        case .deactivate:
            guard let hash = request.payload.activation, let activation = activations.withLock({ $0.removeValue(forKey: hash) }) else {
                return .problem(status: .notFound, type: "https://tollgate.dev/problems/not-found", detail: "no such activation")
            }
            object = try channel.deactivation(of: activation, proof: compact).compact
        case .lease, .heartbeat, .release, .borrow, .site:
            return .problem(status: .badRequest, type: "https://tollgate.dev/problems/invalid-request", detail: "this test node serves no floating seats")
        }
        return try .json(channel.response(object), status: .created)
    }
}

@Suite(.serialized) struct ActivationClientTests {
    func wallet(_ channel: TestChannel, in directory: TemporaryDirectory) throws -> MachineWallet {
        let wallet = try MachineWallet.create(at: directory.url, anchor: channel.anchor, product: TestChannel.product, files: TestMachineFiles.reader())
        try wallet.importLicense(channel.licenseFile, at: TestChannel.now)
        return wallet
    }

    @Test func activateStatusAndDeactivateOverHTTP() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel()
        let node = try FakeNode(channel: channel)
        defer { node.stop() }
        let client = try ActivationClient(wallet: try wallet(channel, in: directory), clock: { TestChannel.now })

        let verified = try client.activate(nodeURL: node.url, country: "DE")
        #expect(verified.activation?.payload.machineKey == client.wallet.encodedMachineKey)
        #expect(try client.wallet.check(at: TestChannel.now).activation?.hash == verified.activation?.hash)

        let status = try client.status(nodeURL: node.url)
        #expect(status.valid && status.active == 1 && status.seats == 2)

        let deactivation = try client.deactivate(nodeURL: node.url)
        #expect(deactivation.payload.activation == verified.activation?.hash)
        let error = #expect(throws: ClientError.self) { try client.wallet.check(at: TestChannel.now) }
        #expect(error?.code == .notActivated)
        #expect(try client.wallet.pendingDeactivation() == nil)
    }

    @Test func anEmergencyActivationStandsInForTheFailedMachine() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel()
        let node = try FakeNode(channel: channel)
        defer { node.stop() }
        let client = try ActivationClient(wallet: try wallet(channel, in: directory), clock: { TestChannel.now })
        let failed = "ZmFpbGVkLW1hY2hpbmUtYWN0aXZhdGlvbi1oYXNoAAA"
        let verified = try client.emergency(nodeURL: node.url, failedActivation: failed, country: "AT")
        #expect(verified.activation?.payload.kind == .temporary)
        #expect(verified.activation?.payload.replaces == failed)
        let expired = #expect(throws: ClientError.self) { try client.wallet.check(at: TestChannel.now + 2 * 3_600) }
        #expect(expired?.verification?.rule == .activationExpired)
    }

    @Test func aRefusalCarriesTheProblemTypeAndDetail() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel()
        let node = try FakeNode(channel: channel)
        defer { node.stop() }
        let client = try ActivationClient(wallet: try wallet(channel, in: directory), clock: { TestChannel.now })

        node.refusal.withLock {
            $0 = ProblemDetails(type: "https://tollgate.dev/problems/seats-in-use", title: "All seats are in use", status: 409,
                                detail: "all 2 seats of the license are active; deactivate a machine first")
        }
        let seats = #expect(throws: ClientError.self) { try client.activate(nodeURL: node.url, country: "DE") }
        #expect(seats?.code == .refused)
        #expect(seats?.refusal == NodeRefusal(status: 409, type: "https://tollgate.dev/problems/seats-in-use", title: "All seats are in use",
                                               detail: "all 2 seats of the license are active; deactivate a machine first"))
        #expect(seats?.refusal?.name == "seats-in-use")
        #expect(seats?.refusal?.rule == nil)
        // The wording the user reads carries the node's detail.
        #expect(seats?.reason.contains("deactivate a machine first") == true)

        node.refusal.withLock {
            $0 = ProblemDetails(type: "https://tollgate.dev/problems/rule/activation_outside_territory", title: "Refused by a certificate rule",
                                status: 422, detail: "activation in FR is outside the territory AT,DE")
        }
        let territory = #expect(throws: ClientError.self) { try client.activate(nodeURL: node.url, country: "FR") }
        #expect(territory?.refusal?.rule == .activationOutsideTerritory)
        #expect(territory?.refusal?.status == 422)
        #expect(try client.wallet.activation() == nil)
    }

    @Test func unreachableAndUnexpectedNodesAreNamedAsSuch() throws {
        let directory = try TemporaryDirectory()
        let channel = try TestChannel()
        let node = try FakeNode(channel: channel)
        let client = try ActivationClient(wallet: try wallet(channel, in: directory), clock: { TestChannel.now })
        // A path that is not a node answers plain text.
        let unexpected = #expect(throws: ClientError.self) { try client.activate(nodeURL: node.url + "not-a-node", country: "DE") }
        #expect(unexpected?.code == .unexpectedResponse)

        _ = try client.activate(nodeURL: node.url, country: "DE")
        let url = node.url
        node.stop()
        // Deactivating while the node is down gives the seat up locally and can be retried.
        let down = #expect(throws: ClientError.self) { try client.deactivate(nodeURL: url) }
        #expect(down?.code == .transport)
        #expect(try client.wallet.pendingDeactivation() != nil)
        let restarted = try FakeNode(channel: channel)
        defer { restarted.stop() }
        // The restarted stand-in forgot the activation, so it answers with a problem the client reports.
        let forgotten = #expect(throws: ClientError.self) { try client.deactivate(nodeURL: restarted.url) }
        #expect(forgotten?.refusal?.name == "not-found")
        #expect(try client.wallet.pendingDeactivation() != nil)
    }
}

import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateHTTPMessages
import TollgateSimulation
import TollgateTestSupport
import TollgateWire

/// Replays a simulation's `ChannelTranscript` against real `tollgate node serve` processes on
/// loopback: the same channel (node names and tree), the same operator and machine calls in the
/// same order. What the real nodes create (keys, certificates, licenses, activations) differs from
/// the simulation's in its bytes — other keys, other ids, other times — so every id the simulation
/// learnt from an answer is translated to the one the real node answered with, and every machine
/// request is signed again, now, by a machine key standing in for the simulated machine's.
final class TranscriptReplay {
    let scratch: TemporaryDirectory
    private(set) var processes: [String: NodeProcess] = [:]
    private(set) var clients: [String: NodeAPIClient] = [:]
    let transcript: ChannelTranscript
    /// Simulated id or object → the real one.
    private var translation: [String: String] = [:]
    /// Simulated machine key (base64url) → the key standing in for it.
    private var machines: [String: Ed25519PrivateKey] = [:]

    init(_ transcript: ChannelTranscript, label: String) throws {
        self.transcript = transcript
        scratch = try TemporaryDirectory("e2e-\(label)")
        guard let root = transcript.nodes.first(where: { $0.parent == nil }) else { throw ReplayError("the transcript has no root") }
        let rootDirectory = directory(root.name)
        try TollgateCLI.run(["root", "init", "--dir", rootDirectory.path, "--name", root.name])
        for node in transcript.nodes where node.parent != nil {
            try TollgateCLI.run(["node", "init", "--dir", directory(node.name).path, "--name", node.name,
                                 "--anchor", rootDirectory.appendingPathComponent("anchor.pub").path])
        }
        for node in transcript.nodes {
            let key = try Ed25519PublicKey(contentsOf: directory(node.name).appendingPathComponent(node.parent == nil ? "anchor.pub" : "node.pub"))
            translation[node.subjectKey] = Base64URL.encode(key.rawRepresentation)
            translation[node.keyID] = key.thumbprint
            let process = try NodeProcess(directory: directory(node.name))
            processes[node.name] = process
            clients[node.name] = try NodeAPIClient(process)
        }
    }

    func directory(_ name: String) -> URL { scratch.url.appendingPathComponent(name) }

    /// Sends every call to its real node; the real answer's status for each, in order.
    func replay() throws -> [(call: ChannelTranscript.Call, real: HTTPResponse)] {
        var answers: [(ChannelTranscript.Call, HTTPResponse)] = []
        for call in transcript.calls {
            guard let client = clients[call.node] else { throw ReplayError("no node \(call.node)") }
            let target = translate(target: call.request.target)
            let body: [UInt8]
            switch call.endpoint {
            case .machineRequest, .answerOfflineRequest: body = try resign(call.request.body)
            default: body = try translate(json: call.request.body)
            }
            let real = try client.send(call.endpoint.method, target, body: body, contentType: call.request.headers["Content-Type"])
            if (200..<300).contains(real.status.code), (200..<300).contains(call.response.status.code) {
                learn(simulated: call.response.body, real: real.body)
            }
            answers.append((call, real))
        }
        return answers
    }

    /// Syncs every node with its parent, deepest first, so the root ends up holding every log:
    /// each node is stopped, synced once with `tollgate sync`, and started again.
    func syncUp() throws {
        func depth(_ node: ChannelTranscript.Node) -> Int {
            var depth = 0, current = node
            while let parent = current.parent, let next = transcript.nodes.first(where: { $0.name == parent }) {
                depth += 1
                current = next
            }
            return depth
        }
        for node in transcript.nodes.filter({ $0.parent != nil }).sorted(by: { depth($0) > depth($1) }) {
            guard let parent = node.parent, let process = processes[node.name], let parentProcess = processes[parent] else { continue }
            _ = process.terminate()
            try TollgateCLI.run(["sync", "--dir", directory(node.name).path, "--parent", parentProcess.baseURL])
            try process.start()
        }
    }

    func stop() {
        for process in processes.values { process.expectCleanExit() }
    }

    // MARK: Translation

    private func translate(_ text: String) -> String { translation[text] ?? text }

    private func translate(target: String) -> String {
        let parts = target.split(separator: "?", maxSplits: 1)
        let path = parts[0].split(separator: "/", omittingEmptySubsequences: false).map { translate(String($0)) }.joined(separator: "/")
        guard parts.count == 2 else { return path }
        let query = parts[1].split(separator: "&").map { item in
            let pair = item.split(separator: "=", maxSplits: 1)
            return pair.count == 2 ? "\(pair[0])=\(translate(String(pair[1])))" : String(item)
        }
        return path + "?" + query.joined(separator: "&")
    }

    private func translate(json bytes: [UInt8]) throws -> [UInt8] {
        guard !bytes.isEmpty else { return bytes }
        let value = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        return Array(try JSONSerialization.data(withJSONObject: translate(value: value), options: [.sortedKeys, .fragmentsAllowed]))
    }

    private func translate(value: Any) -> Any {
        switch value {
        case let text as String: return translate(text)
        case let array as [Any]: return array.map(translate(value:))
        case let object as [String: Any]: return object.mapValues(translate(value:))
        default: return value
        }
    }

    /// Learns the real counterpart of every string the simulated answer holds where the real one
    /// differs, and of each compact JWS's hash and id.
    private func learn(simulated: [UInt8], real: [UInt8]) {
        guard let simulatedValue = try? JSONSerialization.jsonObject(with: Data(simulated), options: [.fragmentsAllowed]),
              let realValue = try? JSONSerialization.jsonObject(with: Data(real), options: [.fragmentsAllowed]) else { return }
        pair(simulatedValue, realValue)
    }

    private func pair(_ simulated: Any, _ real: Any) {
        switch (simulated, real) {
        case let (simulated as String, real as String) where simulated != real:
            translation[simulated] = real
            if let simulatedJWS = try? JWS(compact: simulated, object: "object"), let realJWS = try? JWS(compact: real, object: "object") {
                translation[JWS.hash(of: simulated)] = JWS.hash(of: real)
                pairPayloads(simulatedJWS, realJWS)
            }
        case let (simulated as [Any], real as [Any]) where simulated.count == real.count:
            for (left, right) in zip(simulated, real) { pair(left, right) }
        case let (simulated as [String: Any], real as [String: Any]):
            for (key, left) in simulated { if let right = real[key] { pair(left, right) } }
        default:
            break
        }
    }

    /// The ids inside two signed objects of the same kind (`jti`, ...).
    private func pairPayloads(_ simulated: JWS, _ real: JWS) {
        guard let left = try? JSONSerialization.jsonObject(with: Data(simulated.payload)) as? [String: Any],
              let right = try? JSONSerialization.jsonObject(with: Data(real.payload)) as? [String: Any] else { return }
        for key in ["jti"] {
            if let a = left[key] as? String, let b = right[key] as? String, a != b { translation[a] = b }
        }
    }

    /// The simulated machine's request, made again now by the key standing in for its machine.
    private func resign(_ body: [UInt8]) throws -> [UInt8] {
        let compact = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        var request = try SignedMachineRequest(compact: compact).payload
        let key = try machines[request.machineKey] ?? Ed25519PrivateKey()
        machines[request.machineKey] = key
        request.machineKey = Base64URL.encode(key.publicKey.rawRepresentation)
        request.license = translate(request.license)
        request.activation = request.activation.map { translate($0) }
        request.iat = Int64(Date().timeIntervalSince1970)
        request.nonce = Base64URL.encode(try SecureRandom.bytes(count: 16))
        return Array(try SignedMachineRequest.sign(request, with: key).compact.utf8)
    }
}

struct ReplayError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

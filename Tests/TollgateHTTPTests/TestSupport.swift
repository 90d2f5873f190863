import Foundation
import Synchronization
import TollgateHTTP
import TollgateHTTPMessages

/// Routes the tests use.
enum TestRoutes {
    static let handler: HTTPServer.Handler = { request in
        switch request.path {
        case "/hello":
            return .text("hello")
        case "/echo":
            var headers: HTTPHeaders = ["X-Method": request.method.rawValue]
            if let type = request.headers["Content-Type"] { headers.add(name: "Content-Type", value: type) }
            if let query = request.query { headers.add(name: "X-Query", value: query) }
            return HTTPResponse(status: .ok, headers: headers, body: request.body)
        case "/slow":
            let milliseconds = Int(request.queryValue("ms") ?? "500") ?? 500
            Thread.sleep(forTimeInterval: Double(milliseconds) / 1000)
            return .text("slept \(milliseconds)")
        case "/big":
            let size = Int(request.queryValue("n") ?? "100000") ?? 100000
            return HTTPResponse(body: (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        case "/close":
            return .text("bye", headers: ["Connection": "close"])
        default:
            return .problem(status: .notFound, detail: "no route for \(request.path)")
        }
    }

    static func expectedBig(_ size: Int) -> [UInt8] { (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) } }
}

/// Starts a loopback server on an ephemeral port with test-sized limits.
func makeServer(system: any SocketSystem = POSIXSocketSystem(), _ configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws -> HTTPServer {
    var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
    configuration.headTimeout = .seconds(2)
    configuration.bodyTimeout = .seconds(2)
    configuration.idleTimeout = .seconds(5)
    configuration.drainTimeout = .seconds(3)
    configure(&configuration)
    return try HTTPServer(configuration: configuration, socketSystem: system, handler: TestRoutes.handler)
}

/// Work on its own thread (not the test's cooperative pool), with a bounded wait for its result.
final class Background<Value: Sendable>: Sendable {
    private let result = Mutex<Value?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () -> Value) {
        let thread = Thread { [self] in
            let value = body()
            result.withLock { $0 = value }
            done.signal()
        }
        thread.start()
    }

    /// The value, or nil when it was not ready within `timeout`.
    func wait(timeout: Duration = .seconds(10)) -> Value? {
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        guard done.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .success else { return nil }
        return result.withLock { $0 }
    }
}

/// What a client request produced, in a Sendable form.
enum ClientOutcome: Sendable {
    case response(status: Int, body: String)
    case failure(HTTPClientError)

    init(_ body: () throws(HTTPClientError) -> HTTPResponse) {
        do {
            let response = try body()
            self = .response(status: response.status.code, body: response.bodyText)
        } catch {
            self = .failure(error)
        }
    }

    var status: Int? { if case .response(let status, _) = self { status } else { nil } }
    var body: String? { if case .response(_, let body) = self { body } else { nil } }
    var error: HTTPClientError? { if case .failure(let error) = self { error } else { nil } }
}

/// A temporary directory holding a throwaway self-signed certificate for 127.0.0.1 and localhost.
struct TestCertificate {
    let directory: String
    var certificatePath: String { directory + "/cert.pem" }
    var keyPath: String { directory + "/key.pem" }

    static func make(subjectAltName: String = "IP:127.0.0.1,DNS:localhost") throws -> TestCertificate {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-http-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                             "-keyout", directory + "/key.pem", "-out", directory + "/cert.pem", "-days", "1",
                             "-subj", "/CN=localhost", "-addext", "subjectAltName=\(subjectAltName)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CertificateError() }
        return TestCertificate(directory: directory)
    }

    struct CertificateError: Error {}

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Polls `condition` until it holds or `timeout` passes: for counters the server updates just after
/// the client has already read the response.
func eventually(timeout: Duration = .seconds(2), _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        if ContinuousClock.now >= deadline { return false }
        Thread.sleep(forTimeInterval: 0.01)
    }
    return true
}

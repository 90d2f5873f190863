import Foundation
import Dispatch
import TollgateAPI
import TollgateCertificates
import TollgateCommandLine
import TollgateConsole
import TollgateHTTPMessages
import TollgateNode
import TollgateSimulation
import TollgateWire

/// `tollgate-bench console`: the time to render each console page (request in, HTML out, with the
/// node's reads behind it) at the root of a simulated channel, by default `Simulations/large.sim`:
/// 37 nodes and 50,000 customers over 30 days, every log synced to the root. Goal: each page under
/// a second.
enum ConsoleBenchCommand: Command {
    static let spec = CommandSpec(
        name: "console",
        abstract: "Measure the time to render each web console page at the root of a simulated channel (default 37 nodes, 50,000 customers).",
        discussion: "Build with 'swift build -c release' first. The channel is built by the simulator from the scenario, then each page is rendered --\(rounds.name) times; the median and the slowest are printed.",
        options: [scenario, seed, rounds])

    static let scenario = Option<String>("scenario", value: "file.sim", help: "The channel to build (default Simulations/large.sim).")
    static let seed = Option<UInt64>("seed", value: "n", help: "The simulation's seed (default 1).", range: 0...UInt64.max)
    static let rounds = Option<Int>("rounds", value: "n", help: "Renderings of each page (default 5).", range: 1...1_000)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let path = try arguments.value(scenario) ?? "Simulations/large.sim"
        let roundCount = try arguments.value(rounds) ?? 5
        let built = DispatchTime.now().uptimeNanoseconds
        let simulation = try Simulation(scenario: try ScenarioParser.load(path: path), seed: try arguments.value(seed) ?? 1)
        let outcome = try simulation.run()
        guard let (root, now) = simulation.rootNode else { throw CommandFailure("the root is down at the end of the run") }
        let descendants = try root.store.descendants()
        let licenses = try root.report("models", at: now).models?.reduce(0) { $0 + $1.licenses } ?? 0
        Console.print("channel: \(descendants.count + 1) nodes, \(licenses) licenses in the root's view, built in "
                      + String(format: "%.1f s", Double(DispatchTime.now().uptimeNanoseconds - built) / 1e9) + " (\(outcome.passed ? "run passed" : "run FAILED"))")
        // A customer to look up: the first license in the first log of a descendant that sold one.
        var customer: String?
        for descendant in descendants where customer == nil {
            let size = try root.mirroredLogSize(of: descendant.keyID)
            for entry in try root.mirroredEntries(of: descendant.keyID, in: 0..<min(size, 256)) where entry.kind == LogEntryKind.licenseIssued.rawValue {
                if let license = try? SignedLicense(compact: String(decoding: entry.bytes, as: UTF8.self)) { customer = license.payload.customer; break }
            }
        }
        guard let customer else { throw CommandFailure("no descendant's log holds a license to look up") }

        let executor = NodeExecutor(node: root)
        defer { executor.stop() }
        let token = "bench-console-token"
        let console = NodeConsole(executor: executor, token: OperatorToken(token), nodeName: root.identity.name, secureCookies: false)
        let form = console.handle(.consoleLoginForm, HTTPRequest(method: .get, path: "/console/login"), at: now)
        guard let nonce = cookie("tollgate_console_login", in: form) else { throw CommandFailure("the login form set no nonce cookie") }
        var loginHeaders = HTTPHeaders()
        loginHeaders.add(name: "Cookie", value: "tollgate_console_login=\(nonce)")
        let login = console.handle(.consoleLogin, HTTPRequest(method: .post, path: "/console/login", headers: loginHeaders,
                                                              body: Array("token=\(token)&csrf=\(nonce)".utf8)), at: now)
        guard let session = cookie("tollgate_console", in: login) else { throw CommandFailure("the login answered \(login.status.code)") }
        var headers = HTTPHeaders()
        headers.add(name: "Cookie", value: "tollgate_console=\(session)")
        let encodedCustomer = customer.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? customer
        let pages: [(Endpoint, String?)] = [(.consoleHome, nil), (.consoleFindings, nil), (.consoleFindingsBundle, nil), (.consoleActivity, nil),
                                            (.consoleCustomer, "name=\(encodedCustomer)")]
        Console.print("page".padding(to: 34) + "median".padding(to: 12) + "slowest".padding(to: 12) + "bytes")
        var worst = 0.0
        for (endpoint, query) in pages {
            var times: [Double] = []
            var size = 0
            for _ in 0..<roundCount {
                let start = DispatchTime.now().uptimeNanoseconds
                let response = console.handle(endpoint, HTTPRequest(method: .get, path: "\(endpoint.path)", query: query, headers: headers), at: now)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                guard response.status.code == 200 else { throw CommandFailure("\(endpoint.path) answered \(response.status.code): \(response.bodyText.prefix(300))") }
                size = response.body.count
            }
            times.sort()
            worst = max(worst, times[times.count - 1])
            Console.print("GET \(endpoint.path)\(query == nil ? "" : "?name=…")".padding(to: 34) + String(format: "%.3f s", times[times.count / 2]).padding(to: 12)
                          + String(format: "%.3f s", times[times.count - 1]).padding(to: 12) + "\(size)")
        }
        Console.print(worst < 1 ? "every page under one second" : String(format: "slowest page %.2f s: over the one-second goal", worst))
        return worst < 1 ? .success : .invalid
    }

    static func cookie(_ name: String, in response: HTTPResponse) -> String? {
        response.headers.values(for: "Set-Cookie").first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1).prefix { $0 != ";" }) }
    }
}

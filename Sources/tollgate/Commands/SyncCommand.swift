import Foundation
import TollgateAPI
import TollgateHTTP
import TollgateHTTPMessages
import TollgateNode
import TollgateService

/// `tollgate sync`: one sync round with the parent, for a node that is not running as a server.
enum SyncCommand: TollgateCommand {
    static let spec = CommandSpec(
        name: "sync",
        abstract: "Sync a node directory with its parent once: pull certificates and revocations, push its logs.",
        discussion: "A node started with 'tollgate node serve --parent URL' does this by itself, with backoff.",
        options: [
            .init(name: "dir", value: "directory", help: "The node.", required: true),
            .init(name: "parent", value: "url", help: "The parent node, e.g. https://127.0.0.1:7401.", required: true),
            .init(name: "ca", value: "pem", help: "CA bundle to trust for an https parent."),
        ])

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let node = try NodeDirectory(try arguments.required("dir")).open()
        let identity = node.identity
        let executor = NodeExecutor(node: node)
        defer { executor.stop() }
        let agent = SyncAgent(executor: executor, parentURL: try arguments.required("parent"),
                              caBundle: arguments.value("ca"), clock: { TimeArgument.now })
        var configuration = HTTPClientConfiguration()
        configuration.caBundlePath = arguments.value("ca")
        let round = try agent.runOnce(client: HTTPClient(configuration: configuration))
        Console.print("synced \(identity.name): pushed \(round.pushed) entries; the parent holds "
                      + round.acked.sorted { $0.key < $1.key }.map { "\($0.key.prefix(8))…=\($0.value)" }.joined(separator: ", "))
        for (node, reason) in round.refused.sorted(by: { $0.key < $1.key }) { Console.print("  refused \(node.prefix(8))…: \(reason)") }
        return .success
    }
}

import Foundation
import TollgateAPI
import TollgateCommandLine
import TollgateHTTP
import TollgateHTTPMessages
import TollgateNode
import TollgateService

/// `tollgate sync`: one sync round with the parent, for a node that is not running as a server.
enum SyncCommand: Command {
    static let spec = CommandSpec(
        name: "sync",
        abstract: "Sync a node directory with its parent once: pull certificates and revocations, push its logs.",
        discussion: "A node started with 'tollgate node serve --\(parent.name) URL' does this by itself, with backoff.",
        options: [
            CommonOptions.dir.with(help: "The node.").required,
            parent.required,
            CommonOptions.ca.with(help: "CA bundle to trust for an https parent."),
        ])

    static let parent = Option<String>("parent", value: "url", help: "The parent node, e.g. https://127.0.0.1:7401.")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let node = try NodeDirectory(try arguments.required(CommonOptions.dir)).open()
        let identity = node.identity
        let executor = NodeExecutor(node: node)
        defer { executor.stop() }
        let caBundle = try arguments.value(CommonOptions.ca)
        let agent = SyncAgent(executor: executor, parentURL: try arguments.required(parent), caBundle: caBundle, clock: { TimeArgument.now })
        var configuration = HTTPClientConfiguration()
        configuration.caBundlePath = caBundle
        let round = try agent.runOnce(client: HTTPClient(configuration: configuration))
        Console.print("synced \(identity.name): pushed \(round.pushed) entries; the parent holds "
                      + round.acked.sorted { $0.key < $1.key }.map { "\($0.key.prefix(8))…=\($0.value)" }.joined(separator: ", "))
        for (node, reason) in round.refused.sorted(by: { $0.key < $1.key }) { Console.print("  refused \(node.prefix(8))…: \(reason)") }
        return .success
    }
}

import Foundation
import TollgateCommandLine
import TollgateWire

/// `tollgate site ingest`: at the agent, take in a site's exported log.
enum SiteIngestCommand: Command {
    static let spec = CommandSpec(
        name: "site ingest",
        abstract: "At the issuing agent, take in a bound site's exported log; its leases then sync up with the agent's log.",
        options: NodeTarget.options,
        positionals: [file])

    static let file = Positional("site-log", help: "The file 'tollgate site export' wrote.")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let target = try NodeTarget(arguments)
        let export = try SiteLogExport(data: Data(contentsOf: URL(fileURLWithPath: arguments.value(of: file))))
        let answer = try target.call(local: { node in APIBodies.SiteLogIngestBody(taken: try node.ingestSiteLog(export, at: TimeArgument.now)) },
                                     endpoint: .ingestSiteLog, body: export)
        Console.print("site log taken in: \(answer.taken) new entries")
        return .success
    }
}

import Foundation
import TollgateCommandLine

/// `tollgate site export`: a closed site's log as a file for its agent.
enum SiteExportCommand: Command {
    static let spec = CommandSpec(
        name: "site export",
        abstract: "Write this site's whole log, with a checkpoint it signs, for an operator to carry to the agent ('tollgate site ingest').",
        discussion: "With --\(CommonOptions.node.name), from a site that is serving leases (its operator token as for any running node).",
        options: NodeTarget.options + [out.required])

    static let out = CommonOptions.out.with(help: "Where to write the site's log.")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let export = try NodeTarget(arguments).call(local: { node in try node.exportSiteLog(at: TimeArgument.now) }, endpoint: .exportSiteLog)
        let url = URL(fileURLWithPath: try arguments.required(out))
        try export.encoded().write(to: url, options: .atomic)
        Console.print("site log written to \(url.path): \(export.entries.count) entries")
        return .success
    }
}

import Foundation
import TollgateClient
import TollgateCommandLine
import TollgateHTTP
import TollgateNode

/// `tollgate site activate`: bind a site node to its floating license online, in one step.
enum SiteActivateCommand: Command {
    static let spec = CommandSpec(
        name: "site activate",
        abstract: "Bind this site node to its floating license online: send its request to the issuing agent and install the answer.",
        discussion: "The same binding 'tollgate site request', 'tollgate answer' and 'tollgate site bind' make with files, for a site "
            + "that can reach its agent once.",
        options: [CommonOptions.dir.with(help: "The site node directory.").required, agent.required, SiteRequestCommand.license.required,
                  CommonOptions.ca])

    static let agent = Option<String>("agent", value: "url", help: "The agent that issued the license, e.g. http://127.0.0.1:7403.")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let node = try NodeDirectory(try arguments.required(CommonOptions.dir)).open()
        let (request, _) = try SiteRequestCommand.signedRequest(node, licenseFile: try arguments.required(SiteRequestCommand.license))
        let configuration = HTTPClientConfiguration(caBundlePath: try arguments.value(CommonOptions.ca))
        let agentURL = try arguments.required(agent)
        let receipt = try MachineReport.clientCall { () throws(ClientError) in
            try SiteActivationClient(configuration: configuration).activate(request, nodeURL: agentURL)
        }
        do {
            SiteBindCommand.describe(try node.bindSite(receipt, at: TimeArgument.now))
        } catch {
            throw Refusal.failure(for: error)
        }
        return .success
    }
}

import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateNode
import TollgateWire

/// `tollgate answer`: the operator side of offline activation — a request file in, a response file out.
enum AnswerCommand: Command {
    static let spec = CommandSpec(
        name: "answer",
        abstract: "Answer a machine's offline request file (activate, deactivate or emergency) with a response file.",
        options: [out.required] + NodeTarget.options,
        positionals: [requestFile])

    static let out = CommonOptions.out.with(help: "Where to write the response file for the customer.")
    static let requestFile = Positional("request-file", help: "The request file the customer's machine wrote.")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let target = try NodeTarget(arguments)
        let out = URL(fileURLWithPath: try arguments.required(Self.out))
        if FileManager.default.fileExists(atPath: out.path) { throw CommandFailure("\(out.path) already exists; refusing to overwrite it") }
        let compact = try trimmedText(arguments.value(of: requestFile), what: "request file")
        let receipt: ActivationReceipt
        switch target {
        case .local(let directory):
            receipt = try directory.open().handleMachineRequest(compact, at: TimeArgument.now, offline: true)
        case .remote(let client):
            receipt = try client.call(.answerOfflineRequest, rawBody: Array(compact.utf8))
        }
        try receipt.encoded().write(to: out, options: .withoutOverwriting)
        Console.print("answered: \(out.path)")
        return .success
    }
}

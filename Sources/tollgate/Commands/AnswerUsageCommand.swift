import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateNode
import TollgateWire

/// `tollgate answer-usage`: the operator side of usage carried by hand — a machine's usage file in,
/// a receipt file out.
enum AnswerUsageCommand: Command {
    static let spec = CommandSpec(
        name: "answer-usage",
        abstract: "Log a machine's usage file ('machine usage export') and write the receipt file the machine installs.",
        options: [out.required] + NodeTarget.options,
        positionals: [usageFile])

    static let out = CommonOptions.out.with(help: "Where to write the receipt file for the customer.")
    static let usageFile = Positional("usage-file", help: "The usage file the customer's machine wrote.")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let target = try NodeTarget(arguments)
        let out = URL(fileURLWithPath: try arguments.required(Self.out))
        if FileManager.default.fileExists(atPath: out.path) { throw CommandFailure("\(out.path) already exists; refusing to overwrite it") }
        let path = arguments.value(of: usageFile)
        let upload: UsageUpload
        do {
            upload = try UsageUpload(data: readFile(path, what: "usage file"))
        } catch let error as WireError {
            throw CommandFailure("\(path): \(error.reason)")
        }
        let result: UsageUploadResult = try target.call(local: { try $0.receiveUsage(upload, at: TimeArgument.now) },
                                                        endpoint: .answerUsageUpload, body: upload)
        try result.encoded().write(to: out, options: .withoutOverwriting)
        Console.print("logged \(result.accepted) usage records (\(result.duplicates) held already"
                      + (result.forked.isEmpty ? ")" : ", \(result.forked.count) forking the logged chain, kept as evidence)") + ": \(out.path)")
        return .success
    }
}

import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateCrypto
import TollgateNode
import TollgateService
import TollgateWire

/// `tollgate audit`: run the channel audit over the node's subtree and show the findings.
enum AuditCommand: Command {
    static let spec = CommandSpec(
        name: "audit",
        abstract: "Audit the node's subtree for channel arbitrage and list every finding with its evidence.",
        discussion: "Exit code 0: no findings; 1: findings. With --\(check.name), re-checks a findings file (from --\(json.name)) using only the trust anchor.",
        options: NodeTarget.options + [check, anchor],
        flags: [json])

    static let anchor = CommonOptions.anchor.with(help: "The vendor's trust anchor, for --\(check.name).")
    static let check = Option<String>("check", value: "findings.json", help: "Re-check findings from their evidence alone (needs --\(CommonOptions.anchor.name)).")
    static let json = CommonOptions.json.with(help: "Print the findings as JSON (with evidence).")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        if let file = try arguments.value(check) {
            let anchor = TrustAnchor(publicKey: try Ed25519PublicKey(contentsOf: URL(fileURLWithPath: try arguments.required(Self.anchor))))
            let findings = try JSONDecoder().decode([AuditFinding].self, from: readFile(file, what: "findings file"))
            let check = FindingCheck(anchor: anchor)
            var failed = 0
            for finding in findings {
                do {
                    try check.check(finding)
                    Console.print("holds    \(finding.kind)  \(finding.nodeName): \(finding.summary)")
                } catch {
                    failed += 1
                    Console.print("FAILS    \(finding.kind)  \(finding.nodeName): \(error)")
                }
            }
            Console.print("\(findings.count - failed) passed, \(failed) failed")
            return failed == 0 ? .success : .invalid
        }
        let target = try NodeTarget(arguments)
        let findings: [AuditFinding] = try target.call(local: { try $0.audit(at: TimeArgument.now) }, endpoint: .runAudit)
        if arguments.isSet(json) {
            try JSONOutput.print(findings)
        } else if findings.isEmpty {
            Console.print("no findings: every log in the subtree keeps to its certificates")
        } else {
            Console.print("finding".padding(to: 26) + "node".padding(to: 16) + "detected".padding(to: 22) + "summary")
            for finding in findings {
                Console.print(finding.kind.rawValue.padding(to: 26) + finding.nodeName.padding(to: 16)
                              + TimeText.iso(finding.detectedAt).padding(to: 22) + finding.summary)
            }
            Console.print("\(findings.count) finding(s); --\(json.name) shows the evidence, 'tollgate audit --\(check.name)' re-checks it")
        }
        return findings.isEmpty ? .success : .invalid
    }
}

import Foundation
import TollgateTestSupport

/// A vendor and one agent set up offline with the CLI alone (nothing served), the agent holding a
/// certificate for `cad` (export, render) in DE and AT, perpetual and subscription, EUR and CHF
/// floors: for tests of what the command line prints and accepts.
final class OfflineChannel {
    let scratch: TemporaryDirectory
    let vendor: String
    let agent: String

    init(_ label: String) throws {
        scratch = try TemporaryDirectory("e2e-\(label)")
        vendor = scratch.path("vendor")
        agent = scratch.path("agent")
        let chain = scratch.path("agent.chain")
        try TollgateCLI.run(["root", "init", "--dir", vendor, "--name", "vendor"])
        try TollgateCLI.run(["node", "init", "--dir", agent, "--name", "agent", "--anchor", vendor + "/anchor.pub"])
        try TollgateCLI.run(["delegate", "--dir", vendor, "--subject", "agent", "--subject-key", agent + "/node.pub",
                             "--seats", "1000", "--countries", "DE,AT", "--product", "cad=export,render",
                             "--models", "perpetual,subscription", "--price-floor", "EUR:1.00", "--price-floor", "CHF:1.00",
                             "--sync-within", "7d", "--depth", "1", "--out", chain])
        try TollgateCLI.run(["accept", "--dir", agent, chain])
    }

    var anchor: String { vendor + "/anchor.pub" }

    /// `tollgate issue` on the agent with a valid sale, `changes` replacing or adding options.
    func issueArguments(out: String, _ changes: [String: String] = [:]) -> [String] {
        var options = ["customer": "Muster GmbH", "country": "DE", "product": "cad", "model": "perpetual", "price": "EUR:49.00"]
        options.merge(changes) { $1 }
        return ["issue", "--dir", agent, "--out", out] + options.sorted { $0.key < $1.key }.flatMap { ["--\($0.key)", $0.value] }
    }
}

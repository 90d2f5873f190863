import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateNode
import TollgateTestSupport
import TollgateWire

/// Seeded runs of two machines on one metered license doing random appends, snapshots, rollbacks
/// (a restored snapshot that records again), uploads of the whole chain or of a tail, and syncs,
/// against a reference model of the agent's chain. Whatever the order: an upload the model says
/// extends the chain is accepted with the receipt of the model's head, one that leaves a gap is
/// refused and stores nothing, the root bills every logged unit exactly once however often it was
/// sent or synced, a rollback that reached the agent is a fork finding naming that machine, and
/// no finding names a node.
@Suite struct UsageChainPropertyTests {
    /// What the agent holds of one machine's chain, by the rules of the brief, not the code.
    struct ModelChain {
        var links: [SignedUsageRecord] = []
        var forks: Set<String> = []
        var branch: Set<String> = []
        var forked = false

        enum Outcome: Equatable { case accepted, refused }

        /// The outcome of sending `records` (in sequence order) and the state after it.
        func apply(_ records: [SignedUsageRecord], activation: String) -> (Outcome, ModelChain) {
            var next = self
            let known = Set(links.map(\.hash))
            for record in records.sorted(by: { $0.payload.seq < $1.payload.seq }) {
                let claims = record.payload
                if known.contains(record.hash) || next.links.contains(where: { $0.hash == record.hash }) { continue }
                if next.forks.contains(record.hash) { next.branch.insert(record.hash); continue }
                if next.branch.contains(claims.prev) { next.branch.insert(record.hash); continue }
                let head = next.links.last.map { ($0.payload.seq, $0.hash) } ?? (0, activation)
                if claims.seq == head.0 + 1 && claims.prev == head.1 {
                    next.links.append(record)
                    continue
                }
                let predecessor = claims.seq == 1 ? activation : (claims.seq - 1 <= UInt64(next.links.count) ? next.links[Int(claims.seq) - 2].hash : nil)
                if claims.seq <= UInt64(next.links.count) && predecessor == claims.prev {
                    next.forks.insert(record.hash)
                    next.branch.insert(record.hash)
                    next.forked = true
                    continue
                }
                return (.refused, self)
            }
            return (.accepted, next)
        }
    }

    struct Machine {
        let device: TestMachine
        let activation: String
        var local: [SignedUsageRecord] = []
        var snapshot: [SignedUsageRecord] = []
        var model = ModelChain()
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func randomAppendsRollbacksAndReUploadsBillEachUnitOnce(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let metered = try MeteredChannel(overage: .bill, allowance: 100)
        let regional = metered.channel.regional
        let second = try TestMachine()
        let secondActivation = JWS.hash(of: try regional.handleMachineRequest(try second.request(.activate, license: metered.lineage, at: metered.now),
                                                                              at: metered.now).activation)
        var machines = [Machine(device: metered.machine, activation: metered.activation), Machine(device: second, activation: secondActivation)]
        var clock = metered.now + 100
        for _ in 0..<Int.random(in: 25...45, using: &random) {
            clock += 7
            let index = Int.random(in: 0..<machines.count, using: &random)
            var machine = machines[index]
            switch Int.random(in: 0..<10, using: &random) {
            case 0...3:
                let head = machine.local.last.map { ($0.payload.seq, $0.hash) } ?? (0, machine.activation)
                machine.local += try machine.device.usageChain(license: metered.lineage, after: head, units: [Int64.random(in: 1...40, using: &random)],
                                                               at: clock)
            case 4:
                machine.snapshot = machine.local
            case 5:
                machine.local = machine.snapshot  // restored from the snapshot
            case 6...8:
                guard !machine.local.isEmpty else { break }
                let from = Bool.random(using: &random) ? 0 : Int.random(in: 0..<machine.local.count, using: &random)
                let sent = Array(machine.local[from...])
                let (expected, after) = machine.model.apply(sent, activation: machine.activation)
                let size = try regional.logSize()
                do {
                    let result = try regional.receiveUsage(UsageUpload(records: sent.map(\.compact)), at: clock)
                    #expect(expected == .accepted, "seed \(seed): an upload the model refuses was accepted")
                    let receipt = try SignedUsageReceipt(compact: result.receipt)
                    #expect(receipt.payload.head == after.links.last?.hash, "seed \(seed): the receipt is not the model's head")
                    #expect(Set(result.forked) == after.forks.subtracting(machine.model.forks), "seed \(seed)")
                    machine.model = after
                } catch let error as NodeError {
                    #expect(expected == .refused, "seed \(seed): refused \(error)")
                    #expect(error.code == .usageOutOfSequence, "seed \(seed)")
                    #expect(try regional.logSize() == size, "seed \(seed): a refused upload stored something")
                }
            default:
                try metered.syncUp(at: clock)
            }
            machines[index] = machine
        }
        try metered.syncUp(at: clock + 10)
        try metered.syncUp(at: clock + 20)

        let root = metered.channel.root
        let billed = try root.report("usage", at: clock + 30)
        let logged = machines.flatMap(\.model.links)
        #expect((billed.usage ?? []).reduce(0) { $0 + $1.units } == logged.reduce(0) { $0 + $1.payload.units }, "seed \(seed)")
        #expect((billed.usage ?? []).reduce(0) { $0 + $1.records } == logged.count, "seed \(seed)")
        for row in billed.usage ?? [] {
            #expect(row.overagePrice == row.overageUnits * 2, "seed \(seed)")
        }
        let findings = try root.audit(at: clock + 40)
        let nodes = Set([metered.channel.root, metered.channel.general, regional].map(\.identity.keyID))
        #expect(findings.allSatisfy { !nodes.contains($0.node) }, "seed \(seed): a finding names an honest node")
        for machine in machines {
            let forks = findings.filter { $0.kind == .usageFork && $0.node == machine.device.key.publicKey.thumbprint }
            #expect(forks.isEmpty == !machine.model.forked, "seed \(seed): fork findings \(forks.count), model forked \(machine.model.forked)")
        }
        let check = FindingCheck(anchor: metered.channel.anchor)
        for finding in findings { try check.check(finding) }
    }
}

import Foundation
import TollgateCertificates
import TollgateNode
import TollgateWire

extension CustomerDesk {
    // MARK: Metered use

    /// A machine on a metered license was activated: its chain starts at the activation, and it
    /// records use every few hours from now on. A drawn share of machines will be restored once
    /// from a snapshot (``Scenario/usageRollbackShare``).
    func startMeter(_ id: Int, machine index: Int, license file: LicenseFile, activation: String) {
        guard let lineage = customers[id].lineage, let license = try? SignedLicense(compact: file.license) else { return }
        let rollsBack = scenario.usageRollbackShare > 0 && random.chance(scenario.usageRollbackShare)
        customers[id].machines[index].meter = UsageMeter(license: license, lineage: lineage, activation: activation, rollsBack: rollsBack)
        schedule(id, .meter(machine: index), after: random.integer(in: Scenario.hour...(8 * Scenario.hour)))
    }

    /// The machine records a few uses (each checked offline against the allowance's ceiling first,
    /// as its software does) and uploads what the agent has not receipted. A machine due to be
    /// restored from its snapshot goes back to it instead and records once more: a fork.
    func meter(_ id: Int, machine index: Int, at agent: SimulatedNode) {
        guard index < customers[id].machines.count, let meter = customers[id].machines[index].meter,
              !meter.forked, !customers[id].machines[index].retired else { return }
        if let exp = meter.license.exp, trueSeconds >= exp { return }
        do {
            let made = try customers[id].machines[index].made()
            if meter.rollsBack, let snapshot = meter.snapshot, meter.pending.isEmpty {
                customers[id].machines[index].meter?.head = snapshot.head
                customers[id].machines[index].meter?.used = snapshot.used
                note("\(customers[id].name)'s machine \(index) is restored from a snapshot at usage record \(snapshot.head.seq)")
                guard let forking = try record(id, machine: index, key: made) else { return }
                upload(id, machine: index, forking: forking.hash, at: agent)
                return
            }
            for _ in 0..<random.integer(in: 1...3) {
                guard try record(id, machine: index, key: made) != nil else { break }
            }
        } catch {
            unexpected(error, "signing a usage record")
            return
        }
        upload(id, machine: index, forking: nil, at: agent)
        if customers[id].machines[index].meter?.forked == false {
            schedule(id, .meter(machine: index), after: random.integer(in: (2 * Scenario.hour)...(12 * Scenario.hour)))
        }
    }

    /// Signs the machine's next record of some units of the metered feature, unless the offline
    /// check refuses them (past the ceiling this period): then nil, and nothing is recorded.
    private func record(_ id: Int, machine index: Int, key made: PreparedMachine.Made) throws -> SignedUsageRecord? {
        guard var meter = customers[id].machines[index].meter else { return nil }
        let units = random.integer(in: 1...30)
        let period = MonthPeriod.of(trueSeconds)
        do {
            try UsageVerifier.checkAllowance(meter.license, feature: ChannelTerms.meteredFeature, used: meter.used[period] ?? 0, adding: units)
        } catch {
            checker.check(.verifierSound, error.rule == .usageBeyondAllowance,
                          "\(customers[id].name)'s machine \(index) is refused \(units) units offline with \(error.rule), not usage_beyond_allowance")
            agent.stats.usageRefusedOffline += 1
            return nil
        }
        let payload = UsageRecord(license: meter.lineage, machineKey: made.machineKey, seq: meter.head.seq + 1, prev: meter.head.hash,
                                  feature: ChannelTerms.meteredFeature, units: units, iat: trueSeconds)
        let signed = try SignedUsageRecord.sign(payload, with: made.key)
        meter.head = UsageVerifier.Head(seq: payload.seq, hash: signed.hash)
        meter.used[period, default: 0] += units
        meter.pending.append(signed)
        customers[id].machines[index].meter = meter
        return signed
    }

    /// Uploads the records the agent has not receipted. The answer must be the agent's signed
    /// receipt of the chain head as logged; the records it took are the customer's to pay for
    /// (``UsageTally``). `forking`: the record of a restored machine, which the agent must log as
    /// a fork's evidence and not add to the chain.
    private func upload(_ id: Int, machine index: Int, forking: String?, at agent: SimulatedNode) {
        guard let meter = customers[id].machines[index].meter, !meter.pending.isEmpty else { return }
        let result: UsageUploadResult
        do {
            let body = try UsageUpload(records: meter.pending.map(\.compact)).encoded()
            result = try call(.usageUpload, body: Array(body), expecting: .created, "a usage upload") { try UsageUploadResult(data: $0) }
        } catch let error as ServiceRefusal {
            // Kept in the wallet: the next upload carries them again.
            refused(id, error, by: agent, doing: "a usage upload", retry: nil, after: 0)
            return
        } catch {
            unexpected(error, "encoding a usage upload")
            return
        }
        let machineName = "\(customers[id].name)'s machine \(index)"
        guard let receipt = receipted(result, meter: meter, by: agent, machine: machineName) else { return }
        if let forking {
            checker.check(.verifierSound, result.forked == [forking] && result.accepted == 0,
                          "\(agent.name) took the restored \(machineName)'s forking record as \(result.accepted) link(s), \(result.forked.count) fork(s)")
            customers[id].machines[index].meter?.forked = true
            customers[id].machines[index].meter?.pending = []
            if let made = try? customers[id].machines[index].made() { rolledBack.append(made.key.publicKey.thumbprint) }
            agent.stats.usageForked += 1
            note("\(agent.name) logs the fork of \(machineName)'s usage chain as evidence")
            return
        }
        checker.check(.verifierSound, result.forked.isEmpty && result.accepted == meter.pending.count && receipt.head == meter.head.hash,
                      "\(agent.name) answered \(meter.pending.count) new usage records of \(machineName) with \(result.accepted) taken, "
                      + "\(result.duplicates) duplicates, \(result.forked.count) forks and head \(HashID.short(receipt.head))")
        if meter.snapshot == nil {
            // The wallet as it was before these records: what a restore from a snapshot then brings back.
            let first = meter.pending[0].payload
            var used = meter.used
            for record in meter.pending { used[record.payload.period, default: 0] -= record.payload.units }
            customers[id].machines[index].meter?.snapshot = (UsageVerifier.Head(seq: first.seq - 1, hash: first.prev), used)
        }
        for record in meter.pending { usage.add(record.payload, seller: agent.name) }
        customers[id].machines[index].meter?.pending = []
        agent.stats.usageRecords += result.accepted
        note("\(agent.name) receipts \(machineName)'s usage up to record \(receipt.seq)")
    }

    /// The upload's receipt, checked as the machine's software checks it: signed by the agent, for
    /// this machine's chain of this license; nil (and the invariant failed) otherwise.
    private func receipted(_ result: UsageUploadResult, meter: UsageMeter, by agent: SimulatedNode, machine: String) -> UsageReceipt? {
        do {
            let receipt = try SignedUsageReceipt(compact: result.receipt)
            let claims = receipt.payload
            guard receipt.jws.isSigned(by: agent.identity.key.publicKey), claims.iss == agent.keyID,
                  claims.license == meter.lineage, claims.machineKey == meter.pending[0].payload.machineKey else {
                checker.fail(.verifierSound, "\(agent.name)'s usage receipt for \(machine) is not its signed receipt of that chain")
                return nil
            }
            checker.passed(.verifierSound, count: 1)
            return claims
        } catch {
            checker.fail(.verifierSound, "\(agent.name) answered \(machine)'s usage upload with a receipt that cannot be read: \(error)")
            return nil
        }
    }
}

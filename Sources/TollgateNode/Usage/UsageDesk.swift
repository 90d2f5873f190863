import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateWire

/// Metered use at the issuing agent: a machine's usage records arrive online or from a file an
/// operator hands in; each is checked (the machine's signature, an activation of that machine for
/// that license, the next sequence number and the previous record's hash), the new ones are logged
/// in one commit, and the answer is a signed receipt of the chain head. Records logged before are
/// skipped, so uploading again changes nothing; a record that forks the logged chain is kept as
/// evidence of the rollback; anything else wrong refuses the whole upload and stores nothing.
struct UsageDesk: NodePart {
    let context: NodeContext

    /// What an upload does to the chain, decided before anything is written.
    private enum Step {
        case append(SignedUsageRecord)
        case fork(SignedUsageRecord)
    }

    /// See ``LicensingNode/receiveUsage(_:at:)``.
    func receiveUsage(_ upload: UsageUpload, at now: Int64) throws(NodeError) -> UsageUploadResult {
        guard !upload.records.isEmpty else { throw NodeError(.invalidRequest, "the upload carries no usage records") }
        guard upload.records.count <= UsageUpload.maxRecords else {
            throw NodeError(.invalidRequest, "the upload carries \(upload.records.count) records, the limit is \(UsageUpload.maxRecords); send them in parts")
        }
        var records: [SignedUsageRecord] = []
        for (index, compact) in upload.records.enumerated() {
            do {
                let record = try SignedUsageRecord(compact: compact, object: "usage record[\(index)]")
                try UsageVerifier.checkSignature(record, object: "usage record[\(index)]")
                records.append(record)
            } catch {
                throw NodeError(error.rule == .badSignature ? .unauthorized : .invalidRequest, error)
            }
        }
        let first = records[0].payload
        if let other = records.first(where: { $0.payload.license != first.license || $0.payload.machineKey != first.machineKey }) {
            throw NodeError(.invalidRequest, "an upload carries one machine's chain for one license; record \(other.payload.seq) is of another",
                            rule: .usageMismatch)
        }
        guard let lineage = try storage({ try store.lineage(of: first.license) }),
              let license = try storage({ try store.currentLicense(lineage: lineage) }) else {
            throw NodeError(.notFound, "license \(HashID.short(first.license)) was not issued by this node")
        }
        guard lineage == first.license else {
            throw NodeError(.invalidRequest, "the records name renewal \(HashID.short(first.license)); usage records name the first license of the lineage, \(HashID.short(lineage))",
                            rule: .usageMismatch)
        }
        guard license.payload.metering != nil else {
            throw NodeError(.ruleViolation, "license \(HashID.short(lineage)) is \(license.payload.model), not metered; it takes no usage records", rule: .notMetered)
        }
        let activations = try storage { try store.activations(lineage: lineage, machineKey: first.machineKey) }
        guard !activations.isEmpty else {
            throw NodeError(.notFound, "no machine with this key was ever activated for license \(HashID.short(lineage)) here")
        }
        for record in records where license.payload.metering?.allowance(of: record.payload.feature) == nil {
            throw NodeError(.ruleViolation, "record \(record.payload.seq) meters \(record.payload.feature), which the license does not meter", rule: .notMetered)
        }
        let (steps, duplicates) = try plan(records.sorted { $0.payload.seq < $1.payload.seq }, lineage: lineage,
                                           machineKey: first.machineKey, genesis: Set(activations.map(\.hash)))
        let head = try storage {
            try store.transaction { () throws -> NodeStore.LoggedUsage in
                for step in steps {
                    let (record, forked) = switch step {
                    case .append(let record): (record, false)
                    case .fork(let record): (record, true)
                    }
                    let kind = forked ? LogEntryKind.usageForked : .usageRecorded
                    let index = try store.log.append(kind: kind.rawValue, bytes: Array(record.compact.utf8), at: now)
                    try store.insertUsageRecord(record, lineage: lineage, forked: forked, logIndex: index)
                }
                guard let head = try store.usageHead(lineage: lineage, machineKey: first.machineKey) else {
                    throw NodeError(.usageOutOfSequence, "no record of this machine's chain is logged")
                }
                return head
            }
        }
        let receipt = UsageReceipt(iss: identity.keyID, license: lineage, machineKey: first.machineKey, seq: head.seq, head: head.hash,
                                   logIndex: head.logIndex, iat: now, jti: ids.make())
        let signed = try context.sign { try context.signObject(receipt) }
        var forked: [String] = []
        var accepted = 0
        for step in steps {
            switch step {
            case .append: accepted += 1
            case .fork(let record): forked.append(record.hash)
            }
        }
        return UsageUploadResult(receipt: signed.compact, accepted: accepted, duplicates: duplicates, forked: forked)
    }

    /// Places each record against the logged chain: already logged (skipped), the next link, or a
    /// second record after a logged predecessor (a fork). Anything else refuses the upload.
    private func plan(_ records: [SignedUsageRecord], lineage: String, machineKey: String,
                      genesis: Set<String>) throws(NodeError) -> (steps: [Step], duplicates: Int) {
        let logged = try storage { try store.usageHead(lineage: lineage, machineKey: machineKey) }
        var head = logged.map { UsageVerifier.Head(seq: $0.seq, hash: $0.hash) }
        var pending: [UInt64: String] = [:]
        var steps: [Step] = []
        var duplicates = 0
        var seen: Set<String> = []
        /// Records of a forked branch: its first is the evidence, the ones after it are left out.
        var branch: Set<String> = []
        for record in records {
            let claims = record.payload
            guard seen.insert(record.hash).inserted else { duplicates += 1; continue }
            if let known = try storage({ try store.usageRecord(hash: record.hash) }) {
                duplicates += 1
                if known.forked { branch.insert(record.hash) }
                continue
            }
            if branch.contains(claims.prev) {
                branch.insert(record.hash)
                continue
            }
            let extendsHead = head.map { claims.seq == $0.seq + 1 && claims.prev == $0.hash } ?? (claims.seq == 1 && genesis.contains(claims.prev))
            if extendsHead {
                steps.append(.append(record))
                head = UsageVerifier.Head(seq: claims.seq, hash: record.hash)
                pending[claims.seq] = record.hash
                continue
            }
            // A second record after a link already in the chain: the machine recorded again from an
            // older state of its chain.
            let predecessor: String?
            if claims.seq == 1 {
                predecessor = genesis.contains(claims.prev) ? claims.prev : nil
            } else if let pendingHash = pending[claims.seq - 1] {
                predecessor = pendingHash
            } else {
                predecessor = try storage { try store.usageLink(lineage: lineage, machineKey: machineKey, seq: claims.seq - 1) }?.hash
            }
            if let head, claims.seq <= head.seq, predecessor == claims.prev {
                steps.append(.fork(record))
                branch.insert(record.hash)
                continue
            }
            let expected = head.map { "record \($0.seq + 1) after \(HashID.short($0.hash))" } ?? "record 1 naming the machine's activation"
            throw NodeError(.usageOutOfSequence,
                            "record \(claims.seq) (previous \(HashID.short(claims.prev))) does not extend the logged chain, which expects \(expected); nothing was stored",
                            rule: .usageOutOfSequence)
        }
        return (steps, duplicates)
    }
}

import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateWire

/// The node's logic, free of I/O: time comes in as arguments, ids from an injected source and
/// storage through `NodeStore`, so the same code runs behind the HTTP server, in the CLI and in the
/// simulator. Not thread-safe: one owner (a serial queue or actor) drives it.
public final class LicensingNode {
    public let identity: NodeIdentity
    public let store: NodeStore
    let ids: IdentifierSource
    let verifier: LicenseVerifier
    /// Held certificates, parsed once; dropped whenever the set may change (see `discardCaches`).
    private var heldCache: [HeldCertificate]?

    /// The serial space the root delegates from.
    public static let rootSerialSpace = SerialRange(0, SerialRange.limit)

    public init(identity: NodeIdentity, store: NodeStore, ids: IdentifierSource = .secureRandom) {
        self.identity = identity
        self.store = store
        self.ids = ids
        self.verifier = LicenseVerifier(anchor: identity.anchor, cache: VerifiedCertificateCache(), signatures: store.verifiedSignatures.objects)
    }

    // MARK: Receiving certificates

    /// Takes a certificate delegated to this node, after verifying its whole chain. Accepting the
    /// same certificate twice changes nothing.
    @discardableResult
    public func accept(chain: [String], at now: Int64) throws(NodeError) -> HeldCertificate {
        let verified: [VerifiedCertificate]
        do {
            verified = try verifier.verifyChain(chain)
        } catch {
            throw NodeError(.certificateRejected, error)
        }
        let leaf = verified[verified.count - 1]
        guard leaf.subjectKey == identity.key.publicKey else {
            throw NodeError(.certificateRejected, "the certificate for \(leaf.payload.sub) is bound to another key than this node's")
        }
        let held = HeldCertificate(chain: chain, certificate: leaf.certificate)
        // A certificate whose window has closed can issue nothing: refused at the door rather than
        // held (one already held is simply held).
        if leaf.payload.exp <= now, !(try storage { try store.isHeld(hash: held.hash) }) {
            throw NodeError(.certificateRejected, "the certificate for \(leaf.payload.sub) expired at \(leaf.payload.exp), before now (\(now))",
                            rule: .expired)
        }
        try storage {
            if try store.isHeld(hash: held.hash) { return }
            heldCache = nil
            defer { heldCache = nil }
            try store.transaction {
                let index = try store.log.append(kind: LogEntryKind.certificateReceived.rawValue, bytes: Array(held.certificate.compact.utf8), at: now)
                try store.insertHeld(held, logIndex: index, at: now)
            }
        }
        return held
    }

    public func heldCertificates() throws(NodeError) -> [HeldCertificate] {
        if let heldCache { return heldCache }
        let loaded = try storage { try store.heldCertificates() }
        heldCache = loaded
        return loaded
    }

    /// Forgets what the node caches from its store; the executor calls it when a batch it already
    /// ran could not be committed.
    public func discardCaches() {
        heldCache = nil
    }

    // MARK: Delegating

    /// Carves a child certificate out of a held one (or, at the root, out of the whole serial space),
    /// refusing serials already handed out and any limit the parent does not allow.
    public func delegate(_ request: DelegationRequest, at now: Int64) throws(NodeError) -> CertificateChain {
        let subjectKey: Ed25519PublicKey
        do {
            subjectKey = try Ed25519PublicKey(rawRepresentation: Base64URL.decode(request.subjectKey))
        } catch {
            throw NodeError(.invalidRequest, "the subject key is not an Ed25519 public key: \(error)")
        }
        let parent: HeldCertificate? = identity.isRoot && request.parentHash == nil ? nil : try heldCertificate(matching: request.parentHash)
        if let parent, now > parent.payload.exp || now < parent.payload.nbf {
            throw NodeError(.noCertificate, "certificate \(parent.payload.jti) may only be used between \(parent.payload.nbf) and \(parent.payload.exp)")
        }
        func inherited<T>(_ value: T?, _ fromParent: (AllocationCertificate) -> T, _ name: String) throws(NodeError) -> T {
            if let value { return value }
            if let parent { return fromParent(parent.payload) }
            throw NodeError(.invalidRequest, "the root must set \(name) when delegating")
        }
        let space = parent?.payload.seats ?? Self.rootSerialSpace
        let seats: SerialRange
        if let explicit = request.seats {
            seats = explicit
        } else if let count = request.count {
            seats = try freeRange(count: count, within: space)
        } else {
            throw NodeError(.invalidRequest, "give the seats as a range or a count")
        }
        let payload = AllocationCertificate(
            iss: identity.keyID, sub: request.subject, subKey: Base64URL.encode(subjectKey.rawRepresentation),
            parent: parent?.hash, seats: seats,
            countries: try inherited(request.countries, \.countries, "countries"),
            products: try inherited(request.products, \.products, "products"),
            models: try inherited(request.models, \.models, "models"),
            priceFloor: try inherited(request.priceFloor, \.priceFloor, "price floors"),
            depth: request.depth ?? parent.map { $0.payload.depth - 1 } ?? 2,
            nbf: request.nbf ?? parent?.payload.nbf ?? now,
            exp: request.exp ?? parent?.payload.exp ?? now + 365 * 86_400,
            syncWithin: request.syncWithin ?? parent?.payload.syncWithin ?? 7 * 86_400,
            jti: ids.make(),
            emergency: request.emergency ?? parent?.payload.emergency)
        do {
            try payload.validateFields(object: "certificate for \(request.subject)")
        } catch {
            throw NodeError(.invalidRequest, error)
        }
        if let parent {
            do {
                try Attenuation.check(child: payload, parent: parent.payload, object: "certificate for \(request.subject)")
            } catch {
                throw NodeError(.ruleViolation, error)
            }
        } else if !space.contains(seats) {
            throw NodeError(.invalidRequest, "seats \(seats) leave the serial space \(space)")
        }
        if let taken = try storage({ try store.overlappingAllocation(seats) }) {
            throw NodeError(.serialsTaken, "serials \(taken.seats) inside \(seats) are already \(taken.kind.rawValue)")
        }
        let signed = try sign { () throws -> SignedCertificate in try signObject(payload) }
        try storage {
            try store.transaction {
                let index = try store.log.append(kind: LogEntryKind.certificateDelegated.rawValue, bytes: Array(signed.compact.utf8), at: now)
                try store.insertDelegation(signed, logIndex: index, at: now)
                try store.insertDescendant(signed, parentKeyID: identity.keyID, at: now)
                try store.insertAllocation(SerialAllocation(seats: seats, kind: .delegated, holderHash: parent?.hash ?? "root",
                                                            objectHash: signed.hash), logIndex: index, at: now)
            }
        }
        return CertificateChain(chain: (parent?.chain ?? []) + [signed.compact])
    }

    // MARK: Helpers

    /// The held certificate whose hash or jti starts with `prefix`; with no prefix, the only one held.
    func heldCertificate(matching prefix: String?) throws(NodeError) -> HeldCertificate {
        let held = try heldCertificates()
        let matches = prefix.map { p in held.filter { $0.hash.hasPrefix(p) || $0.payload.jti == p } } ?? held
        guard matches.count == 1 else {
            let listing = held.map { "\($0.hash.prefix(12)) (\($0.payload.sub), seats \($0.payload.seats))" }.joined(separator: "; ")
            if held.isEmpty { throw NodeError(.noCertificate, "this node holds no certificate") }
            throw NodeError(matches.isEmpty ? .notFound : .invalidRequest,
                            (matches.isEmpty ? "no held certificate matches" : "several held certificates match; choose one")
                            + (prefix.map { " '\($0)'" } ?? "") + ": \(listing)")
        }
        return matches[0]
    }

    /// `count` consecutive serials in `space` that this node has not handed out, nor `reserved` for
    /// sales planned but not yet recorded: right after the highest serial handed out so far, or, once
    /// the end of `space` is reached, the lowest gap. `allocatedEnd` is the end of the allocation
    /// that starts last inside `space` (nil when none does), if the caller has read it already.
    func freeRange(count: UInt64, within space: SerialRange, avoiding reserved: [SerialRange] = [],
                   allocatedEnd: UInt64?? = nil) throws(NodeError) -> SerialRange {
        guard count > 0 else { throw NodeError(.invalidRequest, "the seat count must be positive") }
        func inSpace(_ range: SerialRange) -> Bool { range.start < space.end && range.end > space.start }
        let lastEnd: UInt64?
        if let allocatedEnd {
            lastEnd = allocatedEnd
        } else {
            lastEnd = try storage { try store.lastAllocation(within: space) }?.seats.end
        }
        var frontier = lastEnd.map { max($0, space.start) } ?? space.start
        for range in reserved where inSpace(range) { frontier = max(frontier, range.end) }
        if frontier <= space.end, space.end - frontier >= count, frontier + count <= space.end {
            let candidate = SerialRange(frontier, frontier + count)
            // An allocation that starts before `space` may still reach into it.
            if try storage({ try store.overlappingAllocation(candidate) }) == nil { return candidate }
        }
        let taken = (try storage { try store.allocations(within: space) }.map(\.seats) + reserved.filter(inSpace)).sorted { $0.start < $1.start }
        var cursor = space.start
        for range in taken {
            if range.start >= cursor, range.start - cursor >= count { break }
            cursor = max(cursor, range.end)
        }
        guard cursor <= space.end, space.end - cursor >= count else {
            throw NodeError(.quotaExhausted, "fewer than \(count) free serials are left in \(space)")
        }
        return SerialRange(cursor, cursor + count)
    }

    func storage<T>(_ body: () throws -> T) throws(NodeError) -> T {
        do {
            return try body()
        } catch let error as NodeError {
            throw error
        } catch let error as VerificationError {
            throw NodeError(.invalidRequest, error)  // an object to sign broke a limit: nothing was signed
        } catch {
            throw NodeError(storing: error, databasePath: store.database.path)
        }
    }

    /// Signs an object with the node's key; the signature goes into the node's record of verified
    /// signatures, so the node (and verifiers sharing the record) need not verify it again.
    func signObject<Payload: SignedPayload>(_ payload: Payload) throws -> Signed<Payload> {
        try Signed<Payload>.sign(payload, with: identity.key, recordingIn: store.verifiedSignatures.objects)
    }

    func sign<T>(_ body: () throws -> T) throws(NodeError) -> T {
        do {
            return try body()
        } catch let error as VerificationError {
            throw NodeError(.invalidRequest, error)  // the claims break a limit: nothing was signed
        } catch {
            throw NodeError(.storage, "signing failed: \(error)")
        }
    }
}

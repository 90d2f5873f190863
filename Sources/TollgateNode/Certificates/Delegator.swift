import TollgateCertificates
import TollgateCrypto
import TollgateWire

/// Carves child certificates out of the held ones (or, at the root, out of the whole serial space)
/// and records them, with the child as a known descendant and the serials as delegated.
///
/// The root sells directly under a certificate it delegates to itself (`to_self`): carved from its
/// serial space like any delegation, so its serials never meet an agent's, logged as a delegation,
/// and held at once, so sales, activations, the audit and the customer's verifier treat it as any
/// other certificate. Its serials are reserved by the held certificate rather than by a delegated
/// allocation, since the licenses sold under it are allocations inside it and allocations never overlap.
struct Delegator: NodePart {
    let context: NodeContext
    let holdings: CertificateHoldings
    let serials: SerialAllocator

    /// See ``LicensingNode/delegate(_:at:)``.
    func delegate(_ request: DelegationRequest, at now: Int64) throws(NodeError) -> CertificateChain {
        let toSelf = request.toSelf == true
        let subjectKey: Ed25519PublicKey
        if toSelf, request.subjectKey.isEmpty {
            subjectKey = identity.key.publicKey
        } else {
            do {
                subjectKey = try Ed25519PublicKey(rawRepresentation: Base64URL.decode(request.subjectKey))
            } catch {
                throw NodeError(.invalidRequest, "the subject key is not an Ed25519 public key: \(error)")
            }
        }
        // The root's own key names the root whichever way it is asked for.
        let isSelf = toSelf || (identity.isRoot && subjectKey == identity.key.publicKey)
        if isSelf {
            guard identity.isRoot else {
                throw NodeError(.invalidRequest, "only the root delegates to itself; an agent sells under the certificates it holds")
            }
            guard subjectKey == identity.key.publicKey, request.subject.isEmpty || request.subject == identity.name else {
                throw NodeError(.invalidRequest, "a certificate to the root itself names the root (\(identity.name)) and its own key")
            }
            guard request.parentHash == nil else {
                throw NodeError(.invalidRequest, "the root's own certificate is carved from its serial space, not from a held certificate")
            }
        }
        let subject = isSelf ? identity.name : request.subject
        let parent: HeldCertificate? = identity.isRoot && request.parentHash == nil ? nil : try holdings.heldCertificate(matching: request.parentHash)
        if let parent, now > parent.payload.exp || now < parent.payload.nbf {
            throw NodeError(.noCertificate, "certificate \(parent.payload.jti) may only be used between \(parent.payload.nbf) and \(parent.payload.exp)")
        }
        func inherited<T>(_ value: T?, _ fromParent: (AllocationCertificate) -> T, _ name: String) throws(NodeError) -> T {
            if let value { return value }
            if let parent { return fromParent(parent.payload) }
            throw NodeError(.invalidRequest, "the root must set \(name) when delegating")
        }
        let space = parent?.payload.seats ?? SerialAllocator.rootSpace
        // At the root, its own certificates hold their serials (see above).
        let ownCertificates = parent == nil ? try holdings.heldCertificates() : []
        let seats: SerialRange
        if let explicit = request.seats {
            seats = explicit
        } else if let count = request.count {
            if let parent {
                seats = try serials.freeRange(count: count, of: parent)
            } else {
                seats = try serials.freeRange(count: count, within: space, besides: ownCertificates.map(\.payload.seats))
            }
        } else {
            throw NodeError(.invalidRequest, "give the seats as a range or a count")
        }
        let products = try inherited(request.products, \.products, "products")
        let models = try inherited(request.models, \.models, "models")
        let payload = AllocationCertificate(
            iss: identity.keyID, sub: subject, subKey: Base64URL.encode(subjectKey.rawRepresentation),
            parent: parent?.hash, seats: seats,
            countries: try inherited(request.countries, \.countries, "countries"),
            products: products,
            models: models,
            priceFloor: try inherited(request.priceFloor, \.priceFloor, "price floors"),
            depth: request.depth ?? parent.map { $0.payload.depth - 1 } ?? 2,
            nbf: request.nbf ?? parent?.payload.nbf ?? now,
            exp: request.exp ?? parent?.payload.exp ?? now + 365 * 86_400,
            syncWithin: request.syncWithin ?? parent?.payload.syncWithin ?? 7 * 86_400,
            jti: ids.make(),
            emergency: request.emergency ?? parent?.payload.emergency,
            tiers: request.tiers ?? parent?.payload.tiers.flatMap { Self.tiers($0, fitting: products) },
            featureFloors: request.featureFloors ?? parent?.payload.featureFloors.flatMap { Self.featureFloors($0, fitting: products) },
            trials: request.trials ?? parent?.payload.trials,
            floating: request.floating ?? (models.contains(FloatingTerms.model) ? parent?.payload.floating : nil),
            // Strict only is the default and written as nothing, so such certificates keep their bytes.
            enforcement: (request.enforcement ?? parent?.payload.enforcement).flatMap { $0 == [EnforcementPolicy.strict.rawValue] ? nil : $0 })
        do {
            try payload.validateFields(object: "certificate for \(subject)")
        } catch {
            throw NodeError(error.rule == .invalidField ? .invalidRequest : .ruleViolation, error)
        }
        if let parent {
            do {
                try Attenuation.check(child: payload, parent: parent.payload, object: "certificate for \(subject)")
            } catch {
                throw NodeError(.ruleViolation, error)
            }
        } else if !space.contains(seats) {
            throw NodeError(.invalidRequest, "seats \(seats) leave the serial space \(space)")
        }
        if let taken = try storage({ try store.overlappingAllocation(seats) }) {
            throw NodeError(.serialsTaken, "serials \(taken.seats) inside \(seats) are already \(taken.kind.rawValue)")
        }
        if let own = ownCertificates.first(where: { $0.payload.seats.overlaps(seats) }) {
            throw NodeError(.serialsTaken, "serials \(own.payload.seats) inside \(seats) are the root's own (certificate \(HashID.short(own.hash)))")
        }
        let signed = try context.sign { () throws -> SignedCertificate in try context.signObject(payload) }
        let chain = (parent?.chain ?? []) + [signed.compact]
        try storage {
            if isSelf { holdings.discardCache() }
            defer { if isSelf { holdings.discardCache() } }
            try store.transaction {
                let index = try store.log.append(kind: LogEntryKind.certificateDelegated.rawValue, bytes: Array(signed.compact.utf8), at: now)
                try store.insertDelegation(signed, logIndex: index, at: now)
                if isSelf {
                    try store.insertHeld(HeldCertificate(chain: chain, certificate: signed), logIndex: index, at: now)
                } else {
                    try store.insertDescendant(signed, parentKeyID: identity.keyID, at: now)
                    try store.insertAllocation(SerialAllocation(seats: seats, kind: .delegated, holderHash: parent?.hash ?? "root",
                                                                objectHash: signed.hash), logIndex: index, at: now)
                }
            }
        }
        return CertificateChain(chain: chain)
    }

    /// The parent's feature floors a child inherits when it names none: those of features the
    /// child's products carry (a floor must name a feature of the certificate); nil when none is left.
    static func featureFloors(_ parent: [String: [String: Int64]], fitting products: [String: [String]]) -> [String: [String: Int64]]? {
        let features = Set(products.values.joined())
        let kept = parent.mapValues { $0.filter { features.contains($0.key) } }.filter { !$0.value.isEmpty }
        return kept.isEmpty ? nil : kept
    }

    /// The parent's tiers a child inherits when it names none: those whose features all lie in the
    /// child's products; nil when none fits.
    static func tiers(_ parent: [String: [String: [String]]], fitting products: [String: [String]]) -> [String: [String: [String]]]? {
        var kept: [String: [String: [String]]] = [:]
        for (product, tiers) in parent {
            guard let allowed = products[product] else { continue }
            let fitting = tiers.filter { Set($0.value).isSubset(of: allowed) }
            if !fitting.isEmpty { kept[product] = fitting }
        }
        return kept.isEmpty ? nil : kept
    }
}

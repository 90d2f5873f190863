import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
@testable import TollgateNode

/// The parts of a `LicensingNode` stand on their own seams: each does its job over a
/// `NodeContext` alone (a store and an identity), with no node around it, and owns the state of
/// its job.
@Suite struct NodePartTests {
    static func context() throws -> NodeContext {
        let key = try Ed25519PrivateKey()
        return NodeContext(identity: NodeIdentity(name: "part", key: key, anchor: TrustAnchor(publicKey: key.publicKey)),
                           store: try NodeStore(database: SQLiteDatabase(path: ":memory:")), ids: .secureRandom)
    }

    /// The code of the ``NodeError`` `body` fails with; nil when it succeeds or fails otherwise.
    static func code(_ body: () throws -> SerialRange) -> NodeError.Code? {
        do {
            _ = try body()
            return nil
        } catch {
            return (error as? NodeError)?.code
        }
    }

    static func allocate(_ start: UInt64, _ end: UInt64, in context: NodeContext) throws {
        try context.store.insertAllocation(SerialAllocation(seats: SerialRange(start, end), kind: .licensed, holderHash: "held",
                                                            objectHash: "object-\(start)"), logIndex: start, at: 0)
    }

    /// A certificate for `seats`, signed by the node's own key, taken into the store as held.
    static func hold(_ seats: SerialRange, in context: NodeContext, at now: Int64 = 0) throws -> HeldCertificate {
        let key = context.identity.key
        let payload = AllocationCertificate(iss: key.publicKey.thumbprint, sub: "part", subKey: Base64URL.encode(key.publicKey.rawRepresentation),
                                            parent: nil, seats: seats, countries: ["DE"], products: ["cad": []], models: ["perpetual"],
                                            priceFloor: ["EUR": 1], depth: 1, nbf: 0, exp: 2_000_000_000, syncWithin: 86_400,
                                            jti: "held-\(seats.start)-\(now)")
        let signed = try SignedCertificate.sign(payload, with: key)
        let held = HeldCertificate(chain: [signed.compact], certificate: signed)
        try context.store.transaction { try context.store.insertHeld(held, logIndex: 0, at: now) }
        return held
    }

    /// The allocator reads the free runs only: it places new serials after the highest handed out
    /// and after the reserved ones, then, at the end of the certificate, in the lowest run that fits.
    @Test func serialAllocatorFillsTheFrontierThenTheLowestGap() throws {
        let context = try Self.context()
        let serials = SerialAllocator(context: context)
        let held = try Self.hold(SerialRange(100, 200), in: context)
        #expect(try serials.freeRange(count: 10, of: held) == SerialRange(100, 110))
        try Self.allocate(100, 110, in: context)
        try Self.allocate(130, 150, in: context)
        #expect(try serials.freeRange(count: 10, of: held) == SerialRange(150, 160))
        #expect(try serials.freeRange(count: 10, of: held, avoiding: [SerialRange(150, 170)]) == SerialRange(170, 180))
        try Self.allocate(150, 195, in: context)
        // The frontier leaves 5 serials: the lowest gap that fits is between 110 and 130.
        #expect(try serials.freeRange(count: 15, of: held) == SerialRange(110, 125))
        #expect(try serials.freeRange(count: 5, of: held, avoiding: [SerialRange(110, 113)]) == SerialRange(195, 200))
        #expect(try serials.freeRange(count: 6, of: held, avoiding: [SerialRange(110, 113)]) == SerialRange(113, 119))
        // A reserved range inside that gap leaves no room for 15.
        #expect(Self.code { try serials.freeRange(count: 15, of: held, avoiding: [SerialRange(110, 120)]) } == .quotaExhausted)
    }

    @Test func serialAllocatorRefusesWhatDoesNotFit() throws {
        let context = try Self.context()
        let serials = SerialAllocator(context: context)
        try Self.allocate(0, 50, in: context)
        try Self.allocate(60, 100, in: context)
        let held = try Self.hold(SerialRange(0, 100), in: context)
        #expect(try serials.freeRange(count: 10, of: held) == SerialRange(50, 60))
        for (count, reserved, code) in [(UInt64(11), [SerialRange](), NodeError.Code.quotaExhausted),
                                        (10, [SerialRange(55, 56)], .quotaExhausted), (0, [], .invalidRequest)] {
            #expect(Self.code { try serials.freeRange(count: count, of: held, avoiding: reserved) } == code)
        }
    }

    /// The root's space, which no held certificate covers, is searched through its allocations.
    @Test func serialAllocatorSearchesTheRootSpaceByItsAllocations() throws {
        let context = try Self.context()
        let serials = SerialAllocator(context: context)
        let space = SerialRange(0, 100)
        #expect(try serials.freeRange(count: 10, within: space) == SerialRange(0, 10))
        try Self.allocate(0, 50, in: context)
        try Self.allocate(60, 100, in: context)
        #expect(try serials.freeRange(count: 10, within: space) == SerialRange(50, 60))
        #expect(Self.code { try serials.freeRange(count: 11, within: space) } == .quotaExhausted)
    }

    /// The held set is cached by `CertificateHoldings` alone: a certificate stored behind its back
    /// shows only once the node drops its caches (as the executor does after a failed commit).
    @Test func holdingsCacheTheHeldSetUntilTheNodeDiscardsIt() throws {
        let channel = try Channel()
        var request = channel.request(to: channel.general, count: 10)
        request.countries = ["DE"]
        request.products = ["cad": []]
        request.models = ["perpetual"]
        request.priceFloor = ["EUR": 1_000]
        let chain = try channel.root.delegate(request, at: channel.now)
        let node = channel.general
        #expect(try node.heldCertificates().isEmpty)
        let held = HeldCertificate(chain: chain.chain, certificate: try SignedCertificate(compact: chain.chain[chain.chain.count - 1]))
        try node.store.transaction { try node.store.insertHeld(held, logIndex: 0, at: channel.now) }
        #expect(try node.holdings.heldCertificates().isEmpty)
        node.discardCaches()
        #expect(try node.holdings.heldCertificates().map(\.hash) == [held.hash])
    }
}

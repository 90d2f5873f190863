import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateNode
import TollgateWire

/// A root, a general agent and a regional agent, each on its own store.
struct Channel {
    let root: LicensingNode
    let general: LicensingNode
    let regional: LicensingNode
    let anchor: TrustAnchor
    let now: Int64 = 1_780_000_000

    init(generalPath: String = ":memory:", regionalPath: String = ":memory:") throws {
        let rootKey = try Ed25519PrivateKey()
        anchor = TrustAnchor(publicKey: rootKey.publicKey)
        let anchor = self.anchor
        func node(_ name: String, _ key: Ed25519PrivateKey, _ path: String = ":memory:") throws -> LicensingNode {
            LicensingNode(identity: NodeIdentity(name: name, key: key, anchor: anchor), store: try NodeStore(database: SQLiteDatabase(path: path)))
        }
        root = try node("root", rootKey)
        general = try node("ga", try Ed25519PrivateKey(), generalPath)
        regional = try node("ra", try Ed25519PrivateKey(), regionalPath)
    }

    func request(to node: LicensingNode, count: UInt64) -> DelegationRequest {
        var request = DelegationRequest(subject: node.identity.name, subjectKey: Base64URL.encode(node.identity.key.publicKey.rawRepresentation))
        request.count = count
        return request
    }

    /// root → general (DE, AT, CH) → regional (DE, AT); returns the regional chain. The regional
    /// certificate carries `regionalEmergency` limits when given; the general one carries `tiers`
    /// when given, which the regional one inherits.
    @discardableResult
    func wire(regionalEmergency: EmergencyLimits? = nil, priceFloor: [String: Int64] = ["EUR": 1_000],
              tiers: [String: [String: [String]]]? = nil, models: [String] = ["perpetual", "subscription"],
              enforcement: [String]? = nil) throws -> CertificateChain {
        var toGeneral = request(to: general, count: 1_000)
        toGeneral.countries = ["AT", "CH", "DE"]
        toGeneral.products = ["cad": ["export", "render"]]
        toGeneral.models = models
        toGeneral.priceFloor = priceFloor
        toGeneral.nbf = now - 30 * 86_400
        toGeneral.tiers = tiers
        toGeneral.enforcement = enforcement
        try general.accept(chain: root.delegate(toGeneral, at: now).chain, at: now)
        var toRegional = request(to: regional, count: 100)
        toRegional.countries = ["AT", "DE"]
        toRegional.emergency = regionalEmergency
        let chain = try general.delegate(toRegional, at: now)
        try regional.accept(chain: chain.chain, at: now)
        return chain
    }

    func sale(_ customer: String, seats: UInt64 = 1) -> LicenseRequest {
        LicenseRequest(customer: customer, country: "DE", product: "cad", model: "perpetual", price: Price(currency: "EUR", amount: 1_500), seatCount: seats)
    }
}

@Suite struct LicensingNodeTests {
    @Test func issuedLicensesVerifyAndNeverShareSerials() throws {
        let channel = try Channel()
        try channel.wire()
        let verifier = LicenseVerifier(anchor: channel.anchor)
        var seen: [SerialRange] = []
        for index in 0..<20 {
            let file = try channel.regional.issue(channel.sale("customer-\(index)", seats: UInt64(index % 3 + 1)), at: channel.now)
            let verified = try verifier.verify(file, at: channel.now)
            let seats = verified.license.payload.seats
            #expect(!seen.contains { $0.overlaps(seats) })
            seen.append(seats)
            #expect(verified.license.payload.logIndex == UInt64(index + 1))  // entry 0 is the received certificate
        }
        #expect(try channel.regional.store.log.size == 21)
    }

    @Test func delegationRefusesOverlapsAndWidening() throws {
        let channel = try Channel()
        let regionalChain = try channel.wire()
        let taken = try SignedCertificate(compact: regionalChain.chain[1]).payload.seats
        var overlapping = channel.request(to: channel.regional, count: 1)
        overlapping.count = nil
        overlapping.seats = SerialRange(taken.end - 1, taken.end + 5)
        #expect(throws: NodeError.self) { try channel.general.delegate(overlapping, at: channel.now) }
        do {
            _ = try channel.general.delegate(overlapping, at: channel.now)
        } catch {
            #expect(error.code == .serialsTaken)
        }
        var widened = channel.request(to: channel.regional, count: 10)
        widened.countries = ["US"]
        do {
            _ = try channel.general.delegate(widened, at: channel.now)
            Issue.record("a widening delegation was signed")
        } catch {
            #expect(error.code == .ruleViolation)
            #expect(error.rule == .countriesWidened)
        }
        var tooMany = channel.request(to: channel.regional, count: 901)
        tooMany.countries = ["DE"]
        do {
            _ = try channel.general.delegate(tooMany, at: channel.now)
            Issue.record("delegated more seats than are free")
        } catch {
            #expect(error.code == .quotaExhausted)
        }
    }

    @Test func issuanceRefusesWhatTheCertificateDoesNotAllow() throws {
        let channel = try Channel()
        try channel.wire()
        var abroad = channel.sale("abroad")
        abroad.country = "CH"
        var cheap = channel.sale("cheap")
        cheap.price = Price(currency: "EUR", amount: 999)
        var tooBig = channel.sale("big", seats: 101)
        tooBig.seatCount = 101
        for (request, code, rule) in [(abroad, NodeError.Code.ruleViolation, VerificationError.Rule.countryNotAllowed),
                                      (cheap, .ruleViolation, .priceBelowFloor), (tooBig, .quotaExhausted, nil)] {
            do {
                _ = try channel.regional.issue(request, at: channel.now)
                Issue.record("issued \(request.customer)")
            } catch {
                #expect(error.code == code, "\(request.customer)")
                #expect(error.rule == rule, "\(request.customer)")
            }
        }
        #expect(try channel.regional.store.licenses().isEmpty)
        #expect(try channel.regional.store.log.size == 1)
    }

    @Test func quotaIsExhaustedExactlyAtTheCertificateSize() throws {
        let channel = try Channel()
        try channel.wire()
        for index in 0..<10 { _ = try channel.regional.issue(channel.sale("c\(index)", seats: 10), at: channel.now) }
        #expect(throws: NodeError.self) { try channel.regional.issue(channel.sale("one more"), at: channel.now) }
    }

    @Test func acceptRejectsChainsForOtherNodesAndForgedChains() throws {
        let channel = try Channel()
        let chain = try channel.wire()
        do {
            try channel.general.accept(chain: chain.chain, at: channel.now)
            Issue.record("accepted another node's certificate")
        } catch {
            #expect(error.code == .certificateRejected)
        }
        var forged = chain.chain
        forged[0] = forged[1]
        #expect(throws: NodeError.self) { try channel.regional.accept(chain: forged, at: channel.now) }
        // Accepting the same certificate again is a no-op.
        try channel.regional.accept(chain: chain.chain, at: channel.now)
        #expect(try channel.regional.heldCertificates().count == 1)
    }

    @Test func serialsSurviveReopeningTheStore() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-node-\(UUID().uuidString).sqlite").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let channel = try Channel(regionalPath: path)
        try channel.wire()
        let first = try channel.regional.issue(channel.sale("before restart", seats: 5), at: channel.now)
        let reopened = LicensingNode(identity: channel.regional.identity, store: try NodeStore(database: SQLiteDatabase(path: path)))
        let second = try reopened.issue(channel.sale("after restart", seats: 5), at: channel.now)
        let a = try SignedLicense(compact: first.license).payload.seats
        let b = try SignedLicense(compact: second.license).payload.seats
        #expect(!a.overlaps(b))
        #expect(try reopened.store.log.size == 3)
    }
}

import Foundation
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateNode
import TollgateTestSupport
import TollgateWire

/// A root and an agent whose certificate grants the floating model (15-minute leases, 3-day
/// borrows), with a floating license of `seats` serials sold by the agent: the lease server for
/// connected machines.
struct FloatingChannel {
    static let terms = FloatingTerms(lease: 900, borrow: 3 * 86_400)
    let root: LicensingNode
    var agent: LicensingNode
    let anchor: TrustAnchor
    let agentKey: Ed25519PrivateKey
    let agentPath: String
    let now: Int64 = 1_780_000_000
    var file: LicenseFile
    var license: String { JWS.hash(of: file.license) }

    init(seats: UInt64 = 3, agentPath: String = ":memory:") throws {
        let rootKey = try Ed25519PrivateKey()
        anchor = TrustAnchor(publicKey: rootKey.publicKey)
        agentKey = try Ed25519PrivateKey()
        self.agentPath = agentPath
        root = LicensingNode(identity: NodeIdentity(name: "root", key: rootKey, anchor: anchor), store: try NodeStore(database: SQLiteDatabase(path: ":memory:")))
        agent = LicensingNode(identity: NodeIdentity(name: "ga", key: agentKey, anchor: anchor), store: try NodeStore(database: SQLiteDatabase(path: agentPath)))
        var request = DelegationRequest(subject: "ga", subjectKey: Base64URL.encode(agentKey.publicKey.rawRepresentation))
        request.count = 100
        request.countries = ["DE"]
        request.products = ["cad": ["render"]]
        request.models = ["floating", "perpetual"]
        request.priceFloor = ["EUR": 100]
        request.floating = Self.terms
        request.nbf = now - 86_400
        try agent.accept(chain: root.delegate(request, at: now).chain, at: now)
        file = try agent.issue(Self.sale(seats: seats, exp: now + 365 * 86_400), at: now)
    }

    static func sale(seats: UInt64, exp: Int64, floating: FloatingTerms? = nil) -> LicenseRequest {
        var sale = LicenseRequest(customer: "Muster GmbH", country: "DE", product: "cad", model: "floating",
                                  price: Price(currency: "EUR", amount: 500), seatCount: seats)
        sale.exp = exp
        sale.floating = floating
        return sale
    }

    /// Reopens the agent on its store file, as a restarted process would.
    mutating func restartAgent() throws {
        agent = LicensingNode(identity: NodeIdentity(name: "ga", key: agentKey, anchor: anchor), store: try NodeStore(database: SQLiteDatabase(path: agentPath)))
    }

    /// `machine`'s request to `server` for `action`, answered at `time`.
    func ask(_ machine: TestMachine, _ action: MachineRequest.Action, lease: String? = nil, at time: Int64,
             server: LicensingNode? = nil, license: String? = nil) throws -> LeaseReceipt {
        let compact = try machine.request(action, license: license ?? self.license, activation: lease, at: time)
        return try (server ?? agent).handleLeaseRequest(compact, at: time)
    }

    /// The lease `receipt` carries.
    func lease(_ receipt: LeaseReceipt) throws -> SignedLease {
        try SignedLease(compact: receipt.lease)
    }

    var verifier: LeaseVerifier { LeaseVerifier(LicenseVerifier(anchor: anchor)) }
}

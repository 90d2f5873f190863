import TollgateNode
import TollgateWire

extension APIBodies.HeldCertificateBody {
    /// The body listing one certificate the node holds.
    public init(_ held: HeldCertificate) {
        self.init(hash: held.hash, subject: held.payload.sub, seats: held.payload.seats, countries: held.payload.countries,
                  models: held.payload.models, depth: held.payload.depth, nbf: held.payload.nbf, exp: held.payload.exp, chain: held.chain)
    }
}

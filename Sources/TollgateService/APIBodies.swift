import TollgateCertificates
import TollgateLedger
import TollgateNode

/// JSON bodies of the API that are not node requests or signed-object files themselves.
public enum APIBodies {
    public struct ChainBody: Codable, Sendable {
        public var chain: [String]
        public init(chain: [String]) { self.chain = chain }
    }

    public struct HeldCertificateBody: Codable, Sendable {
        public var hash: String
        public var subject: String
        public var seats: SerialRange
        public var countries: [String]
        public var models: [String]
        public var depth: Int
        public var nbf: Int64
        public var exp: Int64
        public var chain: [String]

        public init(_ held: HeldCertificate) {
            hash = held.hash
            subject = held.payload.sub
            seats = held.payload.seats
            countries = held.payload.countries
            models = held.payload.models
            depth = held.payload.depth
            nbf = held.payload.nbf
            exp = held.payload.exp
            chain = held.chain
        }
    }

    public struct DelegatedCertificateBody: Codable, Sendable {
        public var hash: String
        public var subject: String
        public var seats: SerialRange
        public var certificate: String

        public init(hash: String, subject: String, seats: SerialRange, certificate: String) {
            self.hash = hash
            self.subject = subject
            self.seats = seats
            self.certificate = certificate
        }
    }

    public struct CertificatesBody: Codable, Sendable {
        public var held: [HeldCertificateBody]
        public var delegated: [DelegatedCertificateBody]

        public init(held: [HeldCertificateBody], delegated: [DelegatedCertificateBody]) {
            self.held = held
            self.delegated = delegated
        }
    }

    public struct LicenseSummary: Codable, Sendable {
        public var hash: String
        public var customer: String
        public var country: String
        public var product: String
        public var model: String
        public var seats: SerialRange
        public var iat: Int64
        public var exp: Int64?
        public var renews: String?
        public var license: String

        public init(hash: String, customer: String, country: String, product: String, model: String, seats: SerialRange, iat: Int64, exp: Int64?, renews: String?, license: String) {
            self.hash = hash
            self.customer = customer
            self.country = country
            self.product = product
            self.model = model
            self.seats = seats
            self.iat = iat
            self.exp = exp
            self.renews = renews
            self.license = license
        }
    }

    public struct ActivationSummary: Codable, Sendable {
        public var hash: String
        public var license: String
        public var serial: UInt64
        public var kind: String
        public var country: String
        public var platform: String
        public var iat: Int64
        public var exp: Int64?
        public var endedAt: Int64?
        public var activation: String

        public init(hash: String, license: String, serial: UInt64, kind: String, country: String, platform: String, iat: Int64, exp: Int64?, endedAt: Int64?, activation: String) {
            self.hash = hash
            self.license = license
            self.serial = serial
            self.kind = kind
            self.country = country
            self.platform = platform
            self.iat = iat
            self.exp = exp
            self.endedAt = endedAt
            self.activation = activation
        }

        enum CodingKeys: String, CodingKey {
            case hash, license, serial, kind, country, platform, iat, exp, activation
            case endedAt = "ended_at"
        }
    }

    public struct RenewalBody: Codable, Sendable {
        public var exp: Int64
        public var price: Price?

        public init(exp: Int64, price: Price?) {
            self.exp = exp
            self.price = price
        }
    }

    public struct ReturnBody: Codable, Sendable {
        public var seats: SerialRange
        public var from: String?

        public init(seats: SerialRange, from: String?) {
            self.seats = seats
            self.from = from
        }
    }

    public struct SignedObjectBody: Codable, Sendable {
        public var object: String

        public init(object: String) {
            self.object = object
        }
    }

    public struct RevocationBody: Codable, Sendable {
        public var certificate: String
        public var effective: Int64?
        public var reason: String

        public init(certificate: String, effective: Int64?, reason: String) {
            self.certificate = certificate
            self.effective = effective
            self.reason = reason
        }
    }

    public struct LicenseStatus: Codable, Sendable {
        public var license: String
        public var current: String
        public var valid: Bool
        public var problem: String?
        public var seats: Int
        public var active: Int
        public var exp: Int64?
        public var revocations: [String]

        public init(license: String, current: String, valid: Bool, problem: String?, seats: Int, active: Int, exp: Int64?, revocations: [String]) {
            self.license = license
            self.current = current
            self.valid = valid
            self.problem = problem
            self.seats = seats
            self.active = active
            self.exp = exp
            self.revocations = revocations
        }
    }

    public struct ProofBody: Codable, Sendable {
        public var proof: [String]

        public init(proof: [String]) {
            self.proof = proof
        }
    }

    public struct EntryBody: Codable, Sendable {
        public var index: UInt64
        public var kind: String
        public var bytes: String
        public var appendedAt: Int64

        public init(index: UInt64, kind: String, bytes: String, appendedAt: Int64) {
            self.index = index
            self.kind = kind
            self.bytes = bytes
            self.appendedAt = appendedAt
        }

        enum CodingKeys: String, CodingKey {
            case index, kind, bytes
            case appendedAt = "appended_at"
        }
    }

    public struct ObservationBody: Codable, Sendable {
        public var recorded: Bool

        public init(recorded: Bool) {
            self.recorded = recorded
        }
    }
}

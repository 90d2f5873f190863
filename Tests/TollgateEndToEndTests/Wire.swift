import TollgateCertificates

/// The API's JSON answers as a client reads them, written down here independently of the server's
/// own types so that a change to the wire format shows up as a failing test.
enum Wire {
    struct Chain: Decodable {
        var format: String
        var chain: [String]
    }

    struct Held: Decodable {
        var hash: String
        var subject: String
        var seats: SerialRange
        var countries: [String]
        var chain: [String]
    }

    struct Delegated: Decodable {
        var hash: String
        var subject: String
        var seats: SerialRange
        var certificate: String
    }

    struct Certificates: Decodable {
        var held: [Held]
        var delegated: [Delegated]
    }

    struct LicenseRow: Decodable {
        var hash: String
        var customer: String
        var country: String
        var seats: SerialRange
        var exp: Int64?
        var renews: String?
        var license: String
    }

    struct ActivationRow: Decodable {
        var hash: String
        var license: String
        var serial: UInt64
        var kind: String
        var exp: Int64?
        var endedAt: Int64?
        var activation: String

        enum CodingKeys: String, CodingKey {
            case hash, license, serial, kind, exp, activation
            case endedAt = "ended_at"
        }
    }

    struct Receipt: Decodable {
        var format: String
        var license: LicenseFile
        var activation: String
    }

    struct Status: Decodable {
        var license: String
        var current: String
        var valid: Bool
        var problem: String?
        var seats: Int
        var active: Int
        var exp: Int64?
        var revocations: [String]
    }

    struct SignedObject: Decodable {
        var object: String
    }

    struct Proof: Decodable {
        var proof: [String]
    }

    struct Entry: Decodable {
        var index: UInt64
        var kind: String
        var bytes: String
    }

    struct QuotaRow: Decodable {
        var name: String
        var issued: UInt64
        var activated: UInt64
    }

    struct QuotaReport: Decodable {
        var quota: [QuotaRow]?
    }

    struct Finding: Decodable {
        var kind: String
        var summary: String
    }
}

import Foundation
import TollgateCertificates
import TollgateCrypto
import TollgateHTTP
import TollgateHTTPMessages
import TollgateNode
import TollgateWire

/// `tollgate delegate`: carve a child certificate out of this node's own.
enum DelegateCommand: TollgateCommand {
    static let spec = CommandSpec(
        name: "delegate",
        abstract: "Carve a certificate for a child node out of this node's quota and limits.",
        discussion: """
            Limits not given are inherited from the parent certificate; the root must give countries,
            products, models and price floors. Serials already delegated or licensed are refused, and so
            is anything the parent certificate does not allow.
            """,
        options: [
            .init(name: "subject", value: "name", help: "The child node's name.", required: true),
            .init(name: "subject-key", value: "public-key.pem", help: "The child's node.pub.", required: true),
            .init(name: "out", value: "file", help: "Where to write the child's certificate chain.", required: true),
            .init(name: "seats", value: "start..end|count", help: "A serial range [start, end) or a number of seats."),
            .init(name: "countries", value: "DE,AT,...", help: "ISO 3166-1 alpha-2 codes."),
            .init(name: "product", value: "id[=feature,...]", help: "A product and its features.", repeatable: true),
            .init(name: "models", value: "perpetual,...", help: "License models."),
            .init(name: "price-floor", value: "CUR:minor-units", help: "Minimum price per seat.", repeatable: true),
            .init(name: "depth", value: "n", help: "Further delegation levels allowed."),
            .init(name: "nbf", value: "time", help: "Start of the issuing window."),
            .init(name: "exp", value: "time", help: "End of the issuing window."),
            .init(name: "sync-within", value: "duration", help: "Longest time without syncing, e.g. 7d."),
            .init(name: "emergency", value: "length/count/period",
                  help: "Emergency activation limits, e.g. 72h/2/30d: longest emergency, and how many per license in any period (default: inherited; at the root 72h/2/30d)."),
            .init(name: "from", value: "certificate", help: "Hash prefix or jti of the held certificate to carve from."),
        ] + NodeTarget.options)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let target = try NodeTarget(arguments)
        let out = URL(fileURLWithPath: try arguments.required("out"))
        if FileManager.default.fileExists(atPath: out.path) { throw CommandFailure("\(out.path) already exists; refusing to overwrite it") }
        let subjectKey = try Ed25519PublicKey(contentsOf: URL(fileURLWithPath: try arguments.required("subject-key")))
        var request = DelegationRequest(subject: try arguments.required("subject"), subjectKey: Base64URL.encode(subjectKey.rawRepresentation))
        if let seats = arguments.value("seats") {
            if let range = SerialRange(parsing: seats) {
                request.seats = range
            } else if let count = UInt64(seats), count > 0 {
                request.count = count
            } else {
                throw ValidationError("--seats '\(seats)' is neither START..END nor a positive count")
            }
        } else {
            throw ValidationError("missing --seats <start..end|count>")
        }
        request.countries = arguments.list("countries")
        if !arguments.values("product").isEmpty { request.products = try parseProducts(arguments.values("product")) }
        request.models = arguments.list("models")
        if !arguments.values("price-floor").isEmpty { request.priceFloor = try parseFloors(arguments.values("price-floor")) }
        if let depth = try arguments.integer("depth") { request.depth = Int(depth) }
        request.nbf = try arguments.value("nbf").map { try TimeArgument.instant($0, option: "nbf") }
        request.exp = try arguments.value("exp").map { try TimeArgument.instant($0, option: "exp") }
        request.syncWithin = try arguments.value("sync-within").map { try TimeArgument.duration($0, option: "sync-within") }
        request.parentHash = arguments.value("from")
        request.emergency = try arguments.value("emergency").map(parseEmergency)

        let chain: CertificateChain = try target.call(local: { try $0.delegate(request, at: TimeArgument.now) },
                                                      method: .post, path: "/v1/delegations", body: request)
        try chain.encoded().write(to: out, options: .withoutOverwriting)
        let certificate = try SignedCertificate(compact: chain.chain[chain.chain.count - 1]).payload
        Console.print("""
            delegated \(certificate.seats) (\(certificate.seats.count) seats) to \(certificate.sub): \(out.path)
              countries \(certificate.countries.joined(separator: ",")), models \(certificate.models.joined(separator: ",")), depth \(certificate.depth)
            """)
        return .success
    }

    /// `72h/2/30d` → 72 hours per emergency, at most 2 per license in any 30 days.
    static func parseEmergency(_ value: String) throws -> EmergencyLimits {
        let parts = value.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let count = Int(parts[1]), count >= 0 else {
            throw ValidationError("--emergency '\(value)' is not LENGTH/COUNT/PERIOD, e.g. 72h/2/30d")
        }
        return EmergencyLimits(maxSeconds: try TimeArgument.duration(parts[0], option: "emergency"), maxCount: count,
                               periodSeconds: try TimeArgument.duration(parts[2], option: "emergency"))
    }

    /// `cad-pro=export,render` → ["cad-pro": ["export", "render"]].
    static func parseProducts(_ values: [String]) throws(ValidationError) -> [String: [String]] {
        var products: [String: [String]] = [:]
        for value in values {
            let parts = value.split(separator: "=", maxSplits: 1)
            guard let id = parts.first, !id.isEmpty else { throw ValidationError("--product '\(value)' names no product") }
            products[String(id)] = parts.count == 2 ? parts[1].split(separator: ",").map(String.init) : []
        }
        return products
    }

    static func parseFloors(_ values: [String]) throws(ValidationError) -> [String: Int64] {
        var floors: [String: Int64] = [:]
        for value in values {
            guard let price = Price(parsing: value) else { throw ValidationError("--price-floor '\(value)' is not CUR:AMOUNT, e.g. EUR:4500") }
            floors[price.currency] = price.amount
        }
        return floors
    }
}

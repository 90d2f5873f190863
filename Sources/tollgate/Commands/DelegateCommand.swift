import Foundation
import TollgateCertificates
import TollgateCommandLine
import TollgateCrypto
import TollgateNode
import TollgateWire

/// `tollgate delegate`: carve a child certificate out of this node's own.
enum DelegateCommand: Command {
    static let spec = CommandSpec(
        name: "delegate",
        abstract: "Carve a certificate for a child node out of this node's quota and limits.",
        discussion: """
            Limits not given are inherited from the parent certificate; a --price-floor replaces the
            parent's floor in its currency and the parent's other floors are kept. The root must give
            countries, products, models and price floors. Serials already delegated or licensed are refused, and so
            is anything the parent certificate does not allow.

            The root sells directly under a certificate it delegates to itself: --to-self instead of
            --subject and --subject-key carves one from the root's serial space like any delegation (so
            its serials never meet an agent's), with the limits given, and the root holds it at once.
            'issue', activations, reports and the audit then treat the root as any agent, its floors
            included; the customer's verifier needs only the vendor's key, as always.
            """,
        options: [
            subject,
            subjectKey,
            CommonOptions.out.with(help: "Where to write the child's certificate chain.").required,
            seats.required,
            countries,
            product.repeatable,
            tier.repeatable,
            featureFloor.repeatable,
            trials,
            models,
            floating,
            enforcement,
            priceFloor.repeatable,
            depth,
            nbf,
            CommonOptions.exp.with(help: "End of the issuing window."),
            syncWithin,
            emergency,
            CommonOptions.from.with(help: "The held certificate to carve from: its id as 'list certificates' prints it, or a unique prefix."),
        ] + NodeTarget.options,
        flags: [toSelf])

    /// How many seats to delegate: exactly these serials, or that many from the parent's free ones.
    enum Seats: Sendable {
        case range(SerialRange)
        case count(UInt64)
    }

    static let subject = Option<String>("subject", value: "name", help: "The child node's name (required unless --to-self).")
    static let subjectKey = Option<String>("subject-key", value: "public-key.pem", help: "The child's node.pub (required unless --to-self).")
    static let toSelf = Flag("to-self", help: "Root only: a certificate for the root itself, to sell directly under (no --subject, --subject-key).")
    static let seats = Option<Seats>("seats", value: "start..end|count", help: "A serial range [start, end) or a number of seats.") { text throws(ValidationError) in
        if let range = SerialRange(parsing: text) { return .range(range) }
        if let count = UInt64(text), count > 0 { return .count(count) }
        throw ValidationError("'\(text)' is neither START..END nor a positive count")
    }
    static let countries = Option<[String]>("countries", value: "DE,AT,...", help: "ISO 3166-1 alpha-2 codes.")
    static let product = Option<(id: String, features: [String])>("product", value: "id[=feature,...]", help: "A product and its features.") {
        text throws(ValidationError) in
        // `cad-pro=export,render` → ("cad-pro", ["export", "render"]).
        let parts = text.split(separator: "=", maxSplits: 1)
        guard let id = parts.first, !id.isEmpty else { throw ValidationError("'\(text)' names no product") }
        return (String(id), parts.count == 2 ? parts[1].split(separator: ",").map(String.init) : [])
    }
    static let tier = Option<(product: String, tier: String, features: [String])>(
        "tier", value: "product:tier=feature,...", help: "A named feature set of a product, e.g. cad:pro=view,export (default: the parent's that fit).") {
        text throws(ValidationError) in
        // `cad:pro=view,export` → ("cad", "pro", ["view", "export"]).
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let names = parts[0].split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard names.count == 2, !names[0].isEmpty, !names[1].isEmpty else { throw ValidationError("'\(text)' is not PRODUCT:TIER=FEATURE,...") }
        return (String(names[0]), String(names[1]), parts.count == 2 ? parts[1].split(separator: ",").map(String.init) : [])
    }
    static let featureFloor = Option<(currency: String, feature: String, amount: Int64)>(
        "feature-floor", value: "CUR:feature=amount",
        help: "Least price per seat of adding a feature by upgrade or add-on, e.g. EUR:export=20.00 (default: the parent's).") {
        text throws(ValidationError) in
        // `EUR:export=20.00` → ("EUR", "export", 2000).
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let names = parts[0].split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, names.count == 2, !names[1].isEmpty else { throw ValidationError("'\(text)' is not CUR:FEATURE=AMOUNT, e.g. EUR:export=20.00") }
        let price = try PriceArgument.parse("\(names[0]):\(parts[1])")
        return (price.currency, String(names[1]), price.amount)
    }
    static let trials = Option<TrialAllowance>(
        "trials", value: "days/count", help: "Free trials the child may give: longest in days, and how many per customer and product, e.g. 30/1 (default: the parent's).") {
        text throws(ValidationError) in
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let days = Int64(parts[0]), let count = Int(parts[1]) else { throw ValidationError("'\(text)' is not DAYS/COUNT, e.g. 30/1") }
        return TrialAllowance(days: days, perCustomer: count)
    }
    static let models = Option<[String]>("models", value: "perpetual,...", help: "License models.")
    static let priceFloor = Option<Price>("price-floor", value: "CUR:amount", help: "Minimum price per seat, e.g. EUR:45.00; one per currency.",
                                          parse: PriceArgument.parse)
    static let depth = Option<Int>("depth", value: "n", help: "Further delegation levels allowed.", range: 0...Int.max)
    static let nbf = Option<Int64>.time("nbf", help: "Start of the issuing window.")
    static let syncWithin = Option<Int64>.duration("sync-within", help: "Longest time without syncing, e.g. 7d.")
    static let emergency = Option<EmergencyLimits>(
        "emergency", value: "length/count/period",
        help: "Emergency activation limits, e.g. 72h/2/30d: longest emergency, and how many per license in any period (default: inherited; at the root 72h/2/30d).",
        parse: parseEmergency)

    static let enforcement = Option<[String]>("enforcement", value: "strict,lenient",
                                              help: "Enforcement policies the child may sell: strict refuses activations beyond a license's seats, lenient allows and reports them (default: the parent's; the root's: strict).")

    /// `lease=15m,borrow=3d`: the longest lease and borrow of floating seats the child may sell.
    static let floating = Option<FloatingTerms>(
        "floating", value: "lease=DURATION,borrow=DURATION",
        help: "With model floating: the longest lease and borrow the child may sell, e.g. lease=1h,borrow=7d (borrow=0: none; default: inherited).") { text throws(ValidationError) in
        var lease: Int64?, borrow: Int64?
        for part in text.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { throw ValidationError("'\(part)' is not name=duration (lease=1h,borrow=7d)") }
            let seconds = pair[1] == "0" ? 0 : try TimeArgument.duration(pair[1])
            switch pair[0] {
            case "lease": lease = seconds
            case "borrow": borrow = seconds
            default: throw ValidationError("'\(pair[0])' is neither lease nor borrow")
            }
        }
        guard let lease, lease > 0 else { throw ValidationError("give lease=DURATION (and borrow=DURATION, 0 for none)") }
        return FloatingTerms(lease: lease, borrow: borrow ?? 0)
    }

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let target = try NodeTarget(arguments)
        let out = URL(fileURLWithPath: try arguments.required(CommonOptions.out))
        if FileManager.default.fileExists(atPath: out.path) { throw CommandFailure("\(out.path) already exists; refusing to overwrite it") }
        var request: DelegationRequest
        if arguments.isSet(toSelf) {
            for option in [subject, subjectKey] where try arguments.value(option) != nil {
                throw ValidationError("give either --\(toSelf.name) or --\(option.name), not both", code: .conflictingOptions)
            }
            // The node names itself and uses its own key.
            request = DelegationRequest(subject: "", subjectKey: "")
            request.toSelf = true
        } else {
            guard let name = try arguments.value(subject), let keyPath = try arguments.value(subjectKey) else {
                throw ValidationError("give --\(subject.name) and --\(subjectKey.name) (the child), or --\(toSelf.name) at the root",
                                      code: .missingOption)
            }
            let key = try Ed25519PublicKey(contentsOf: URL(fileURLWithPath: keyPath))
            request = DelegationRequest(subject: name, subjectKey: Base64URL.encode(key.rawRepresentation))
        }
        switch try arguments.required(seats) {
        case .range(let range): request.seats = range
        case .count(let count): request.count = count
        }
        request.countries = try arguments.value(countries)
        let products = try arguments.values(product)
        if !products.isEmpty { request.products = Dictionary(products, uniquingKeysWith: { $1 }) }
        request.models = try arguments.value(models)
        let tiers = try arguments.values(tier)
        if !tiers.isEmpty {
            var named: [String: [String: [String]]] = [:]
            for entry in tiers {
                guard named[entry.product]?[entry.tier] == nil else {
                    throw ValidationError("--\(tier.name) names tier \(entry.tier) of \(entry.product) twice", code: .conflictingOptions)
                }
                named[entry.product, default: [:]][entry.tier] = entry.features
            }
            request.tiers = named
        }
        let featureFloors = try arguments.values(featureFloor)
        if !featureFloors.isEmpty {
            var named: [String: [String: Int64]] = [:]
            for entry in featureFloors {
                guard named[entry.currency]?[entry.feature] == nil else {
                    throw ValidationError("--\(featureFloor.name) names \(entry.currency) \(entry.feature) twice", code: .conflictingOptions)
                }
                named[entry.currency, default: [:]][entry.feature] = entry.amount
            }
            request.featureFloors = named
        }
        request.trials = try arguments.value(trials)
        let floors = try arguments.values(priceFloor)
        let held = try AllowedNames(of: target)
        // At the root, a delegation from its serial space is limited by nothing it holds: its own
        // certificates limit only its direct sales.
        let from = try arguments.value(CommonOptions.from)
        let allowed = held.isRoot && from == nil ? AllowedNames([]) : held
        if !floors.isEmpty {
            // Floors given replace the parent's for their currencies; the parent's other currencies are
            // inherited, as for every limit not given (a certificate may not drop a parent's floor).
            let inherited = allowed.certificate(matching: from)?.priceFloor ?? [:]
            request.priceFloor = inherited.merging(floors.map { ($0.currency, $0.amount) }, uniquingKeysWith: { $1 })
        }
        request.depth = try arguments.value(depth)
        request.nbf = try arguments.value(nbf)
        request.exp = try arguments.value(CommonOptions.exp)
        request.syncWithin = try arguments.value(syncWithin)
        request.parentHash = from
        request.emergency = try arguments.value(emergency)
        request.floating = try arguments.value(floating)
        request.enforcement = try arguments.value(enforcement)
        if let names = request.enforcement, let unknown = names.first(where: { EnforcementPolicy(rawValue: $0) == nil }) {
            throw ValidationError("--\(enforcement.name): '\(unknown)' is neither strict nor lenient", code: .invalidValue)
        }
        for (id, features) in products {
            try allowed.checkProduct(id, option: product.name)
            try allowed.checkFeatures(features, of: id, option: product.name)
        }
        for entry in tiers {
            try allowed.checkProduct(entry.product, option: tier.name)
            try allowed.checkFeatures(entry.features, of: entry.product, option: tier.name)
        }
        try allowed.checkModels(request.models ?? [], option: models.name)

        let chain: CertificateChain = try target.call(local: { try $0.delegate(request, at: TimeArgument.now) },
                                                      endpoint: .delegate, body: request)
        try chain.encoded().write(to: out, options: .withoutOverwriting)
        let certificate = try SignedCertificate(compact: chain.chain[chain.chain.count - 1]).payload
        Console.print("""
            delegated \(certificate.seats) (\(certificate.seats.count) seats) to \(certificate.sub): \(out.path)
              countries \(certificate.countries.joined(separator: ",")), models \(certificate.models.joined(separator: ",")), depth \(certificate.depth)
              floors \(certificate.priceFloor.sorted { $0.key < $1.key }.map { "\(Price(currency: $0.key, amount: $0.value))" }.joined(separator: ", ")), sync_within \(TimeText.duration(certificate.syncWithin))
            """)
        for (product, named) in (certificate.tiers ?? [:]).sorted(by: { $0.key < $1.key }) {
            Console.print("  tiers of \(product): " + named.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.joined(separator: ","))" }.joined(separator: " "))
        }
        for (currency, floors) in (certificate.featureFloors ?? [:]).sorted(by: { $0.key < $1.key }) {
            Console.print("  feature floors \(currency): " + floors.sorted { $0.key < $1.key }.map { "\($0.key)=\(Price(currency: currency, amount: $0.value))" }.joined(separator: " "))
        }
        if let allowance = certificate.trials { Console.print("  trials: \(allowance)") }
        return .success
    }

    /// `72h/2/30d` → 72 hours per emergency, at most 2 per license in any 30 days.
    @Sendable static func parseEmergency(_ value: String) throws(ValidationError) -> EmergencyLimits {
        let parts = value.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let count = Int(parts[1]), count >= 0 else {
            throw ValidationError("'\(value)' is not LENGTH/COUNT/PERIOD, e.g. 72h/2/30d")
        }
        return EmergencyLimits(maxSeconds: try TimeArgument.duration(parts[0]), maxCount: count,
                               periodSeconds: try TimeArgument.duration(parts[2]))
    }
}

import Foundation
import TollgateCertificates
import TollgateCrypto

extension VectorGenerator {
    /// Every vector, in a fixed order.
    public func vectors() throws -> [TestVector] {
        var out: [TestVector] = []
        func add(_ name: String, _ description: String, _ rule: VerificationError.Rule? = nil, _ object: String? = nil,
                 _ mutate: (inout Case) throws -> Void = { _ in }) throws {
            var c = baseline()
            try mutate(&c)
            out.append(try render(c, name: name, description: description,
                                  expect: .init(valid: rule == nil, rule: rule?.rawValue, object: object)))
        }
        /// A valid case, with the standing the verifier must report.
        func valid(_ name: String, _ description: String, state: LicenseStanding.State, daysLeft: Int64?, features: [String],
                   _ mutate: (inout Case) throws -> Void = { _ in }) throws {
            var c = baseline()
            try mutate(&c)
            out.append(try render(c, name: name, description: description,
                                  expect: .init(valid: true, state: state.rawValue, daysLeft: daysLeft, features: features)))
        }
        let day: Int64 = 86_400
        let licenseExp = Self.iat + 365 * day
        let both = ["export", "render"]
        let ra = "certificate[1] (ra-dach)"
        let ga = "certificate[0] (ga-europe)"
        let lic = "license (Muster GmbH)"
        let act = "activation (serial 1002)"
        let withActivation: (inout Case) -> Void = { $0.activation = self.activation(license: "") }

        // Valid cases. 2026-03-01 lies 338 whole days before the license's exp.
        try valid("valid-chain-depth-3", "root → general agent → regional agent → license", state: .active, daysLeft: 338, features: both)
        try valid("valid-with-activation", "the valid chain plus an activation of serial 1002 in Austria", state: .active, daysLeft: 338,
                  features: both) { c in
            withActivation(&c)
            c.machineKey = Base64URL.encode(machine.publicKey.rawRepresentation)
        }
        try valid("valid-revoked-later", "the regional certificate was revoked after the license was issued", state: .active, daysLeft: 338,
                  features: both) { c in
            c.revocations = [try revocation(ofCertificateAt: 1, signer: general, effective: Self.iat + 1)]
        }
        try valid("valid-license-revoked-later", "the license is refunded from a day after now: it verifies until then",
                  state: .active, daysLeft: 338, features: both) { c in
            c.licenseRevocation = (regional, Self.now + 86_400)
        }
        try valid("valid-perpetual", "a perpetual license carries no exp", state: .active, daysLeft: nil, features: both) { c in
            c.license.model = "perpetual"
            c.license.exp = nil
        }
        try valid("valid-within-clock-skew", "verified 4 minutes before nbf: inside the 5-minute skew", state: .active, daysLeft: 365,
                  features: both) { c in
            c.now = Self.iat - 240
        }

        // Metered use: both certificates grant `metered`; render is metered, 1000 units a month, ×1.5, EUR 0.02 a unit.
        let metered: (inout Case) -> Void = { c in
            c.general.models = (c.general.models + [License.meteredModel]).sorted()
            c.regional.models = (c.regional.models + [License.meteredModel]).sorted()
            c.license.model = License.meteredModel
            c.license.metering = Metering(allowance: [MeteredFeature(feature: "render", units: 1_000)],
                                          unitPrice: Price(currency: "EUR", amount: 2), overage: .allow(percent: 150))
        }
        try valid("valid-metered", "a metered license: render 1000 units a month, allow ×1.5, EUR 0.02 a unit", state: .active,
                  daysLeft: 338, features: both, metered)
        try add("metered-without-metering", "a metered license that carries no metering", .invalidField, "license") { c in
            metered(&c)
            c.license.metering = nil
        }
        try add("metering-unknown-feature", "metering meters simulate, which the license lacks", .invalidField, "license") { c in
            metered(&c)
            c.license.metering?.allowance = [MeteredFeature(feature: "simulate", units: 10)]
        }
        try add("metering-bad-ceiling", "allow with a ceiling of 300 percent", .invalidField, "license") { c in
            metered(&c)
            c.license.metering?.ceilingPercent = 300
        }
        try add("metered-model-not-allowed", "a metered license under a regional certificate without metered", .modelNotAllowed, lic) { c in
            metered(&c)
            c.regional.models.removeAll { $0 == License.meteredModel }
        }

        // Tiers and expiry behaviour: tier pro of cad-pro, warn 30 days, grace 14, then downgrade to basic.
        let tiered: (inout Case) -> Void = { c in
            self.withTiers(&c)
            withActivation(&c)
            c.machineKey = Base64URL.encode(self.machine.publicKey.rawRepresentation)
            c.license.tier = "pro"
            c.license.expiry = ExpiryBehaviour(warnDays: 30, graceDays: 14, ending: .downgrade(tier: "basic"))
        }
        try valid("valid-tier-active", "a tier pro license, 31 days before exp: outside its 30-day warning window", state: .active,
                  daysLeft: 1, features: both) { c in
            tiered(&c)
            c.now = licenseExp - 31 * day
        }
        try valid("valid-expiring", "10 days before exp, inside the license's 30-day warning window", state: .expiring, daysLeft: 10,
                  features: both) { c in
            tiered(&c)
            c.now = licenseExp - 10 * day
        }
        try valid("valid-grace", "3 days after exp, inside the 14-day grace period: every feature", state: .grace, daysLeft: 11,
                  features: both) { c in
            tiered(&c)
            c.now = licenseExp + 3 * day
        }
        try valid("valid-downgraded", "20 days after exp, past the grace period: only tier basic's export", state: .downgraded,
                  daysLeft: nil, features: ["export"]) { c in
            tiered(&c)
            c.now = licenseExp + 20 * day
        }

        // The lifecycle: upgrades, add-ons, trials and conversions. The license an upgrade or a
        // conversion follows need not be at hand: the activation names the lineage's first license.
        let first = Base64URL.encode(SHA256Digest.hash(Array("the lineage's first license".utf8)))
        let followsLineage: (inout Case) -> Void = { c in
            withActivation(&c)
            c.linkLicense = false
            c.activation?.license = first
            c.machineKey = Base64URL.encode(self.machine.publicKey.rawRepresentation)
            c.license.renews = first
        }
        let withTrials: (inout Case) -> Void = { c in
            c.general.trials = TrialAllowance(days: 30, perCustomer: 1)
            c.regional.trials = TrialAllowance(days: 30, perCustomer: 1)
            c.regional.models = ["perpetual", "subscription", "trial"]
        }
        let withFeatureFloors: (inout Case) -> Void = { c in
            c.general.featureFloors = ["EUR": ["render": 500]]
            c.regional.featureFloors = ["EUR": ["render": 500]]
        }
        try valid("valid-upgrade", "an upgrade to export and render, priced at the difference below the price floor, verified with the lineage's activation",
                  state: .active, daysLeft: 338, features: both) { c in
            followsLineage(&c)
            c.license.supersedes = first
            c.license.price = Price(currency: "EUR", amount: 500)
        }
        try valid("valid-conversion", "a paid subscription converting a trial, verified with the trial's activation", state: .active,
                  daysLeft: 338, features: both) { c in
            followsLineage(&c)
            c.license.converts = first
        }
        try valid("valid-trial", "a free 30-day trial within the certificate's allowance", state: .active, daysLeft: 10, features: both) { c in
            withTrials(&c)
            c.license.model = "trial"
            c.license.price = Price(currency: "EUR", amount: 0)
            c.license.exp = Self.iat + 30 * day
            c.now = Self.iat + 20 * day
        }
        try valid("valid-addon", "an add-on of render to the lineage's license, priced at its feature floor", state: .active, daysLeft: 338,
                  features: ["render"]) { c in
            withFeatureFloors(&c)
            c.license.addonOf = first
            c.license.features = ["render"]
            c.license.price = Price(currency: "EUR", amount: 500)
        }
        try add("addon-below-floor", "an add-on of render priced below render's feature floor", .addonBelowFloor, lic) { c in
            withFeatureFloors(&c)
            c.license.addonOf = first
            c.license.features = ["render"]
            c.license.price = Price(currency: "EUR", amount: 499)
        }
        try add("trial-too-long", "a free trial of 31 days under an allowance of 30", .trialTooLong, lic) { c in
            withTrials(&c)
            c.license.model = "trial"
            c.license.price = Price(currency: "EUR", amount: 0)
            c.license.exp = Self.iat + 31 * day
        }
        try add("trials-widened", "the regional certificate grants 60-day trials, its parent 30", .trialsWidened, ra) { c in
            withTrials(&c)
            c.regional.trials = TrialAllowance(days: 60, perCustomer: 1)
        }
        try add("feature-floor-lowered", "the regional certificate lowers render's feature floor", .featureFloorLowered, ra) { c in
            withFeatureFloors(&c)
            c.regional.featureFloors = ["EUR": ["render": 400]]
        }
        try add("upgrade-without-lineage", "an upgrade that names no lineage in renews", .invalidField, "license") { c in
            c.license.supersedes = first
        }
        try add("conversion-to-trial", "a conversion whose model is still trial", .invalidField, "license") { c in
            withTrials(&c)
            followsLineage(&c)
            c.license.converts = first
            c.license.model = "trial"
        }

        // Maintenance of a perpetual license (updates until 2026-09-01) and the enforcement policy.
        let updatesUntil: Int64 = 1_788_220_800
        let maintained: (inout Case) -> Void = { c in
            withActivation(&c)
            c.machineKey = Base64URL.encode(self.machine.publicKey.rawRepresentation)
            c.license.model = "perpetual"
            c.license.exp = nil
            c.license.updatesUntil = updatesUntil
        }
        try valid("valid-maintained-release", "a perpetual license maintained until 2026-09-01 runs a release of 2026-06-01",
                  state: .active, daysLeft: nil, features: both) { c in
            maintained(&c)
            c.release = 1_780_272_000
        }
        try valid("valid-release-on-maintenance-end", "a release dated exactly the maintenance end still runs", state: .active,
                  daysLeft: nil, features: both) { c in
            maintained(&c)
            c.release = updatesUntil
        }
        try add("release-after-maintenance", "a release of 2026-10-01, after the maintenance end 2026-09-01", .releaseAfterMaintenance, lic) { c in
            maintained(&c)
            c.release = 1_790_812_800
        }
        try add("maintenance-outside-certificate", "updates_until after the regional certificate's end", .maintenanceOutsideCertificate, lic) { c in
            maintained(&c)
            c.license.updatesUntil = Self.exp
        }
        try add("maintenance-with-exp", "a subscription that carries updates_until", .invalidField, "license") { c in
            c.license.updatesUntil = updatesUntil
        }
        let lenient: (inout Case) -> Void = { c in
            c.general.enforcement = ["lenient", "strict"]
            c.regional.enforcement = ["lenient", "strict"]
            c.license.enforcement = EnforcementPolicy.lenient.rawValue
            withActivation(&c)
            c.machineKey = Base64URL.encode(self.machine.publicKey.rawRepresentation)
            c.activation?.overUse = 1
        }
        try valid("valid-lenient-over-use", "a lenient license's activation beyond its seats (over_use 1) verifies", state: .active,
                  daysLeft: 338, features: both, lenient)
        try add("over-use-not-allowed", "an over-use activation of a strict license", .overUseNotAllowed, act) { c in
            lenient(&c)
            c.license.enforcement = nil
        }
        try add("enforcement-not-allowed", "a lenient license under a regional certificate granting strict only", .enforcementNotAllowed, lic) { c in
            lenient(&c)
            c.regional.enforcement = nil
        }
        try add("enforcement-widened", "the regional certificate grants lenient, its parent strict only", .enforcementWidened, ra) { c in
            c.regional.enforcement = ["lenient", "strict"]
        }

        // Form of the objects.
        try add("malformed-license", "the license is not a compact JWS", .malformed, "license") { c in
            c.rewrite = { _, license, _ in license = "not-a-jws" }
        }
        try add("object-too-large", "a license over 64 KiB", .objectTooLarge, "license") { c in
            c.license.customer = String(repeating: "x", count: 70_000)
        }
        try add("chain-too-long", "nine certificates", .chainTooLong, "chain") { c in
            c.rewrite = { chain, _, _ in chain = Array(repeating: chain[0], count: 9) }
        }
        try add("empty-chain", "a license file without certificates", .emptyChain, "chain") { c in
            c.rewrite = { chain, _, _ in chain = [] }
        }
        try add("unsupported-algorithm", "the license header says HS256", .unsupportedAlgorithm, "license") { c in
            c.rewrite = { _, license, _ in
                let parts = license.split(separator: ".")
                license = Base64URL.encode(Array(#"{"alg":"HS256","kid":"x","typ":"tollgate-license+jws"}"#.utf8)) + "." + parts[1] + "." + parts[2]
            }
        }
        try add("duplicate-member", "the license names seats twice, [1000,1001] then [1000,6000], and is signed so", .duplicateMember, "license") { c in
            let key = regional
            c.rewrite = { _, license, _ in
                license = Self.resigned(license, key: key) { header, payload in
                    payload = Array(#"{"seats":[1000,6000],"#.utf8) + payload.dropFirst()
                }
            }
        }
        try add("critical-extension", "the license header lists a critical extension (crit)", .criticalExtension, "license header") { c in
            let key = regional
            c.rewrite = { _, license, _ in
                license = Self.resigned(license, key: key) { header, _ in
                    header = #"{"alg":"EdDSA","crit":["x-seats"],"kid":""# + key.publicKey.thumbprint + #"","typ":"tollgate-license+jws","x-seats":5000}"#
                }
            }
        }
        try add("unknown-header-member", "the license header carries x5u, which Tollgate does not define", .unknownHeaderMember, "license header") { c in
            let key = regional
            c.rewrite = { _, license, _ in
                license = Self.resigned(license, key: key) { header, _ in
                    header = #"{"alg":"EdDSA","kid":""# + key.publicKey.thumbprint + #"","typ":"tollgate-license+jws","x5u":"https://example.com/k"}"#
                }
            }
        }
        try add("wrong-type", "a certificate where the license belongs", .wrongType, "license") { c in
            c.rewrite = { chain, license, _ in license = chain[1] }
        }
        try add("invalid-field", "a country that is not an ISO code", .invalidField, "license") { c in
            c.license.country = "Germany"
        }
        try add("bad-signature-license", "one byte of the license signature flipped", .badSignature, lic) { c in
            c.rewrite = { _, license, _ in license = Self.flipSignature(license) }
        }
        try add("bad-signature-certificate", "one byte of the regional certificate's signature flipped", .badSignature, ra) { c in
            c.rewrite = { chain, _, _ in chain[1] = Self.flipSignature(chain[1]) }
        }

        // Chain of certificates.
        try add("issuer-mismatch", "the regional certificate signed by the root instead of the general agent", .issuerMismatch, ra) { c in
            c.regional.iss = root.publicKey.thumbprint
            c.regionalSigner = root
        }
        try add("untrusted-root", "the first certificate signed by a key that is not the trust anchor", .issuerMismatch, ga) { c in
            c.general.iss = other.publicKey.thumbprint
            c.generalSigner = other
        }
        try add("parent-mismatch", "the regional certificate names another parent", .parentMismatch, ra) { c in
            c.linkParent = false
            c.regional.parent = Base64URL.encode(SHA256Digest.hash(Array("another certificate".utf8)))
        }
        try add("seats-outside-parent", "the regional range runs past the general agent's", .seatsOutsideParent, ra) { c in
            c.regional.seats = SerialRange(100_000, 102_000)
        }
        try add("countries-widened", "the regional certificate adds the US", .countriesWidened, ra) { c in
            c.regional.countries = ["AT", "CH", "DE", "US"]
        }
        try add("products-widened", "the regional certificate adds a product", .productsWidened, ra) { c in
            c.regional.products["cad-ultimate"] = ["export"]
        }
        try add("features-widened", "the regional certificate adds a feature", .featuresWidened, ra) { c in
            c.regional.products["cad-pro"] = ["export", "render", "teleport"]
        }
        try add("models-widened", "the regional certificate adds a license model", .modelsWidened, ra) { c in
            c.regional.models = ["lease", "perpetual", "subscription"]
        }
        try add("price-floor-lowered", "the regional EUR floor is below the parent's", .priceFloorLowered, ra) { c in
            c.regional.priceFloor["EUR"] = 3_000
        }
        try add("price-floor-dropped", "the regional certificate drops the CHF floor", .priceFloorLowered, ra) { c in
            c.regional.priceFloor["CHF"] = nil
        }
        try add("depth-not-reduced", "the regional depth equals the parent's", .depthNotReduced, ra) { c in
            c.regional.depth = 2
        }
        try add("window-outside-parent", "the regional window ends after the parent's", .windowOutsideParent, ra) { c in
            c.regional.exp = Self.exp + 1
        }
        try add("sync-within-widened", "the regional sync_within is longer than the parent's", .syncWithinWidened, ra) { c in
            c.regional.syncWithin = 30 * 86_400
        }
        try add("emergency-widened", "the regional allows 96-hour emergencies where the parent has the 72-hour default", .emergencyWidened, ra) { c in
            c.regional.emergency = EmergencyLimits(maxSeconds: 96 * 3_600, maxCount: 2, periodSeconds: 30 * 86_400)
        }

        // License inside its certificate.
        try add("certificate-mismatch", "the license names another certificate", .certificateMismatch, lic) { c in
            c.linkCertificate = false
            c.license.cert = Base64URL.encode(SHA256Digest.hash(Array("another certificate".utf8)))
        }
        try add("seats-outside-certificate", "the license serials run past the certificate", .seatsOutsideCertificate, lic) { c in
            c.license.seats = SerialRange(10_998, 11_003)
        }
        try add("country-not-allowed", "sold in France, outside the regional countries", .countryNotAllowed, lic) { c in
            c.license.country = "FR"
        }
        try add("territory-not-allowed", "a territory that includes Italy", .territoryNotAllowed, lic) { c in
            c.license.territory = ["AT", "DE", "IT"]
        }
        try add("product-not-allowed", "a product the certificate does not carry", .productNotAllowed, lic) { c in
            c.license.product = "cad-lite"
            c.license.features = ["export"]
        }
        try add("feature-not-allowed", "a feature the certificate does not carry", .featureNotAllowed, lic) { c in
            c.license.features = ["export", "simulate"]
        }
        try add("model-not-allowed", "a trial license where only perpetual and subscription are allowed", .modelNotAllowed, lic) { c in
            c.license.model = "trial"
        }
        try add("currency-not-allowed", "a price in US dollars", .currencyNotAllowed, lic) { c in
            c.license.price = Price(currency: "USD", amount: 99_000)
        }
        try add("price-below-floor", "EUR 44.99 against a floor of 45.00", .priceBelowFloor, lic) { c in
            c.license.price = Price(currency: "EUR", amount: 4_499)
        }
        try add("issued-outside-window", "issued before the certificate's nbf", .issuedOutsideWindow, lic) { c in
            c.license.iat = Self.nbf - 1
            c.license.nbf = Self.nbf - 1
        }
        try add("expiry-required", "a subscription without exp", .expiryRequired, lic) { c in
            c.license.exp = nil
        }
        try add("perpetual-with-expiry", "a perpetual license that carries exp", .invalidField, lic) { c in
            c.license.model = "perpetual"
        }
        try add("not-yet-valid", "verified 6 minutes before nbf: outside the 5-minute skew", .notYetValid, lic) { c in
            c.now = Self.iat - 360
        }
        try add("expired", "verified after the subscription ended", .expired, lic) { c in
            c.now = Self.iat + 366 * 86_400
        }
        try add("expired-after-grace", "a license that locks after a 7-day grace period, verified 8 days after exp", .expired, lic) { c in
            tiered(&c)
            c.license.expiry = ExpiryBehaviour(warnDays: 30, graceDays: 7, ending: .lock)
            c.now = licenseExp + 8 * day
        }
        try add("tier-outside-product", "the regional tier pro names simulate, which its cad-pro lacks", .tierOutsideProduct, "certificate[1]") { c in
            withTiers(&c)
            c.regional.tiers?["cad-pro"]?["pro"] = ["export", "render", "simulate"]
        }
        try add("tiers-widened", "the regional certificate adds a tier its parent lacks", .tiersWidened, ra) { c in
            withTiers(&c)
            c.regional.tiers?["cad-pro"]?["render-only"] = ["render"]
        }
        try add("tier-not-allowed", "the license names tier ultimate, which the certificate lacks", .tierNotAllowed, lic) { c in
            tiered(&c)
            c.license.tier = "ultimate"
        }
        try add("tier-mismatch", "the license names tier basic but carries export and render", .tierMismatch, lic) { c in
            tiered(&c)
            c.license.tier = "basic"
        }
        try add("downgrade-tier-not-allowed", "the license downgrades to tier viewer, which the certificate lacks", .downgradeTierNotAllowed, lic) { c in
            tiered(&c)
            c.license.expiry = ExpiryBehaviour(warnDays: 30, graceDays: 14, ending: .downgrade(tier: "viewer"))
        }
        try add("revoked", "issued after the regional certificate was revoked", .revoked, lic) { c in
            c.revocations = [try revocation(ofCertificateAt: 1, signer: general, effective: Self.iat - 1)]
        }
        try add("revoked-by-root", "issued after the root revoked the general agent", .revoked, lic) { c in
            c.revocations = [try revocation(ofCertificateAt: 0, signer: root, effective: Self.iat)]
        }
        try add("invalid-revocation", "a revocation signed by the revoked agent's own child", .invalidRevocation, "revocation[0]") { c in
            c.revocations = [try revocation(ofCertificateAt: 0, signer: regional, effective: Self.iat - 1)]
        }
        try add("license-revoked", "the issuer revoked the license (a refund) from a day before now", .licenseRevoked, lic) { c in
            c.licenseRevocation = (regional, Self.now - 86_400)
        }
        try add("license-revoked-by-root", "the root, an ancestor of the issuer, revoked the license", .licenseRevoked, lic) { c in
            c.licenseRevocation = (root, Self.now - 86_400)
        }
        try add("revocation-not-authorized", "a revocation of the license signed by an outsider", .revocationNotAuthorized, "revocation[0]") { c in
            c.licenseRevocation = (other, Self.now - 86_400)
        }

        // Activation.
        try add("license-mismatch", "the activation names another license", .licenseMismatch, act) { c in
            withActivation(&c)
            c.linkLicense = false
            c.activation?.license = Base64URL.encode(SHA256Digest.hash(Array("another license".utf8)))
        }
        try add("activator-not-authorized", "the activation signed by an outsider", .activatorNotAuthorized, act) { c in
            withActivation(&c)
            c.activation?.iss = other.publicKey.thumbprint
            c.activationSigner = other
        }
        try add("bad-signature-activation", "one byte of the activation signature flipped", .badSignature, act) { c in
            withActivation(&c)
            c.rewrite = { _, _, activation in activation = activation.map(Self.flipSignature) }
        }
        try add("serial-outside-license", "serial 1005 of a license for [1000, 1005)", .serialOutsideLicense, "activation (serial 1005)") { c in
            withActivation(&c)
            c.activation?.serial = 1_005
        }
        try add("activation-outside-territory", "activated in Switzerland, outside the territory", .activationOutsideTerritory, act) { c in
            withActivation(&c)
            c.activation?.country = "CH"
        }
        try add("machine-mismatch", "the activation is bound to another machine", .machineMismatch, act) { c in
            withActivation(&c)
            c.machineKey = Base64URL.encode(other.publicKey.rawRepresentation)
        }
        try add("activation-expired", "a temporary activation past its exp", .activationExpired, act) { c in
            withActivation(&c)
            c.activation?.kind = .temporary
            c.activation?.exp = Self.iat + 7_200
        }
        try add("activation-before-license", "an activation dated before the license", .activationBeforeLicense, act) { c in
            withActivation(&c)
            c.activation?.iat = Self.iat - 10
        }
        try add("emergency-too-long", "a temporary activation of 96 hours under a certificate allowing 72", .emergencyTooLong, act) { c in
            withActivation(&c)
            c.activation?.kind = .temporary
            c.activation?.exp = Self.iat + 3_600 + 96 * 3_600
            c.now = Self.iat + 7_200  // while it runs, so only its length is wrong
        }
        return out
    }

    /// Gives both certificates tiers of cad-pro: basic (export) and pro (everything each allows).
    func withTiers(_ c: inout Case) {
        c.general.tiers = ["cad-pro": ["basic": ["export"], "pro": ["export", "render", "simulate"]]]
        c.regional.tiers = ["cad-pro": ["basic": ["export"], "pro": ["export", "render"]]]
    }

    /// `compact` with its header text and payload bytes rewritten by `edit`, signed again with `key`.
    static func resigned(_ compact: String, key: Ed25519PrivateKey, _ edit: (inout String, inout [UInt8]) -> Void) -> String {
        let parts = compact.split(separator: ".").map(String.init)
        guard parts.count == 3, let headerBytes = try? Base64URL.decode(parts[0]), var payload = try? Base64URL.decode(parts[1]) else { return compact }
        var header = String(decoding: headerBytes, as: UTF8.self)
        edit(&header, &payload)
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(payload)
        guard let signature = try? key.signature(for: Array(input.utf8)) else { return compact }
        return input + "." + Base64URL.encode(signature)
    }

    static func flipSignature(_ compact: String) -> String {
        var parts = compact.split(separator: ".").map(String.init)
        guard parts.count == 3, var signature = try? Base64URL.decode(parts[2]) else { return compact }
        signature[10] ^= 0x01
        parts[2] = Base64URL.encode(signature)
        return parts.joined(separator: ".")
    }

    /// Writes every vector as `NAME.json` plus `anchor.pub` into `directory`.
    public func write(to directory: URL) throws -> [TestVector] {
        let vectors = try vectors()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        for vector in vectors {
            try (encoder.encode(vector) + Data("\n".utf8)).write(to: directory.appendingPathComponent("\(vector.name).json"))
        }
        try Data(root.publicKey.pemRepresentation.utf8).write(to: directory.appendingPathComponent("anchor.pub"))
        return vectors
    }

    /// Checks one vector with the verifier and returns what it answered.
    public static func run(_ vector: TestVector, cache: VerifiedCertificateCache? = nil,
                           signatures: VerifiedSignatureCache? = nil) throws -> TestVector.Verdict {
        let anchor = TrustAnchor(publicKey: try Ed25519PublicKey(rawRepresentation: Base64URL.decode(vector.anchor)))
        let verifier = LicenseVerifier(anchor: anchor, cache: cache, signatures: signatures)
        do {
            let verified = try verifier.verify(LicenseFile(chain: vector.chain, license: vector.license), at: vector.now,
                                               revocations: vector.revocations, activation: vector.activation,
                                               machine: vector.machineKey.map { MachineIdentity(machineKey: $0) })
            if let release = vector.release { try verifier.checkRelease(release, of: verified) }
            return .init(valid: true, state: verified.standing.state.rawValue, daysLeft: verified.standing.daysLeft,
                         features: verified.standing.features)
        } catch {
            return .init(valid: false, rule: error.rule.rawValue, object: error.object)
        }
    }
}

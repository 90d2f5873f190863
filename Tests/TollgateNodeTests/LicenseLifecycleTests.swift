import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateNode
import TollgateTestSupport
import TollgateWire

extension Channel {
    static let lifecycleTiers = ["cad": ["basic": ["export"], "pro": ["export", "render"]]]
    static let lifecycleFloors: [String: [String: Int64]] = ["EUR": ["render": 2_000, "simulate": 500]]

    /// root → general → regional as ``wire(regionalEmergency:priceFloor:tiers:)``, the general
    /// certificate carrying tiers, feature floors (render EUR 20, simulate EUR 5), trials and the
    /// `trial` model, which the regional one inherits.
    func wireLifecycle(trials: TrialAllowance? = TrialAllowance(days: 14, perCustomer: 1)) throws {
        var toGeneral = request(to: general, count: 1_000)
        toGeneral.countries = ["AT", "CH", "DE"]
        toGeneral.products = ["cad": ["export", "render", "simulate"]]
        toGeneral.models = ["perpetual", "subscription", "trial"]
        toGeneral.priceFloor = ["EUR": 1_000]
        toGeneral.nbf = now - 30 * 86_400
        toGeneral.tiers = Self.lifecycleTiers
        toGeneral.featureFloors = Self.lifecycleFloors
        toGeneral.trials = trials
        try general.accept(chain: root.delegate(toGeneral, at: now).chain, at: now)
        var toRegional = request(to: regional, count: 100)
        toRegional.countries = ["AT", "DE"]
        try regional.accept(chain: general.delegate(toRegional, at: now).chain, at: now)
    }

    func trial(_ customer: String, days: Int64 = 14) -> LicenseRequest {
        var request = LicenseRequest(customer: customer, country: "DE", product: "cad", model: "trial", price: Price(currency: "EUR", amount: 0))
        request.exp = now + days * 86_400
        return request
    }
}

/// Upgrades, downgrades, add-ons, trials and conversions at the issuing node and in the verifier:
/// each rule and bad input refused by its code with nothing stored, activations kept across a lineage.
@Suite struct LicenseLifecycleTests {
    static let day: Int64 = 86_400

    func eur(_ amount: Int64) -> Price { Price(currency: "EUR", amount: amount) }

    func refusal(_ node: LicensingNode, _ body: () throws(NodeError) -> Void) throws -> (NodeError.Code, VerificationError.Rule?) {
        let before = try node.store.log.size
        let licenses = try node.issuedLicenses().count
        do throws(NodeError) {
            try body()
        } catch {
            #expect(try node.store.log.size == before, "a refused request changed the log")
            #expect(try node.issuedLicenses().count == licenses, "a refused request stored a license")
            return (error.code, error.rule)
        }
        Issue.record("the request was not refused")
        return (.storage, nil)
    }

    func basic(_ channel: Channel, _ customer: String) throws -> LicenseFile {
        var request = channel.sale(customer)
        request.tier = "basic"
        return try channel.regional.issue(request, at: channel.now)
    }

    @Test func anUpgradeKeepsTheActivationAndTheNewestLicenseCarriesTheFeatures() throws {
        let channel = try Channel()
        try channel.wireLifecycle()
        let node = channel.regional
        let file = try basic(channel, "Muster GmbH")
        let first = JWS.hash(of: file.license)
        let machine = try TestMachine()
        let receipt = try node.handleMachineRequest(try machine.request(.activate, license: first, at: channel.now + 10), at: channel.now + 10)
        let upgraded = try node.change(licenseHash: first, LicenseChangeRequest(kind: .supersede, tier: "pro", price: eur(2_000)), at: channel.now + 100)
        let upgrade = try SignedLicense(compact: upgraded.license)
        #expect(upgrade.payload.supersedes == first && upgrade.payload.renews == first && upgrade.payload.features == ["export", "render"])
        let baseSeats = try SignedLicense(compact: file.license).payload.seats
        #expect(upgrade.payload.seats == baseSeats)
        let verifier = LicenseVerifier(anchor: channel.anchor)
        let verified = try verifier.verify(upgraded, at: channel.now + 200, activation: receipt.activation,
                                           machine: MachineIdentity(machineKey: machine.machineKey))
        #expect(verified.features == ["export", "render"])
        // The status answers the upgrade as the current license; a downgrade back is free.
        #expect(try node.licenseStatus(hash: first, at: channel.now + 200).current.hash == upgrade.hash)
        let downgraded = try node.change(licenseHash: first, LicenseChangeRequest(kind: .supersede, tier: "basic", price: eur(0)), at: channel.now + 300)
        let downgrade = try SignedLicense(compact: downgraded.license)
        #expect(downgrade.payload.supersedes == upgrade.hash && downgrade.payload.features == ["export"])
        #expect(try verifier.verify(downgraded, at: channel.now + 400, activation: receipt.activation).features == ["export"])
        #expect(try node.licenseStatus(hash: upgrade.hash, at: channel.now + 400).current.hash == downgrade.hash)
    }

    @Test func aRenewalOfAnUpgradeNamesItsPrice() throws {
        let channel = try Channel()
        try channel.wireLifecycle()
        let node = channel.regional
        var request = channel.sale("subscriber")
        request.model = "subscription"
        request.exp = channel.now + 30 * Self.day
        request.tier = "basic"
        let first = JWS.hash(of: try node.issue(request, at: channel.now).license)
        _ = try node.change(licenseHash: first, LicenseChangeRequest(kind: .supersede, tier: "pro", price: eur(2_000)), at: channel.now + 10)
        let unpriced = try refusal(node) { () throws(NodeError) in _ = try node.renew(licenseHash: first, exp: channel.now + 60 * Self.day, at: channel.now + 20) }
        #expect(unpriced.0 == .invalidRequest)
        let renewed = try SignedLicense(compact: node.renew(licenseHash: first, exp: channel.now + 60 * Self.day, price: eur(4_900), at: channel.now + 20).license)
        #expect(renewed.payload.features == ["export", "render"] && renewed.payload.supersedes == nil && renewed.payload.renews == first)
    }

    @Test func changesRefusedByRuleChangeNothing() throws {
        let channel = try Channel()
        try channel.wireLifecycle()
        let node = channel.regional
        let file = try basic(channel, "c")
        let hash = JWS.hash(of: file.license)
        let cheap = try refusal(node) { () throws(NodeError) in
            _ = try node.change(licenseHash: hash, LicenseChangeRequest(kind: .supersede, tier: "pro", price: eur(1_999)), at: channel.now)
        }
        #expect(cheap.0 == .ruleViolation && cheap.1 == .upgradeBelowFloor)
        let same = try refusal(node) { () throws(NodeError) in
            _ = try node.change(licenseHash: hash, LicenseChangeRequest(kind: .supersede, features: ["export"], price: eur(0)), at: channel.now)
        }
        #expect(same.0 == .invalidRequest)
        let outside = try refusal(node) { () throws(NodeError) in
            _ = try node.change(licenseHash: hash, LicenseChangeRequest(kind: .supersede, features: ["export", "teleport"], price: eur(9_000)), at: channel.now)
        }
        #expect(outside.0 == .ruleViolation && outside.1 == .featureNotAllowed)
        let unknownTier = try refusal(node) { () throws(NodeError) in
            _ = try node.change(licenseHash: hash, LicenseChangeRequest(kind: .supersede, tier: "gold", price: eur(9_000)), at: channel.now)
        }
        #expect(unknownTier.0 == .ruleViolation && unknownTier.1 == .tierNotAllowed)
        // A license this node did not issue: only its issuer changes it.
        let elsewhere = try channel.general.issue(channel.sale("sold by the general agent"), at: channel.now)
        let foreign = try refusal(node) { () throws(NodeError) in
            _ = try node.change(licenseHash: JWS.hash(of: elsewhere.license), LicenseChangeRequest(kind: .supersede, tier: "pro", price: eur(5_000)), at: channel.now)
        }
        #expect(foreign.0 == .notFound)
        let notTrial = try refusal(node) { () throws(NodeError) in
            _ = try node.change(licenseHash: hash, LicenseChangeRequest(kind: .convert, price: eur(1_500), exp: channel.now + 365 * Self.day), at: channel.now)
        }
        #expect(notTrial.0 == .ruleViolation && notTrial.1 == .lineageMismatch)
    }

    @Test func anUpgradeOfAnotherCustomersLicenseBreaksTheSuccessionRules() throws {
        let channel = try Channel()
        try channel.wireLifecycle()
        let previous = try SignedLicense(compact: try basic(channel, "Alice").license).payload
        let certificate = try channel.regional.heldCertificates()[0].payload
        var upgrade = previous
        upgrade.features = ["export", "render"]
        upgrade.price = eur(2_000)
        upgrade.supersedes = "x"
        upgrade.renews = "x"
        try LicenseRules.checkSuccession(upgrade, of: previous, within: certificate)
        for change in [{ (l: inout License) in l.customer = "Mallory" }, { $0.seats = SerialRange($0.seats.start + 1, $0.seats.end + 1) }, { $0.product = "cam" }] {
            var other = upgrade
            change(&other)
            #expect(throws: VerificationError.self) { try LicenseRules.checkSuccession(other, of: previous, within: certificate) }
            do {
                try LicenseRules.checkSuccession(other, of: previous, within: certificate)
            } catch {
                #expect(error.rule == .lineageMismatch)
            }
        }
    }

    @Test func anAddonEnablesItsFeaturesBesideTheBaseAndPaysTheirFloors() throws {
        let channel = try Channel()
        try channel.wireLifecycle()
        let node = channel.regional
        let file = try basic(channel, "c")
        let hash = JWS.hash(of: file.license)
        let below = try refusal(node) { () throws(NodeError) in
            _ = try node.change(licenseHash: hash, LicenseChangeRequest(kind: .addon, features: ["render", "simulate"], price: eur(2_499)), at: channel.now)
        }
        #expect(below.0 == .ruleViolation && below.1 == .addonBelowFloor)
        let outside = try refusal(node) { () throws(NodeError) in
            _ = try node.change(licenseHash: hash, LicenseChangeRequest(kind: .addon, features: ["teleport"], price: eur(9_000)), at: channel.now)
        }
        #expect(outside.0 == .ruleViolation && outside.1 == .featureNotAllowed)
        let already = try refusal(node) { () throws(NodeError) in
            _ = try node.change(licenseHash: hash, LicenseChangeRequest(kind: .addon, features: ["export"], price: eur(9_000)), at: channel.now)
        }
        #expect(already.0 == .invalidRequest)
        let addonFile = try node.change(licenseHash: hash, LicenseChangeRequest(kind: .addon, features: ["simulate"], price: eur(500)), at: channel.now + 10)
        let addon = try SignedLicense(compact: addonFile.license)
        let baseSeats = try SignedLicense(compact: file.license).payload.seats
        #expect(addon.payload.addonOf == hash && addon.payload.renews == nil && addon.payload.seats == baseSeats)
        let ofAddon = try refusal(node) { () throws(NodeError) in
            _ = try node.change(licenseHash: addon.hash, LicenseChangeRequest(kind: .addon, features: ["render"], price: eur(9_000)), at: channel.now)
        }
        #expect(ofAddon.0 == .invalidRequest)
        let verifier = LicenseVerifier(anchor: channel.anchor)
        #expect(try verifier.verify(file, addons: [addonFile], at: channel.now + 20).features == ["export", "simulate"])
        // The status of the base carries the add-on; an add-on of another license enables nothing.
        #expect(try node.licenseStatus(hash: hash, at: channel.now + 20).addons.map(\.license) == [addonFile.license])
        let other = try basic(channel, "other")
        let mismatched = try verifier.verify(other, addons: [addonFile], at: channel.now + 20)
        #expect(mismatched.features == ["export"] && mismatched.refusedAddons.map(\.rule) == [.lineageMismatch])
        // After an upgrade the add-on still applies to the lineage.
        let upgraded = try node.change(licenseHash: hash, LicenseChangeRequest(kind: .supersede, tier: "pro", price: eur(2_000)), at: channel.now + 30)
        #expect(try verifier.verify(upgraded, addons: [addonFile], at: channel.now + 40).features == ["export", "render", "simulate"])
        // An audit of the subtree sees no duplicate serials in base, add-on and upgrade.
        let tree = SyncLinks(channel)
        try tree.syncAll(at: channel.now + 50)
        #expect(try channel.root.audit(at: channel.now + 60).isEmpty)
        // The quota report counts the two sales, not the add-on or the upgrade on their serials.
        let quota = try channel.root.report("quota", at: channel.now + 70).quota ?? []
        #expect(quota.first { $0.name == "ra" }?.issued == 2, "\(quota)")
        let history = try channel.root.report("customer", query: .init(customer: "c"), at: channel.now + 70).history ?? []
        #expect(history.map(\.event).filter { $0 != "activation" } == ["license issued", "add-on issued", "license upgraded or downgraded"], "\(history.map(\.event))")
    }

    @Test func trialsAreFreeWithinTheAllowanceAndCountedPerCustomer() throws {
        let channel = try Channel()
        try channel.wireLifecycle()
        let node = channel.regional
        let trialFile = try node.issue(channel.trial("Trier"), at: channel.now)
        #expect(try SignedLicense(compact: trialFile.license).payload.price.amount == 0)
        let second = try refusal(node) { () throws(NodeError) in _ = try node.issue(channel.trial("Trier"), at: channel.now + 60) }
        #expect(second.0 == .ruleViolation && second.1 == .trialLimitReached)
        let long = try refusal(node) { () throws(NodeError) in _ = try node.issue(channel.trial("Lang", days: 15), at: channel.now) }
        #expect(long.0 == .ruleViolation && long.1 == .trialTooLong)
        // Another customer, or another product, has a trial of its own.
        _ = try node.issue(channel.trial("Other"), at: channel.now)
        // Without an allowance a trial pays the floor.
        let plain = try Channel()
        try plain.wireLifecycle(trials: nil)
        let paid = try refusal(plain.regional) { () throws(NodeError) in _ = try plain.regional.issue(plain.trial("Trier"), at: plain.now) }
        #expect(paid.0 == .ruleViolation && paid.1 == .priceBelowFloor)
    }

    /// Sales planned together (the executor's batches) count the trials planned before them.
    @Test func trialsPlannedInOneBatchCountAgainstTheAllowance() throws {
        let channel = try Channel()
        try channel.wireLifecycle()
        let node = channel.regional
        let plans = node.planIssues([(channel.trial("Trier"), channel.now), (channel.sale("paid"), channel.now), (channel.trial("Trier"), channel.now),
                                     (channel.trial("Other"), channel.now)], after: [])
        #expect(plans.map { (try? $0.get()) != nil } == [true, true, false, true])
        if case .failure(let error) = plans[2] { #expect(error.rule == .trialLimitReached) }
        let first = try plans[0].get()
        #expect(throws: NodeError.self) { try node.planIssue(channel.trial("Trier"), at: channel.now, after: [first]) }
        _ = try node.planIssue(channel.trial("Trier"), at: channel.now, after: [try plans[1].get()])
        let behind = node.planIssues([(channel.trial("Trier"), channel.now)], after: [first])
        if case .failure(let error) = behind[0] { #expect(error.rule == .trialLimitReached) } else { Issue.record("a second trial was planned behind the first") }
    }

    @Test func aConvertedTrialKeepsItsActivation() throws {
        let channel = try Channel()
        try channel.wireLifecycle()
        let node = channel.regional
        let trialFile = try node.issue(channel.trial("Trier"), at: channel.now)
        let trialHash = JWS.hash(of: trialFile.license)
        let machine = try TestMachine()
        let receipt = try node.handleMachineRequest(try machine.request(.activate, license: trialHash, at: channel.now + 10), at: channel.now + 10)
        let cheap = try refusal(node) { () throws(NodeError) in
            _ = try node.change(licenseHash: trialHash, LicenseChangeRequest(kind: .convert, price: eur(999), exp: channel.now + 365 * Self.day), at: channel.now + 100)
        }
        #expect(cheap.0 == .ruleViolation && cheap.1 == .priceBelowFloor)
        let converted = try node.change(licenseHash: trialHash, LicenseChangeRequest(kind: .convert, tier: "pro", price: eur(4_900), exp: channel.now + 365 * Self.day),
                                        at: channel.now + 100)
        let conversion = try SignedLicense(compact: converted.license).payload
        #expect(conversion.converts == trialHash && conversion.renews == trialHash && conversion.model == "subscription")
        // Past the trial's end the machine runs on its trial activation under the conversion.
        let later = channel.now + 30 * Self.day
        let verified = try LicenseVerifier(anchor: channel.anchor).verify(converted, at: later, activation: receipt.activation,
                                                                          machine: MachineIdentity(machineKey: machine.machineKey))
        #expect(verified.features == ["export", "render"] && verified.activation?.payload.license == trialHash)
        let twice = try refusal(node) { () throws(NodeError) in
            _ = try node.change(licenseHash: trialHash, LicenseChangeRequest(kind: .convert, price: eur(4_900), exp: channel.now + 365 * Self.day), at: channel.now + 200)
        }
        #expect(twice.0 == .ruleViolation && twice.1 == .lineageMismatch)
    }

    @Test func certificatesKeepTheirParentsFeatureFloorsAndTrials() throws {
        let channel = try Channel()
        try channel.wireLifecycle()
        let child = try Channel().regional
        var lowered = channel.request(to: child, count: 5)
        lowered.featureFloors = ["EUR": ["render": 1_999, "simulate": 500]]
        let lowRefusal = try refusal(channel.regional) { () throws(NodeError) in _ = try channel.regional.delegate(lowered, at: channel.now) }
        #expect(lowRefusal.0 == .ruleViolation && lowRefusal.1 == .featureFloorLowered)
        var longer = channel.request(to: child, count: 5)
        longer.trials = TrialAllowance(days: 15, perCustomer: 1)
        let longRefusal = try refusal(channel.regional) { () throws(NodeError) in _ = try channel.regional.delegate(longer, at: channel.now) }
        #expect(longRefusal.0 == .ruleViolation && longRefusal.1 == .trialsWidened)
        var more = channel.request(to: child, count: 5)
        more.trials = TrialAllowance(days: 7, perCustomer: 2)
        let moreRefusal = try refusal(channel.regional) { () throws(NodeError) in _ = try channel.regional.delegate(more, at: channel.now) }
        #expect(moreRefusal.0 == .ruleViolation && moreRefusal.1 == .trialsWidened)
        var badFloor = channel.request(to: child, count: 5)
        badFloor.featureFloors = ["EUR": ["teleport": 100]]
        let badRefusal = try refusal(channel.regional) { () throws(NodeError) in _ = try channel.regional.delegate(badFloor, at: channel.now) }
        #expect(badRefusal.0 == .invalidRequest && badRefusal.1 == .invalidField)
        // Inherited by default; narrowed and raised on request.
        let inherited = try SignedCertificate(compact: channel.regional.delegate(channel.request(to: child, count: 5), at: channel.now).chain[2]).payload
        #expect(inherited.featureFloors == Channel.lifecycleFloors && inherited.trials == TrialAllowance(days: 14, perCustomer: 1))
        var narrowed = channel.request(to: try Channel().regional, count: 5)
        narrowed.featureFloors = ["EUR": ["render": 3_000, "simulate": 500]]
        narrowed.trials = TrialAllowance(days: 7, perCustomer: 1)
        _ = try channel.regional.delegate(narrowed, at: channel.now)
    }

    /// Random renewals, upgrades, downgrades and add-ons of one lineage: after each, the verifier
    /// given the node's current license and the add-ons enables exactly the newest license's
    /// features and the add-ons', and the first activation still holds.
    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6])
    func aLineageAlwaysVerifiesWithTheNewestFeaturesAndItsAddons(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let channel = try Channel()
        try channel.wireLifecycle()
        let node = channel.regional
        var request = channel.sale("lineage-\(seed)")
        request.model = "subscription"
        request.exp = channel.now + 30 * Self.day
        request.features = ["export"]
        let first = JWS.hash(of: try node.issue(request, at: channel.now).license)
        let machine = try TestMachine()
        let receipt = try node.handleMachineRequest(try machine.request(.activate, license: first, at: channel.now + 1), at: channel.now + 1)
        let verifier = LicenseVerifier(anchor: channel.anchor)
        let all = ["export", "render", "simulate"]
        var features: Set<String> = ["export"], addons: Set<String> = []
        var exp = channel.now + 30 * Self.day
        var now = channel.now + 10
        for _ in 0..<12 {
            now += Int64.random(in: 60...3_600, using: &random)
            switch Int.random(in: 0..<4, using: &random) {
            case 0:
                exp += 30 * Self.day
                _ = try node.renew(licenseHash: first, exp: exp, price: eur(4_900), at: now)
            case 1, 2:
                var next = Set(all.filter { _ in Bool.random(using: &random) })
                if next.isEmpty || next == features { next = features.symmetricDifference(["render"]) }
                if next.isEmpty { next = ["export"] }
                let added = next.subtracting(features)
                let floor = added.reduce(Int64(0)) { $0 + (Channel.lifecycleFloors["EUR"]?[$1] ?? 0) }
                _ = try node.change(licenseHash: first, LicenseChangeRequest(kind: .supersede, features: next.sorted(), price: eur(floor)), at: now)
                features = next
            default:
                guard let feature = all.filter({ !features.contains($0) && !addons.contains($0) }).randomElement(using: &random) else { continue }
                _ = try node.change(licenseHash: first, LicenseChangeRequest(kind: .addon, features: [feature], price: eur(5_000)), at: now)
                addons.insert(feature)
            }
            let status = try node.licenseStatus(hash: first, at: now)
            let verified = try verifier.verify(status.file, addons: status.addons, at: now, activation: receipt.activation,
                                               machine: MachineIdentity(machineKey: machine.machineKey))
            #expect(verified.refusedAddons.isEmpty, "seed \(seed)")
            #expect(Set(verified.features) == features.union(addons), "seed \(seed): \(verified.features) vs \(features.union(addons).sorted())")
            #expect(verified.license.payload.features == features.sorted(), "seed \(seed)")
        }
    }

    // MARK: Audit

    @Test func theAuditFindsUpgradesBelowTheFloorAndTrialsBeyondTheCount() throws {
        let channel = try Channel()
        try channel.wireLifecycle()
        let links = SyncLinks(channel)
        try links.syncAll(at: channel.now)
        let node = channel.regional
        let file = try basic(channel, "Muster")
        let base = try SignedLicense(compact: file.license)
        let cheat = CheatingNode(node: node)
        try cheat.forgeLicense(at: channel.now + 60) {
            $0.customer = "Muster"
            $0.seats = base.payload.seats
            $0.features = ["export", "render"]
            $0.price = Price(currency: "EUR", amount: 100)
            $0.supersedes = base.hash
            $0.renews = base.hash
        }
        _ = try node.issue(channel.trial("Trier"), at: channel.now + 100)
        try cheat.forgeLicense(at: channel.now + 120) {
            $0.customer = "Trier"
            $0.seats = SerialRange(base.payload.seats.start + 50, base.payload.seats.start + 51)
            $0.model = "trial"
            $0.price = Price(currency: "EUR", amount: 0)
            $0.exp = channel.now + 14 * Self.day
        }
        try links.syncAll(at: channel.now + 600)
        let findings = try channel.root.audit(at: channel.now + 601)
        #expect(Set(findings.map(\.kind)) == [.upgradeBelowFloor, .trialsBeyondCount], "\(findings.map(\.summary))")
        #expect(findings.allSatisfy { $0.node == node.identity.keyID }, "a finding names an honest node")
        #expect(findings.first { $0.kind == .trialsBeyondCount }?.evidence.count == 2)
        try PlantedCheatTests().recheck(findings, anchor: channel.anchor)
    }

    @Test func theAuditFindsAChangeByANodeThatDidNotIssueTheLicense() throws {
        let channel = try Channel()
        try channel.wireLifecycle()
        let links = SyncLinks(channel)
        try links.syncAll(at: channel.now)
        // The general agent sells; the regional agent signs an "upgrade" of that license.
        let sold = try SignedLicense(compact: channel.general.issue(channel.sale("Muster"), at: channel.now + 10).license)
        try CheatingNode(node: channel.regional).forgeLicense(at: channel.now + 60) {
            $0.customer = "Muster"
            $0.seats = sold.payload.seats
            $0.features = ["export", "render", "simulate"]
            $0.price = Price(currency: "EUR", amount: 9_000)
            $0.supersedes = sold.hash
            $0.renews = sold.hash
        }
        try links.syncAll(at: channel.now + 600)
        let findings = try channel.root.audit(at: channel.now + 601).filter { $0.kind == .unauthorizedChange }
        #expect(findings.count == 1 && findings.first?.node == channel.regional.identity.keyID)
        try PlantedCheatTests().recheck(findings, anchor: channel.anchor)
    }
}

/// The regional → general → root sync links of a ``Channel``.
struct SyncLinks {
    let regional: SyncLink
    let general: SyncLink

    init(_ channel: Channel) {
        regional = SyncLink(child: channel.regional, parent: channel.general)
        general = SyncLink(child: channel.general, parent: channel.root)
    }

    func syncAll(at now: Int64) throws {
        try regional.sync(at: now)
        try general.sync(at: now)
    }
}

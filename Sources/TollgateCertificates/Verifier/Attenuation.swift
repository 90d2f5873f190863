/// The child ⊆ parent rules of allocation certificates: a child may narrow every limit of its
/// parent and widen none. Used by the verifier and, before signing, by delegation.
public enum Attenuation {
    /// Throws the first rule that `child` breaks against `parent`.
    public static func check(child: AllocationCertificate, parent: AllocationCertificate, object: String) throws(VerificationError) {
        guard parent.seats.contains(child.seats) else {
            throw VerificationError(.seatsOutsideParent, object, "seats \(child.seats) leave the parent's \(parent.seats)")
        }
        let extraCountries = Set(child.countries).subtracting(parent.countries)
        guard extraCountries.isEmpty else {
            throw VerificationError(.countriesWidened, object, "countries \(extraCountries.sorted().joined(separator: ",")) are not in the parent")
        }
        for (product, features) in child.products.sorted(by: { $0.key < $1.key }) {
            guard let allowed = parent.products[product] else {
                throw VerificationError(.productsWidened, object, "product \(product) is not in the parent")
            }
            let extra = Set(features).subtracting(allowed)
            guard extra.isEmpty else {
                throw VerificationError(.featuresWidened, object, "features \(extra.sorted().joined(separator: ",")) of \(product) are not in the parent")
            }
        }
        let extraModels = Set(child.models).subtracting(parent.models)
        guard extraModels.isEmpty else {
            throw VerificationError(.modelsWidened, object, "models \(extraModels.sorted().joined(separator: ",")) are not in the parent")
        }
        for (currency, floor) in parent.priceFloor.sorted(by: { $0.key < $1.key }) {
            guard let childFloor = child.priceFloor[currency] else {
                throw VerificationError(.priceFloorLowered, object, "the parent's \(currency) floor is missing")
            }
            guard childFloor >= floor else {
                throw VerificationError(.priceFloorLowered, object, "floor \(Price(currency: currency, amount: childFloor)) is below the parent's \(Price(currency: currency, amount: floor))")
            }
        }
        if let currency = child.priceFloor.keys.sorted().first(where: { parent.priceFloor[$0] == nil }) {
            throw VerificationError(.priceFloorLowered, object, "currency \(currency) has no floor in the parent")
        }
        guard child.depth < parent.depth else {
            throw VerificationError(.depthNotReduced, object, "depth \(child.depth) is not below the parent's \(parent.depth)")
        }
        guard child.nbf >= parent.nbf, child.exp <= parent.exp else {
            throw VerificationError(.windowOutsideParent, object, "window [\(child.nbf), \(child.exp)] leaves the parent's [\(parent.nbf), \(parent.exp)]")
        }
        guard child.syncWithin <= parent.syncWithin else {
            throw VerificationError(.syncWithinWidened, object, "sync_within \(TimeText.duration(child.syncWithin)) exceeds the parent's \(TimeText.duration(parent.syncWithin))")
        }
        guard child.emergencyLimits.isWithin(parent.emergencyLimits) else {
            throw VerificationError(.emergencyWidened, object, "emergency limits (\(child.emergencyLimits)) exceed the parent's (\(parent.emergencyLimits))")
        }
        if let terms = child.floating {
            guard let allowed = parent.floating, terms.isWithin(allowed) else {
                throw VerificationError(.floatingWidened, object, "floating \(terms) exceeds the parent's \(parent.floating.map { "\($0)" } ?? "none")")
            }
        }
        for (product, tiers) in (child.tiers ?? [:]).sorted(by: { $0.key < $1.key }) {
            for (tier, features) in tiers.sorted(by: { $0.key < $1.key }) {
                guard let allowed = parent.features(ofTier: tier, product: product) else {
                    throw VerificationError(.tiersWidened, object, "tier \(tier) of \(product) is not in the parent")
                }
                let extra = Set(features).subtracting(allowed)
                guard extra.isEmpty else {
                    throw VerificationError(.tiersWidened, object, "tier \(tier) of \(product) adds features \(extra.sorted().joined(separator: ",")) the parent's lacks")
                }
            }
        }
        let extraPolicies = child.enforcementPolicies.subtracting(parent.enforcementPolicies)
        guard extraPolicies.isEmpty else {
            throw VerificationError(.enforcementWidened, object, "enforcement \(extraPolicies.map(\.rawValue).sorted().joined(separator: ",")) is not granted by the parent")
        }
        try checkFeatureFloors(child: child, parent: parent, object: object)
        if let trials = child.trials {
            guard let allowed = parent.trials else {
                throw VerificationError(.trialsWidened, object, "trials (\(trials)) are not granted by the parent")
            }
            guard trials.isWithin(allowed) else {
                throw VerificationError(.trialsWidened, object, "trials (\(trials)) exceed the parent's (\(allowed))")
            }
        }
    }

    /// Every feature floor of the parent is kept, none lowered: the same rule as the price floor,
    /// per feature, so a reseller cannot sell a feature's upgrade below what its parent may.
    static func checkFeatureFloors(child: AllocationCertificate, parent: AllocationCertificate, object: String) throws(VerificationError) {
        for (currency, floors) in (parent.featureFloors ?? [:]).sorted(by: { $0.key < $1.key }) {
            for (feature, floor) in floors.sorted(by: { $0.key < $1.key }) {
                // A feature the child does not carry cannot be sold by it: its floor need not be kept.
                guard child.products.values.contains(where: { $0.contains(feature) }) else { continue }
                let childFloor = child.featureFloors?[currency]?[feature] ?? 0
                guard childFloor >= floor else {
                    throw VerificationError(.featureFloorLowered, object, "feature floor of \(feature) \(Price(currency: currency, amount: childFloor)) "
                                            + "is below the parent's \(Price(currency: currency, amount: floor))")
                }
            }
        }
    }
}

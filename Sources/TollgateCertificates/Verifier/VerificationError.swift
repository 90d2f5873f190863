import TollgateCrypto

/// Why a signed object was rejected: the rule that failed, the object that broke it, and details.
/// The certificates layer's one error: the failing rule is its code.
public struct VerificationError: LayerError {
    /// The rule that failed. Each rule has a stable name; new rules may be added.
    public struct Rule: StringCode {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }

        // Form of the objects.
        public static let malformed = Rule("malformed")
        public static let objectTooLarge = Rule("object_too_large")
        public static let chainTooLong = Rule("chain_too_long")
        public static let emptyChain = Rule("empty_chain")
        public static let unsupportedAlgorithm = Rule("unsupported_algorithm")
        public static let wrongType = Rule("wrong_type")
        public static let invalidField = Rule("invalid_field")
        public static let badSignature = Rule("bad_signature")
        /// A header or payload names one member twice (RFC 7515 §4).
        public static let duplicateMember = Rule("duplicate_member")
        /// The header lists critical extensions (`crit`), none of which is understood (RFC 7515 §4.1.11).
        public static let criticalExtension = Rule("critical_extension")
        /// The header holds a member other than `alg`, `kid` and `typ`.
        public static let unknownHeaderMember = Rule("unknown_header_member")
        // Chain of certificates.
        public static let issuerMismatch = Rule("issuer_mismatch")
        public static let parentMismatch = Rule("parent_mismatch")
        public static let seatsOutsideParent = Rule("seats_outside_parent")
        public static let countriesWidened = Rule("countries_widened")
        public static let productsWidened = Rule("products_widened")
        public static let featuresWidened = Rule("features_widened")
        public static let modelsWidened = Rule("models_widened")
        public static let priceFloorLowered = Rule("price_floor_lowered")
        public static let depthNotReduced = Rule("depth_not_reduced")
        public static let windowOutsideParent = Rule("window_outside_parent")
        public static let syncWithinWidened = Rule("sync_within_widened")
        public static let emergencyWidened = Rule("emergency_widened")
        /// A certificate's tier names a product it lacks or features outside its product's.
        public static let tierOutsideProduct = Rule("tier_outside_product")
        /// A child names a tier its parent lacks, or gives a tier features the parent's lacks.
        public static let tiersWidened = Rule("tiers_widened")
        /// A child's floating lease or borrow is longer than its parent's, or the parent grants none.
        public static let floatingWidened = Rule("floating_widened")
        /// A child grants an enforcement policy its parent does not (strict only, when the parent names none).
        public static let enforcementWidened = Rule("enforcement_widened")
        // License inside its certificate.
        /// A child's feature floor is below its parent's for the same feature and currency.
        public static let featureFloorLowered = Rule("feature_floor_lowered")
        /// A child grants longer trials, or more per customer, than its parent (or any, when the parent grants none).
        public static let trialsWidened = Rule("trials_widened")
        public static let certificateMismatch = Rule("certificate_mismatch")
        public static let seatsOutsideCertificate = Rule("seats_outside_certificate")
        public static let countryNotAllowed = Rule("country_not_allowed")
        public static let territoryNotAllowed = Rule("territory_not_allowed")
        public static let productNotAllowed = Rule("product_not_allowed")
        public static let featureNotAllowed = Rule("feature_not_allowed")
        public static let modelNotAllowed = Rule("model_not_allowed")
        public static let currencyNotAllowed = Rule("currency_not_allowed")
        public static let priceBelowFloor = Rule("price_below_floor")
        public static let issuedOutsideWindow = Rule("issued_outside_window")
        public static let expiryRequired = Rule("expiry_required")
        /// A license names a tier its certificate lacks for its product.
        public static let tierNotAllowed = Rule("tier_not_allowed")
        /// A license names a tier and a feature list that differ from the tier's features.
        public static let tierMismatch = Rule("tier_mismatch")
        /// A license's expiry downgrades to a tier its certificate lacks for its product.
        public static let downgradeTierNotAllowed = Rule("downgrade_tier_not_allowed")
        /// A free trial longer than the certificate's `trials.days`.
        public static let trialTooLong = Rule("trial_too_long")
        /// An add-on priced below the feature floors of the features it adds.
        public static let addonBelowFloor = Rule("addon_below_floor")
        /// An upgrade priced below the feature floors of the features it adds to the license it supersedes.
        public static let upgradeBelowFloor = Rule("upgrade_below_floor")
        /// An upgrade, add-on or conversion that does not match the license it follows (customer,
        /// serials, product), or follows one of the wrong kind.
        public static let lineageMismatch = Rule("lineage_mismatch")
        /// An upgrade, add-on or conversion signed by neither the issuer of the license it follows nor an ancestor.
        public static let lineageNotAuthorized = Rule("lineage_not_authorized")
        /// A floating license without its lease and borrow lengths.
        public static let floatingTermsRequired = Rule("floating_terms_required")
        /// A floating license's lease or borrow is longer than its certificate's.
        public static let floatingExceedsCertificate = Rule("floating_exceeds_certificate")
        /// A license's enforcement policy is not one its certificate grants.
        public static let enforcementNotAllowed = Rule("enforcement_not_allowed")
        /// A license's `updates_until` lies after its certificate's `exp`.
        public static let maintenanceOutsideCertificate = Rule("maintenance_outside_certificate")
        /// The running release is dated after the license's `updates_until`: its maintenance had lapsed.
        public static let releaseAfterMaintenance = Rule("release_after_maintenance")
        public static let notYetValid = Rule("not_yet_valid")
        public static let expired = Rule("expired")
        public static let revoked = Rule("revoked")
        public static let invalidRevocation = Rule("invalid_revocation")
        /// The license (or the lineage it renews) is revoked from a time already reached: a refund, fraud or chargeback.
        public static let licenseRevoked = Rule("license_revoked")
        /// A license's revocation signed by neither the license's issuer nor an ancestor of the issuer.
        public static let revocationNotAuthorized = Rule("revocation_not_authorized")
        // Activation of a license.
        public static let licenseMismatch = Rule("license_mismatch")
        public static let activatorNotAuthorized = Rule("activator_not_authorized")
        public static let serialOutsideLicense = Rule("serial_outside_license")
        public static let activationOutsideTerritory = Rule("activation_outside_territory")
        public static let machineMismatch = Rule("machine_mismatch")
        public static let activationExpired = Rule("activation_expired")
        public static let activationBeforeLicense = Rule("activation_before_license")
        /// A temporary (emergency) activation longer than the license certificate's emergency limits allow.
        public static let emergencyTooLong = Rule("emergency_too_long")
        /// An activation marked `over_use` of a license whose enforcement is not lenient.
        public static let overUseNotAllowed = Rule("over_use_not_allowed")
        /// An emergency activation beyond the certificate's count per license and period (node and audit only).
        public static let emergencyLimitReached = Rule("emergency_limit_reached")
        /// A trial beyond the certificate's `trials.per_customer` for one customer and product (node and audit only).
        public static let trialLimitReached = Rule("trial_limit_reached")
        // Metered use.
        /// A usage record for a license that is not metered, or for a feature its metering lacks.
        public static let notMetered = Rule("not_metered")
        /// Use past the allowance of a license whose overage rule refuses it (or past the `allow` ceiling).
        public static let usageBeyondAllowance = Rule("usage_beyond_allowance")
        /// A usage record that does not extend its chain: not the next sequence number, or not
        /// naming the hash of the record (or, for the first, the activation) before it.
        public static let usageOutOfSequence = Rule("usage_out_of_sequence")
        /// A usage record or receipt for another license or machine than the chain it is offered to.
        public static let usageMismatch = Rule("usage_mismatch")
        // Leases of floating seats (``LeaseVerifier``).
        /// A lease presented for a license whose model is not floating.
        public static let licenseNotFloating = Rule("license_not_floating")
        /// The lease names another license (lineage).
        public static let leaseLicenseMismatch = Rule("lease_license_mismatch")
        /// The lease is signed by neither the license's issuer nor the site bound by the license's site activation.
        public static let leaseSignerNotAuthorized = Rule("lease_signer_not_authorized")
        /// The site activation given is not a site activation of this license, or not the one the lease names.
        public static let siteActivationInvalid = Rule("site_activation_invalid")
        public static let leaseSerialOutsideLicense = Rule("lease_serial_outside_license")
        /// The lease is held by another machine key.
        public static let leaseMachineMismatch = Rule("lease_machine_mismatch")
        public static let leaseNotYetValid = Rule("lease_not_yet_valid")
        public static let leaseExpired = Rule("lease_expired")
        /// A lease longer than the license's lease length.
        public static let leaseTooLong = Rule("lease_too_long")
        /// A borrow longer than the license's borrow length.
        public static let borrowTooLong = Rule("borrow_too_long")
        // The machine's clock.
        /// A check at a time before the latest the machine's wallet has seen, beyond the clock skew.
        public static let clockRolledBack = Rule("clock_rolled_back")
    }

    public var rule: Rule
    /// Which object broke the rule, e.g. `certificate[1] (ga-eu)`, `license`, `activation`.
    public var object: String
    public var reason: String
    public var location: ErrorLocation

    public init(_ rule: Rule, _ object: String, _ reason: String, file: String = #fileID, line: UInt = #line) {
        self.rule = rule
        self.object = object
        self.reason = reason
        location = ErrorLocation(file: file, line: line)
    }

    /// The failing rule: in this layer the rule is the code.
    public var code: Rule { rule }

    /// `rule in object: reason`: the object tells a reader which link of the chain to look at.
    public var description: String { "\(rule) in \(object): \(reason)" }
}

import TollgateCertificates

/// Where a verified license stands in its life (the verifier's ``LicenseStanding``), and the whole
/// days until that changes or this machine's activation runs out, whichever is first. The numbers
/// are ABI (`TOLLGATE_STATE_*`).
///
/// A license declares its own warning window; the caller's `warning_days` widens it: a license
/// that is active by its own terms but ends (or whose activation ends) within the caller's window
/// is reported expiring.
struct LicenseState: Hashable {
    static let active: Int32 = 0
    static let expiring: Int32 = 1
    static let grace: Int32 = 2
    static let expired: Int32 = 3
    static let downgraded: Int32 = 4
    /// `daysLeft` when neither the license's standing nor the activation changes.
    static let unlimited: Int64 = -1
    static let secondsPerDay: Int64 = 86_400

    let state: Int32
    let daysLeft: Int64

    /// The state of a license that verified at `now`, warning at least `warningDays` whole days ahead.
    init(_ verified: VerifiedLicense, at now: Int64, warningDays: Int64) {
        let standing = verified.standing
        let activationEnd = verified.activation?.payload.exp
        var state = Self.code(of: standing.state)
        var next = [standing.changesAt, activationEnd].compactMap { $0 }.min()
        if standing.state == .active, let end = [verified.license.payload.exp, activationEnd].compactMap({ $0 }).min(),
           end - now <= warningDays * Self.secondsPerDay {
            state = Self.expiring
            next = end
        }
        // Inside the verifier's clock skew past a change the license still verifies, with 0 days left.
        self.init(state: state, daysLeft: next.map { max(0, $0 - now) / Self.secondsPerDay } ?? Self.unlimited)
    }

    /// The state of a license whose verification failed: expired when expiry was the failing rule.
    init?(failure: VerificationError) {
        guard failure.rule == .expired || failure.rule == .activationExpired else { return nil }
        self.init(state: Self.expired, daysLeft: 0)
    }

    private init(state: Int32, daysLeft: Int64) {
        self.state = state
        self.daysLeft = daysLeft
    }

    static func code(of state: LicenseStanding.State) -> Int32 {
        switch state {
        case .active: active
        case .expiring: expiring
        case .grace: grace
        case .downgraded: downgraded
        case .expired: expired
        }
    }
}

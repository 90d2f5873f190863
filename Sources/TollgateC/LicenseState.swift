import TollgateCertificates

/// Where a verified license stands in its life, and the whole days until it (or this machine's
/// activation, whichever ends first) runs out. The numbers are ABI (`TOLLGATE_STATE_*`).
///
/// Licenses do not declare a warning window or a grace period yet (the commercial lifecycle will
/// add them, with the numbers 2 and 4 kept for grace and downgraded); until then the caller names
/// its warning window, and expiry is the hard stop the verifier enforces.
struct LicenseState: Hashable {
    static let active: Int32 = 0
    static let expiring: Int32 = 1
    static let expired: Int32 = 3
    /// `daysLeft` when neither the license nor the activation ends.
    static let unlimited: Int64 = -1
    static let secondsPerDay: Int64 = 86_400

    let state: Int32
    let daysLeft: Int64

    /// The state of a license that verified at `now`, warning `warningDays` whole days ahead.
    init(_ verified: VerifiedLicense, at now: Int64, warningDays: Int64) {
        let ends = [verified.license.payload.exp, verified.activation?.payload.exp].compactMap { $0 }
        guard let end = ends.min() else {
            self.init(state: Self.active, daysLeft: Self.unlimited)
            return
        }
        // Inside the verifier's clock skew past the end the license still verifies, with 0 days left.
        let remaining = end - now
        self.init(state: remaining <= warningDays * Self.secondsPerDay ? Self.expiring : Self.active,
                  daysLeft: max(0, remaining) / Self.secondsPerDay)
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
}

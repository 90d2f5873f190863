import TollgateCertificates

/// The commercial terms every simulated channel has: where its agents sell, what, under which
/// models, and the price floors the root and the general agents set.
enum ChannelTerms {
    /// Country sets of the general agents, in order; regional agents get two countries of theirs.
    static let countrySets = [["AT", "CH", "DE"], ["BE", "FR", "LU"], ["CA", "MX", "US"], ["JP", "KR", "SG"],
                              ["AD", "ES", "PT"], ["IT", "MT", "SM"], ["GB", "IE", "IM"], ["AU", "FJ", "NZ"]]
    static let products = ["cad": ["export", "render"], "cam": ["post"]]
    static let models = ["perpetual", "subscription", "trial"]
    /// The models the root grants: `floating` too when the scenario sells floating seats (or plants
    /// a cheat that needs them), `metered` when it sells metered use, else the certificates are
    /// what they always were.
    static func models(floating: Bool, metered: Bool) -> [String] {
        models + (floating ? [FloatingTerms.model] : []) + (metered ? [License.meteredModel] : [])
    }
    /// The feature metered licenses meter, and the price of a unit past the allowance (minor units).
    static let meteredFeature = "render"
    static let meteredUnitPrice: Int64 = 2
    /// The free trials the certificates grant when a scenario plants extra trials.
    static let freeTrials = TrialAllowance(days: 14, perCustomer: 1)
    static let currency = "EUR"
    static let generalFloor: Int64 = 1_000
    static let regionalFloor: Int64 = 1_200
    /// What adding render costs at least, by upgrade or add-on, per seat.
    static let featureFloors = [currency: ["render": Int64(500)]]
}

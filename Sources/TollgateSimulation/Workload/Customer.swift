import TollgateCertificates
import TollgateNode

/// An end customer of a regional agent: what it bought and its machines.
struct Customer {
    let id: Int
    let country: String
    var name: String { "customer-\(id)" }
    /// The license as it stands (the latest renewal), kept only for a license that can lapse: the
    /// lapse check is the one step that reads it again (see ``CustomerDesk/wallet(_:expires:)``).
    var file: LicenseFile?
    /// Hash of the first license of the lineage: machine requests name it.
    var lineage: String?
    var model = "perpetual"
    var seats: UInt64 = 1
    var territory: [String] = []
    /// When the license ends (Unix seconds), for subscriptions and trials.
    var expires: Int64?
    var machines: [CustomerMachine] = []
    /// The machine taken abroad, made when the trip is planned.
    var travelMachine: CustomerMachine?
    /// The machine that tries to activate once the license has lapsed, made when the lapse is planned.
    var lateMachine: CustomerMachine?
    /// Activations it made on a stand-in machine.
    var emergencies = 0
    /// What it bought and paid, from each license it was handed (the sale, then each renewal, in
    /// order): its own tally, which the root's revenue reports must equal (``RevenueTally``).
    var purchases: [RevenueSale] = []
    /// For a floating license: the team sharing it and the leases it was handed.
    var team: FloatingTeam?
    /// Whether an agent ever activated a machine on its license.
    var activated = false
}

import TollgateCertificates

/// A cheat resolved for one run: which node, which cheat, when; and once carried out, the forged
/// objects, so the checker can feed them to the verifier and look for the finding.
struct PlantedCheat {
    let node: Int
    let cheat: Cheat
    let at: Int64
    var executedAt: Int64?
    var attempts = 0
    /// What was forged, for the report.
    var detail = ""
}

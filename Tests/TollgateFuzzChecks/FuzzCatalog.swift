/// Every fuzz target's check, by name: what the replay tests walk and `Tests/Fuzz/run.sh` names.
public enum FuzzCatalog {
    public static var checks: [any FuzzCheck.Type] {
        [
            HTTPHeadCheck.self,
            HTTPConnectionCheck.self,
            JWSCheck.self,
            CanonicalJSONCheck.self,
            SignedNoteCheck.self,
            ScenarioCheck.self,
            RequestFileCheck.self,
            PushBodyCheck.self,
        ]
    }

    /// The check called `name`, if any.
    public static func check(named name: String) -> (any FuzzCheck.Type)? {
        checks.first { $0.name == name }
    }
}

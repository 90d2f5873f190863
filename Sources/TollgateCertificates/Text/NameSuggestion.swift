/// The known name closest to one typed, for values that name things (a product, a model, a
/// customer) the way `did you mean '--anchor'?` serves options: the same distance and threshold.
public enum NameSuggestion {
    /// The closest of `known` to `typed` when it is close enough to be a slip; nil otherwise.
    /// Case is ignored, so `CAD-pro` finds `cad-pro`.
    public static func closest(to typed: String, among known: some Sequence<String>) -> String? {
        let lowered = typed.lowercased()
        let scored = known.map { (name: $0, distance: EditDistance.between(lowered, $0.lowercased())) }
        guard let best = scored.min(by: { ($0.distance, $0.name) < ($1.distance, $1.name) }),
              EditDistance.isClose(best.distance, to: typed) else { return nil }
        return best.name
    }

    /// `"; did you mean 'cad-pro'?"`, or nothing when no known name is close.
    public static func hint(for typed: String, among known: some Sequence<String>) -> String {
        closest(to: typed, among: known).map { "; did you mean '\($0)'?" } ?? ""
    }

    /// Up to `limit` of `known`, nearest to `typed` first: those that contain it or that it contains
    /// (case ignored: `muster` finds `Muster GmbH`), then by edit distance, however far. For names
    /// typed in full that a slip threshold would miss, such as customers' names.
    public static func nearest(to typed: String, among known: some Sequence<String>, limit: Int = 3) -> [String] {
        let lowered = typed.lowercased()
        let scored = Set(known).map { name -> (name: String, contained: Bool, distance: Int) in
            let other = name.lowercased()
            return (name, !lowered.isEmpty && (other.contains(lowered) || lowered.contains(other)), EditDistance.between(lowered, other))
        }
        return scored.sorted { ($0.contained ? 0 : 1, $0.distance, $0.name) < ($1.contained ? 0 : 1, $1.distance, $1.name) }
            .prefix(limit).map(\.name)
    }
}

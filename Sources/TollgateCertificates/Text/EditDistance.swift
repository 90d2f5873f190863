/// How far apart two words are, for suggesting the command, option or name the user meant. Here,
/// below the node and the command line, so both suggest by the same measure.
public enum EditDistance {
    /// Levenshtein distance: insertions, deletions and substitutions of characters.
    public static func between(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = Array(repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// Whether `distance` is a slip of the keyboard for a word as long as `word`, not another word.
    public static func isClose(_ distance: Int, to word: String) -> Bool {
        distance <= max(1, word.count / 3)
    }
}

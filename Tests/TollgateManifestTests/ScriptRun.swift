/// What one run of a Deploy script did: its exit status and everything it printed.
struct ScriptRun {
    var status: Int32
    var output: String

    /// The directory after "== logs in " (Deploy/test.sh prints it first and last).
    var logDirectory: String? {
        output.split(separator: "\n").first { $0.hasPrefix("== logs in ") }.map { String($0.dropFirst("== logs in ".count)) }
    }
}

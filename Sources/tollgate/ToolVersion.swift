/// The version `tollgate --version` prints; raised with each release, so a bug report names what ran.
enum ToolVersion {
    static let current = "0.9.0"
}

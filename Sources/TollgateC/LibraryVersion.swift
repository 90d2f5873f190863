/// The library's version, as `tollgate_version()` returns it and the pkg-config file states it.
/// Raised with the tool's version at each release; the major number is the ABI's (the soname).
enum LibraryVersion {
    static let current = "0.9.0"
}

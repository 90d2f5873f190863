/// The strings the C API returns that live as long as the process: the version and the status
/// names. Made once, never changed or freed, so any thread may read them.
final class StaticCStrings: @unchecked Sendable { // immutable after init and never freed: safe to share
    static let shared = StaticCStrings()

    let version: UnsafePointer<CChar>
    private let names: [Int32: UnsafePointer<CChar>]

    private init() {
        version = UnsafePointer(OwnedCString.leaked(LibraryVersion.current))
        var names: [Int32: UnsafePointer<CChar>] = [LibraryStatus.ok: UnsafePointer(OwnedCString.leaked("ok"))]
        for (code, number) in LibraryStatus.failures { names[number] = UnsafePointer(OwnedCString.leaked(code.rawValue)) }
        self.names = names
    }

    /// The name of status `number`, nil for a number no status has.
    func name(of number: Int32) -> UnsafePointer<CChar>? { names[number] }
}

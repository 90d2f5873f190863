#if canImport(Glibc)
import Glibc
#endif

/// The platform string requests and activations carry, e.g. `linux-x86_64`.
public enum MachinePlatform {
    /// The running system's name and architecture from `uname(2)`, lowercased.
    public static var current: String {
        var name = utsname()
        guard uname(&name) == 0 else { return "unknown" }
        let system = field(&name.sysname).lowercased()
        let machine = field(&name.machine).lowercased()
        return "\(system.isEmpty ? "unknown" : system)-\(machine.isEmpty ? "unknown" : machine)"
    }

    private static func field<T>(_ tuple: inout T) -> String {
        withUnsafeBytes(of: &tuple) { buffer in
            let bytes = buffer.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

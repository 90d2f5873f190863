import Foundation
import Glibc

/// This machine as the Debian package test needs it: root, with dpkg and the tools to check what
/// it installs, and without Tollgate's packages installed already (the test would replace them).
enum PackageMachine {
    /// Why the packages cannot be installed here, "" when they can.
    static let whyNot: String = {
        if getuid() != 0 { return "not root: dpkg -i cannot install the packages" }
        for tool in ["dpkg-deb", "dpkg", "pkg-config", "cc", "curl"] where (try? LibraryProcess.run("/bin/sh", ["-c", "command -v \(tool)"]).status) != 0 {
            return "\(tool) is missing: the packages cannot be built or checked"
        }
        for package in ["tollgate", "libtollgate"] where installed(package) {
            return "package \(package) is already installed on this machine; the test would replace it (dpkg -r \(package))"
        }
        return ""
    }()

    /// Whether dpkg has `package` installed.
    static func installed(_ package: String) -> Bool {
        let outcome = try? LibraryProcess.run("/usr/bin/env", ["dpkg-query", "-W", "-f=${Status}", package])
        return outcome?.output.contains("install ok installed") ?? false
    }
}

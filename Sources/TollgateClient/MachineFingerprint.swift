import Foundation
import TollgateCrypto

/// A stable fingerprint of this Linux machine for one vendor product: SHA-256 (base64url) of a
/// domain-separation prefix, the systemd machine id and the product id. The same machine gives a
/// different fingerprint for every product, and the raw machine id never leaves the machine.
public struct MachineFingerprint: Hashable, CustomStringConvertible {
    /// Where the machine id is read from, in order: systemd's file, then the D-Bus copy older systems keep.
    public static let machineIDPaths = ["/etc/machine-id", "/var/lib/dbus/machine-id"]
    /// Prefix of the hashed input, so this hash can never collide with another use of the machine id.
    static let domain = "tollgate-machine-fingerprint/1"

    /// base64url of the SHA-256 digest: what activations and requests carry.
    public let value: String
    /// The product the fingerprint was derived for.
    public let product: String

    /// Reads the machine id through `files` and derives the fingerprint for `product`.
    /// - Throws: `.machineIDMissing` when no machine id file holds an id; `.invalidArgument` for an empty product.
    public init(product: String, files: SystemFileReader = .live) throws(ClientError) {
        guard !product.isEmpty else { throw ClientError(.invalidArgument, "the product id is empty") }
        var tried: [String] = []
        for path in Self.machineIDPaths {
            guard let bytes = files.contents(of: path) else {
                tried.append("\(path) is missing")
                continue
            }
            let id = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            // systemd writes "uninitialized" until the first boot has completed.
            guard !id.isEmpty, id != "uninitialized" else {
                tried.append("\(path) holds no machine id")
                continue
            }
            self.init(machineID: id, product: product)
            return
        }
        throw ClientError(.machineIDMissing, "cannot fingerprint this machine: \(tried.joined(separator: ", ")) (run systemd-machine-id-setup)")
    }

    /// The fingerprint of a known machine id for `product`.
    public init(machineID: String, product: String) {
        let input = Array(Self.domain.utf8) + [0] + Array(machineID.utf8) + [0] + Array(product.utf8)
        self.value = Base64URL.encode(SHA256Digest.hash(input))
        self.product = product
    }

    public var description: String { value }
}

extension MachineFingerprint: Sendable {}

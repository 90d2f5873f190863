import Foundation
import TollgateClient
import TollgateWire

// This machine: its fingerprint, and the offline activation by files (request out, response in).

@_cdecl("tollgate_machine_fingerprint")
public func tollgate_machine_fingerprint(_ handle: OpaquePointer?, _ product: UnsafePointer<CChar>?,
                                         _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int,
                                         _ length: UnsafeMutablePointer<Int>?) -> Int32 {
    CallArguments.call(handle) { (handle) throws(LibraryError) in
        let fingerprint: String
        if let product = try CallArguments.optionalText(product, "product") {
            do throws(ClientError) {
                fingerprint = try MachineFingerprint(product: product).value
            } catch {
                throw LibraryError(error)
            }
        } else {
            guard case .wallet(let wallet) = handle.source else {
                throw LibraryError(.invalidArgument, "name the product, or open a wallet, to fingerprint this machine")
            }
            fingerprint = wallet.fingerprint.value
        }
        try CallArguments.copy(fingerprint, into: buffer, size: size, length: length)
    }
}

@_cdecl("tollgate_write_activation_request")
public func tollgate_write_activation_request(_ handle: OpaquePointer?, _ country: UnsafePointer<CChar>?,
                                              _ path: UnsafePointer<CChar>?, _ now: Int64) -> Int32 {
    CallArguments.call(handle) { (handle) throws(LibraryError) in
        let wallet = try handle.requireWallet(for: "write an activation request")
        let country = try CallArguments.text(country, "country")
        let path = try CallArguments.text(path, "path")
        let at = try CallArguments.time(now)
        let request: String
        do throws(ClientError) {
            request = try wallet.activationRequest(country: country, at: at)
        } catch {
            throw LibraryError(error)
        }
        do {
            try Data((request + "\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw LibraryError(.fileAccess, "cannot write the request \(path): \(error.localizedDescription)")
        }
    }
}

@_cdecl("tollgate_install_response")
public func tollgate_install_response(_ handle: OpaquePointer?, _ path: UnsafePointer<CChar>?, _ now: Int64) -> Int32 {
    CallArguments.call(handle) { (handle) throws(LibraryError) in
        let wallet = try handle.requireWallet(for: "install a response")
        let path = try CallArguments.text(path, "path")
        let data = try CallArguments.file(path, what: "response file")
        let at = try CallArguments.time(now)
        do throws(ClientError) {
            _ = try wallet.install(try ActivationReceipt.read(data), at: at)
        } catch {
            throw LibraryError(error)
        }
    }
}

import Foundation
import TollgateCertificates

// What a handle verifies against and what it verifies: the vendor's key, a license file and
// activation or a machine wallet, this machine's identity, revocations.

@_cdecl("tollgate_load_key_pem")
public func tollgate_load_key_pem(_ handle: OpaquePointer?, _ pem: UnsafePointer<CChar>?) -> Int32 {
    CallArguments.call(handle) { (handle) throws(LibraryError) in
        try handle.loadKey(pem: CallArguments.text(pem, "pem"))
    }
}

@_cdecl("tollgate_load_key_file")
public func tollgate_load_key_file(_ handle: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> Int32 {
    CallArguments.call(handle) { (handle) throws(LibraryError) in
        let path = try CallArguments.text(path, "path")
        let data = try CallArguments.file(path, what: "vendor's key")
        try handle.loadKey(pem: String(decoding: data, as: UTF8.self))
    }
}

@_cdecl("tollgate_open_license")
public func tollgate_open_license(_ handle: OpaquePointer?, _ licensePath: UnsafePointer<CChar>?,
                                  _ activationPath: UnsafePointer<CChar>?) -> Int32 {
    CallArguments.call(handle) { (handle) throws(LibraryError) in
        let licensePath = try CallArguments.text(licensePath, "license_path")
        let activationPath = try CallArguments.optionalText(activationPath, "activation_path")
        let license = try CallArguments.licenseFile(licensePath)
        var activation: String?
        if let activationPath {
            let text = String(decoding: try CallArguments.file(activationPath, what: "activation"), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            do throws(VerificationError) {
                _ = try SignedActivation(compact: text)
            } catch {
                throw LibraryError(.malformed, "\(activationPath): \(error)", verification: error)
            }
            activation = text
        }
        handle.openFiles(license: license, activation: activation)
    }
}

@_cdecl("tollgate_open_wallet")
public func tollgate_open_wallet(_ handle: OpaquePointer?, _ directory: UnsafePointer<CChar>?) -> Int32 {
    CallArguments.call(handle) { (handle) throws(LibraryError) in
        try handle.openWallet(at: URL(fileURLWithPath: CallArguments.text(directory, "directory")))
    }
}

@_cdecl("tollgate_create_wallet")
public func tollgate_create_wallet(_ handle: OpaquePointer?, _ directory: UnsafePointer<CChar>?,
                                   _ product: UnsafePointer<CChar>?) -> Int32 {
    CallArguments.call(handle) { (handle) throws(LibraryError) in
        let directory = try CallArguments.text(directory, "directory")
        try handle.createWallet(at: URL(fileURLWithPath: directory), product: CallArguments.text(product, "product"))
    }
}

@_cdecl("tollgate_import_license")
public func tollgate_import_license(_ handle: OpaquePointer?, _ path: UnsafePointer<CChar>?, _ now: Int64) -> Int32 {
    CallArguments.call(handle) { (handle) throws(LibraryError) in
        let license = try CallArguments.licenseFile(CallArguments.text(path, "path"))
        try handle.importLicense(license, at: CallArguments.time(now))
    }
}

@_cdecl("tollgate_set_machine")
public func tollgate_set_machine(_ handle: OpaquePointer?, _ machineKey: UnsafePointer<CChar>?,
                                 _ fingerprint: UnsafePointer<CChar>?) -> Int32 {
    CallArguments.call(handle) { (handle) throws(LibraryError) in
        let key = try CallArguments.text(machineKey, "machine_key")
        guard !key.isEmpty else { throw LibraryError(.invalidArgument, "machine_key is empty") }
        handle.setMachine(MachineIdentity(machineKey: key, fingerprint: try CallArguments.optionalText(fingerprint, "fingerprint")))
    }
}

@_cdecl("tollgate_add_revocation")
public func tollgate_add_revocation(_ handle: OpaquePointer?, _ revocation: UnsafePointer<CChar>?, _ now: Int64) -> Int32 {
    CallArguments.call(handle) { (handle) throws(LibraryError) in
        let compact = try CallArguments.text(revocation, "revocation").trimmingCharacters(in: .whitespacesAndNewlines)
        try handle.addRevocation(compact, at: CallArguments.time(now))
    }
}

import Foundation
import TollgateCertificates

/// Reads what C callers pass in, naming the parameter of any argument that cannot be used.
enum CallArguments {
    /// `now` values meaning "the system clock" (`TOLLGATE_NOW`).
    static let systemClock: Int64 = -1

    /// The handle behind `pointer`, which `tollgate_create` made.
    static func handle(_ pointer: OpaquePointer?) -> LibraryHandle? {
        guard let pointer else { return nil }
        return Unmanaged<LibraryHandle>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }

    /// Runs `body` on the handle with the last failure cleared and returns the call's status; a
    /// null handle is `TOLLGATE_INVALID_ARGUMENT` with nowhere to put a message.
    static func call(_ pointer: OpaquePointer?, _ body: (LibraryHandle) throws(LibraryError) -> Void) -> Int32 {
        guard let handle = handle(pointer) else { return LibraryStatus.number(of: .invalidArgument) ?? 1 }
        handle.clearFailure()
        do throws(LibraryError) {
            try body(handle)
            return LibraryStatus.ok
        } catch {
            return handle.record(error)
        }
    }

    /// A NUL-terminated UTF-8 string argument.
    static func text(_ pointer: UnsafePointer<CChar>?, _ parameter: String) throws(LibraryError) -> String {
        guard let pointer else { throw LibraryError(.invalidArgument, "\(parameter) is NULL") }
        guard let text = String(validatingCString: pointer) else {
            throw LibraryError(.invalidArgument, "\(parameter) is not UTF-8 text")
        }
        return text
    }

    /// An optional string argument: NULL stands for none.
    static func optionalText(_ pointer: UnsafePointer<CChar>?, _ parameter: String) throws(LibraryError) -> String? {
        guard pointer != nil else { return nil }
        return try text(pointer, parameter)
    }

    /// A time in Unix seconds, `TOLLGATE_NOW` for the system clock.
    static func time(_ now: Int64) throws(LibraryError) -> Int64 {
        if now == systemClock { return Int64(Date().timeIntervalSince1970) }
        guard now >= 0 else { throw LibraryError(.invalidArgument, "now is \(now): give Unix seconds or TOLLGATE_NOW (-1)") }
        return now
    }

    /// The contents of the file at `path`.
    static func file(_ path: String, what: String) throws(LibraryError) -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw LibraryError(.fileAccess, "cannot read the \(what) \(path): \(error.localizedDescription)")
        }
    }

    /// The license file at `path`, parsed (not verified).
    static func licenseFile(_ path: String) throws(LibraryError) -> LicenseFile {
        let data = try file(path, what: "license file")
        do throws(VerificationError) {
            return try LicenseFile(data: data)
        } catch {
            throw LibraryError(.malformed, "\(path): \(error)", verification: error)
        }
    }

    /// Writes `value` through a non-null out pointer.
    static func store<Value>(_ value: Value, _ pointer: UnsafeMutablePointer<Value>?, _ parameter: String) throws(LibraryError) {
        guard let pointer else { throw LibraryError(.invalidArgument, "\(parameter) is NULL") }
        pointer.pointee = value
    }

    /// Copies `text` and a NUL into the caller's buffer of `size` bytes, writing the length
    /// without the NUL to `length` first (when non-null), so a caller can size the buffer.
    static func copy(_ text: String, into buffer: UnsafeMutablePointer<CChar>?, size: Int, length: UnsafeMutablePointer<Int>?) throws(LibraryError) {
        let bytes = Array(text.utf8)
        length?.pointee = bytes.count
        guard let buffer, size > bytes.count else {
            throw LibraryError(.bufferTooSmall, "\(bytes.count + 1) bytes are needed, the buffer has \(buffer == nil ? 0 : size)")
        }
        for (index, byte) in bytes.enumerated() { buffer[index] = CChar(bitPattern: byte) }
        buffer[bytes.count] = 0
    }
}

/// A NUL-terminated copy of a string that C code may read until the owner replaces or drops it:
/// what `tollgate_message` and `tollgate_rule` hand out, so the caller never frees anything they
/// did not allocate.
final class OwnedCString {
    let pointer: UnsafeMutablePointer<CChar>

    init(_ text: String) {
        pointer = Self.leaked(text)
    }

    /// A NUL-terminated copy of `text` nobody frees: for strings that live as long as the process.
    static func leaked(_ text: String) -> UnsafeMutablePointer<CChar> {
        let bytes = Array(text.utf8)
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
        for (index, byte) in bytes.enumerated() { pointer[index] = CChar(bitPattern: byte) }
        pointer[bytes.count] = 0
        return pointer
    }

    deinit { pointer.deallocate() }
}

// The handle's life and what it tells about the last call: tollgate_create, tollgate_destroy,
// tollgate_message, tollgate_rule, tollgate_object, tollgate_status_name, tollgate_version.

@_cdecl("tollgate_version")
public func tollgate_version() -> UnsafePointer<CChar> {
    StaticCStrings.shared.version
}

@_cdecl("tollgate_status_name")
public func tollgate_status_name(_ status: Int32) -> UnsafePointer<CChar>? {
    StaticCStrings.shared.name(of: status)
}

@_cdecl("tollgate_create")
public func tollgate_create(_ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    guard let out else { return LibraryStatus.number(of: .invalidArgument) ?? 1 }
    out.pointee = OpaquePointer(Unmanaged.passRetained(LibraryHandle()).toOpaque())
    return LibraryStatus.ok
}

@_cdecl("tollgate_destroy")
public func tollgate_destroy(_ handle: OpaquePointer?) {
    guard let handle else { return }
    Unmanaged<LibraryHandle>.fromOpaque(UnsafeRawPointer(handle)).release()
}

@_cdecl("tollgate_message")
public func tollgate_message(_ handle: OpaquePointer?) -> UnsafePointer<CChar>? {
    CallArguments.handle(handle).map { UnsafePointer($0.message.pointer) }
}

@_cdecl("tollgate_rule")
public func tollgate_rule(_ handle: OpaquePointer?) -> UnsafePointer<CChar>? {
    CallArguments.handle(handle).map { UnsafePointer($0.rule.pointer) }
}

@_cdecl("tollgate_object")
public func tollgate_object(_ handle: OpaquePointer?) -> UnsafePointer<CChar>? {
    CallArguments.handle(handle).map { UnsafePointer($0.object.pointer) }
}
